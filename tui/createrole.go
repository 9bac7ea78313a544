package tui

import (
	"context"
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"

	"github.com/sagerole/sagerole/awsops/rules"
	"github.com/sagerole/sagerole/flows/createrole"
	"github.com/sagerole/sagerole/flows/policy"
)

// Scope choices of the wizard: FullAccess, or a custom scope from a
// persona or from activities.
const (
	scopeFull       = "full"
	scopePersona    = "persona"
	scopeActivities = "activities"
)

// createRolePrefill starts the flow with answers (e.g. from another screen).
type createRolePrefill struct {
	Name    string
	Buckets []string
	// back, when set, is the flow this one was opened from: its result
	// offers to go back to it with the new role.
	back *returnTo
}

// createRoleState holds the answers of the create-role flow; every field
// of its forms is bound to one of these, so going back keeps them.
type createRoleState struct {
	name, description, path, tags string

	scope      string
	persona    string
	activities []string
	guardrails []string
	settings   scopeSettings

	buckets       []string // picked from the account's
	otherBuckets  string   // typed: BUCKET or BUCKET/PREFIX, comma-separated
	readOnly      bool
	createMissing bool

	roles          rolesRead // to refuse a name that is taken, as it is typed
	accountBuckets bucketsRead
}

func newCreateRole(c *ProgramContext, pre createRolePrefill) *flow {
	st := &createRoleState{name: pre.Name, path: "/", scope: scopeFull, buckets: pre.Buckets}
	f := newFlow(c, "Create role")
	f.loads = []load{st.roles.load(c), st.accountBuckets.load(c)}
	custom := func() bool { return st.scope != scopeFull }
	f.steps = []step{
		{
			name:   "Name",
			fields: []string{"role name", "description", "path", "tag"},
			form: func(k *kit) *huh.Form {
				return k.form(
					k.input("name", "Role name", "1 to 64 letters, digits and + = , . @ _ -; not taken (case ignored)",
						&st.name, st.nameCheck).Placeholder("ds-role"),
					k.input("description", "Description (optional)", "up to 1,000 characters", &st.description, rules.Description),
					k.input("path", "Path", "/ or /a/b/", &st.path, rules.Path),
					k.input("tags", "Tags (optional)", "KEY=VALUE, comma-separated", &st.tags, checkTags).
						Placeholder("team=research, env=dev"),
				)
			},
		},
		{
			name:   "Scope",
			fields: []string{"scope"},
			form: func(k *kit) *huh.Form {
				return k.form(k.pick("scope", "What may the role do?", "", []huh.Option[string]{
					huh.NewOption("AmazonSageMakerFullAccess: all of SageMaker (the simplest)", scopeFull),
					huh.NewOption("A custom scope from a persona (data scientist, MLOps, compute)", scopePersona),
					huh.NewOption("A custom scope from the ML activities you pick", scopeActivities),
				}, &st.scope, nil))
			},
		},
		{
			name:   "Persona",
			fields: []string{"persona"},
			skip:   func() bool { return st.scope != scopePersona },
			form: func(k *kit) *huh.Form {
				desc := "Role Manager's personas; the activities of the highlighted one are below"
				if c.Opts.Accessible {
					desc = "Role Manager's personas, with the activities said above"
				}
				return k.form(k.pick("persona", "Persona", desc, personaOptions(c), &st.persona, nil))
			},
			below:       func(p string) string { return personaBelow(c, p, st.namesBuckets()) },
			belowHeight: personaBelowHeight(),
			explain:     func() []string { return personaExplain(st.namesBuckets()) },
		},
		{
			name:   "Activities",
			fields: []string{"activity", "scope"},
			skip:   func() bool { return st.scope != scopeActivities },
			form: func(k *kit) *huh.Form {
				return k.form(k.pickMany("activities", "ML activities", activityListDesc("x or space picks, / filters by group, name or title"),
					activityOptions(c), &st.activities).Height(activityListHeight(c, activityBelowHeight)))
			},
			below:       func(a string) string { return activityBelow(c, a) },
			belowHeight: activityBelowHeight,
		},
		{
			name:   "Options",
			fields: optionFieldNames,
			skip:   func() bool { return !custom() },
			form: func(k *kit) *huh.Form {
				return k.form(st.settings.optionFields(k, st.scopeChosen(), &st.roles)...)
			},
		},
		{
			name:   "Guardrails",
			fields: []string{"guardrail"},
			skip:   func() bool { return !custom() },
			form: func(k *kit) *huh.Form {
				return k.form(k.pickMany("guardrails", "Guardrails (optional)", "Deny statements that hold whatever else the role allows",
					choiceOptions(c, policy.Guardrails()), &st.guardrails).Height(len(policy.Guardrails()) + 2))
			},
		},
		{
			name:   "Settings",
			fields: settingFieldNames,
			skip: func() bool {
				return !custom() || len(st.settings.fields(newKit(c), st.guardrails)) == 0
			},
			form: func(k *kit) *huh.Form { return k.form(st.settings.fields(k, st.guardrails)...) },
		},
		{
			name:    "Buckets",
			fields:  []string{"bucket", "prefix", "read-only"},
			ready:   func() bool { return st.accountBuckets.done },
			waiting: "Listing the account's S3 buckets",
			form:    func(k *kit) *huh.Form { return st.bucketForm(k) },
		},
	}
	f.remedy = func(ie *rules.InputError) (string, *offer) {
		if ie.Flag == "modify" {
			name := strings.TrimSpace(st.name)
			if r := st.roles.byName(name); r != nil {
				name = r.Name
			}
			return "pick another name, or change that role", &offer{label: "modify " + name,
				open: func() tea.Cmd { return push(f.id, newModify(c, name)) }}
		}
		return "", nil
	}
	f.plan = func(ctx context.Context) (*review, error) {
		in, err := st.input()
		if err != nil {
			return nil, err
		}
		plan, err := createrole.Plan(ctx, c.Opts.Backend, in)
		if err != nil {
			return nil, err
		}
		rv := newReview(c, "Create role", plan)
		rv.impact = []string{fmt.Sprintf("a new role: nothing runs as %s until you assign it", in.Name)}
		name := in.Name
		rv.next = []nextAction{
			{key: "a", label: "assign it to a user, a space or a domain (change)", short: "assign it", open: func(c *ProgramContext) Child {
				return newChange(c, changePrefill{Role: name})
			}},
			{key: "b", label: "add buckets to it", short: "add buckets", open: func(c *ProgramContext) Child { return newAddBuckets(c, name) }},
			{key: "f", label: "find execution roles", short: "find", open: func(c *ProgramContext) Child { return newFind(c) }},
			{key: "e", label: "export it as CloudFormation or Terraform", short: "export", open: func(c *ProgramContext) Child { return newExport(c, name) }},
		}
		if pre.back != nil {
			// Opened from another flow: going back to it with the role
			// comes first.
			rv.next = append([]nextAction{{key: "u", label: pre.back.label, short: "use it", back: pre.back}}, rv.next[1:]...)
		}
		return rv, nil
	}
	return f
}

// nameCheck refuses a role name IAM would refuse, or one the account
// already has (IAM's names are unique whatever their case), from the roles
// listed when the flow opened; the plan checks again with the account.
func (st *createRoleState) nameCheck(name string) error {
	if err := rules.RoleName(name); err != nil {
		return err
	}
	if r := st.roles.byName(name); r != nil {
		msg := fmt.Sprintf("role %s already exists (%s)", r.Name, r.ARN)
		if r.Name != name {
			msg = fmt.Sprintf("role name %s is taken: role %s exists (%s), and IAM role names are unique whatever their case", name, r.Name, r.ARN)
		}
		return &rules.InputError{Field: "role name", Msg: msg, Flag: "modify"}
	}
	return nil
}

// scopeChosen is the persona or the activities chosen, for what they
// reach; "" and none for FullAccess.
func (st *createRoleState) scopeChosen() policy.Scope {
	switch st.scope {
	case scopePersona:
		return policy.Scope{Persona: st.persona}
	case scopeActivities:
		return policy.Scope{Activities: st.activities}
	}
	return policy.Scope{}
}

// namesBuckets reports whether buckets are named already (given to the
// flow, or picked and the user came back).
func (st *createRoleState) namesBuckets() bool {
	return len(st.buckets) > 0 || strings.TrimSpace(st.otherBuckets) != ""
}

// bucketForm offers the account's buckets in a filterable multi-select, and
// a line for names typed by hand (another account's bucket, a prefix).
func (st *createRoleState) bucketForm(k *kit) *huh.Form {
	fields := bucketPicker(k, &st.accountBuckets, "S3 buckets the role may use (optional)", &st.buckets,
		func(n string) string {
			if st.scope == scopeFull && policy.FullAccessCovers(n, "") {
				return "  (FullAccess covers it already)"
			}
			return ""
		})
	desc := "BUCKET or BUCKET/PREFIX, comma-separated"
	if st.accountBuckets.err != nil {
		desc = "The account's buckets could not be listed (" + st.accountBuckets.err.Error() + "); type them: " + desc
	}
	fields = append(fields,
		k.input("otherBuckets", "Other buckets (optional)", desc, &st.otherBuckets, checkGrants),
		k.confirm("readOnly", "Read-only access to these buckets?", "", &st.readOnly),
		k.confirm("createMissing", "Create typed buckets that do not exist?", "", &st.createMissing),
	)
	return k.form(fields...)
}

// input turns the answers into the flow's input, with the command line's
// parsing of tags and bucket grants.
func (st *createRoleState) input() (createrole.Input, error) {
	tags, err := parseTagList(st.tags)
	if err != nil {
		return createrole.Input{}, err
	}
	grants, err := st.grants()
	if err != nil {
		return createrole.Input{}, err
	}
	in := createrole.Input{Name: strings.TrimSpace(st.name), Description: st.description, Path: strings.TrimSpace(st.path),
		Tags: tags, Buckets: grants, ReadOnly: st.readOnly && len(grants) > 0, CreateMissing: st.createMissing,
		Scope: createrole.ScopeFull}
	if st.scope != scopeFull {
		in.Scope = createrole.ScopeCustom
		in.Custom = policy.Scope{Guardrails: st.guardrails}
		if st.scope == scopePersona {
			in.Custom.Persona = st.persona
		} else {
			in.Custom.Activities = st.activities
		}
		st.settings.apply(&in.Custom, st.guardrails, true)
	}
	return in, in.Validate()
}

func (st *createRoleState) grants() ([]policy.BucketGrant, error) {
	var out []policy.BucketGrant
	for _, b := range st.buckets {
		out = append(out, policy.BucketGrant{Bucket: b})
	}
	typed, err := parseGrants(st.otherBuckets)
	if err != nil {
		return nil, err
	}
	return append(out, typed...), nil
}
