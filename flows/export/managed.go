package export

import (
	"fmt"
	"strings"

	"github.com/sagerole/sagerole/awsops"
)

// Manager is the infrastructure-as-code tool a resource's tags say owns
// it: its next deployment puts back what it declares, reverting a change
// made outside it.
type Manager struct {
	Tool  string // "CloudFormation" or "Terraform"
	Stack string // the CloudFormation stack
	Tag   string // the tag that says so, KEY=VALUE
}

// ManagedBy reads tags: CloudFormation's own aws:cloudformation:stack-name
// (set on every resource of a stack), or a Terraform-style tag, since
// Terraform sets none of its own: a key terraform (any value but
// false/no/0), a key that starts with terraform or tf: (terraform-workspace,
// tf:module), or any tag whose value names terraform or opentofu
// (ManagedBy=Terraform, iac=terraform-cloud).
func ManagedBy(tags []awsops.Tag) (Manager, bool) {
	for _, t := range tags {
		if t.Key == awsops.TagCloudFormationStack {
			return Manager{Tool: "CloudFormation", Stack: t.Value, Tag: t.Key + "=" + t.Value}, true
		}
	}
	for _, t := range tags {
		k, v := strings.ToLower(t.Key), strings.ToLower(t.Value)
		terraform := false
		switch {
		case k == "terraform":
			terraform = v != "false" && v != "no" && v != "0"
		case strings.HasPrefix(k, "terraform"), strings.HasPrefix(k, "tf:"):
			terraform = true
		case strings.Contains(v, "terraform"), strings.Contains(v, "opentofu"):
			terraform = true
		}
		if terraform {
			return Manager{Tool: "Terraform", Tag: t.Key + "=" + t.Value}, true
		}
	}
	return Manager{}, false
}

// Format is the export format of the manager's code.
func (m Manager) Format() string {
	if m.Tool == "CloudFormation" {
		return CloudFormation
	}
	return Terraform
}

func (m Manager) owner() string {
	if m.Stack != "" {
		return "CloudFormation stack " + m.Stack
	}
	return fmt.Sprintf("Terraform (tag %s)", m.Tag)
}

func (m Manager) reverts() string {
	if m.Stack != "" {
		return "the stack will revert this change at its next update (or the update breaks)"
	}
	return "the next terraform apply will revert this change"
}

// RoleWarning is the warning for a change to an IaC-managed role: who owns
// it, what happens to a change made here, and the command that writes the
// role as code to change there instead.
func RoleWarning(role string, m Manager) string {
	return fmt.Sprintf("role %s is managed by %s: %s; change its code instead — sagerole export %s --format %s writes the role as %s to compare with it",
		role, m.owner(), m.reverts(), role, m.Format(), m.Tool)
}

// AssignmentWarning is the warning for changing the role of an IaC-managed
// domain or user profile (what), in domain domainID, to roleARN; for a
// notebook instance (domainID "") there is no assignment fragment to offer.
func AssignmentWarning(what, domainID, roleARN string, m Manager) string {
	if domainID == "" {
		return fmt.Sprintf("%s is managed by %s: %s; change its role in the code instead (to %s)", what, m.owner(), m.reverts(), roleARN)
	}
	return fmt.Sprintf("%s is managed by %s: %s; change its code instead (ExecutionRole to %s) — sagerole export --domain %s --format %s writes the domain's role assignments as a fragment to merge into it",
		what, m.owner(), m.reverts(), roleARN, domainID, m.Format())
}
