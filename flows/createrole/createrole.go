// Package createrole is the create-role flow: a role SageMaker can assume,
// with AmazonSageMakerFullAccess or a custom scope assembled from ML
// activities, options and guardrails, and an S3 policy for given buckets.
package createrole

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/sagerole/sagerole/awsops"
	"github.com/sagerole/sagerole/awsops/rules"
	"github.com/sagerole/sagerole/flows"
	"github.com/sagerole/sagerole/flows/policy"
	"github.com/sagerole/sagerole/flows/policy/trusted"
)

// Scopes.
const (
	ScopeFull   = "full"
	ScopeCustom = "custom"
)

// Input is what create-role takes.
type Input struct {
	Name        string
	Description string
	Path        string // "/" when empty
	Tags        []awsops.Tag
	// Scope is full or custom; empty means custom when Custom names
	// anything, full otherwise.
	Scope string
	// Custom is the custom scope (persona, activities, options, guardrails).
	// Its Buckets are taken from Buckets below.
	Custom policy.Scope
	// Buckets get the S3 policy of seed 000 (sagerole-buckets) and, in a
	// custom scope whose activities use S3, narrow those activities to them.
	Buckets  []policy.BucketGrant
	ReadOnly bool
	// CreateMissing creates the buckets that do not exist, in the
	// account's region, before the role is given them (as add-buckets
	// --create-missing does).
	CreateMissing bool
}

// customNamed reports whether the custom scope names anything.
func (in Input) customNamed() bool {
	c := in.Custom
	return c.Persona != "" || len(c.Activities) > 0 || len(c.Guardrails) > 0 || len(c.ECRRepos) > 0 || c.LogGroups ||
		c.VPC || len(c.KMSKeys) > 0 || len(c.InstanceTypes) > 0 || len(c.SourceIPs) > 0 || len(c.SourceVPCEs) > 0 || c.ResourceTagKey != "" ||
		len(c.PassRoles) > 0 || len(c.Subnets) > 0 || len(c.SecurityGroups) > 0 || len(c.GlueDatabases) > 0 || len(c.AthenaWorkgroups) > 0
}

// EffectiveScope is Scope with its default applied.
func (in Input) EffectiveScope() string {
	if in.Scope != "" {
		return in.Scope
	}
	if in.customNamed() {
		return ScopeCustom
	}
	return ScopeFull
}

// Validate checks everything that can be checked without the account.
func (in Input) Validate() error {
	if err := rules.RoleName(in.Name); err != nil {
		return err
	}
	if in.Path != "" {
		if err := rules.Path(in.Path); err != nil {
			return err
		}
	}
	if err := rules.Description(in.Description); err != nil {
		return err
	}
	keys := make([]string, len(in.Tags))
	values := make([]string, len(in.Tags))
	for i, t := range in.Tags {
		keys[i], values[i] = t.Key, t.Value
	}
	if err := rules.Tags(keys, values); err != nil {
		return err
	}
	for _, b := range in.Buckets {
		if err := b.Validate(); err != nil {
			return err
		}
	}
	switch in.EffectiveScope() {
	case ScopeFull:
		if in.customNamed() {
			return &rules.InputError{Field: "scope", Msg: "--scope full attaches AmazonSageMakerFullAccess and cannot be combined with a persona, activities, options or guardrails; use --scope custom"}
		}
		if in.ReadOnly && len(in.Buckets) == 0 {
			return &rules.InputError{Field: "read-only", Msg: "--read-only applies to buckets; name at least one with --bucket"}
		}
	case ScopeCustom:
		if _, err := in.scope(""); err != nil {
			return err
		}
	default:
		return &rules.InputError{Field: "scope", Msg: fmt.Sprintf("scope %q is not full or custom", in.Scope)}
	}
	return nil
}

// scope is the custom scope with the buckets narrowing it when its
// activities use S3 (a scope without S3 still gets the bucket policy).
func (in Input) scope(account string) (policy.Scope, error) {
	s := in.Custom
	s.Account = account
	if len(in.Buckets) > 0 {
		uses, err := s.UsesS3()
		if err != nil {
			return s, err
		}
		if uses {
			s.Buckets, s.ReadOnly = in.Buckets, in.ReadOnly
		}
	}
	if err := s.Validate(); err != nil {
		return s, err
	}
	if _, err := policy.Build(s); err != nil {
		return s, err
	}
	return s, nil
}

// grantsBuckets reports whether the scope grants the buckets itself (it
// has s3-buckets, directly or through its persona), so that no separate
// bucket policy repeats them.
func grantsBuckets(s policy.Scope) bool {
	if slices.Contains(s.Activities, policy.S3Buckets) {
		return true
	}
	pa, err := policy.PersonaActivities(s.Persona)
	return err == nil && s.Persona != "" && slices.Contains(pa, policy.S3Buckets) && len(s.Buckets) > 0
}

// Plan reads the account (the name must be free, the quotas) and returns
// CreateRole → FullAccess or the scope policies → the bucket policy.
func Plan(ctx context.Context, acct flows.Account, in Input) (awsops.Plan, error) {
	if err := in.Validate(); err != nil {
		return awsops.Plan{}, err
	}
	if existing, err := acct.GetRole(ctx, in.Name); err == nil {
		return awsops.Plan{}, &rules.InputError{Field: "role name", Msg: fmt.Sprintf("role %s already exists (%s)", in.Name, existing.ARN),
			Remedy: "change its permissions with: sagerole modify " + in.Name, Flag: "modify"}
	} else if !awsops.IsNotFound(err) {
		return awsops.Plan{}, fmt.Errorf("checking whether role %s exists: %w", in.Name, err)
	}
	id, err := acct.CallerIdentity(ctx)
	if err != nil {
		return awsops.Plan{}, fmt.Errorf("reading the account: %w", err)
	}
	limits, err := flows.Limits(ctx, acct)
	if err != nil {
		return awsops.Plan{}, err
	}
	partition := flows.Partition(id.ARN)
	path := in.Path
	if path == "" {
		path = "/"
	}
	roleARN := fmt.Sprintf("arn:%s:iam::%s:role%s%s", partition, id.Account, path, in.Name)
	plan := awsops.Plan{Command: "create-role " + in.Name, Outputs: map[string]string{"roleArn": roleARN}}

	var inline []policy.NamedPolicy
	var needs []trusted.Need
	bucketsInScope := false
	if in.EffectiveScope() == ScopeFull {
		plan.Steps = append(plan.Steps, awsops.AttachRolePolicyOp(in.Name, policy.FullAccessARNIn(partition)))
	} else {
		s, err := in.scope(id.Account)
		if err != nil {
			return awsops.Plan{}, err
		}
		// The role passes itself (and the roles named, as they exist).
		s.Partition, s.Region, s.RoleARN = partition, acct.Region(), roleARN
		if s.PassRoles, err = flows.PassRoleARNs(ctx, acct, s.PassRoles); err != nil {
			return awsops.Plan{}, err
		}
		scope, err := policy.Assemble(s, limits)
		if err != nil {
			return awsops.Plan{}, err
		}
		inline = append(inline, scope...)
		summary, err := policy.Summarize(s)
		if err != nil {
			return awsops.Plan{}, err
		}
		plan.Notes = append(plan.Notes, summary...)
		// The services the scope lets the role pass itself to must be
		// able to assume it.
		docs := make([]policy.Document, len(scope))
		for i, p := range scope {
			docs[i] = p.Document
		}
		if needs, err = trusted.Needed(docs, roleARN, policy.Document{}); err != nil {
			return awsops.Plan{}, err
		}
		plan.Notes = append(plan.Notes, trusted.Sentences(needs)...)
		bucketsInScope = grantsBuckets(s)
	}
	trust, err := policy.TrustFor(trusted.Principals(needs), id.Account)
	if err != nil {
		return awsops.Plan{}, err
	}
	if err := limits.CheckTrust(trust); err != nil {
		return awsops.Plan{}, err
	}
	plan.Steps = append([]awsops.Op{awsops.CreateRoleOp(awsops.CreateRoleInput{
		Name: in.Name, Path: path, Description: in.Description, TrustPolicy: trust.String(), Tags: in.Tags})}, plan.Steps...)
	if bucketsInScope {
		plan.Notes = append(plan.Notes, fmt.Sprintf("The buckets are granted in %s by s3-buckets, so no %s policy repeats them (add-buckets would add others there).", policy.ScopePolicyName, policy.BucketPolicyName))
	}
	if len(in.Buckets) > 0 {
		if !bucketsInScope {
			doc, err := policy.S3Policy(partition, in.Buckets, in.ReadOnly)
			if err != nil {
				return awsops.Plan{}, err
			}
			limits.InUse = sizeOf(inline)
			named, err := policy.Fit(policy.BucketPolicyName, doc, limits)
			if err != nil {
				return awsops.Plan{}, err
			}
			inline = append(inline, named...)
		}
		if in.EffectiveScope() == ScopeFull {
			var covered []string
			for _, b := range in.Buckets {
				if policy.FullAccessCovers(b.Bucket, b.Prefix) {
					covered = append(covered, b.String())
				}
			}
			if len(covered) > 0 {
				plan.Notes = append(plan.Notes, fmt.Sprintf("AmazonSageMakerFullAccess already allows object access in %s (the name contains sagemaker, SageMaker, Sagemaker or aws-glue); the bucket policy grants it anyway, as asked", strings.Join(covered, ", ")))
			}
		}
		var create []awsops.Op
		for _, b := range in.Buckets {
			_, err := acct.BucketRegion(ctx, b.Bucket)
			switch {
			case awsops.IsNotFound(err) && in.CreateMissing:
				if !slices.ContainsFunc(create, func(op awsops.Op) bool { return op.Target == b.Bucket }) {
					create = append(create, awsops.CreateBucketOp(b.Bucket, acct.Region()))
				}
			case awsops.IsNotFound(err):
				plan.Warnings = append(plan.Warnings, fmt.Sprintf("bucket %s does not exist yet; the role is granted access to it by name, and can use it once it is created", b.Bucket))
			}
		}
		// The buckets first, as add-buckets does: the role is then made
		// with every bucket it names in place.
		plan.Steps = append(create, plan.Steps...)
	}
	limits.InUse = 0
	docs := make([]policy.Document, len(inline))
	for i, p := range inline {
		docs[i] = p.Document
	}
	if err := limits.CheckInline(docs...); err != nil {
		return awsops.Plan{}, err
	}
	for _, p := range inline {
		plan.Steps = append(plan.Steps, awsops.PutRolePolicyOp(in.Name, p.Name, p.JSON()))
	}
	return plan, nil
}

func sizeOf(ps []policy.NamedPolicy) int {
	n := 0
	for _, p := range ps {
		n += p.Size()
	}
	return n
}
