package modify

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/sagerole/sagerole/awsops"
	"github.com/sagerole/sagerole/awsops/rules"
	"github.com/sagerole/sagerole/flows"
	"github.com/sagerole/sagerole/flows/find"
	"github.com/sagerole/sagerole/flows/policy/rolemanager"
)

// RoleInfo is a role without its trust policy (Details has it as a
// document).
type RoleInfo struct {
	Name        string       `json:"name"`
	Path        string       `json:"path"`
	ARN         string       `json:"arn"`
	RoleID      string       `json:"roleId,omitempty"`
	Description string       `json:"description,omitempty"`
	CreateDate  time.Time    `json:"createDate"`
	Tags        []awsops.Tag `json:"tags"`
}

// InlinePolicy is one inline policy of a role. Size is what IAM counts
// (white space not counted).
type InlinePolicy struct {
	Name     string          `json:"name"`
	Size     int             `json:"size"`
	Document json.RawMessage `json:"document"`
}

// Usage is how much of IAM's per-role quotas the role uses.
type Usage struct {
	AttachedPolicies      int `json:"attachedPolicies"`
	AttachedPoliciesQuota int `json:"attachedPoliciesQuota"`
	InlineSize            int `json:"inlineSize"`
	InlineSizeQuota       int `json:"inlineSizeQuota"`
	TrustSize             int `json:"trustSize"`
	TrustSizeQuota        int `json:"trustSizeQuota"`
}

// Details is `sagerole modify ROLE` without a change: the role as it is,
// and who runs as it. Its JSON is a contract (see the README).
type Details struct {
	Role             RoleInfo                `json:"role"`
	TrustPolicy      json.RawMessage         `json:"trustPolicy"`
	TrustsSageMaker  bool                    `json:"trustsSageMaker"`
	AttachedPolicies []awsops.AttachedPolicy `json:"attachedPolicies"`
	InlinePolicies   []InlinePolicy          `json:"inlinePolicies"`
	Usage            Usage                   `json:"usage"`
	UsedBy           []Use                   `json:"usedBy"`
	// RoleManager is what sagerole makes of a role SageMaker Role Manager
	// made: the sagerole activities and options its policies correspond to,
	// what does not match, and the modify line that puts the role in
	// sagerole's terms. Absent for other roles.
	RoleManager *rolemanager.Match `json:"roleManager,omitempty"`
	Warnings    []string           `json:"warnings"`
	// missing is what could not be read of who runs as the role.
	missing []string
}

// Incomplete lists what could not be read of who runs as the role: the
// blast radius may lack identities. Empty when it is whole.
func (d *Details) Incomplete() []string { return d.missing }

// Show reads a role, its policies and who runs as it.
func Show(ctx context.Context, acct flows.Account, roleArg string, opts Options) (*Details, error) {
	role, err := flows.ResolveRole(ctx, acct, roleArg)
	if err != nil {
		return nil, err
	}
	attached, err := acct.ListAttachedRolePolicies(ctx, role.Name)
	if err != nil {
		return nil, fmt.Errorf("listing managed policies of %s: %w", role.Name, err)
	}
	inline, err := flows.InlinePolicies(ctx, acct, role.Name)
	if err != nil {
		return nil, err
	}
	quotas, err := acct.Quotas(ctx)
	if err != nil {
		return nil, fmt.Errorf("reading IAM quotas: %w", err)
	}
	d := &Details{
		Role: RoleInfo{Name: role.Name, Path: role.Path, ARN: role.ARN, RoleID: role.RoleID, Description: role.Description,
			CreateDate: role.CreateDate, Tags: role.Tags},
		TrustPolicy:      awsops.RawDoc(role.TrustPolicy),
		AttachedPolicies: attached,
		InlinePolicies:   []InlinePolicy{},
		Usage: Usage{AttachedPolicies: len(attached), AttachedPoliciesQuota: quotas.AttachedPoliciesPerRole,
			InlineSize: inlineTotal(inline), InlineSizeQuota: quotas.RolePolicySize,
			TrustSize: rules.PolicySize(role.TrustPolicy), TrustSizeQuota: quotas.TrustPolicySize},
		Warnings: []string{},
	}
	if d.Role.Tags == nil {
		d.Role.Tags = []awsops.Tag{}
	}
	if d.AttachedPolicies == nil {
		d.AttachedPolicies = []awsops.AttachedPolicy{}
	}
	d.TrustsSageMaker = find.TrustsSageMaker(role.TrustPolicy)
	for _, n := range slices.Sorted(maps.Keys(inline)) {
		d.InlinePolicies = append(d.InlinePolicies, InlinePolicy{Name: n, Size: rules.PolicySize(inline[n]), Document: awsops.RawDoc(inline[n])})
	}
	if d.RoleManager, err = recognize(ctx, acct, role, attached, inline); err != nil {
		return nil, err
	}
	d.Warnings = append(d.Warnings, roleWarnings(role, false)...)
	uses, warnings := blastRadius(ctx, opts, role)
	d.UsedBy = uses
	if d.UsedBy == nil {
		d.UsedBy = []Use{}
	}
	d.Warnings = append(d.Warnings, warnings...)
	if opts.Uses != nil {
		d.missing = warnings
	}
	return d, nil
}

// recognize says whether SageMaker Role Manager made the role, reading
// the documents of its customer managed policies that carry a Role
// Manager template's name (the console's); a document that cannot be
// read is said in the match, not a failure.
func recognize(ctx context.Context, acct flows.Account, role awsops.Role, attached []awsops.AttachedPolicy, inline map[string]string) (*rolemanager.Match, error) {
	r := rolemanager.Role{Name: role.Name, ARN: role.ARN, Inline: inline}
	for _, a := range attached {
		m := rolemanager.Managed{Name: a.Name, ARN: a.ARN}
		if rolemanager.IsTemplateName(a.Name) && !strings.Contains(a.ARN, ":aws:policy/") {
			if doc, err := acct.GetPolicyDocument(ctx, a.ARN); err == nil {
				m.Document = doc
			}
		}
		r.Managed = append(r.Managed, m)
	}
	m, err := rolemanager.Recognize(r)
	if err != nil {
		return nil, fmt.Errorf("recognizing a Role Manager role: %w", err)
	}
	return m, nil
}
