package tui

import (
	"context"
	"fmt"
	"strings"

	"charm.land/huh/v2"

	"github.com/sagerole/sagerole/awsops/rules"
	"github.com/sagerole/sagerole/flows/buckets"
)

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
	granted        roleBuckets // what the role already has, marked in the picker
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
			ready:   func() bool { return st.accountBuckets.done && st.granted.ready(st.role.value()) },
			waiting: "Reading the account's S3 buckets and what the role has",
			fetch:   func() load { return st.granted.fetch(c, st.role.value()) },
			form:    func(k *kit) *huh.Form { return st.bucketForm(k) },
		},
	)
	f.remedy = func(ie *rules.InputError) (string, *offer) {
		if ie.Flag == "--create-missing" {
			return "answer Yes to “Create typed buckets that do not exist?” to have it made in " + c.Opts.Backend.Region(), nil
		}
		return "", nil
	}
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

func (st *addBucketsState) bucketForm(k *kit) *huh.Form {
	fields := bucketPicker(k, &st.accountBuckets, fmt.Sprintf("Buckets to give %s", st.role.value()), &st.buckets, st.granted.note)
	desc := "bucket names, comma-separated"
	if st.accountBuckets.err != nil {
		desc = "The account's buckets could not be listed (" + st.accountBuckets.err.Error() + "); type " + desc
	}
	fields = append(fields,
		k.input("otherBuckets", "Other buckets (optional)", desc, &st.otherBuckets, listCheck(rules.BucketName)),
		k.input("prefix", "Only under this prefix (optional)", "a key prefix such as curated/; the whole bucket when empty",
			&st.prefix, rules.S3Prefix).Placeholder("curated/"),
		k.confirm("readOnly", "Read-only?", "", &st.readOnly).Inline(true),
		k.confirm("createMissing", "Create typed buckets that do not exist?", "", &st.createMissing).Inline(true),
	)
	return k.form(fields...)
}
