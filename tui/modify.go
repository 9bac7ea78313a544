package tui

import (
	"context"
	"strings"

	tea "charm.land/bubbletea/v2"
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
			intro:    func() string { return st.summary(c) },
			form:     func(k *kit) *huh.Form { return st.changesForm(k) },
			answered: st.adopt,
			// Accessible mode has no r: what the screen shows there is said.
			explain: func() []string {
				if m := st.details.RoleManager; m != nil && st.detailsErr == nil {
					return roleManagerLines(st.role.value(), m, 10000, false)
				}
				return nil
			},
			keys: func() []stepKey {
				role := st.role.value()
				keys := []stepKey{{bind: exportKey, open: func() tea.Cmd { return push(f.id, newExport(c, role)) }}}
				if m := st.details.RoleManager; m != nil {
					keys = append(keys, stepKey{bind: roleManagerKey, open: func() tea.Cmd { return push(f.id, newRoleManagerScreen(c, role, m)) }})
				}
				return keys
			},
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
				return k.form(k.pickMany("activities", "Activities to add", activityListDesc("into sagerole-scope; x or space picks, / filters"),
					activityOptions(c), &st.activities).Height(activityListHeight(c, activityBelowHeight)))
			},
			below:       func(a string) string { return activityBelow(c, a) },
			belowHeight: activityBelowHeight,
		},
		{
			name:   "Options",
			fields: optionFieldNames,
			skip:   func() bool { return !st.has(modActivities) },
			form: func(k *kit) *huh.Form {
				return k.form(st.settings.optionFields(k, policy.Scope{Activities: st.activities}, &st.roles)...)
			},
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
			fields: settingFieldNames,
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
		res, err := modify.Plan(ctx, b, in, modify.Options{Uses: modify.AccountUses(c.session()), Reference: ref})
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
			{key: "e", label: "export it as CloudFormation or Terraform", short: "export", open: func(c *ProgramContext) Child { return newExport(c, name) }},
		}
		if pre.back != nil {
			rv.next = append([]nextAction{{key: "u", label: pre.back.label, short: "back", back: pre.back}}, rv.next...)
		}
		return rv, nil
	}
	return f
}
