package tui

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"charm.land/huh/v2"

	"github.com/sagerole/sagerole/awsops"
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

	buckets      []string // picked from the account's
	otherBuckets string   // typed: BUCKET or BUCKET/PREFIX, comma-separated
	readOnly     bool

	accountBuckets bucketsRead
}

func newCreateRole(c *ProgramContext, pre createRolePrefill) *flow {
	st := &createRoleState{name: pre.Name, path: "/", scope: scopeFull, buckets: pre.Buckets}
	f := newFlow(c, "Create role")
	f.loads = []load{st.accountBuckets.load(c)}
	f.steps = []step{
		{
			name:   "Name",
			fields: []string{"role name", "description", "path", "tag"},
			live: map[string]func(string) error{
				"name": rules.RoleName, "description": rules.Description, "path": rules.Path,
				"tags": checkTags,
			},
			form: func() *huh.Form {
				return huh.NewForm(huh.NewGroup(
					huh.NewInput().Key("name").Title("Role name").
						Description("1 to 64 letters, digits and + = , . @ _ -").
						Placeholder("ds-role").Value(&st.name).Validate(c.check(rules.RoleName)),
					huh.NewInput().Key("description").Title("Description (optional)").
						Value(&st.description).Validate(c.check(rules.Description)),
					huh.NewInput().Key("path").Title("Path").Description("/ or /a/b/").
						Value(&st.path).Validate(c.check(rules.Path)),
					huh.NewInput().Key("tags").Title("Tags (optional)").Placeholder("team=research, env=dev").
						Value(&st.tags).Validate(c.check(checkTags)),
				))
			},
		},
		{
			name:   "Scope",
			fields: []string{"scope"},
			form: func() *huh.Form {
				return huh.NewForm(huh.NewGroup(
					huh.NewSelect[string]().Key("scope").Title("What may the role do?").
						Options(
							huh.NewOption("AmazonSageMakerFullAccess: all of SageMaker (the simplest)", scopeFull),
							huh.NewOption("A custom scope from a persona (data scientist, MLOps, compute)", scopePersona),
							huh.NewOption("A custom scope from the ML activities you pick", scopeActivities),
						).Value(&st.scope),
				))
			},
		},
		{
			name:   "Persona",
			fields: []string{"persona"},
			skip:   func() bool { return st.scope != scopePersona },
			form: func() *huh.Form {
				return huh.NewForm(huh.NewGroup(
					huh.NewSelect[string]().Key("persona").Title("Persona").
						Description("The activities each one includes, as SageMaker Role Manager offers them").
						Options(choiceOptions(c, policy.Personas())...).Value(&st.persona),
				))
			},
		},
		{
			name:   "Activities",
			fields: []string{"activity", "scope"},
			skip:   func() bool { return st.scope != scopeActivities },
			form: func() *huh.Form {
				ms := huh.NewMultiSelect[string]().Key("activities").Title("ML activities").
					Description("x or space picks; each adds the per-API policy SageMaker documents").
					Options(choiceOptions(c, policy.Activities())...).Value(&st.activities).
					Height(len(policy.Activities()) + 2)
				return huh.NewForm(huh.NewGroup(ms))
			},
		},
		{
			name:   "Guardrails",
			fields: []string{"guardrail"},
			skip:   func() bool { return st.scope == scopeFull },
			form: func() *huh.Form {
				return huh.NewForm(huh.NewGroup(
					huh.NewMultiSelect[string]().Key("guardrails").Title("Guardrails (optional)").
						Description("Deny statements that hold whatever else the role allows").
						Options(choiceOptions(c, policy.Guardrails())...).Value(&st.guardrails).
						Height(len(policy.Guardrails()) + 2),
				))
			},
		},
		{
			name:   "Settings",
			fields: []string{"instance type", "source IP", "VPC endpoint", "tag", "KMS key"},
			skip: func() bool {
				return st.scope == scopeFull || len(st.settings.fields(c, st.activities, st.guardrails)) == 0
			},
			live: map[string]func(string) error{
				"instanceTypes": listCheck(rules.InstanceType), "sourceIPs": listCheck(rules.CIDR),
				"sourceVPCEs": listCheck(rules.VPCEndpointID), "kmsKeys": listCheck(rules.KMSKeyARN),
			},
			form: func() *huh.Form {
				return huh.NewForm(huh.NewGroup(st.settings.fields(c, st.activities, st.guardrails)...))
			},
		},
		{
			name:    "Buckets",
			fields:  []string{"bucket", "prefix", "read-only"},
			ready:   func() bool { return st.accountBuckets.done },
			waiting: "Listing the account's S3 buckets",
			live:    map[string]func(string) error{"otherBuckets": checkGrants},
			form:    func() *huh.Form { return st.bucketForm(c) },
		},
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
		}
		return rv, nil
	}
	return f
}

// scopeSettings are the values some activities and guardrails need,
// comma-separated as typed.
type scopeSettings struct {
	instanceTypes, sourceIPs, sourceVPCEs, kmsKeys string
	tagKey, tagValue                               string
}

// fields are the inputs the chosen activities and guardrails need.
func (st *scopeSettings) fields(c *ProgramContext, activities, guardrails []string) []huh.Field {
	var fs []huh.Field
	if slices.Contains(guardrails, policy.InstanceTypes) {
		fs = append(fs, huh.NewInput().Key("instanceTypes").Title("Allowed instance types").
			Placeholder("ml.m5.xlarge, ml.c5.*").Value(&st.instanceTypes).Validate(c.check(listCheck(rules.InstanceType))))
	}
	if slices.Contains(guardrails, policy.SourceIP) {
		fs = append(fs, huh.NewInput().Key("sourceIPs").Title("Source IP ranges (CIDR)").
			Placeholder("203.0.113.0/24").Value(&st.sourceIPs).Validate(c.check(listCheck(rules.CIDR))))
	}
	if slices.Contains(guardrails, policy.SourceVPCE) {
		fs = append(fs, huh.NewInput().Key("sourceVPCEs").Title("VPC endpoint IDs").
			Placeholder("vpce-1a2b3c4d").Value(&st.sourceVPCEs).Validate(c.check(listCheck(rules.VPCEndpointID))))
	}
	if slices.Contains(guardrails, policy.TagAccess) {
		fs = append(fs,
			huh.NewInput().Key("tagKey").Title("Resource tag key").Value(&st.tagKey),
			huh.NewInput().Key("tagValue").Title("Resource tag value").Value(&st.tagValue))
	}
	if slices.Contains(activities, policy.DomainKMS) {
		fs = append(fs, huh.NewInput().Key("kmsKeys").Title("KMS key ARN of the domain").
			Value(&st.kmsKeys).Validate(c.check(listCheck(rules.KMSKeyARN))))
	}
	return fs
}

// apply puts into a scope the settings the chosen activities and
// guardrails need, and only those: a value typed for a guardrail the user
// then unpicked must not bring it back (a value implies its guardrail).
func (st *scopeSettings) apply(s *policy.Scope, activities, guardrails []string) {
	if slices.Contains(guardrails, policy.InstanceTypes) {
		s.InstanceTypes = splitList(st.instanceTypes)
	}
	if slices.Contains(guardrails, policy.SourceIP) {
		s.SourceIPs = splitList(st.sourceIPs)
	}
	if slices.Contains(guardrails, policy.SourceVPCE) {
		s.SourceVPCEs = splitList(st.sourceVPCEs)
	}
	if slices.Contains(guardrails, policy.TagAccess) {
		s.ResourceTagKey, s.ResourceTagValue = strings.TrimSpace(st.tagKey), strings.TrimSpace(st.tagValue)
	}
	if slices.Contains(activities, policy.DomainKMS) {
		s.KMSKeys = splitList(st.kmsKeys)
	}
}

// bucketForm offers the account's buckets in a filterable multi-select, and
// a line for names typed by hand (another account's bucket, a prefix).
func (st *createRoleState) bucketForm(c *ProgramContext) *huh.Form {
	fields := bucketPicker(&st.accountBuckets, "S3 buckets the role may use (optional)", &st.buckets,
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
		huh.NewInput().Key("otherBuckets").Title("Other buckets (optional)").Description(desc).
			Value(&st.otherBuckets).Validate(c.check(checkGrants)),
		huh.NewConfirm().Key("readOnly").Title("Read-only access to these buckets?").Value(&st.readOnly),
	)
	return huh.NewForm(huh.NewGroup(fields...))
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
		Tags: tags, Buckets: grants, ReadOnly: st.readOnly && len(grants) > 0, Scope: createrole.ScopeFull}
	if st.scope != scopeFull {
		in.Scope = createrole.ScopeCustom
		in.Custom = policy.Scope{Guardrails: st.guardrails}
		if st.scope == scopePersona {
			in.Custom.Persona = st.persona
		} else {
			in.Custom.Activities = st.activities
		}
		st.settings.apply(&in.Custom, in.Custom.Activities, st.guardrails)
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

// choiceOptions are a catalog's choices as options: "name — description",
// cut to one line of the screen (huh wraps a long option badly; the
// command line's help has the descriptions in full).
func choiceOptions(c *ProgramContext, cs []policy.Choice) []huh.Option[string] {
	out := make([]huh.Option[string], len(cs))
	for i, ch := range cs {
		label := ch.Name + " — " + ch.Description
		if !c.Opts.Accessible {
			label = truncate(label, max(c.Width-8, 20))
		}
		out[i] = huh.NewOption(label, ch.Name)
	}
	return out
}

// splitList splits a comma- or space-separated list.
func splitList(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' || r == '\n' })
}

// listCheck applies check to every item of a list.
func listCheck(check func(string) error) func(string) error {
	return func(s string) error {
		for _, v := range splitList(s) {
			if err := check(v); err != nil {
				return err
			}
		}
		return nil
	}
}

// parseTagList parses "K=V, K=V" with the command line's rules.
func parseTagList(s string) ([]awsops.Tag, error) {
	var tags []awsops.Tag
	var keys, values []string
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		k, v, err := rules.ParseTag(part)
		if err != nil {
			return nil, err
		}
		tags = append(tags, awsops.Tag{Key: k, Value: v})
		keys, values = append(keys, k), append(values, v)
	}
	return tags, rules.Tags(keys, values)
}

// checkTags is parseTagList as a field's validator.
func checkTags(s string) error {
	_, err := parseTagList(s)
	return err
}

// checkGrants is parseGrants as a field's validator.
func checkGrants(s string) error {
	_, err := parseGrants(s)
	return err
}

// parseGrants parses "BUCKET, BUCKET/PREFIX" as the command line's --bucket.
func parseGrants(s string) ([]policy.BucketGrant, error) {
	var out []policy.BucketGrant
	for _, v := range splitList(s) {
		g := policy.ParseGrant(v)
		if err := g.Validate(); err != nil {
			return nil, err
		}
		out = append(out, g)
	}
	return out, nil
}
