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

// String is the identity that stays as one line: who, its role, and why.
func (st Stay) String() string {
	who := moveWho(Move{Kind: st.Kind, DomainID: st.DomainID, Name: st.Name})
	if st.Kind == find.UseUser && st.Name == "" {
		who = "user profiles of " + st.DomainID
	}
	if st.Role == "" || st.Name == "" {
		return fmt.Sprintf("%s (%s)", who, st.Why)
	}
	return fmt.Sprintf("%s: %s (%s)", who, RoleText(st.Role), st.Why)
}

// AppText is an app in words: "app JupyterLab/default in space alice-lab
// (d-research1)".
func AppText(a RunningApp) string { return appText(a) }

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
		if len(p.Impact.Stays) > 0 {
			b.WriteString("\nDo not move:\n")
			for _, st := range p.Impact.Stays {
				fmt.Fprintf(&b, "  %s\n", st)
			}
		}
		if len(p.Impact.Apps) > 0 {
			fmt.Fprintf(&b, "\nRunning apps of the identities that move (%d): an app takes a role when it starts\n", len(p.Impact.Apps))
			for _, l := range AppLines(p) {
				fmt.Fprintf(&b, "  %s\n", l)
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

// ActionText is what the plan does with an app, in words.
func ActionText(a RunningApp) string {
	switch a.Action {
	case AppsRestart:
		return "restarted after the change"
	case AppsStop:
		if a.StopOnly != "" {
			return "stopped only (cannot be started again as it was)"
		}
		return "stopped after the change"
	}
	return "left running: keeps the old role until restarted"
}

// AppLines are the apps of the impact, one line each, those with recent
// user activity first and marked: type/name, where, status, instance
// type, last activity, and what the plan does with it.
func AppLines(p *Prepared) []string {
	rows := make([][]string, len(p.Impact.Apps))
	widths := make([]int, 5)
	for i, a := range p.Impact.Apps {
		where := "user " + a.UserProfile
		if a.Space != "" {
			where = "space " + a.Space
		}
		mark := ""
		switch {
		case a.RecentActivity:
			mark = "! "
		case len(p.Impact.Recent()) > 0:
			mark = "  "
		}
		rows[i] = []string{mark + a.Type + "/" + a.Name, where, a.Status, orDash(a.InstanceType), "used " + p.Ago(a), ActionText(a)}
		for j := range widths {
			widths[j] = max(widths[j], len([]rune(rows[i][j])))
		}
	}
	var out []string
	for _, r := range rows {
		var b strings.Builder
		for j, c := range r {
			if j < len(widths) {
				fmt.Fprintf(&b, "%-*s  ", widths[j], c)
			} else {
				b.WriteString(c)
			}
		}
		out = append(out, b.String())
	}
	if n := len(p.Impact.Recent()); n > 0 {
		out = append(out, fmt.Sprintf("! %s used within the last %s: stopping or restarting loses unsaved kernel state", plural(n, "app", "apps"), activeWithin(p.Request)))
	}
	return out
}

// activeWithin is the request's window in words: "15m", "1h", "90s".
func activeWithin(r Request) string {
	d := r.ActiveWithin
	if d == 0 {
		d = DefaultActiveWithin
	}
	s := d.String()
	s = strings.TrimSuffix(s, "0s")
	return strings.TrimSuffix(strings.Replace(s, "h0m", "h", 1), "h0m")
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// AppSummary is one app of the impact in a sentence, for narrow screens:
// "JupyterLab/default in space alice-lab · InService · ml.t3.medium ·
// used 1m ago ⚠ recent".
func AppSummary(p *Prepared, a RunningApp) string {
	used := "used " + p.Ago(a)
	if a.RecentActivity {
		used += " ⚠ recent"
	}
	return fmt.Sprintf("%s/%s in %s · %s · %s · %s", a.Type, a.Name, a.ref().Owner(), a.Status, orDash(a.InstanceType), used)
}

// ActiveWithinText is the request's activity window in words ("15m").
func ActiveWithinText(r Request) string { return activeWithin(r) }
