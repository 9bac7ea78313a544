// Package modify is the modify flow: show an execution role (trust policy,
// managed and inline policies, tags, and who runs as it), and change its
// permissions — attach and detach managed policies, put and delete inline
// policies, add S3 buckets, add activities and guardrails to its sagerole
// scope, fix its trust policy — with a diff of every document, the blast
// radius and a warning when access broadens, before anything runs.
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
	"github.com/sagerole/sagerole/flows/export"
	"github.com/sagerole/sagerole/flows/find"
	"github.com/sagerole/sagerole/flows/policy"
	"github.com/sagerole/sagerole/flows/policy/iamref"
)

// Full is what --attach and --detach take for AmazonSageMakerFullAccess.
const Full = "full"

// serviceLinkedPath is where AWS keeps roles only AWS may change.
const serviceLinkedPath = "/aws-service-role/"

// Result is a modify plan and what the user must see before it runs.
type Result struct {
	Plan awsops.Plan
	Role awsops.Role
	// Diffs are unified diffs of every document that changes: the trust
	// policy, the list of attached managed policies, each inline policy.
	Diffs []Diff
	// UsedBy is the blast radius: every identity that runs as the role.
	UsedBy []Use
	// Broadening is the subset of Plan.Warnings that says how the change
	// broadens access.
	Broadening []string
}

// Diff is the unified diff of one document.
type Diff struct {
	Document string `json:"document"` // trust-policy, attached-policies, inline/NAME
	Text     string `json:"diff"`
}

// Options are what Plan and Show need besides the account.
type Options struct {
	// Uses finds who runs as the role (AccountUses); nil leaves the blast
	// radius out, with a warning.
	Uses UsesFunc
	// Reference is the IAM reference the --put-inline documents are
	// checked against; nil loads it.
	Reference *iamref.Reference
}

// blastRadius reads who runs as the role. It never fails the flow: a
// change is still possible when SageMaker cannot be read, and the user is
// told the radius is unknown.
func blastRadius(ctx context.Context, opts Options, role awsops.Role) ([]Use, []string) {
	if opts.Uses == nil {
		return nil, []string{"who runs as this role was not checked"}
	}
	uses, warnings, err := opts.Uses(ctx, role.ARN)
	if err != nil {
		return nil, []string{"who runs as this role could not be read, so the blast radius is unknown: " + err.Error()}
	}
	return uses, warnings
}

// roleWarnings are what is worth knowing about a role whatever is done to
// it: a CloudFormation stack or Terraform that owns it (with the export
// that writes it as their code), a trust policy SageMaker cannot use.
func roleWarnings(role awsops.Role, fixingTrust bool) []string {
	var out []string
	if m, ok := export.ManagedBy(role.Tags); ok {
		out = append(out, export.RoleWarning(role.Name, m))
	}
	if !fixingTrust {
		if !find.TrustsSageMaker(role.TrustPolicy) {
			out = append(out, fmt.Sprintf("role %s does not trust %s, so SageMaker cannot run as it; fix it with: sagerole modify %s --fix-trust", role.Name, policy.SageMakerService, role.Name))
		}
	}
	return out
}

// Plan reads the role and returns the ops that make the changes in, with
// every document's diff, the blast radius and the broadening warnings.
// Every refusal is a *rules.InputError, and nothing is sent.
//
// Steps run in this order: the trust policy, detaches (freeing quota),
// attaches, inline deletes (freeing size), inline puts, the bucket merge,
// the scope merge.
func Plan(ctx context.Context, acct flows.Account, in Input, opts Options) (*Result, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	if !in.Changes() {
		return nil, &rules.InputError{Field: "change", Msg: "no change asked for; name one with --attach, --detach, --put-inline, --delete-inline, --add-bucket, --add-activity, --add-guardrail or --fix-trust"}
	}
	// The documents are checked before the account is read: an error
	// refuses the plan whatever the account holds.
	lintWarnings, lintNotes, err := lintInline(in, opts.Reference)
	if err != nil {
		return nil, err
	}
	role, err := flows.ResolveRole(ctx, acct, in.Role)
	if err != nil {
		return nil, err
	}
	if strings.HasPrefix(role.Path, serviceLinkedPath) {
		return nil, &rules.InputError{Field: "role", Msg: fmt.Sprintf("role %s is a service-linked role (path %s), which only AWS may change", role.Name, role.Path)}
	}
	quotas, err := acct.Quotas(ctx)
	if err != nil {
		return nil, fmt.Errorf("reading IAM quotas: %w", err)
	}
	attached, err := acct.ListAttachedRolePolicies(ctx, role.Name)
	if err != nil {
		return nil, fmt.Errorf("listing managed policies of %s: %w", role.Name, err)
	}
	inline, err := flows.InlinePolicies(ctx, acct, role.Name)
	if err != nil {
		return nil, err
	}
	partition := flows.Partition(role.ARN)
	res := &Result{Role: role, Plan: awsops.Plan{Command: "modify " + role.Name, Outputs: map[string]string{"roleArn": role.ARN}}}
	p := &res.Plan
	p.Warnings = append(p.Warnings, roleWarnings(role, in.FixTrust)...)
	p.Warnings = append(p.Warnings, lintWarnings...)
	p.Notes = append(p.Notes, lintNotes...)

	// Managed policies.
	if err := planManaged(ctx, acct, in, role, partition, attached, quotas, res); err != nil {
		return nil, err
	}

	// Inline policies: explicit deletes and puts, then the merges.
	after := maps.Clone(inline)
	for _, n := range in.DeleteInline {
		if _, ok := inline[n]; !ok {
			return nil, &rules.InputError{Field: "delete-inline", Msg: fmt.Sprintf("role %s has no inline policy named %s (it has: %s)", role.Name, n, namesOrNone(slices.Sorted(maps.Keys(inline))))}
		}
		p.Steps = append(p.Steps, awsops.DeleteRolePolicyOp(role.Name, n))
		delete(after, n)
	}
	for _, put := range in.PutInline {
		if old, ok := inline[put.Name]; ok && Pretty(old) == Pretty(put.Document) {
			if put.File == "" {
				p.Notes = append(p.Notes, fmt.Sprintf("inline policy %s already has this document: nothing to change", put.Name))
			} else {
				p.Notes = append(p.Notes, fmt.Sprintf("inline policy %s already has the document of %s: nothing to change", put.Name, put.File))
			}
			continue
		}
		p.Steps = append(p.Steps, awsops.PutRolePolicyOp(role.Name, put.Name, put.Document))
		after[put.Name] = put.Document
	}
	if len(in.AddBuckets) > 0 {
		st := buckets.RoleState{Inline: inline, Attached: attached, Limits: flows.LimitsOf(quotas)}
		if err := planBuckets(ctx, acct, in, role, st, res, after); err != nil {
			return nil, err
		}
	}
	if in.scopeNamed() {
		passRoles, err := flows.PassRoleARNs(ctx, acct, in.Scope.PassRoles)
		if err != nil {
			return nil, err
		}
		in.Scope.PassRoles = passRoles
		var warnings []string
		in.Scope.Allowed, warnings = allowedPatterns(ctx, acct, in, partition, attached, after)
		p.Warnings = append(p.Warnings, warnings...)
		if err := planScope(acct.Region(), in, role, partition, inline, flows.LimitsOf(quotas), res, after); err != nil {
			return nil, err
		}
	}
	// Trust: worked out from the inline policies as they will be, sent
	// first.
	if err := planTrust(in, role, after, quotas, res); err != nil {
		return nil, err
	}
	if total := inlineTotal(after); total > quotas.RolePolicySize && total > inlineTotal(inline) {
		return nil, &rules.InputError{Field: "policy size", Msg: fmt.Sprintf("the inline policies of %s would come to %s characters (white space not counted); IAM allows at most %s for all inline policies of a role together (RolePolicySizeQuota)", role.Name, policy.Thousands(total), policy.Thousands(quotas.RolePolicySize))}
	}
	for _, n := range slices.Sorted(maps.Keys(unionKeys(inline, after))) {
		if inline[n] != after[n] {
			res.Diffs = append(res.Diffs, Diff{Document: "inline/" + n, Text: DiffDocuments("inline/"+n, inline[n], after[n])})
		}
	}
	inlineWarnings := InlineBroadening(inline, after)
	res.Broadening = append(res.Broadening, inlineWarnings...)
	p.Warnings = append(p.Warnings, inlineWarnings...)

	// The blast radius, only when something is to be sent.
	if len(p.Steps) > 0 {
		uses, warnings := blastRadius(ctx, opts, role)
		res.UsedBy = uses
		p.Warnings = append(p.Warnings, warnings...)
		p.Notes = append(p.Notes, RadiusSentence(role, uses))
	}
	return res, nil
}

func unionKeys(a, b map[string]string) map[string]bool {
	out := map[string]bool{}
	for k := range a {
		out[k] = true
	}
	for k := range b {
		out[k] = true
	}
	return out
}

func inlineTotal(docs map[string]string) int {
	n := 0
	for _, d := range docs {
		n += rules.PolicySize(d)
	}
	return n
}

func namesOrNone(names []string) string {
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}

// RadiusSentence says in one sentence who a change to role reaches.
func RadiusSentence(role awsops.Role, uses []Use) string {
	if len(uses) == 0 {
		return fmt.Sprintf("no domain, user profile, space or notebook instance in this region runs as %s", role.Name)
	}
	running := 0
	for _, u := range uses {
		running += len(u.RunningApps())
	}
	s := fmt.Sprintf("%d %s as %s and get%s this change: %s", len(uses), plural(len(uses), "identity runs", "identities run"), role.Name, plural(len(uses), "s", ""), useList(uses))
	if running > 0 {
		s += fmt.Sprintf("; %d running %s the old permissions until restarted, and IAM takes a moment to propagate", running, plural(running, "app keeps", "apps keep"))
	}
	return s
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func useList(uses []Use) string {
	parts := make([]string, len(uses))
	for i, u := range uses {
		parts[i] = UseLabel(u)
	}
	return listSome(parts)
}

// UseLabel names a use in a few words.
func UseLabel(u Use) string {
	switch u.Kind {
	case find.UseDefaultUserRole:
		return "the default user role of domain " + u.DomainID
	case find.UseDefaultSpaceRole:
		return "the default space role of domain " + u.DomainID
	case find.UseUser:
		return "user " + u.Name + " (" + u.DomainID + ")"
	case find.UseSpace:
		return "space " + u.Name + " (" + u.DomainID + ")"
	case find.UseNotebook:
		return "notebook instance " + u.Name
	}
	return string(u.Kind) + " " + u.Name
}
