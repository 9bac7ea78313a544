// Package flows holds what the flows share: how a role given by name or ARN
// is found, and the account's policy limits. Each flow lives in its own
// sub-package and turns inputs into an awsops.Plan; none imports a terminal
// library or the AWS SDK.
package flows

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/sagerole/sagerole/awsops"
	"github.com/sagerole/sagerole/awsops/rules"
	"github.com/sagerole/sagerole/flows/policy"
)

// Account is what a flow reads: every read, and the region it talks to.
type Account interface {
	awsops.Reader
	Region() string
}

// ResolveRole finds a role given by name or ARN. A role that does not exist
// is bad input (a *rules.InputError naming the role); an ARN whose path or
// account does not match the role found is refused rather than guessed.
func ResolveRole(ctx context.Context, r awsops.IAMReader, role string) (awsops.Role, error) {
	name := role
	if rules.IsARN(role) {
		if err := rules.RoleARN(role); err != nil {
			return awsops.Role{}, err
		}
		name = rules.RoleNameFromARN(role)
	} else if err := rules.RoleName(role); err != nil {
		return awsops.Role{}, err
	}
	got, err := r.GetRole(ctx, name)
	if awsops.IsNotFound(err) {
		return awsops.Role{}, &rules.InputError{Field: "role", Msg: fmt.Sprintf("role %s does not exist in this account", role)}
	}
	if err != nil {
		return awsops.Role{}, fmt.Errorf("reading role %s: %w", role, err)
	}
	if rules.IsARN(role) && got.ARN != role {
		return awsops.Role{}, &rules.InputError{Field: "role", Msg: fmt.Sprintf("role ARN %s does not match the role of that name in this account, %s", role, got.ARN)}
	}
	return got, nil
}

// Partition returns the partition of an ARN ("aws", "aws-cn", …).
func Partition(arn string) string {
	parts := strings.SplitN(arn, ":", 3)
	if len(parts) < 3 || parts[1] == "" {
		return "aws"
	}
	return parts[1]
}

// Limits reads the account's IAM quotas as policy limits.
func Limits(ctx context.Context, r awsops.IAMReader) (policy.Limits, error) {
	q, err := r.Quotas(ctx)
	if err != nil {
		return policy.Limits{}, fmt.Errorf("reading IAM quotas: %w", err)
	}
	return LimitsOf(q), nil
}

// LimitsOf is the account's IAM quotas as policy limits, for a flow that
// has read them already.
func LimitsOf(q awsops.Quotas) policy.Limits {
	return policy.Limits{RolePolicySize: q.RolePolicySize, ManagedPolicySize: q.PolicySize, TrustPolicySize: q.TrustPolicySize}
}

// InlinePolicies reads every inline policy of a role, by name.
func InlinePolicies(ctx context.Context, r awsops.IAMReader, role string) (map[string]string, error) {
	names, err := r.ListRolePolicies(ctx, role)
	if err != nil {
		return nil, fmt.Errorf("listing inline policies of %s: %w", role, err)
	}
	out := make(map[string]string, len(names))
	for _, n := range names {
		doc, err := r.GetRolePolicy(ctx, role, n)
		if err != nil {
			return nil, fmt.Errorf("reading inline policy %s of %s: %w", n, role, err)
		}
		out[n] = doc
	}
	return out, nil
}

// IsFamily reports whether an inline policy name belongs to the family
// sagerole writes under base: base, base-2, base-3, …
func IsFamily(name, base string) bool {
	if name == base {
		return true
	}
	rest, ok := strings.CutPrefix(name, base+"-")
	if !ok || rest == "" {
		return false
	}
	for _, c := range rest {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// ReplaceFamily returns the ops that make a role's inline policies of the
// family base equal to want: put each policy whose document changes, and
// delete the members want no longer has. existing holds every inline policy
// of the role.
func ReplaceFamily(role, base string, existing map[string]string, want []policy.NamedPolicy) []awsops.Op {
	var ops []awsops.Op
	keep := map[string]bool{}
	for _, p := range want {
		keep[p.Name] = true
		if old, ok := existing[p.Name]; ok {
			if d, err := policy.Parse(old); err == nil && d.String() == p.JSON() {
				continue
			}
		}
		ops = append(ops, awsops.PutRolePolicyOp(role, p.Name, p.JSON()))
	}
	for _, n := range slices.Sorted(maps.Keys(existing)) {
		if IsFamily(n, base) && !keep[n] {
			ops = append(ops, awsops.DeleteRolePolicyOp(role, n))
		}
	}
	return ops
}

// OtherInlineSize is what a role's inline policies outside the family base
// use of the role's inline total.
func OtherInlineSize(existing map[string]string, base string) int {
	n := 0
	for name, doc := range existing {
		if !IsFamily(name, base) {
			n += rules.PolicySize(doc)
		}
	}
	return n
}
