package tui

import (
	"context"
	"slices"
	"sort"
	"strings"

	"charm.land/huh/v2"

	"github.com/sagerole/sagerole/awsops"
	"github.com/sagerole/sagerole/flows/buckets"
	"github.com/sagerole/sagerole/flows/change"
	"github.com/sagerole/sagerole/flows/find"
	"github.com/sagerole/sagerole/flows/policy"
)

// rolesRead is the account's roles, read when a flow opens (and again when
// a flow opened from it may have made one).
type rolesRead struct {
	roles   []awsops.Role
	err     error
	done    bool
	loading bool
}

func (r *rolesRead) load(c *ProgramContext) load {
	r.loading = true
	return func(ctx context.Context) func() {
		roles, err := c.Opts.Backend.ListRoles(ctx, "/")
		return func() { r.roles, r.err, r.done, r.loading = roles, err, true, false }
	}
}

// reload forgets what was read and returns the read again, unless one is
// under way.
func (r *rolesRead) reload(c *ProgramContext) load {
	r.done = false
	if r.loading {
		return nil
	}
	return r.load(c)
}

// byName finds a role by name (IAM's names are unique whatever their
// case) or by ARN; nil when the list does not have it.
func (r *rolesRead) byName(nameOrARN string) *awsops.Role {
	for i := range r.roles {
		if strings.EqualFold(r.roles[i].Name, nameOrARN) || r.roles[i].ARN == nameOrARN {
			return &r.roles[i]
		}
	}
	return nil
}

// bucketsRead is the account's S3 buckets, read once when a flow opens.
type bucketsRead struct {
	buckets []awsops.Bucket
	err     error
	done    bool
}

// has reports whether the account's buckets, as read, include name.
func (b *bucketsRead) has(name string) bool {
	for _, x := range b.buckets {
		if x.Name == name {
			return true
		}
	}
	return false
}

func (r *bucketsRead) load(c *ProgramContext) load {
	return func(ctx context.Context) func() {
		list, err := c.Opts.Backend.ListBuckets(ctx)
		return func() { r.buckets, r.err, r.done = list, err, true }
	}
}

// roleBuckets is what a role already has of S3, for the bucket picker to
// mark: what its sagerole bucket policy grants, and whether
// AmazonSageMakerFullAccess is attached.
type roleBuckets struct {
	granted    []policy.BucketGrant
	fullAccess bool
	of         string // the role they were read for
	reading    bool
}

// fetch reads them for role, unless they are read or being read.
func (rb *roleBuckets) fetch(c *ProgramContext, role string) load {
	if rb.reading || rb.of == role {
		return nil
	}
	rb.reading = true
	return func(ctx context.Context) func() {
		var granted []policy.BucketGrant
		full := false
		r, err := c.Opts.Backend.GetRole(ctx, roleName(role))
		if err == nil {
			st, err := buckets.ReadRole(ctx, c.Opts.Backend, r.Name)
			if err == nil {
				granted = buckets.Granted(st)
				for _, p := range st.Attached {
					full = full || strings.HasSuffix(p.ARN, ":policy/AmazonSageMakerFullAccess")
				}
			}
		}
		// A role that cannot be read marks nothing: the plan reads it
		// again and says why.
		return func() { rb.granted, rb.fullAccess, rb.of, rb.reading = granted, full, role, false }
	}
}

// ready reports whether they are read for role.
func (rb *roleBuckets) ready(role string) bool { return rb.of == role && !rb.reading }

// note is what the picker adds to a bucket's name: granted already, or
// covered by FullAccess.
func (rb *roleBuckets) note(bucket string) string {
	for _, g := range rb.granted {
		if g.Bucket == bucket {
			if g.Prefix != "" {
				return "  (already granted under " + g.Prefix + "/)"
			}
			return "  (already granted)"
		}
	}
	if rb.fullAccess && policy.FullAccessCovers(bucket, "") {
		return "  (FullAccess covers it)"
	}
	return ""
}

// roleName is the name of a role given by name or ARN.
func roleName(role string) string {
	if i := strings.LastIndex(role, "/"); strings.HasPrefix(role, "arn:") && i >= 0 {
		return role[i+1:]
	}
	return role
}

// bucketPicker is a filterable multi-select of the account's buckets, by
// name, those in picked selected; note, when set, adds to a bucket's
// label. None when no bucket was listed.
func bucketPicker(k *kit, r *bucketsRead, title string, picked *[]string, note func(name string) string) []huh.Field {
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
	return []huh.Field{k.pickMany("buckets", title, "x or space picks, / filters", opts, picked).
		Filterable(true).Height(min(len(opts)+2, 10))}
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

// Choices of a role picker beside the roles.
const (
	typeRole   = "\x00type"   // a role typed by name or ARN
	createRole = "\x00create" // a new role, made by create-role inside the flow
)

// rolePick is a role picked from the account's roles, or typed (another
// account's ARN, a role the list does not show).
type rolePick struct {
	choice string
	typed  string
}

// value is the role picked: a name or an ARN ("" for a new role not made
// yet).
func (p *rolePick) value() string {
	switch p.choice {
	case typeRole:
		return strings.TrimSpace(p.typed)
	case createRole:
		return ""
	}
	return p.choice
}

// roleQuestion is what a role picker asks, and how.
type roleQuestion struct {
	title string
	byARN bool // values are ARNs (the change flow sets the ARN, path included)
	// current is the ARN the target runs as now, marked in the list.
	current string
	// create offers "create a new role…" as a choice.
	create bool
	// check refuses a role picked (nil: any), on the value.
	check func(string) error
}

// rolePicker is the field that picks a role from the account's roles
// (those SageMaker can assume first), with a last choice to type one; an
// input when the roles could not be listed. A role given by name or ARN
// (from another screen) is preselected.
func rolePicker(k *kit, rr *rolesRead, q roleQuestion, p *rolePick) huh.Field {
	if len(rr.roles) == 0 {
		desc := "a role name or ARN"
		if rr.err != nil {
			desc = "The account's roles could not be listed (" + rr.err.Error() + "); type " + desc
		}
		if p.choice != typeRole {
			p.typed, p.choice = p.choice, typeRole
		}
		return k.input("role", q.title, desc, &p.typed, find.CheckRoleInput)
	}
	var opts []huh.Option[string]
	known := p.choice == "" || p.choice == typeRole || p.choice == createRole
	for _, r := range executionRoles(rr.roles) {
		label := r.Name
		if r.Path != "/" {
			label = strings.TrimPrefix(r.Path, "/") + r.Name
		}
		if r.ARN == q.current {
			label += "  ← current"
		}
		if !find.TrustsSageMaker(r.TrustPolicy) {
			label += "  ⚠ does not trust SageMaker"
		}
		v := r.Name
		if q.byARN {
			v = r.ARN
		}
		if !known && (p.choice == v || strings.EqualFold(p.choice, r.Name) || p.choice == r.ARN) {
			p.choice, known = v, true
		}
		opts = append(opts, huh.NewOption(label, v))
	}
	if !known {
		// Given (from another screen) but not in the list: typed.
		p.typed, p.choice = p.choice, typeRole
	}
	// Accessible mode runs one flow at a time: no flow inside another.
	if q.create && !k.c.Opts.Accessible {
		opts = append(opts, huh.NewOption("create a new role…", createRole))
	}
	opts = append(opts, huh.NewOption("another role: type its name or ARN…", typeRole))
	check := q.check
	if check != nil {
		inner := check
		check = func(v string) error {
			if v == typeRole || v == createRole {
				return nil
			}
			return inner(v)
		}
	}
	desc := "Roles SageMaker can assume come first; / filters"
	if k.c.Opts.Accessible {
		desc = "roles SageMaker can assume come first"
	}
	return k.pick("role", q.title, desc, opts, &p.choice, check).
		Height(min(len(opts)+3, 13))
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
			form: func(k *kit) *huh.Form {
				return k.form(rolePicker(k, rr, roleQuestion{title: title}, p))
			},
		},
		typedRoleStep(rr, p, skip),
	}
}

// typedRoleStep asks for the role by name or ARN, when that was chosen.
func typedRoleStep(rr *rolesRead, p *rolePick, skip func() bool) step {
	return step{
		name:   "Role name or ARN",
		fields: []string{"role"},
		skip: func() bool {
			return (skip != nil && skip()) || p.choice != typeRole || len(rr.roles) == 0
		},
		form: func(k *kit) *huh.Form {
			return k.form(k.input("typedRole", "Role name or ARN",
				"a role of this account by name, or any role by its ARN (arn:aws:iam::ACCOUNT:role/PATH/NAME)",
				&p.typed, find.CheckRoleInput))
		},
	}
}

// trustCheck refuses, from the account's roles as listed, a role SageMaker
// cannot assume: the change flow's own check, as the role is picked.
func trustCheck(rr *rolesRead) func(string) error {
	return func(v string) error {
		r := rr.byName(v)
		if r == nil || find.TrustsSageMaker(r.TrustPolicy) {
			return nil
		}
		return change.NoTrust(r.Name)
	}
}
