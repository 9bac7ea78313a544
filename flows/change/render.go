package change

import (
	"fmt"
	"io"
	"strings"

	"github.com/sagerole/sagerole/flows/find"
)

// RoleText is a role as the preview shows it: short, or (none).
func RoleText(arn string) string {
	if arn == "" {
		return "(none)"
	}
	return find.ShortRole(arn)
}

func moveWho(m Move) string {
	switch m.Kind {
	case find.UseDefaultUserRole:
		return "default user role of " + m.DomainID
	case find.UseDefaultSpaceRole:
		return "default space role of " + m.DomainID
	case find.UseUser:
		return "user " + m.Name
	case find.UseSpace:
		return "space " + m.Name
	case find.UseNotebook:
		return "notebook " + m.Name
	}
	return m.Name
}

// String is the move as one line: who, from → to, and why.
func (m Move) String() string {
	return fmt.Sprintf("%s: %s → %s (%s)", moveWho(m), RoleText(m.From), RoleText(m.To), m.Why)
}

func appText(a RunningApp) string {
	where := "user profile " + a.UserProfile
	if a.Space != "" {
		where = "space " + a.Space
	}
	return fmt.Sprintf("app %s/%s in %s (%s)", a.Type, a.Name, where, a.DomainID)
}

func checkMark(s CheckStatus) string {
	switch s {
	case CheckOK:
		return "✓"
	case CheckWarn:
		return "⚠"
	}
	return "·"
}

// WritePreview writes, for people, what a change will do before it is
// confirmed: for a space, which identity really changes (first of all);
// the pre-flight checks; every identity whose role moves; and the running
// apps that keep the old role until they are restarted.
func WritePreview(w io.Writer, p *Prepared) error {
	var b strings.Builder
	if p.Resolution != "" {
		fmt.Fprintf(&b, "%s.\n\n", p.Resolution)
	}
	fmt.Fprintf(&b, "Change %s\n", p.Target)
	fmt.Fprintf(&b, "  from  %s\n", currentWords(p))
	fmt.Fprintf(&b, "  to    %s\n", p.Role.ARN)

	b.WriteString("\nPre-flight checks:\n")
	for _, c := range p.Checks {
		fmt.Fprintf(&b, "  %s %s\n", checkMark(c.Status), c.Text)
	}

	if len(p.Steps) > 0 {
		switch n := len(p.Impact.Moves); n {
		case 0:
			b.WriteString("\nImpact: no identity's effective role moves.\n")
		default:
			noun := "identities whose role moves"
			if n == 1 {
				noun = "identity whose role moves"
			}
			fmt.Fprintf(&b, "\nImpact: %d %s:\n", n, noun)
			rows := make([][2]string, n)
			width := 0
			for i, m := range p.Impact.Moves {
				rows[i] = [2]string{moveWho(m), fmt.Sprintf("%s → %s  (%s)", RoleText(m.From), RoleText(m.To), m.Why)}
				width = max(width, len([]rune(rows[i][0])))
			}
			for _, r := range rows {
				fmt.Fprintf(&b, "  %-*s  %s\n", width, r[0], r[1])
			}
		}
		if len(p.Impact.Apps) > 0 {
			fmt.Fprintf(&b, "\nRunning apps keep the old role until they are restarted (%d):\n", len(p.Impact.Apps))
			for _, a := range p.Impact.Apps {
				fmt.Fprintf(&b, "  %s\n", appText(a))
			}
		}
	}
	b.WriteString("\n")
	_, err := io.WriteString(w, b.String())
	return err
}

func currentWords(p *Prepared) string {
	switch {
	case p.Current == "" && p.Effective == TargetDefaultSpace:
		return "(none: shared spaces are unresolved)"
	case p.Current == "":
		return "(none)"
	case p.CurrentSource == find.SourceDomainDefault:
		return p.Current + "  (inherited from the domain default)"
	}
	return p.Current
}
