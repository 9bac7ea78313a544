package tui

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"charm.land/huh/v2"

	"github.com/sagerole/sagerole/awsops/rules"
	"github.com/sagerole/sagerole/flows/modify"
	"github.com/sagerole/sagerole/flows/policy"
)

// What the modify flow can do, as the values of its "what to change"
// multi-select. Detach, delete and edit carry the policy after a colon.
const (
	modFixTrust   = "fix-trust"
	modAttachFull = "attach-full"
	modAttach     = "attach"
	modDetach     = "detach:"
	modDelete     = "delete:"
	modEdit       = "edit:"
	modBuckets    = "buckets"
	modActivities = "activities"
	modGuardrails = "guardrails"
)

// modifyState holds the answers of the modify flow.
type modifyState struct {
	role    rolePick
	actions []string

	attachARN    string
	edits        map[string]*string // inline policy name → its document as edited
	buckets      []string
	otherBuckets string
	activities   []string
	guardrails   []string
	settings     scopeSettings

	roles          rolesRead
	accountBuckets bucketsRead
	// details is the role as it is, read once the role is picked.
	details    *modify.Details
	detailsFor string
	detailsErr error
	reading    bool
}

func (st *modifyState) has(prefix string) bool {
	for _, a := range st.actions {
		if a == prefix || (strings.HasSuffix(prefix, ":") && strings.HasPrefix(a, prefix)) {
			return true
		}
	}
	return false
}

func newModify(c *ProgramContext, role string) *flow {
	if rules.IsARN(role) {
		role = rules.RoleNameFromARN(role)
	}
	st := &modifyState{role: rolePick{choice: role}, edits: map[string]*string{}}
	// A role given (from find, or a result) is not asked for again.
	given := role != ""
	f := newFlow(c, "Modify role")
	b := c.Opts.Backend
	f.loads = []load{
		st.roles.load(c),
		st.accountBuckets.load(c),
	}
	f.steps = append(roleSteps(c, &st.roles, &st.role, "Which role?", given), []step{
		{
			name:    "Changes",
			fields:  []string{"change", "attach", "detach", "delete-inline", "trust policy"},
			ready:   func() bool { return st.details != nil && st.detailsFor == st.role.value() && !st.reading },
			waiting: "Reading the role's policies",
			fetch: func() load {
				if st.reading {
					return nil
				}
				st.reading = true
				role := st.role.value()
				return func(ctx context.Context) func() {
					d, err := modify.Show(ctx, b, role, modify.Options{})
					return func() {
						st.reading = false
						st.details, st.detailsFor, st.detailsErr = d, role, err
						if err != nil {
							st.details = &modify.Details{}
						}
					}
				}
			},
			intro: func() string { return st.summary(c) },
			form:  func() *huh.Form { return st.changesForm(c) },
		},
		{
			name:   "Attach",
			fields: []string{"attach"},
			skip:   func() bool { return !st.has(modAttach) },
			live:   map[string]func(string) error{"attachARN": rules.PolicyARN},
			form: func() *huh.Form {
				return huh.NewForm(huh.NewGroup(huh.NewInput().Key("attachARN").Title("Managed policy ARN to attach").
					Placeholder("arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess").Value(&st.attachARN).Validate(c.check(rules.PolicyARN))))
			},
		},
		{
			name:   "Edit policy",
			fields: []string{"put-inline", "policy", "policy size"},
			skip:   func() bool { return !st.has(modEdit) },
			form:   func() *huh.Form { return st.editForm(c) },
		},
		{
			name:    "Buckets",
			fields:  []string{"add-bucket", "bucket", "prefix"},
			skip:    func() bool { return !st.has(modBuckets) },
			ready:   func() bool { return st.accountBuckets.done },
			waiting: "Listing the account's S3 buckets",
			live:    map[string]func(string) error{"otherBuckets": checkGrants},
			form:    func() *huh.Form { return st.bucketForm(c) },
		},
		{
			name:   "Activities",
			fields: []string{"add-activity", "activity"},
			skip:   func() bool { return !st.has(modActivities) },
			form: func() *huh.Form {
				return huh.NewForm(huh.NewGroup(huh.NewMultiSelect[string]().Key("activities").Title("Activities to add").
					Description("merged into the role's sagerole-scope policy").
					Options(choiceOptions(c, policy.Activities())...).Value(&st.activities).
					Height(len(policy.Activities()) + 2)))
			},
		},
		{
			name:   "Guardrails",
			fields: []string{"guardrail"},
			skip:   func() bool { return !st.has(modGuardrails) },
			form: func() *huh.Form {
				return huh.NewForm(huh.NewGroup(huh.NewMultiSelect[string]().Key("guardrails").Title("Guardrails to add").
					Options(choiceOptions(c, policy.Guardrails())...).Value(&st.guardrails).
					Height(len(policy.Guardrails()) + 2)))
			},
		},
		{
			name:   "Settings",
			fields: []string{"instance type", "source IP", "VPC endpoint", "tag", "KMS key"},
			skip:   func() bool { return len(st.settingFields(c)) == 0 },
			form:   func() *huh.Form { return huh.NewForm(huh.NewGroup(st.settingFields(c)...)) },
		},
	}...)
	f.plan = func(ctx context.Context) (*review, error) {
		if len(st.actions) == 0 {
			return nil, &rules.InputError{Field: "change", Msg: "no change picked: pick at least one in the list (x or space)"}
		}
		in, err := st.input()
		if err != nil {
			return nil, err
		}
		res, err := modify.Plan(ctx, b, in, modify.Options{Uses: modify.AccountUses(c.session())})
		if err != nil {
			return nil, err
		}
		plan := res.Plan
		radius := modify.RadiusSentence(res.Role, res.UsedBy)
		var notes []string
		for _, n := range plan.Notes {
			if n != radius {
				notes = append(notes, n)
			}
		}
		plan.Notes = notes
		rv := newReview(c, "Modify role", plan)
		rv.impact = []string{radius}
		for _, u := range res.UsedBy {
			line := modify.UseLabel(u)
			if len(u.RunningApps) > 0 {
				line += ": running " + strings.Join(u.RunningApps, ", ") + " keep the old permissions until restarted"
			}
			rv.impact = append(rv.impact, line)
		}
		name := res.Role.Name
		rv.next = []nextAction{
			{key: "o", label: "modify it again", short: "modify again", open: func(c *ProgramContext) Child { return newModify(c, name) }},
			{key: "f", label: "find who runs as it", short: "find", open: func(c *ProgramContext) Child { return newFind(c) }},
		}
		return rv, nil
	}
	return f
}

// settingFields are the values the added activities and guardrails need.
func (st *modifyState) settingFields(c *ProgramContext) []huh.Field {
	var acts, guards []string
	if st.has(modActivities) {
		acts = st.activities
	}
	if st.has(modGuardrails) {
		guards = st.guardrails
	}
	return st.settings.fields(c, acts, guards)
}

// summary is the role as it is: the intro of the changes step.
func (st *modifyState) summary(c *ProgramContext) string {
	s := c.Styles
	d := st.details
	if st.detailsErr != nil {
		return s.Error.Render(wrapWords("✗ "+st.detailsErr.Error(), c.Width-2))
	}
	trust := s.OK.Render("✓ SageMaker can assume it")
	if !d.TrustsSageMaker {
		trust = s.Warn.Render("⚠ its trust policy does not let sagemaker.amazonaws.com assume it")
	}
	var att, inl []string
	for _, p := range d.AttachedPolicies {
		att = append(att, p.Name)
	}
	for _, p := range d.InlinePolicies {
		inl = append(inl, fmt.Sprintf("%s (%d)", p.Name, p.Size))
	}
	lines := []string{s.Bold.Render(d.Role.ARN), trust,
		fmt.Sprintf("attached (%d of %d): %s", d.Usage.AttachedPolicies, d.Usage.AttachedPoliciesQuota, noneIfEmpty(att)),
		fmt.Sprintf("inline (%d of %d characters): %s", d.Usage.InlineSize, d.Usage.InlineSizeQuota, noneIfEmpty(inl))}
	return wrapWords(strings.Join(lines, "\n"), c.Width-2)
}

// changesForm asks what to change in the role.
func (st *modifyState) changesForm(c *ProgramContext) *huh.Form {
	d := st.details
	var opts []huh.Option[string]
	if st.detailsErr == nil {
		if !d.TrustsSageMaker {
			opts = append(opts, huh.NewOption("fix the trust policy: let SageMaker assume the role", modFixTrust))
		}
		full := false
		for _, p := range d.AttachedPolicies {
			full = full || strings.HasSuffix(p.ARN, ":policy/AmazonSageMakerFullAccess")
		}
		if !full {
			opts = append(opts, huh.NewOption("attach AmazonSageMakerFullAccess", modAttachFull))
		}
		opts = append(opts, huh.NewOption("attach another managed policy (by ARN)", modAttach))
		for _, p := range d.AttachedPolicies {
			opts = append(opts, huh.NewOption("detach "+p.Name, modDetach+p.ARN))
		}
		for _, p := range d.InlinePolicies {
			opts = append(opts, huh.NewOption("edit inline policy "+p.Name, modEdit+p.Name))
			opts = append(opts, huh.NewOption("delete inline policy "+p.Name, modDelete+p.Name))
		}
		opts = append(opts,
			huh.NewOption("add S3 buckets", modBuckets),
			huh.NewOption("add ML activities", modActivities),
			huh.NewOption("add guardrails", modGuardrails))
	}
	for i, o := range opts {
		opts[i] = o.Selected(slices.Contains(st.actions, o.Value))
	}
	return huh.NewForm(huh.NewGroup(
		huh.NewMultiSelect[string]().Key("actions").Title("What to change in " + st.role.value()).
			Description("x or space picks; each change is shown as a diff before anything is sent").
			Options(opts...).Value(&st.actions).Height(min(len(opts)+2, 10)),
	))
}

// editForm has a text area per inline policy being edited, with its
// document as it is.
func (st *modifyState) editForm(c *ProgramContext) *huh.Form {
	var fields []huh.Field
	for _, a := range st.actions {
		name, ok := strings.CutPrefix(a, modEdit)
		if !ok {
			continue
		}
		doc, ok := st.edits[name]
		if !ok {
			cur := ""
			for _, p := range st.details.InlinePolicies {
				if p.Name == name {
					cur = strings.Join(prettyJSON(string(p.Document)), "\n")
				}
			}
			doc = &cur
			st.edits[name] = doc
		}
		what := "inline policy " + name
		fields = append(fields, huh.NewText().Key("edit:"+name).Title("Inline policy "+name).
			Description("edit the JSON; the review shows the diff").Lines(10).CharLimit(20000).Value(doc).
			Validate(c.check(func(s string) error { return rules.PolicyDocument(what, s) })))
	}
	return huh.NewForm(huh.NewGroup(fields...))
}

func (st *modifyState) bucketForm(c *ProgramContext) *huh.Form {
	fields := bucketPicker(&st.accountBuckets, "Buckets to add (read-write)", &st.buckets, nil)
	fields = append(fields, huh.NewInput().Key("otherBuckets").Title("Other buckets (optional)").
		Description("BUCKET or BUCKET/PREFIX, comma-separated").Value(&st.otherBuckets).
		Validate(c.check(checkGrants)))
	return huh.NewForm(huh.NewGroup(fields...))
}

// input is the flow's input from the answers.
func (st *modifyState) input() (modify.Input, error) {
	in := modify.Input{Role: st.role.value()}
	for _, a := range st.actions {
		switch {
		case a == modFixTrust:
			in.FixTrust = true
		case a == modAttachFull:
			in.Attach = append(in.Attach, modify.Full)
		case a == modAttach:
			in.Attach = append(in.Attach, strings.TrimSpace(st.attachARN))
		case strings.HasPrefix(a, modDetach):
			in.Detach = append(in.Detach, strings.TrimPrefix(a, modDetach))
		case strings.HasPrefix(a, modDelete):
			in.DeleteInline = append(in.DeleteInline, strings.TrimPrefix(a, modDelete))
		case strings.HasPrefix(a, modEdit):
			name := strings.TrimPrefix(a, modEdit)
			if doc := st.edits[name]; doc != nil {
				in.PutInline = append(in.PutInline, modify.Inline{Name: name, File: "the wizard's editor", Document: *doc})
			}
		case a == modBuckets:
			in.AddBuckets = append(append(in.AddBuckets, st.buckets...), splitList(st.otherBuckets)...)
		}
	}
	if st.has(modActivities) {
		in.Scope.Activities = st.activities
	}
	if st.has(modGuardrails) {
		in.Scope.Guardrails = st.guardrails
	}
	st.settings.apply(&in.Scope, in.Scope.Activities, in.Scope.Guardrails)
	return in, in.Validate()
}

func noneIfEmpty(l []string) string {
	if len(l) == 0 {
		return "none"
	}
	return strings.Join(l, ", ")
}
