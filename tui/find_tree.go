package tui

import (
	"strconv"
	"strings"

	"github.com/sagerole/sagerole/awsops"
	"github.com/sagerole/sagerole/flows/find"
)

// rowKind is what a row of the find tree stands for.
type rowKind int

const (
	rowDomain rowKind = iota
	rowDefaultUser
	rowDefaultSpace
	rowUser
	rowSpace
	rowNotebooks // the heading of notebook instances
	rowNotebook
)

// findRow is one line of the tree, flattened with its ancestry so that a
// filter can keep the path to every match.
type findRow struct {
	kind   rowKind
	parent int // index of the parent row, -1 at the top
	prefix string
	label  string
	role   string
	source string
	flag   string
	search string // lowercased label, role and source, for the filter
	domain int    // index into the screen's domains; -1 for notebooks
	user   *find.UserNode
	space  *find.SpaceNode
	nb     *find.NotebookNode
}

// findTree is the account as rows, and which of them the filter shows.
// Building it is proportional to the account; rendering a frame is
// proportional to the screen: only the visible rows are drawn.
type findTree struct {
	rows    []findRow
	visible []int // indexes into rows, in order
	cursor  int   // index into visible
	offset  int   // first visible row drawn
}

// domainSlot is a domain as the tree knows it: listed, then read.
type domainSlot struct {
	summary  awsops.DomainSummary
	node     *find.DomainNode // nil until read
	err      error
	warnings []string // from its inventory
}

// buildRows flattens what has been read of the account into rows: each
// domain, its two defaults, its users (with their private spaces under
// them), its shared spaces; then the notebook instances. nbDone says the
// notebook instances have been read (an account with no domain shows their
// heading even when there is none).
func buildRows(domains []domainSlot, notebooks []find.NotebookNode, nbDone bool) []findRow {
	var rows []findRow
	add := func(r findRow) int {
		r.search = strings.ToLower(r.label + " " + find.ShortRole(r.role) + " " + r.source)
		rows = append(rows, r)
		return len(rows) - 1
	}
	for di, slot := range domains {
		label := "domain " + slot.summary.ID
		if slot.summary.Name != "" {
			label = "domain " + slot.summary.Name + " (" + slot.summary.ID + ")"
		}
		n := slot.node
		switch {
		case slot.err != nil:
			add(findRow{kind: rowDomain, parent: -1, label: label, flag: "⚠ " + slot.err.Error(), domain: di})
			continue
		case n == nil:
			add(findRow{kind: rowDomain, parent: -1, label: label, source: "reading…", domain: di})
			continue
		}
		top := add(findRow{kind: rowDomain, parent: -1, label: label + " · " + n.Status, domain: di})
		for _, k := range domainKids(n, di) {
			k.row.parent = top
			p := add(k.row)
			for _, s := range k.spaces {
				s.parent = p
				add(s)
			}
		}
	}
	if len(notebooks) > 0 || (nbDone && len(domains) == 0) {
		top := add(findRow{kind: rowNotebooks, parent: -1, label: "notebook instances", domain: -1})
		if len(notebooks) == 0 {
			rows[top].source = "none"
		}
		for i := range notebooks {
			nb := &notebooks[i]
			add(findRow{kind: rowNotebook, parent: top, prefix: branch(i == len(notebooks)-1),
				label: "notebook " + nb.Name + " · " + nb.Status, role: nb.Role, source: "own role",
				flag: problemFlag(nb.RoleProblem, nb.Error), domain: -1, nb: nb})
		}
	}
	return rows
}

// domainKid is a row under a domain, with the private spaces under it.
type domainKid struct {
	row    findRow
	spaces []findRow
}

// domainKids are the rows under a domain that has been read: the
// defaults, users (with their private spaces under them), then shared
// spaces, each with its branch drawn.
func domainKids(n *find.DomainNode, di int) []domainKid {
	var kids []domainKid
	// The why column says where each default applies; the row's label
	// says which default it is.
	kids = append(kids, domainKid{row: findRow{kind: rowDefaultUser, label: "default user role", role: n.DefaultUserRole,
		source: "domain setting", flag: problemFlag(n.DefaultUserRoleProblem, ""), domain: di}})
	spaceSrc := "domain setting"
	if n.DefaultSpaceRole == "" {
		spaceSrc = "none"
	}
	kids = append(kids, domainKid{row: findRow{kind: rowDefaultSpace, label: "default space role", role: n.DefaultSpaceRole,
		source: spaceSrc, flag: problemFlag(n.DefaultSpaceRoleProblem, ""), domain: di}})
	owned := map[string][]*find.SpaceNode{}
	var shared []*find.SpaceNode
	users := map[string]bool{}
	for i := range n.Users {
		users[n.Users[i].Name] = true
	}
	for i := range n.Spaces {
		s := &n.Spaces[i]
		if s.Sharing == awsops.SharingPrivate && users[s.Owner] {
			owned[s.Owner] = append(owned[s.Owner], s)
		} else {
			shared = append(shared, s)
		}
	}
	for i := range n.Users {
		u := &n.Users[i]
		k := domainKid{row: findRow{kind: rowUser, label: "user " + u.Name, role: u.Role,
			source: sourceWords(u.Source), flag: problemFlag(u.RoleProblem, u.Error), domain: di, user: u}}
		for _, s := range owned[u.Name] {
			k.spaces = append(k.spaces, spaceRow(s, di))
		}
		kids = append(kids, k)
	}
	for _, s := range shared {
		kids = append(kids, domainKid{row: spaceRow(s, di)})
	}
	for i := range kids {
		last := i == len(kids)-1
		kids[i].row.prefix = branch(last)
		for j := range kids[i].spaces {
			kids[i].spaces[j].prefix = stem(last) + branch(j == len(kids[i].spaces)-1)
		}
	}
	return kids
}

// key names a row across readings of the account.
func (r *findRow) key() string {
	d := strconv.Itoa(r.domain)
	switch r.kind {
	case rowUser:
		return d + "/user/" + r.user.Name
	case rowSpace:
		return d + "/space/" + r.space.Name
	case rowNotebook:
		return "notebook/" + r.nb.Name
	}
	return d + "/" + strconv.Itoa(int(r.kind))
}

func spaceRow(s *find.SpaceNode, di int) findRow {
	return findRow{kind: rowSpace, label: "space " + s.Name + " (" + strings.ToLower(s.Sharing) + ")", role: s.Role,
		source: sourceWords(s.Source), flag: problemFlag(s.RoleProblem, s.Error), domain: di, space: s}
}

// problemFlag is a role problem in the few characters of the why column;
// the details pane says it in full.
func problemFlag(p find.RoleProblem, errText string) string {
	if errText != "" {
		return "⚠ unreadable"
	}
	switch p {
	case find.RoleNotFound:
		return "⚠ no such role"
	case find.RoleNoTrust:
		return "⚠ no SM trust"
	case find.RoleOtherAccount:
		return "? other account"
	case find.RoleUnchecked:
		return "? unchecked"
	}
	return ""
}

func branch(last bool) string {
	if last {
		return "└ "
	}
	return "├ "
}

func stem(last bool) string {
	if last {
		return "  "
	}
	return "│ "
}

// apply keeps the rows that match query (words, all of them) or, when
// role is set, that run as that role; and the path to each of them.
func (t *findTree) apply(query, role string, height int) {
	words := strings.Fields(strings.ToLower(query))
	match := func(r *findRow) bool {
		if role != "" {
			return r.role != "" && strings.EqualFold(r.role, role)
		}
		for _, w := range words {
			if !strings.Contains(r.search, w) {
				return false
			}
		}
		return true
	}
	// The cursor stays on the identity it was on, when the filter keeps it.
	selected := -1
	if t.cursor >= 0 && t.cursor < len(t.visible) {
		selected = t.visible[t.cursor]
	}
	keep := make([]bool, len(t.rows))
	firstMatch, selectedMatches := -1, false
	for i := range t.rows {
		if match(&t.rows[i]) {
			if firstMatch < 0 {
				firstMatch = i
			}
			selectedMatches = selectedMatches || i == selected
			for j := i; j >= 0 && !keep[j]; j = t.rows[j].parent {
				keep[j] = true
			}
		}
	}
	t.visible = t.visible[:0]
	for i, k := range keep {
		if k {
			t.visible = append(t.visible, i)
		}
	}
	// Otherwise (it is gone, or only kept as the heading of a match) it
	// goes to the first match.
	t.cursor = min(t.cursor, max(len(t.visible)-1, 0))
	filtered := len(words) > 0 || role != ""
	want := selected
	if filtered && !selectedMatches {
		want = firstMatch
	}
	for i, vi := range t.visible {
		if vi == want {
			t.cursor = i
			break
		}
	}
	t.scrollTo(t.cursor, height)
}

// selectKey puts the cursor on the visible row of that key, if any.
func (t *findTree) selectKey(key string) {
	if key == "" {
		return
	}
	for i, vi := range t.visible {
		if t.rows[vi].key() == key {
			t.cursor = i
			return
		}
	}
}

// selected is the row under the cursor; nil when nothing is shown.
func (t *findTree) selected() *findRow {
	if t.cursor < 0 || t.cursor >= len(t.visible) {
		return nil
	}
	return &t.rows[t.visible[t.cursor]]
}

func (t *findTree) move(d, height int) {
	if len(t.visible) == 0 {
		return
	}
	t.cursor = min(max(t.cursor+d, 0), len(t.visible)-1)
	t.scrollTo(t.cursor, height)
}

// scrollTo keeps row i within the window of height rows.
func (t *findTree) scrollTo(i, height int) {
	switch {
	case i < t.offset:
		t.offset = i
	case i >= t.offset+height:
		t.offset = i - height + 1
	}
	t.offset = max(min(t.offset, len(t.visible)-height), 0)
}
