package tui

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"

	"charm.land/huh/v2"

	"github.com/sagerole/sagerole/awsops"
	"github.com/sagerole/sagerole/awsops/rules"
	"github.com/sagerole/sagerole/flows/buckets"
	"github.com/sagerole/sagerole/flows/find"
	"github.com/sagerole/sagerole/flows/policy"
)

// rolesRead is the account's roles, read once when a flow opens.
type rolesRead struct {
	roles []awsops.Role
	err   error
	done  bool
}

func (r *rolesRead) load(c *ProgramContext) load {
	return func(ctx context.Context) func() {
		roles, err := c.Opts.Backend.ListRoles(ctx, "/")
		return func() { r.roles, r.err, r.done = roles, err, true }
	}
}

// bucketsRead is the account's S3 buckets, read once when a flow opens.
type bucketsRead struct {
	buckets []awsops.Bucket
	err     error
	done    bool
}

func (r *bucketsRead) load(c *ProgramContext) load {
	return func(ctx context.Context) func() {
		list, err := c.Opts.Backend.ListBuckets(ctx)
		return func() { r.buckets, r.err, r.done = list, err, true }
	}
}

// bucketPicker is a filterable multi-select of the account's buckets, by
// name, those in picked selected; note, when set, adds to a bucket's
// label. None when no bucket was listed.
func bucketPicker(r *bucketsRead, title string, picked *[]string, note func(name string) string) []huh.Field {
	if len(r.buckets) == 0 {
		return nil
	}
	names := make([]string, 0, len(r.buckets))
	for _, b := range r.buckets {
		names = append(names, b.Name)
	}
	sort.Strings(names)
	opts := make([]huh.Option[string], len(names))
	for i, n := range names {
		label := n
		if note != nil {
			label += note(n)
		}
		opts[i] = huh.NewOption(label, n).Selected(slices.Contains(*picked, n))
	}
	return []huh.Field{huh.NewMultiSelect[string]().Key("buckets").Title(title).
		Description("x or space picks, / filters").
		Options(opts...).Value(picked).Filterable(true).Height(min(len(opts)+2, 10))}
}

// executionRoles orders roles for a picker: those SageMaker can assume
// first (they are the ones that can be execution roles), then the others,
// each by name; service-linked roles are left out (IAM manages them).
func executionRoles(roles []awsops.Role) []awsops.Role {
	var out []awsops.Role
	for _, r := range roles {
		if strings.HasPrefix(r.Path, "/aws-service-role/") {
			continue
		}
		out = append(out, r)
	}
	sort.SliceStable(out, func(i, j int) bool {
		ti, tj := find.TrustsSageMaker(out[i].TrustPolicy), find.TrustsSageMaker(out[j].TrustPolicy)
		if ti != tj {
			return ti
		}
		return strings.ToLower(out[i].Name) < strings.ToLower(out[j].Name)
	})
	return out
}

// roleOptions are roles as select options, valued by name (or ARN), with
// the ones SageMaker cannot assume marked.
func roleOptions(roles []awsops.Role, byARN bool) []huh.Option[string] {
	var out []huh.Option[string]
	for _, r := range executionRoles(roles) {
		label := r.Name
		if r.Path != "/" {
			label = strings.TrimPrefix(r.Path, "/") + r.Name
		}
		if !find.TrustsSageMaker(r.TrustPolicy) {
			label += "  ⚠ does not trust SageMaker"
		}
		v := r.Name
		if byARN {
			v = r.ARN
		}
		out = append(out, huh.NewOption(label, v))
	}
	return out
}

// typeRole is the picker's choice of a role typed by name or ARN.
const typeRole = "\x00type"

// rolePick is a role picked from the account's roles, or typed (another
// account's ARN, a role the list does not show).
type rolePick struct {
	choice string
	typed  string
}

// value is the role picked: a name or an ARN.
func (p *rolePick) value() string {
	if p.choice == typeRole {
		return strings.TrimSpace(p.typed)
	}
	return p.choice
}

// rolePicker is the field that picks a role from the account's roles
// (those SageMaker can assume first), with a last choice to type one; an
// input when the roles could not be listed.
func rolePicker(c *ProgramContext, rr *rolesRead, title string, p *rolePick, byARN bool) huh.Field {
	if len(rr.roles) == 0 {
		desc := "a role name or ARN"
		if rr.err != nil {
			desc = "The account's roles could not be listed (" + rr.err.Error() + "); type " + desc
		}
		if p.choice != typeRole {
			p.typed, p.choice = p.choice, typeRole
		}
		return huh.NewInput().Key("role").Title(title).Description(desc).Value(&p.typed).Validate(c.check(find.CheckRoleInput))
	}
	opts := roleOptions(rr.roles, byARN)
	known := p.choice == "" || p.choice == typeRole
	for _, o := range opts {
		known = known || o.Value == p.choice
	}
	if !known {
		// Given (from another screen) but not in the list: typed.
		p.typed, p.choice = p.choice, typeRole
	}
	opts = append(opts, huh.NewOption("another role: type its name or ARN…", typeRole))
	return huh.NewSelect[string]().Key("role").Title(title).
		Description("Roles SageMaker can assume come first; / filters").
		Options(opts...).Value(&p.choice).Filtering(false).Height(min(len(opts)+3, 13))
}

// roleSteps ask for the role a flow works on: picked from the account's
// roles, or typed by name or ARN; neither when the role was given.
func roleSteps(c *ProgramContext, rr *rolesRead, p *rolePick, title string, given bool) []step {
	skip := func() bool { return given }
	return []step{
		{
			name:    "Role",
			fields:  []string{"role"},
			skip:    skip,
			ready:   func() bool { return rr.done },
			waiting: "Listing the account's roles",
			live:    map[string]func(string) error{"role": find.CheckRoleInput},
			form: func() *huh.Form {
				return huh.NewForm(huh.NewGroup(rolePicker(c, rr, title, p, false)))
			},
		},
		typedRoleStep(c, rr, p, skip),
	}
}

// typedRoleStep asks for the role by name or ARN, when that was chosen.
func typedRoleStep(c *ProgramContext, rr *rolesRead, p *rolePick, skip func() bool) step {
	return step{
		name:   "Role name or ARN",
		fields: []string{"role"},
		skip: func() bool {
			return (skip != nil && skip()) || p.choice != typeRole || len(rr.roles) == 0
		},
		live: map[string]func(string) error{"typedRole": find.CheckRoleInput},
		form: func() *huh.Form {
			return huh.NewForm(huh.NewGroup(huh.NewInput().Key("typedRole").Title("Role name or ARN").
				Description("a role of this account by name, or any role by its ARN (arn:aws:iam::ACCOUNT:role/PATH/NAME)").
				Value(&p.typed).Validate(c.check(find.CheckRoleInput))))
		},
	}
}

// addBucketsState holds the answers of the add-buckets flow.
type addBucketsState struct {
	role          rolePick
	buckets       []string
	otherBuckets  string
	prefix        string
	readOnly      bool
	createMissing bool

	roles          rolesRead
	accountBuckets bucketsRead
}

func newAddBuckets(c *ProgramContext, role string) *flow {
	st := &addBucketsState{role: rolePick{choice: role}}
	// A role given (from a result screen) is not asked for again.
	given := role != ""
	f := newFlow(c, "Add buckets")
	f.loads = []load{
		st.roles.load(c),
		st.accountBuckets.load(c),
	}
	f.steps = append(roleSteps(c, &st.roles, &st.role, "Which role gets the buckets?", given),
		step{
			name:    "Buckets",
			fields:  []string{"bucket", "prefix"},
			ready:   func() bool { return st.accountBuckets.done },
			waiting: "Listing the account's S3 buckets",
			live: map[string]func(string) error{
				"otherBuckets": listCheck(rules.BucketName), "prefix": rules.S3Prefix,
			},
			form: func() *huh.Form { return st.bucketForm(c) },
		},
	)
	f.plan = func(ctx context.Context) (*review, error) {
		in := buckets.Input{Role: st.role.value(), Buckets: append(append([]string(nil), st.buckets...), splitList(st.otherBuckets)...),
			Prefix: strings.TrimSpace(st.prefix), ReadOnly: st.readOnly, CreateMissing: st.createMissing}
		if err := in.Validate(); err != nil {
			return nil, err
		}
		res, err := buckets.Plan(ctx, c.Opts.Backend, c.Opts.Reads, in)
		if err != nil {
			return nil, err
		}
		rv := newReview(c, "Add buckets", res.Plan)
		rv.blast = []string{res.Role.Name}
		name := res.Role.Name
		rv.next = []nextAction{
			{key: "b", label: "add more buckets", short: "more buckets", open: func(c *ProgramContext) Child { return newAddBuckets(c, name) }},
			{key: "o", label: "modify this role's other permissions", short: "modify", open: func(c *ProgramContext) Child { return newModify(c, name) }},
			{key: "f", label: "find execution roles", short: "find", open: func(c *ProgramContext) Child { return newFind(c) }},
		}
		return rv, nil
	}
	return f
}

func (st *addBucketsState) bucketForm(c *ProgramContext) *huh.Form {
	fields := bucketPicker(&st.accountBuckets, fmt.Sprintf("Buckets to give %s", st.role.value()), &st.buckets,
		func(n string) string {
			if policy.FullAccessCovers(n, "") {
				return "  (FullAccess covers it)"
			}
			return ""
		})
	desc := "bucket names, comma-separated"
	if st.accountBuckets.err != nil {
		desc = "The account's buckets could not be listed (" + st.accountBuckets.err.Error() + "); type " + desc
	}
	fields = append(fields,
		huh.NewInput().Key("otherBuckets").Title("Other buckets (optional)").Description(desc).
			Value(&st.otherBuckets).Validate(c.check(listCheck(rules.BucketName))),
		huh.NewInput().Key("prefix").Title("Only under this prefix (optional)").Placeholder("curated/").
			Value(&st.prefix).Validate(c.check(rules.S3Prefix)),
		huh.NewConfirm().Key("readOnly").Title("Read-only?").Value(&st.readOnly).Inline(true),
		huh.NewConfirm().Key("createMissing").Title("Create typed buckets that do not exist?").Value(&st.createMissing).Inline(true),
	)
	return huh.NewForm(huh.NewGroup(fields...))
}
