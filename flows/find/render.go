package find

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"unicode/utf8"
)

// The text renderings below are functions of the data alone, so that the
// command line prints them and the wizard can show the same tree while an
// inventory fills it in.

// SourceText says a provenance in a few words, for a tree column.
func SourceText(s Source) string {
	switch s {
	case SourceOwn:
		return "own role"
	case SourceDomainDefault:
		return "domain default"
	case SourceOwner:
		return "owner's role"
	case SourceDomainSpaceDefault:
		return "domain space default"
	case SourceUnresolved:
		return "unresolved"
	}
	return string(s)
}

// tnode is one line of a tree: a label, aligned columns, and children.
type tnode struct {
	label string
	cols  []string
	kids  []*tnode
}

func (n *tnode) add(label string, cols ...string) *tnode {
	k := &tnode{label: label, cols: cols}
	n.kids = append(n.kids, k)
	return k
}

type trow struct {
	left string
	cols []string
}

func flatten(n *tnode, prefix, childPrefix string, rows []trow) []trow {
	rows = append(rows, trow{left: prefix + n.label, cols: n.cols})
	for i, k := range n.kids {
		last := i == len(n.kids)-1
		branch, next := "├── ", "│   "
		if last {
			branch, next = "└── ", "    "
		}
		rows = flatten(k, childPrefix+branch, childPrefix+next, rows)
	}
	return rows
}

// writeRows prints rows with their columns aligned across every row that
// has them (widths counted in runes, so the box-drawing prefixes align).
func writeRows(b *strings.Builder, rows []trow) {
	var widths []int
	for _, r := range rows {
		if len(r.cols) == 0 {
			continue
		}
		cells := append([]string{r.left}, r.cols...)
		for i, c := range cells {
			if i >= len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], utf8.RuneCountInString(c))
		}
	}
	for _, r := range rows {
		if len(r.cols) == 0 {
			b.WriteString(r.left + "\n")
			continue
		}
		cells := append([]string{r.left}, r.cols...)
		for len(cells) > 0 && cells[len(cells)-1] == "" {
			cells = cells[:len(cells)-1]
		}
		var line strings.Builder
		for i, c := range cells {
			line.WriteString(c)
			if i < len(cells)-1 {
				line.WriteString(strings.Repeat(" ", widths[i]-utf8.RuneCountInString(c)+2))
			}
		}
		b.WriteString(strings.TrimRight(line.String(), " ") + "\n")
	}
}

func roleCell(arn string, src Source) string {
	switch {
	case arn != "":
		return ShortRole(arn)
	case src == SourceUnresolved:
		return "?"
	}
	return "(none)"
}

func appLabel(a AppNode) string {
	if a.Stale {
		return fmt.Sprintf("app %s/%s · %s · ⚠ %s", a.Type, a.Name, a.Status, StaleWords)
	}
	return fmt.Sprintf("app %s/%s · %s", a.Type, a.Name, a.Status)
}

func addApps(n *tnode, apps []AppNode) {
	for _, a := range apps {
		n.add(appLabel(a))
	}
}

func errCell(e string) string {
	if e == "" {
		return ""
	}
	return "⚠ not read: " + e
}

func spaceLabel(s SpaceNode) string {
	sharing := strings.ToLower(s.Sharing)
	if sharing == "" {
		sharing = "sharing unknown"
	}
	return fmt.Sprintf("space %s (%s)", s.Name, sharing)
}

// domainTree is one domain as a tree: its defaults, its users with their
// apps and private spaces, then shared spaces (and private spaces whose
// owner is not listed).
func domainTree(d DomainNode) *tnode {
	root := &tnode{label: fmt.Sprintf("%s (%s) · %s", d.Name, d.ID, d.Status)}
	if d.Error != "" {
		root.add("⚠ not fully read: " + d.Error)
	}
	root.add("default user role", roleCell(d.DefaultUserRole, ""), "", d.DefaultUserRoleProblem.Flag())
	space := roleCell(d.DefaultSpaceRole, "")
	if d.DefaultSpaceRole == "" {
		space = "(none: shared spaces are unresolved)"
	}
	root.add("default space role", space, "", d.DefaultSpaceRoleProblem.Flag())
	owned := map[string][]SpaceNode{}
	users := map[string]bool{}
	for _, u := range d.Users {
		users[u.Name] = true
	}
	var rest []SpaceNode
	for _, s := range d.Spaces {
		if s.Sharing == "Private" && users[s.Owner] {
			owned[s.Owner] = append(owned[s.Owner], s)
		} else {
			rest = append(rest, s)
		}
	}
	for _, u := range d.Users {
		un := root.add("user "+u.Name, roleCell(u.Role, u.Source), SourceText(u.Source), firstOf(errCell(u.Error), u.RoleProblem.Flag()))
		addApps(un, u.Apps)
		for _, s := range owned[u.Name] {
			sn := un.add(spaceLabel(s), roleCell(s.Role, s.Source), SourceText(s.Source), firstOf(errCell(s.Error), s.RoleProblem.Flag()))
			addApps(sn, s.Apps)
		}
	}
	for _, s := range rest {
		sn := root.add(spaceLabel(s), roleCell(s.Role, s.Source), SourceText(s.Source), firstOf(errCell(s.Error), s.RoleProblem.Flag()))
		addApps(sn, s.Apps)
	}
	return root
}

func firstOf(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

func writeWarnings(b *strings.Builder, warnings []string) {
	if len(warnings) == 0 {
		return
	}
	b.WriteString("\nWarnings:\n")
	for _, w := range warnings {
		b.WriteString("  ⚠ " + w + "\n")
	}
}

// WriteTree writes the account as a tree: domains → user profiles →
// private spaces, shared spaces, then notebook instances, each with its
// effective role, where it comes from, and a flag when the role is missing
// or does not trust SageMaker.
func WriteTree(w io.Writer, t *Tree) error {
	var rows []trow
	for i, d := range t.Domains {
		if i > 0 {
			rows = append(rows, trow{})
		}
		rows = flatten(domainTree(d), "", "", rows)
	}
	if len(t.Notebooks) > 0 {
		if len(rows) > 0 {
			rows = append(rows, trow{})
		}
		nb := &tnode{label: "notebook instances"}
		for _, n := range t.Notebooks {
			nb.add(fmt.Sprintf("notebook %s · %s", n.Name, n.Status), roleCell(n.Role, ""), "own role", firstOf(errCell(n.Error), n.RoleProblem.Flag()))
		}
		rows = flatten(nb, "", "", rows)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Account %s · %s\n\n", t.Account, t.Region)
	if len(t.Domains) == 0 && len(t.Notebooks) == 0 {
		b.WriteString("No SageMaker domains or notebook instances in this region.\n")
	}
	writeRows(&b, rows)
	writeWarnings(&b, t.Warnings)
	_, err := io.WriteString(w, b.String())
	return err
}

// kv writes key/value lines aligned on the values.
type kv struct {
	tw *tabwriter.Writer
}

func newKV(b *strings.Builder) kv { return kv{tabwriter.NewWriter(b, 0, 0, 2, ' ', 0)} }

func (k kv) line(key, value string) { fmt.Fprintf(k.tw, "%s\t%s\n", key, value) }

func withFlag(arn string, p RoleProblem) string {
	if arn == "" {
		return "(none)"
	}
	if f := p.Flag(); f != "" {
		return arn + "  " + f
	}
	return arn
}

func domainLine(d DomainInfo) string {
	return fmt.Sprintf("%s (%s) · %s", d.Name, d.ID, d.Status)
}

// WriteDomain writes a domain's two default roles.
func WriteDomain(w io.Writer, r *DomainResult) error {
	var b strings.Builder
	k := newKV(&b)
	k.line("domain", domainLine(r.Domain))
	k.line("default user role", withFlag(r.Domain.DefaultUserRole, r.Domain.DefaultUserRoleProblem))
	k.line("", "user profiles without a role of their own run as it (Canvas and RStudio included)")
	k.line("default space role", withFlag(r.Domain.DefaultSpaceRole, r.Domain.DefaultSpaceRoleProblem))
	if r.Domain.DefaultSpaceRole == "" {
		k.line("", "none: shared spaces in this domain are unresolved")
	} else {
		k.line("", "shared spaces run as it")
	}
	_ = k.tw.Flush()
	writeWarnings(&b, r.Warnings)
	_, err := io.WriteString(w, b.String())
	return err
}

// UserSourceSentence explains where a user profile's role comes from.
func UserSourceSentence(u UserNode) string {
	switch u.Source {
	case SourceOwn:
		return "its own: set on the user profile (UserSettings.ExecutionRole)"
	case SourceDomainDefault:
		return "inherited from the domain's default user role: the profile has no role of its own"
	}
	if u.Error != "" {
		return "unresolved: the profile could not be read"
	}
	return "unresolved: the profile has no role of its own and the domain has no default user role"
}

// SpaceSourceSentence explains where a space's role comes from.
func SpaceSourceSentence(s SpaceNode, domainID string, owner *UserNode) string {
	switch s.Source {
	case SourceOwner:
		how := ""
		if owner != nil {
			switch owner.Source {
			case SourceOwn:
				how = ", which is the owner's own"
			case SourceDomainDefault:
				how = ", which the owner inherits from the domain's default user role"
			}
		}
		return "a private space runs as its owner's role: " + s.Owner + "'s" + how
	case SourceDomainSpaceDefault:
		return "a shared space runs as the domain's default space role"
	}
	switch {
	case s.Error != "":
		return "unresolved: the space could not be read"
	case s.Sharing == "Shared":
		return "unresolved: a shared space runs as the domain's default space role, and domain " + domainID + " has none (not guessed)"
	case s.Sharing == "Private":
		return "unresolved: a private space runs as its owner's role, and the owner " + s.Owner + " could not be resolved"
	}
	return "unresolved: the space is neither private nor shared"
}

func appsLine(apps []AppNode) string { return AppsLine(apps, "none") }

// AppsLine lists apps as TYPE/NAME · STATUS, each stale one with why it may
// still run as the previous role; none is what an empty list says.
func AppsLine(apps []AppNode, none string) string {
	if len(apps) == 0 {
		return none
	}
	parts := make([]string, len(apps))
	for i, a := range apps {
		parts[i] = fmt.Sprintf("%s/%s · %s", a.Type, a.Name, a.Status)
		if a.Stale {
			parts[i] += " (" + a.StaleReason + ")"
		}
	}
	return strings.Join(parts, ", ")
}

// WriteUser writes a user profile's effective role and where it comes from.
func WriteUser(w io.Writer, r *UserResult) error {
	var b strings.Builder
	k := newKV(&b)
	k.line("user profile", fmt.Sprintf("%s in %s (%s) · %s", r.User.Name, r.Domain.Name, r.Domain.ID, r.User.Status))
	k.line("role", withFlag(r.User.Role, r.User.RoleProblem))
	k.line("source", UserSourceSentence(r.User))
	k.line("apps", appsLine(r.User.Apps)+" (Canvas and RStudio run as the user profile's role)")
	for i, s := range r.Spaces {
		key := ""
		if i == 0 {
			key = "private spaces"
		}
		k.line(key, fmt.Sprintf("%s · %s · apps: %s (runs as the owner's role)", s.Name, s.Status, appsLine(s.Apps)))
	}
	if len(r.Spaces) == 0 {
		k.line("private spaces", "none")
	}
	_ = k.tw.Flush()
	writeWarnings(&b, r.Warnings)
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteSpace writes a space's effective role and why.
func WriteSpace(w io.Writer, r *SpaceResult) error {
	var b strings.Builder
	k := newKV(&b)
	sharing := strings.ToLower(r.Space.Sharing)
	if sharing == "" {
		sharing = "sharing unknown"
	}
	k.line("space", fmt.Sprintf("%s in %s (%s) · %s · %s", r.Space.Name, r.Domain.Name, r.Domain.ID, sharing, r.Space.Status))
	if r.Space.Owner != "" {
		k.line("owner", r.Space.Owner)
	}
	role := withFlag(r.Space.Role, r.Space.RoleProblem)
	if r.Space.Source == SourceUnresolved {
		role = "(unresolved)"
	}
	k.line("role", role)
	k.line("source", SpaceSourceSentence(r.Space, r.Domain.ID, r.Owner))
	k.line("apps", appsLine(r.Space.Apps))
	_ = k.tw.Flush()
	writeWarnings(&b, r.Warnings)
	_, err := io.WriteString(w, b.String())
	return err
}

// UseKindText names a use for a table.
func UseKindText(k UseKind) string {
	switch k {
	case UseDefaultUserRole:
		return "domain default user role"
	case UseDefaultSpaceRole:
		return "domain default space role"
	case UseUser:
		return "user profile"
	case UseSpace:
		return "space"
	case UseNotebook:
		return "notebook instance"
	}
	return string(k)
}

// WriteUses writes a role and everything that runs as it.
func WriteUses(w io.Writer, r *RoleUses) error {
	var b strings.Builder
	role := r.Role.ARN
	if role == "" {
		role = r.Role.Name
	}
	state := "exists, trusts " + SageMakerService
	if r.Role.Problem != "" {
		state = r.Role.Problem.Flag()
	}
	fmt.Fprintf(&b, "Role %s · %s\n", role, state)
	if len(r.UsedBy) == 0 {
		fmt.Fprintf(&b, "\nNothing in account %s (%s) runs as it.\n", r.Account, r.Region)
	} else {
		fmt.Fprintf(&b, "\n%d in account %s (%s) run as it:\n\n", len(r.UsedBy), r.Account, r.Region)
		tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "WHAT\tDOMAIN\tNAME\tHOW\tRUNNING APPS")
		for _, u := range r.UsedBy {
			name, how, domain := dash(u.Name), "-", dash(u.DomainID)
			switch u.Kind {
			case UseUser:
				how = SourceText(u.Source)
			case UseSpace:
				how = strings.ToLower(u.Sharing) + ", " + SourceText(u.Source)
				if u.Sharing == "Private" {
					how = "private, owner " + u.Owner
				}
			case UseNotebook:
				how = u.Status
			}
			if u.Kind != UseNotebook && u.Role != role && role != "" {
				// Matched by name: say which ARN it names, path included.
				how += " (" + ShortRole(u.Role) + ")"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", UseKindText(u.Kind), domain, name, how, runningApps(u.Apps))
		}
		_ = tw.Flush()
	}
	writeWarnings(&b, r.Warnings)
	_, err := io.WriteString(w, b.String())
	return err
}

func runningApps(apps []AppNode) string {
	var out []string
	for _, a := range apps {
		if a.Running() {
			out = append(out, a.Type+"/"+a.Name)
		}
	}
	if len(out) == 0 {
		return "-"
	}
	return strings.Join(out, ", ")
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
