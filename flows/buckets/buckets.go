// Package buckets is the add-buckets flow: give a role access to S3 buckets
// with the policy of seed 000, merged into the role's sagerole bucket
// policy, and explain when AmazonSageMakerFullAccess already covers them.
package buckets

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/sagerole/sagerole/awsops"
	"github.com/sagerole/sagerole/awsops/rules"
	"github.com/sagerole/sagerole/flows"
	"github.com/sagerole/sagerole/flows/policy"
	"github.com/sagerole/sagerole/flows/pool"
)

// Input is what add-buckets takes.
type Input struct {
	Role          string // name or ARN
	Buckets       []string
	Prefix        string // optional: grant BUCKET/PREFIX/* instead of BUCKET/*
	ReadOnly      bool
	CreateMissing bool
}

// Grants are the bucket grants of the input.
func (in Input) Grants() []policy.BucketGrant {
	out := make([]policy.BucketGrant, len(in.Buckets))
	for i, b := range in.Buckets {
		out[i] = policy.BucketGrant{Bucket: b, Prefix: in.Prefix}
	}
	return out
}

// Validate checks the input before anything is read or sent.
func (in Input) Validate() error {
	if len(in.Buckets) == 0 {
		return &rules.InputError{Field: "bucket", Msg: "no bucket given; name at least one S3 bucket"}
	}
	for _, g := range in.Grants() {
		if err := g.Validate(); err != nil {
			return err
		}
	}
	return nil
}

// Result is the plan and what the user should know about it.
type Result struct {
	Plan    awsops.Plan
	Role    awsops.Role
	Missing []string // buckets that do not exist (created when CreateMissing)
}

// Plan reads the role, its bucket policy and the buckets, and returns the
// ops that grant the buckets: create the missing ones when asked, then put
// the merged bucket policy (nothing when it already grants them all). The
// buckets are looked up together, as many at once as lim lets (nil: a
// limiter of its own).
func Plan(ctx context.Context, acct flows.Account, lim *pool.Limiter, in Input) (Result, error) {
	if err := in.Validate(); err != nil {
		return Result{}, err
	}
	role, err := flows.ResolveRole(ctx, acct, in.Role)
	if err != nil {
		return Result{}, err
	}
	res := Result{Role: role, Plan: awsops.Plan{Command: "add-buckets " + role.Name + " " + strings.Join(in.Buckets, " ")}}

	for i, err := range lookUp(ctx, acct, lim, in.Buckets) {
		b := in.Buckets[i]
		switch {
		case awsops.IsNotFound(err):
			res.Missing = append(res.Missing, b)
		case awsops.KindOf(err) == awsops.KindAccessDenied:
			res.Plan.Warnings = append(res.Plan.Warnings, fmt.Sprintf("bucket %s exists but is not readable by you (another account's, or its policy denies you): the role gets the permission, and the bucket's own policy must allow the role too", b))
		case err != nil:
			return Result{}, fmt.Errorf("looking up bucket %s: %w", b, err)
		}
	}
	if len(res.Missing) > 0 && !in.CreateMissing {
		return res, &rules.InputError{Field: "bucket", Msg: fmt.Sprintf("%s not exist in this account", listIs(res.Missing)),
			Remedy: fmt.Sprintf("pass --create-missing to create %s in %s", itOrThem(res.Missing), acct.Region()), Flag: "--create-missing"}
	}
	for _, b := range res.Missing {
		res.Plan.Steps = append(res.Plan.Steps, awsops.CreateBucketOp(b, acct.Region()))
	}

	st, err := ReadRole(ctx, acct, role.Name)
	if err != nil {
		return res, err
	}
	ops, notes, err := GrantOps(role, st, in.Grants(), in.ReadOnly)
	if err != nil {
		return res, err
	}
	res.Plan.Steps = append(res.Plan.Steps, ops...)
	res.Plan.Notes = append(res.Plan.Notes, notes...)
	res.Plan.Outputs = map[string]string{"roleArn": role.ARN}
	return res, nil
}

// lookUp is s3:HeadBucket of every bucket, the errors in the buckets'
// order.
func lookUp(ctx context.Context, acct flows.Account, lim *pool.Limiter, buckets []string) []error {
	if lim == nil {
		lim = pool.New(pool.Default)
	}
	errs := make([]error, len(buckets))
	g := lim.Group(ctx)
	for i, b := range buckets {
		g.Go(func(ctx context.Context) {
			errs[i] = lim.Do(ctx, func(ctx context.Context) error {
				_, err := acct.BucketRegion(ctx, b)
				return err
			})
		})
	}
	g.Wait()
	return errs
}

// RoleState is what granting buckets needs to know of a role: every
// inline policy, the managed policies attached, and the account's limits.
// A flow that has read them already passes its own.
type RoleState struct {
	Inline   map[string]string // every inline policy of the role, by name
	Attached []awsops.AttachedPolicy
	Limits   policy.Limits
}

// ReadRole reads the RoleState of a role.
func ReadRole(ctx context.Context, r awsops.IAMReader, role string) (RoleState, error) {
	inline, err := flows.InlinePolicies(ctx, r, role)
	if err != nil {
		return RoleState{}, err
	}
	attached, err := r.ListAttachedRolePolicies(ctx, role)
	if err != nil {
		return RoleState{}, fmt.Errorf("listing managed policies of %s: %w", role, err)
	}
	limits, err := flows.Limits(ctx, r)
	if err != nil {
		return RoleState{}, err
	}
	return RoleState{Inline: inline, Attached: attached, Limits: limits}, nil
}

// GrantOps returns the ops that merge grants into role's sagerole bucket
// policy (every sagerole-buckets* inline policy), and notes that teach why
// a bucket needed it. No op when the policy already grants them all.
func GrantOps(role awsops.Role, st RoleState, grants []policy.BucketGrant, readOnly bool) ([]awsops.Op, []string, error) {
	var family []policy.Document
	for _, name := range slices.Sorted(maps.Keys(st.Inline)) {
		if !flows.IsFamily(name, policy.BucketPolicyName) {
			continue
		}
		d, err := policy.Parse(st.Inline[name])
		if err != nil {
			return nil, nil, fmt.Errorf("role %s's inline policy %s cannot be merged into: %w", role.Name, name, err)
		}
		family = append(family, d)
	}
	partition := flows.Partition(role.ARN)
	merged, changed, err := policy.MergeS3(policy.MergeDocuments(family...), partition, grants, readOnly)
	if err != nil {
		return nil, nil, err
	}
	if !changed {
		// Nothing is granted, so nothing is explained: why FullAccess did
		// not cover a bucket is for a run that grants it.
		return nil, []string{fmt.Sprintf("%s already grants %s: nothing to change", policy.BucketPolicyName, grantList(grants))}, nil
	}
	notes := fullAccessNotes(partition, st.Attached, grants)
	limits := st.Limits
	limits.InUse = flows.OtherInlineSize(st.Inline, policy.BucketPolicyName)
	named, err := policy.Fit(policy.BucketPolicyName, merged, limits)
	if err != nil {
		return nil, nil, err
	}
	return flows.ReplaceFamily(role.Name, policy.BucketPolicyName, st.Inline, named), notes, nil
}

// Granted lists what the role's sagerole bucket policy already grants (every
// sagerole-buckets* inline policy), sorted; a policy that does not parse
// grants nothing here.
func Granted(st RoleState) []policy.BucketGrant {
	seen := map[policy.BucketGrant]bool{}
	var out []policy.BucketGrant
	for _, name := range slices.Sorted(maps.Keys(st.Inline)) {
		if !flows.IsFamily(name, policy.BucketPolicyName) {
			continue
		}
		d, err := policy.Parse(st.Inline[name])
		if err != nil {
			continue
		}
		for _, g := range policy.BucketsIn(d) {
			if !seen[g] {
				seen[g] = true
				out = append(out, g)
			}
		}
	}
	return out
}

// fullAccessNotes explains, for a role with AmazonSageMakerFullAccess, which
// buckets it already covers and why the others were denied: the most
// common AccessDenied data scientists meet.
func fullAccessNotes(partition string, attached []awsops.AttachedPolicy, grants []policy.BucketGrant) []string {
	full := false
	for _, p := range attached {
		full = full || p.ARN == policy.FullAccessARNIn(partition)
	}
	if !full {
		return nil
	}
	var covered, uncovered []string
	for _, g := range grants {
		if policy.FullAccessCovers(g.Bucket, g.Prefix) {
			covered = append(covered, g.String())
		} else {
			uncovered = append(uncovered, g.String())
		}
	}
	var notes []string
	if len(covered) > 0 {
		notes = append(notes, fmt.Sprintf("AmazonSageMakerFullAccess is attached and already lets this role read and write objects in %s, because the name contains sagemaker, SageMaker, Sagemaker or aws-glue; the bucket policy adds it anyway, as asked", strings.Join(covered, ", ")))
	}
	if len(uncovered) > 0 {
		notes = append(notes, fmt.Sprintf("AmazonSageMakerFullAccess is attached, but it allows object access only in buckets whose names contain sagemaker, SageMaker, Sagemaker or aws-glue; %s %s not, which is why the role got AccessDenied there: this policy grants it", strings.Join(uncovered, ", "), isOrAre(uncovered)))
	}
	return notes
}

func grantList(grants []policy.BucketGrant) string {
	s := make([]string, len(grants))
	for i, g := range grants {
		s[i] = g.String()
	}
	return strings.Join(s, ", ")
}

func listIs(names []string) string {
	if len(names) == 1 {
		return "bucket " + names[0] + " does"
	}
	return "buckets " + strings.Join(names, ", ") + " do"
}

func itOrThem(names []string) string {
	if len(names) == 1 {
		return "it"
	}
	return "them"
}

func isOrAre(names []string) string {
	if len(names) == 1 {
		return "is"
	}
	return "are"
}
