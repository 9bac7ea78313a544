// Package export writes roles and role assignments as infrastructure code:
// CloudFormation templates (YAML or JSON, plain or for a service-managed
// StackSet) and Terraform configurations, from what the account holds or
// from a plan that has not run. Documents are written in the canonical
// form sagerole sends them in (policy.Document), so what the code creates
// is, in effect, byte for byte what the account has.
package export

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/sagerole/sagerole/awsops"
	"github.com/sagerole/sagerole/awsops/rules"
	"github.com/sagerole/sagerole/flows"
	"github.com/sagerole/sagerole/flows/policy"
)

// Role is a role as code holds it.
type Role struct {
	Name        string
	Path        string // "/" when at the root
	Description string
	Trust       policy.Document
	Inline      []Inline // by name
	Managed     []string // policy ARNs, in the order they were attached
	Boundary    string   // permissions boundary ARN; "" for none
	Tags        []awsops.Tag

	// Where the role lives: the fields of its ARN, and the region it was
	// read in (the region of the ARNs its documents name).
	ARN                        string
	Partition, Account, Region string

	// Exists is true for a role read from the account: Terraform gets
	// import blocks and CloudFormation the resource-import change set that
	// adopt it. A role from a plan does not exist yet.
	Exists bool
	// Placeholders is true when Account (and Region, when it is
	// OfflineRegion) are stand-ins for values the plan could not read:
	// every ARN field holding them is written as the deploying account's
	// (and region's) reference, never as the stand-in.
	Placeholders bool
}

// Inline is an inline policy.
type Inline struct {
	Name     string
	Document policy.Document
}

// Read reads a role given by name or ARN: its trust policy, inline and
// attached policies, boundary and tags. Documents are parsed into
// policy.Document, the canonical form.
func Read(ctx context.Context, acct flows.Account, role string) (Role, error) {
	r, err := flows.ResolveRole(ctx, acct, role)
	if err != nil {
		return Role{}, err
	}
	trust, err := policy.Parse(r.TrustPolicy)
	if err != nil {
		return Role{}, fmt.Errorf("reading the trust policy of %s: %w", r.Name, err)
	}
	out := Role{Name: r.Name, Path: orRoot(r.Path), Description: r.Description, Trust: trust, Boundary: r.PermissionsBoundary,
		Tags: r.Tags, ARN: r.ARN, Partition: flows.Partition(r.ARN), Account: rules.AccountFromARN(r.ARN), Region: acct.Region(), Exists: true}
	attached, err := acct.ListAttachedRolePolicies(ctx, r.Name)
	if err != nil {
		return Role{}, fmt.Errorf("listing the managed policies of %s: %w", r.Name, err)
	}
	for _, p := range attached {
		out.Managed = append(out.Managed, p.ARN)
	}
	inline, err := flows.InlinePolicies(ctx, acct, r.Name)
	if err != nil {
		return Role{}, err
	}
	for _, name := range slices.Sorted(maps.Keys(inline)) {
		doc, err := policy.Parse(inline[name])
		if err != nil {
			return Role{}, fmt.Errorf("reading inline policy %s of %s: %w", name, r.Name, err)
		}
		out.Inline = append(out.Inline, Inline{Name: name, Document: doc})
	}
	return out, nil
}

// FromPlan is the role a create-role plan would create, read from its
// steps (CreateRole, AttachRolePolicy, PutRolePolicy); region is the one
// the plan was made for. A plan made against an Offline account has
// Placeholders set.
func FromPlan(plan awsops.Plan, region string) (Role, error) {
	var out Role
	for _, op := range plan.Steps {
		switch op.API {
		case awsops.APICreateRole:
			trust, err := policy.Parse(op.Documents[awsops.DocTrustPolicy])
			if err != nil {
				return Role{}, fmt.Errorf("the plan's trust policy: %w", err)
			}
			out.Name, out.Path, out.Description = op.Args[awsops.ArgRoleName], orRoot(op.Args[awsops.ArgPath]), op.Args[awsops.ArgDescription]
			out.Trust, out.Tags = trust, op.Tags
		case awsops.APIAttachRolePolicy:
			out.Managed = append(out.Managed, op.Args[awsops.ArgPolicyARN])
		case awsops.APIPutRolePolicy:
			doc, err := policy.Parse(op.Documents[awsops.DocPolicy])
			if err != nil {
				return Role{}, fmt.Errorf("the plan's inline policy %s: %w", op.Args[awsops.ArgPolicyName], err)
			}
			out.Inline = append(out.Inline, Inline{Name: op.Args[awsops.ArgPolicyName], Document: doc})
		default:
			return Role{}, fmt.Errorf("a plan with %s cannot be written as a role's code", op.API)
		}
	}
	if out.Name == "" {
		return Role{}, fmt.Errorf("the plan creates no role")
	}
	out.ARN = plan.Outputs["roleArn"]
	out.Partition, out.Account = flows.Partition(out.ARN), rules.AccountFromARN(out.ARN)
	out.Region = region
	out.Placeholders = out.Account == OfflineAccount
	return out, nil
}

func orRoot(path string) string {
	if path == "" {
		return "/"
	}
	return path
}
