package modify

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/sagerole/sagerole/awsops"
	"github.com/sagerole/sagerole/awsops/rules"
	"github.com/sagerole/sagerole/flows"
	"github.com/sagerole/sagerole/flows/buckets"
	"github.com/sagerole/sagerole/flows/policy"
	"github.com/sagerole/sagerole/flows/policy/trusted"
)

// planManaged adds the detaches, then the attaches, checking each against
// the role and the account, and the quota of managed policies per role.
func planManaged(ctx context.Context, acct flows.Account, in Input, role awsops.Role, partition string,
	attached []awsops.AttachedPolicy, quotas awsops.Quotas, res *Result) error {
	p := &res.Plan
	on := map[string]bool{}
	var before []string
	for _, a := range attached {
		on[a.ARN] = true
		before = append(before, a.ARN)
	}
	now := maps.Clone(on)
	for _, v := range in.Detach {
		arn, err := policyARN("detach", v, partition)
		if err != nil {
			return err
		}
		if !on[arn] {
			return &rules.InputError{Field: "detach", Msg: fmt.Sprintf("policy %s is not attached to role %s (attached: %s)", arn, role.Name, namesOrNone(before))}
		}
		p.Steps = append(p.Steps, awsops.DetachRolePolicyOp(role.Name, arn))
		delete(now, arn)
	}
	for _, v := range in.Attach {
		arn, err := policyARN("attach", v, partition)
		if err != nil {
			return err
		}
		if on[arn] {
			p.Notes = append(p.Notes, fmt.Sprintf("policy %s is already attached to %s: --attach changes nothing", arn, role.Name))
			continue
		}
		// A policy that does not exist fails at IAM after the steps before
		// it ran; refuse it here, when nothing has been sent.
		if _, err := acct.GetPolicyDocument(ctx, arn); awsops.IsNotFound(err) {
			return &rules.InputError{Field: "attach", Msg: fmt.Sprintf("managed policy %s does not exist in this account", arn)}
		} else if err != nil {
			p.Warnings = append(p.Warnings, fmt.Sprintf("policy %s could not be read to check that it exists: %v", arn, err))
		}
		p.Steps = append(p.Steps, awsops.AttachRolePolicyOp(role.Name, arn))
		now[arn] = true
		if w := ManagedBroadening(arn); w != "" {
			res.Broadening = append(res.Broadening, w)
			p.Warnings = append(p.Warnings, w)
		}
	}
	if limit := quotas.AttachedPoliciesPerRole; len(now) > limit && len(now) > len(on) {
		return &rules.InputError{Field: "attach", Msg: fmt.Sprintf("role %s would have %d managed policies attached; IAM allows at most %d per role (PoliciesPerRole quota)", role.Name, len(now), limit),
			Remedy: "so detach one in the same run with --detach", Flag: "--detach"}
	}
	if !maps.Equal(on, now) {
		after := slices.Sorted(maps.Keys(now))
		slices.Sort(before)
		res.Diffs = append(res.Diffs, Diff{Document: "attached-policies", Text: DiffLists("attached-policies", before, after)})
	}
	return nil
}

// planBuckets merges the buckets into sagerole-buckets with the add-buckets
// flow's own merge, from the role as Plan read it, and records the result
// in after.
func planBuckets(ctx context.Context, acct flows.Account, in Input, role awsops.Role, st buckets.RoleState, res *Result, after map[string]string) error {
	grants := make([]policy.BucketGrant, len(in.AddBuckets))
	var missing []string
	for i, b := range in.AddBuckets {
		grants[i] = policy.ParseGrant(b)
		_, err := acct.BucketRegion(ctx, grants[i].Bucket)
		switch {
		case awsops.IsNotFound(err):
			missing = append(missing, grants[i].Bucket)
		case awsops.KindOf(err) == awsops.KindAccessDenied:
			res.Plan.Warnings = append(res.Plan.Warnings, fmt.Sprintf("bucket %s exists but is not readable by you (another account's, or its policy denies you): the role gets the permission, and the bucket's own policy must allow the role too", grants[i].Bucket))
		case err != nil:
			return fmt.Errorf("looking up bucket %s: %w", grants[i].Bucket, err)
		}
	}
	if len(missing) > 0 {
		what := "bucket " + missing[0] + " does"
		if len(missing) > 1 {
			what = "buckets " + strings.Join(missing, ", ") + " do"
		}
		return &rules.InputError{Field: "add-bucket", Msg: what + " not exist in this account",
			Remedy: fmt.Sprintf("create with: sagerole add-buckets %s %s --create-missing", role.Name, strings.Join(missing, " ")), Flag: "--create-missing"}
	}
	ops, notes, err := buckets.GrantOps(role, st, grants, in.AddBucketsReadOnly)
	if err != nil {
		return err
	}
	res.Plan.Notes = append(res.Plan.Notes, notes...)
	res.Plan.Steps = append(res.Plan.Steps, ops...)
	ApplyInline(after, ops)
	return nil
}

// planScope merges the activities and guardrails into the role's
// sagerole-scope policies, assembled as create-role assembles them.
func planScope(region string, in Input, role awsops.Role, partition string,
	inline map[string]string, limits policy.Limits, res *Result, after map[string]string) error {
	// The role passes itself: PassRole names its ARN, path included.
	s, err := in.scope()
	if err != nil {
		return err
	}
	s.Partition, s.Account, s.Region, s.RoleARN = partition, rules.AccountFromARN(role.ARN), region, role.ARN
	add, err := policy.Build(s)
	if err != nil {
		return err
	}
	summary, err := policy.Summarize(s)
	if err != nil {
		return err
	}
	res.Plan.Notes = append(res.Plan.Notes, summary...)
	docs := []policy.Document{}
	for _, name := range slices.Sorted(maps.Keys(inline)) {
		if !flows.IsFamily(name, policy.ScopePolicyName) {
			continue
		}
		d, err := policy.Parse(inline[name])
		if err != nil {
			return &rules.InputError{Field: "add-activity", Msg: fmt.Sprintf("role %s's inline policy %s cannot be merged into (%v); fix or delete it first", role.Name, name, err)}
		}
		docs = append(docs, d)
	}
	merged := policy.MergeDocuments(append(docs, add)...)
	limits.InUse = flows.OtherInlineSize(after, policy.ScopePolicyName)
	named, err := policy.Fit(policy.ScopePolicyName, merged, limits)
	if err != nil {
		return err
	}
	ops := flows.ReplaceFamily(role.Name, policy.ScopePolicyName, inline, named)
	if len(ops) == 0 {
		res.Plan.Notes = append(res.Plan.Notes, fmt.Sprintf("%s already has everything these activities and guardrails add: nothing to change", policy.ScopePolicyName))
	}
	res.Plan.Steps = append(res.Plan.Steps, ops...)
	ApplyInline(after, ops)
	return nil
}

// planTrust adds the trust policy's change, as the first step: SageMaker's
// statement with --fix-trust, and, with --fix-trust or when activities
// are added, the statements of the services the role's inline policies
// (as they will be) let it pass itself to — EventBridge Scheduler for
// pipelines, Glue, EMR Serverless — each with the sentence that says why.
func planTrust(in Input, role awsops.Role, after map[string]string, quotas awsops.Quotas, res *Result) error {
	if !in.FixTrust && !in.scopeNamed() {
		return nil
	}
	p := &res.Plan
	doc := role.TrustPolicy
	var why []string
	if in.FixTrust {
		fixed, changed, err := AddSageMakerTrust(doc)
		if err != nil {
			return err
		}
		if changed {
			doc = fixed
			why = append(why, "SageMaker")
		}
	}
	current, err := policy.Parse(doc)
	if err != nil && !in.FixTrust {
		// Left as it is: --fix-trust is the way to have sagerole edit it.
		p.Warnings = append(p.Warnings, fmt.Sprintf("the trust policy of %s cannot be read (%v), so the services the new activities need were not checked", role.Name, err))
		return nil
	}
	var docs []policy.Document
	for _, n := range slices.Sorted(maps.Keys(after)) {
		if d, err := policy.Parse(after[n]); err == nil {
			docs = append(docs, d)
		}
	}
	needs, err := trusted.Needed(docs, role.ARN, current)
	if err != nil {
		return err
	}
	if missing := trusted.Missing(needs); len(missing) > 0 {
		fixed, added, err := AddServiceTrust(doc, missing, rules.AccountFromARN(role.ARN))
		if err != nil {
			return err
		}
		doc = fixed
		for _, n := range needs {
			if slices.Contains(added, n.Principal) {
				p.Notes = append(p.Notes, trusted.Sentences([]trusted.Need{n})...)
				why = append(why, n.Principal)
			}
		}
	}
	if len(why) == 0 {
		if in.FixTrust {
			p.Notes = append(p.Notes, fmt.Sprintf("the trust policy of %s already lets %s assume it (and every service its policies pass it to): --fix-trust changes nothing", role.Name, policy.SageMakerService))
		}
		return nil
	}
	if n := rules.PolicySize(doc); n > quotas.TrustPolicySize {
		return &rules.InputError{Field: "trust policy", Msg: fmt.Sprintf("with the statements of %s the trust policy would be %s characters (white space not counted); IAM allows at most %s (AssumeRolePolicySizeQuota)", strings.Join(why, ", "), policy.Thousands(n), policy.Thousands(quotas.TrustPolicySize))}
	}
	p.Steps = append([]awsops.Op{awsops.UpdateTrustPolicyOp(role.Name, doc)}, p.Steps...)
	res.Diffs = append([]Diff{{Document: "trust-policy", Text: DiffDocuments("trust-policy", role.TrustPolicy, doc)}}, res.Diffs...)
	return nil
}

// ApplyInline plays inline-policy ops onto a name → document map.
func ApplyInline(docs map[string]string, ops []awsops.Op) {
	for _, op := range ops {
		switch op.API {
		case awsops.APIPutRolePolicy:
			docs[op.Args[awsops.ArgPolicyName]] = op.Documents[awsops.DocPolicy]
		case awsops.APIDeleteRolePolicy:
			delete(docs, op.Args[awsops.ArgPolicyName])
		}
	}
}
