package tui

import (
	"context"
	"fmt"
	"os"
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
	modNewInline  = "new-inline"
	modBuckets    = "buckets"
	modActivities = "activities"
	modGuardrails = "guardrails"
)

// newInlineTemplate is where a new inline policy starts: one statement to
// fill in, valid as it stands.
const newInlineTemplate = `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": [
        "s3:GetObject"
      ],
      "Resource": [
        "arn:aws:s3:::BUCKET/*"
      ]
    }
  ]
}`

// modifyPrefill starts the modify flow with what is known: the role, the
// changes already picked (fix-trust, from the change flow), and the flow
// to go back to once it has run.
type modifyPrefill struct {
	role    string
	actions []string
	back    *returnTo
}

// modifyState holds the answers of the modify flow.
type modifyState struct {
	role    rolePick
	actions []string

	attachARN    string
	edits        map[string]*string // inline policy name → its document as edited
	newName      string             // a new inline policy's name
	newDoc       string             // and its document
	editor       *policyEditor      // the editor, to know whether a document was kept anyway
	buckets      []string
	otherBuckets string
	activities   []string
	guardrails   []string
	settings     scopeSettings

	roles          rolesRead
	accountBuckets bucketsRead
	granted        roleBuckets // what the role already has, marked in the picker
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
	return newModifyWith(c, modifyPrefill{role: role})
}

func newModifyWith(c *ProgramContext, pre modifyPrefill) *flow {
	role := pre.role
	if rules.IsARN(role) {
		role = rules.RoleNameFromARN(role)
	}
	st := &modifyState{role: rolePick{choice: role}, actions: pre.actions, edits: map[string]*string{}, newDoc: newInlineTemplate}
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
			form:  func(k *kit) *huh.Form { return st.changesForm(k) },
		},
		{
			name:   "Attach",
			fields: []string{"attach"},
			skip:   func() bool { return !st.has(modAttach) },
			form: func(k *kit) *huh.Form {
				return k.form(k.input("attachARN", "Managed policy ARN to attach", "arn:aws:iam::ACCOUNT:policy/NAME, or arn:aws:iam::aws:policy/NAME for AWS's own",
					&st.attachARN, rules.PolicyARN).Placeholder("arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"))
			},
		},
		{
			name:   "New policy",
			fields: []string{"policy name"},
			skip:   func() bool { return !st.has(modNewInline) },
			form: func(k *kit) *huh.Form {
				return k.form(k.input("newName", "Name of the new inline policy", "1 to 128 letters, digits and + = , . @ _ -; not one the role has",
					&st.newName, st.newNameCheck))
			},
		},
		{
			name:   "Edit policy",
			fields: []string{"put-inline", "policy", "policy size"},
			skip:   func() bool { return !st.has(modEdit) && !st.has(modNewInline) },
			screen: func() stepScreen {
				st.editor = newPolicyEditor(c, st.editDocs(), checkInline, policyLint(c))
				return st.editor
			},
			plain: func(k *kit) *huh.Form { return st.filesForm(k) },
		},
		{
			name:    "Buckets",
			fields:  []string{"add-bucket", "bucket", "prefix"},
			skip:    func() bool { return !st.has(modBuckets) },
			ready:   func() bool { return st.accountBuckets.done && st.granted.ready(st.role.value()) },
			waiting: "Reading the account's S3 buckets and what the role has",
			fetch:   func() load { return st.granted.fetch(c, st.role.value()) },
			form:    func(k *kit) *huh.Form { return st.bucketForm(k) },
		},
		{
			name:   "Activities",
			fields: []string{"add-activity", "activity"},
			skip:   func() bool { return !st.has(modActivities) },
			form: func(k *kit) *huh.Form {
				return k.form(k.pickMany("activities", "Activities to add", "merged into the role's sagerole-scope policy",
					choiceOptions(c, policy.Activities()), &st.activities).Height(len(policy.Activities()) + 2))
			},
		},
		{
			name:   "Options",
			fields: []string{"ECR repository", "KMS key", "log groups", "vpc"},
			skip:   func() bool { return !st.has(modActivities) },
			form:   func(k *kit) *huh.Form { return k.form(st.settings.optionFields(k, st.activities)...) },
		},
		{
			name:   "Guardrails",
			fields: []string{"guardrail"},
			skip:   func() bool { return !st.has(modGuardrails) },
			form: func(k *kit) *huh.Form {
				return k.form(k.pickMany("guardrails", "Guardrails to add", "Deny statements that hold whatever else the role allows",
					choiceOptions(c, policy.Guardrails()), &st.guardrails).Height(len(policy.Guardrails()) + 2))
			},
		},
		{
			name:   "Settings",
			fields: []string{"instance type", "source IP", "VPC endpoint", "tag"},
			skip:   func() bool { return len(st.settings.fields(newKit(c), st.addedGuardrails())) == 0 },
			form:   func(k *kit) *huh.Form { return k.form(st.settings.fields(k, st.addedGuardrails())...) },
		},
	}...)
	f.remedy = func(ie *rules.InputError) (string, *offer) {
		switch ie.Flag {
		case "--create-missing":
			return "create it first with “Add S3 buckets to a role” (it offers to create typed buckets), or pick another", nil
		case "--detach":
			return "pick one to detach in the same run", nil
		}
		return "", nil
	}
	f.plan = func(ctx context.Context) (*review, error) {
		if len(st.actions) == 0 {
			return nil, &rules.InputError{Field: "change", Msg: "no change picked: pick at least one in the list (x or space)"}
		}
		in, err := st.input()
		if err != nil {
			return nil, err
		}
		ref, _ := c.iamRef()
		res, err := modify.Plan(ctx, b, in, modify.Options{Uses: modify.AccountUses(b), Reference: ref})
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
		rv.impact = modifyImpact(res.Role.Name, res.UsedBy, radius)
		name := res.Role.Name
		rv.next = []nextAction{
			{key: "o", label: "modify it again", short: "modify again", open: func(c *ProgramContext) Child { return newModify(c, name) }},
			{key: "f", label: "find who runs as it", short: "find", open: func(c *ProgramContext) Child { return newFind(c) }},
		}
		if pre.back != nil {
			rv.next = append([]nextAction{{key: "u", label: pre.back.label, short: "back", back: pre.back}}, rv.next...)
		}
		return rv, nil
	}
	return f
}

// modifyImpact is who runs as the role, one line each: a count, then the
// identities (each once), with the apps that keep the old permissions.
func modifyImpact(role string, uses []modify.Use, radius string) []string {
	if len(uses) == 0 {
		return []string{radius}
	}
	out := []string{fmt.Sprintf("%d %s as %s and get this change:", len(uses), plural(len(uses), "identity runs", "identities run"), role)}
	for _, u := range uses {
		line := "  " + modify.UseLabel(u)
		if len(u.RunningApps) > 0 {
			line += ": running " + strings.Join(u.RunningApps, ", ") + " keep the old permissions until restarted"
		}
		out = append(out, line)
	}
	return out
}

// addedGuardrails are the guardrails being added ("" when none is).
func (st *modifyState) addedGuardrails() []string {
	if st.has(modGuardrails) {
		return st.guardrails
	}
	return nil
}

// newNameCheck refuses a policy name IAM would refuse, or one the role
// already has (edit that one instead).
func (st *modifyState) newNameCheck(name string) error {
	if err := rules.PolicyName(name); err != nil {
		return err
	}
	if st.details != nil {
		for _, p := range st.details.InlinePolicies {
			if strings.EqualFold(p.Name, name) {
				return &rules.InputError{Field: "policy name", Msg: fmt.Sprintf("role %s already has an inline policy %s: pick “edit inline policy %s” instead, or another name", st.role.value(), p.Name, p.Name)}
			}
		}
	}
	return nil
}

// editDocs are the documents the editor edits: every inline policy picked
// for editing, as it is (or as edited so far), then the new one.
func (st *modifyState) editDocs() []policyDoc {
	var docs []policyDoc
	for _, a := range st.actions {
		name, ok := strings.CutPrefix(a, modEdit)
		if !ok {
			continue
		}
		cur := ""
		for _, p := range st.details.InlinePolicies {
			if p.Name == name {
				cur = strings.Join(prettyJSON(string(p.Document)), "\n")
			}
		}
		doc, ok := st.edits[name]
		if !ok {
			d := cur
			doc = &d
			st.edits[name] = doc
		}
		docs = append(docs, policyDoc{name: name, text: doc, original: cur})
	}
	if st.has(modNewInline) {
		docs = append(docs, policyDoc{name: strings.TrimSpace(st.newName), text: &st.newDoc, original: newInlineTemplate})
	}
	return docs
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
func (st *modifyState) changesForm(k *kit) *huh.Form {
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
		opts = append(opts, huh.NewOption("create a new inline policy", modNewInline))
		opts = append(opts,
			huh.NewOption("add S3 buckets", modBuckets),
			huh.NewOption("add ML activities", modActivities),
			huh.NewOption("add guardrails", modGuardrails))
	}
	for i, o := range opts {
		opts[i] = o.Selected(slices.Contains(st.actions, o.Value))
	}
	return k.form(k.pickMany("actions", "What to change in "+st.role.value(),
		"x or space picks; each change is shown as a diff before anything is sent", opts, &st.actions).
		Height(min(len(opts)+2, 13)))
}

// checkInline is the modify flow's refusal of an inline policy document.
func checkInline(name, doc string) error {
	return modify.CheckPermissionsPolicy("inline policy "+name, doc)
}

// filesForm is the editor in accessible mode: each document is read from a
// file, as the command line's --put-inline NAME=FILE does, and checked as
// the editor checks it.
func (st *modifyState) filesForm(k *kit) *huh.Form {
	var fields []huh.Field
	for _, d := range st.editDocs() {
		path := new(string)
		desc := "a JSON file; empty keeps the document as it is"
		if d.original == newInlineTemplate {
			desc = "a JSON file with the new policy"
		}
		check := func(p string) error {
			if p == "" && d.original != newInlineTemplate {
				return nil
			}
			b, err := os.ReadFile(strings.TrimSpace(p))
			if err != nil {
				return inputErr("put-inline", fmt.Sprintf("the file for inline policy %s cannot be read: %v", d.name, err))
			}
			if f, bad := jsonError(string(b)); bad {
				return inputErr("put-inline", fmt.Sprintf("the file for inline policy %s is not a policy: %s", d.name, f))
			}
			if err := checkInline(d.name, string(b)); err != nil {
				return err
			}
			for _, f := range policyLint(k.c)(string(b)) {
				if f.severity == "error" {
					return inputErr("put-inline", fmt.Sprintf("the policy validator refuses the file for inline policy %s: %s", d.name, f))
				}
			}
			*d.text = string(b)
			return nil
		}
		fields = append(fields, k.input("file:"+d.name, "File with inline policy "+d.name, desc, path, check))
	}
	return k.form(fields...)
}

func (st *modifyState) bucketForm(k *kit) *huh.Form {
	fields := bucketPicker(k, &st.accountBuckets, "Buckets to add (read-write)", &st.buckets, st.granted.note)
	fields = append(fields, k.input("otherBuckets", "Other buckets (optional)", "BUCKET or BUCKET/PREFIX, comma-separated",
		&st.otherBuckets, checkGrants))
	return k.form(fields...)
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
				in.PutInline = append(in.PutInline, modify.Inline{Name: name, Document: *doc})
			}
		case a == modNewInline:
			in.PutInline = append(in.PutInline, modify.Inline{Name: strings.TrimSpace(st.newName), Document: st.newDoc})
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
	st.settings.apply(&in.Scope, in.Scope.Guardrails, st.has(modActivities))
	// Kept in the editor despite the validator's errors: put as it is.
	in.Force = st.editor != nil && st.editor.forced
	return in, in.Validate()
}

func noneIfEmpty(l []string) string {
	if len(l) == 0 {
		return "none"
	}
	return strings.Join(l, ", ")
}
