package modify

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/sagerole/sagerole/flows/find"
	"github.com/sagerole/sagerole/flows/policy"
	"github.com/sagerole/sagerole/flows/policy/rolemanager"
)

// indent prefixes every line of s.
func indent(s, prefix string) string {
	return prefix + strings.ReplaceAll(strings.TrimSuffix(s, "\n"), "\n", "\n"+prefix)
}

func sourceText(s find.Source) string {
	switch s {
	case find.SourceOwn:
		return "own role"
	case find.SourceDomainDefault:
		return "domain default"
	case find.SourceOwner:
		return "owner's role"
	case find.SourceDomainSpaceDefault:
		return "domain space default"
	}
	return string(s)
}

func kindText(k find.UseKind) string {
	switch k {
	case find.UseDefaultUserRole:
		return "domain default user role"
	case find.UseDefaultSpaceRole:
		return "domain default space role"
	case find.UseUser:
		return "user profile"
	case find.UseNotebook:
		return "notebook instance"
	}
	return string(k)
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// writeUses writes the blast radius as a table.
func writeUses(b *strings.Builder, roleName string, uses []Use) {
	if len(uses) == 0 {
		fmt.Fprintf(b, "Nothing in this region runs as %s.\n", roleName)
		return
	}
	fmt.Fprintf(b, "Who runs as %s (%d) — a change reaches all of them; running apps when they restart:\n", roleName, len(uses))
	tw := tabwriter.NewWriter(b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  WHAT\tDOMAIN\tNAME\tHOW\tRUNNING APPS")
	for _, u := range uses {
		how := "-"
		switch u.Kind {
		case find.UseUser:
			how = sourceText(u.Source)
		case find.UseSpace:
			how = "shared, " + sourceText(u.Source)
			if u.Sharing == "Private" {
				how = "private, owner " + u.Owner
			}
		case find.UseNotebook:
			how = dash(u.Status)
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\n", kindText(u.Kind), dash(u.DomainID), dash(u.Name), how, dash(strings.Join(u.RunningApps(), ", ")))
	}
	_ = tw.Flush()
}

// WriteDetails writes a role for people: what it is, its trust policy,
// managed and inline policies with IAM's quotas, and who runs as it.
func WriteDetails(w io.Writer, d *Details) error {
	var b strings.Builder
	fmt.Fprintf(&b, "Role %s\n", d.Role.Name)
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "  ARN\t%s\n", d.Role.ARN)
	fmt.Fprintf(tw, "  Path\t%s\n", d.Role.Path)
	if d.Role.Description != "" {
		fmt.Fprintf(tw, "  Description\t%s\n", d.Role.Description)
	}
	if !d.Role.CreateDate.IsZero() {
		fmt.Fprintf(tw, "  Created\t%s\n", d.Role.CreateDate.UTC().Format("2006-01-02 15:04 UTC"))
	}
	tags := make([]string, len(d.Role.Tags))
	for i, t := range d.Role.Tags {
		tags[i] = t.Key + "=" + t.Value
	}
	fmt.Fprintf(tw, "  Tags\t%s\n", dash(strings.Join(tags, ", ")))
	_ = tw.Flush()

	trusts := "trusts " + policy.SageMakerService
	if !d.TrustsSageMaker {
		trusts = "does NOT trust " + policy.SageMakerService
	}
	fmt.Fprintf(&b, "\nTrust policy (%s; %s of %s characters):\n%s\n", trusts,
		policy.Thousands(d.Usage.TrustSize), policy.Thousands(d.Usage.TrustSizeQuota), indent(Pretty(string(d.TrustPolicy)), "  "))

	fmt.Fprintf(&b, "\nManaged policies (%d of %d):\n", d.Usage.AttachedPolicies, d.Usage.AttachedPoliciesQuota)
	if len(d.AttachedPolicies) == 0 {
		b.WriteString("  none\n")
	}
	tw = tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	for _, p := range d.AttachedPolicies {
		fmt.Fprintf(tw, "  %s\t%s\n", p.Name, p.ARN)
	}
	_ = tw.Flush()

	fmt.Fprintf(&b, "\nInline policies (%s of %s characters together, white space not counted):\n",
		policy.Thousands(d.Usage.InlineSize), policy.Thousands(d.Usage.InlineSizeQuota))
	if len(d.InlinePolicies) == 0 {
		b.WriteString("  none\n")
	}
	for _, p := range d.InlinePolicies {
		fmt.Fprintf(&b, "  %s (%s characters):\n%s\n", p.Name, policy.Thousands(p.Size), indent(Pretty(string(p.Document)), "    "))
	}

	if m := d.RoleManager; m != nil {
		writeRoleManager(&b, m)
	}
	b.WriteString("\n")
	writeUses(&b, d.Role.Name, d.UsedBy)
	for _, wn := range d.Warnings {
		fmt.Fprintf(&b, "\nwarning: %s\n", wn)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteReview writes what a person must see before a modify plan runs:
// the diff of every document that changes and who runs as the role. The
// plan itself (steps, CLI, undo, warnings) follows it.
func WriteReview(w io.Writer, r *Result) error {
	if len(r.Plan.Steps) == 0 {
		return nil
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Changes to role %s\n", r.Role.ARN)
	for _, d := range r.Diffs {
		fmt.Fprintf(&b, "\n%s", d.Text)
	}
	b.WriteString("\n")
	writeUses(&b, r.Role.Name, r.UsedBy)
	b.WriteString("\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// writeRoleManager says what sagerole makes of a role Role Manager made.
func writeRoleManager(b *strings.Builder, m *rolemanager.Match) {
	b.WriteString("\nMade by SageMaker Role Manager")
	if made, ok := map[string]string{"console": "its console", "cdk": "its CDK library"}[m.Made]; ok {
		fmt.Fprintf(b, " (%s)", made)
	}
	if m.RoleManagerPersona != "" {
		fmt.Fprintf(b, " from its %s persona", m.RoleManagerPersona)
	}
	b.WriteString(". In sagerole's activities:\n")
	tw := tabwriter.NewWriter(b, 0, 0, 2, ' ', 0)
	for _, p := range m.Policies {
		act := p.Activity
		if act == "" {
			act = "(none)"
		}
		fmt.Fprintf(tw, "  %s\t%s\t→ %s\t%s\n", p.Name, p.RoleManagerActivity, act, p.Match)
	}
	_ = tw.Flush()
	for _, u := range m.Unmatched {
		fmt.Fprintf(b, "  does not match: %s\n", u)
	}
	if m.Command != "" {
		fmt.Fprintf(b, "  To manage it with sagerole's activities instead (reviewed before it runs, undoable):\n    %s\n", m.Command)
	}
}
