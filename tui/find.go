package tui

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/sagerole/sagerole/awsops"
	"github.com/sagerole/sagerole/flows/change"
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

// findScreen is the find screen: the account as a tree (domains → users →
// spaces, notebook instances), each identity with its effective role and
// where it comes from; a filter; a details pane; keys that jump from the
// selected identity to change or modify. It fills in domain by domain while
// the inventory runs.
type findScreen struct {
	ctx *ProgramContext
	id  int

	domains    []domainSlot
	notebooks  []find.NotebookNode
	nbWarnings []string
	nbDone     bool
	warnings   []string
	listErr    error
	loading    bool
	done       int // calls finished, over every domain's inventory
	total      int
	events     chan tea.Msg

	tree         findTree
	filter       textinput.Model
	filtering    bool
	roleFilter   string // u: only what runs as this role ARN
	lastKey      string // the selected row, by key
	showWarnings bool
	spin         spin
}

type findDomainsMsg struct {
	to      int
	domains []awsops.DomainSummary
	err     error
}

func (m findDomainsMsg) recipient() int { return m.to }

type findProgressMsg struct {
	to          int
	done, total int
}

func (m findProgressMsg) recipient() int { return m.to }

type findTreeMsg struct {
	to   int
	slot int // the domain slot, -1 when the call was for notebooks only
	tree *find.Tree
	err  error
}

func (m findTreeMsg) recipient() int { return m.to }

type findDoneMsg struct{ to int }

func (m findDoneMsg) recipient() int { return m.to }

func newFind(c *ProgramContext) *findScreen {
	ti := textinput.New()
	ti.Prompt = "/"
	ti.Placeholder = "filter: name, role, provenance"
	f := &findScreen{ctx: c, id: c.newID(), filter: ti, spin: newSpin(c), loading: true}
	f.rebuild()
	return f
}

func (f *findScreen) ID() int       { return f.id }
func (f *findScreen) Title() string { return "Find execution roles" }
func (f *findScreen) Typing() bool  { return f.filtering }

func (f *findScreen) Init() tea.Cmd {
	ch := make(chan tea.Msg, 256)
	f.events = ch
	go f.inventory(f.ctx.ctx(), ch)
	return tea.Batch(f.spin.start(), waitEvent(ch))
}

// Resume reads the account again: the user may have just changed it.
func (f *findScreen) Resume() tea.Cmd {
	if f.loading {
		return f.spin.start()
	}
	// What was read stays on screen, the cursor where it was, while it is
	// read again: each domain is replaced as its new reading arrives.
	f.loading, f.done, f.total, f.listErr = true, 0, 0, nil
	return f.Init()
}

// inventory lists the domains, then reads each with the find flow's
// inventory, a few at a time, sending each domain as soon as it is read.
// The first domain's call also reads the notebook instances.
func (f *findScreen) inventory(ctx context.Context, ch chan<- tea.Msg) {
	c := f.ctx
	defer close(ch)
	defer func() { ch <- findDoneMsg{to: f.id} }()
	list, err := c.Opts.Backend.ListDomains(ctx)
	ch <- findDomainsMsg{to: f.id, domains: list, err: err}
	if err != nil {
		return
	}
	var mu sync.Mutex
	done, total := make([]int, len(list)+1), make([]int, len(list)+1)
	progress := func(i int) func(find.Progress) {
		return func(p find.Progress) {
			mu.Lock()
			done[i], total[i] = p.Done, p.Total
			d, t := 0, 0
			for j := range done {
				d, t = d+done[j], t+total[j]
			}
			mu.Unlock()
			ch <- findProgressMsg{to: f.id, done: d, total: t}
		}
	}
	if len(list) == 0 {
		t, err := find.Inventory(ctx, c.Opts.Backend, find.Options{Concurrency: c.Opts.InventoryConcurrency, Progress: progress(0)})
		ch <- findTreeMsg{to: f.id, slot: -1, tree: t, err: err}
		return
	}
	sem := make(chan struct{}, 4)
	var wg sync.WaitGroup
	for i, d := range list {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			t, err := find.Inventory(ctx, c.Opts.Backend, find.Options{Concurrency: c.Opts.InventoryConcurrency,
				DomainID: d.ID, SkipNotebooks: i > 0, Progress: progress(i)})
			ch <- findTreeMsg{to: f.id, slot: i, tree: t, err: err}
		}()
	}
	wg.Wait()
}

func (f *findScreen) Update(msg tea.Msg) (Child, tea.Cmd) {
	switch msg := msg.(type) {
	case findDomainsMsg:
		f.listErr = msg.err
		old := map[string]domainSlot{}
		for _, d := range f.domains {
			old[d.summary.ID] = d
		}
		f.domains = make([]domainSlot, len(msg.domains))
		for i, d := range msg.domains {
			f.domains[i] = domainSlot{summary: d}
			if prev, ok := old[d.ID]; ok && prev.node != nil {
				// Shown as it was until its new reading arrives.
				f.domains[i].node, f.domains[i].warnings = prev.node, prev.warnings
			}
		}
		f.collectWarnings()
		f.rebuild()
		return f, waitEvent(f.events)
	case findProgressMsg:
		f.done, f.total = msg.done, msg.total
		return f, waitEvent(f.events)
	case findTreeMsg:
		f.addTree(msg)
		f.rebuild()
		return f, waitEvent(f.events)
	case findDoneMsg:
		f.loading = false
		f.nbDone = true
		f.rebuild()
		return f, nil
	case tea.WindowSizeMsg:
		f.tree.scrollTo(f.tree.cursor, f.treeHeight())
		return f, nil
	case tea.KeyPressMsg:
		return f.key(msg)
	}
	if cmd, ok := f.spin.update(msg); ok {
		if f.loading {
			return f, cmd
		}
		return f, nil
	}
	return f, nil
}

func (f *findScreen) addTree(msg findTreeMsg) {
	if msg.err != nil {
		if msg.slot >= 0 {
			f.domains[msg.slot].err = msg.err
		} else {
			f.listErr = msg.err
		}
		return
	}
	t := msg.tree
	if msg.slot >= 0 && len(t.Domains) > 0 {
		n := t.Domains[0]
		f.domains[msg.slot].node = &n
	}
	if msg.slot <= 0 {
		f.notebooks = t.Notebooks
		f.nbDone = true
	}
	if msg.slot >= 0 {
		f.domains[msg.slot].warnings = t.Warnings
	} else {
		f.nbWarnings = t.Warnings
	}
	f.collectWarnings()
}

// collectWarnings lists the warnings in the order of the domains, whatever
// order their inventories finished in; each domain's inventory checks its
// own roles, so a bad role used in two domains is said once.
func (f *findScreen) collectWarnings() {
	f.warnings = nil
	add := func(ws []string) {
		for _, w := range ws {
			if !slices.Contains(f.warnings, w) {
				f.warnings = append(f.warnings, w)
			}
		}
	}
	for _, d := range f.domains {
		add(d.warnings)
	}
	add(f.nbWarnings)
}

func (f *findScreen) key(msg tea.KeyPressMsg) (Child, tea.Cmd) {
	k := f.ctx.Keys
	if f.filtering {
		switch msg.String() {
		case "esc":
			f.filtering = false
			f.filter.SetValue("")
			f.filter.Blur()
			f.applyFilter()
			return f, nil
		case "enter", "down", "up":
			f.filtering = false
			f.filter.Blur()
			return f, nil
		}
		var cmd tea.Cmd
		f.filter, cmd = f.filter.Update(msg)
		f.applyFilter()
		return f, cmd
	}
	t := &f.tree
	h := f.treeHeight()
	defer f.remember()
	switch {
	case key.Matches(msg, k.Back):
		switch {
		case f.showWarnings:
			f.showWarnings = false
		case f.filter.Value() != "" || f.roleFilter != "":
			f.filter.SetValue("")
			f.roleFilter = ""
			f.applyFilter()
		default:
			return f, pop(f.id)
		}
	case key.Matches(msg, k.Up):
		t.move(-1, h)
	case key.Matches(msg, k.Down):
		t.move(1, h)
	case key.Matches(msg, k.PageUp):
		t.move(-h, h)
	case key.Matches(msg, k.PageDown):
		t.move(h, h)
	case key.Matches(msg, k.Top):
		t.move(-len(t.visible), h)
	case key.Matches(msg, k.Bottom):
		t.move(len(t.visible), h)
	case key.Matches(msg, k.Filter):
		f.filtering = true
		f.roleFilter = ""
		return f, f.filter.Focus()
	case msg.String() == "w":
		f.showWarnings = !f.showWarnings
	case key.Matches(msg, k.Uses):
		if r := f.selected(); r != nil && r.role != "" {
			f.roleFilter = r.role
			f.filter.SetValue("")
			f.applyFilter()
		}
	case key.Matches(msg, k.Change):
		if pre, ok := f.changeTarget(); ok {
			return f, push(f.id, newChange(f.ctx, pre))
		}
	case key.Matches(msg, k.Modify):
		if r := f.selected(); r != nil && r.role != "" {
			return f, push(f.id, newModify(f.ctx, r.role))
		}
	}
	return f, nil
}

// changeTarget is what c changes for the selected row.
func (f *findScreen) changeTarget() (changePrefill, bool) {
	r := f.selected()
	if r == nil {
		return changePrefill{}, false
	}
	var d string
	if r.domain >= 0 && r.domain < len(f.domains) {
		d = f.domains[r.domain].summary.ID
	}
	switch r.kind {
	case rowDefaultUser:
		return changePrefill{DomainID: d, Target: change.TargetDefaultUser}, true
	case rowDefaultSpace:
		return changePrefill{DomainID: d, Target: change.TargetDefaultSpace}, true
	case rowUser:
		return changePrefill{DomainID: d, Target: change.TargetUser, Name: r.user.Name}, true
	case rowSpace:
		return changePrefill{DomainID: d, Target: change.TargetSpace, Name: r.space.Name}, true
	case rowNotebook:
		return changePrefill{Target: change.TargetNotebook, Name: r.nb.Name}, true
	case rowDomain:
		return changePrefill{DomainID: d}, true
	}
	return changePrefill{}, false
}

func (f *findScreen) selected() *findRow {
	t := &f.tree
	if t.cursor < 0 || t.cursor >= len(t.visible) {
		return nil
	}
	return &t.rows[t.visible[t.cursor]]
}

// rebuild flattens what has been read into rows, keeping the cursor on the
// same identity when it can.
func (f *findScreen) rebuild() {
	keep := f.lastKey
	if r := f.selected(); r != nil {
		keep = r.key()
	}
	var rows []findRow
	add := func(r findRow) int {
		r.search = strings.ToLower(r.label + " " + find.ShortRole(r.role) + " " + r.source)
		rows = append(rows, r)
		return len(rows) - 1
	}
	for di, slot := range f.domains {
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
		// Children of the domain: the defaults, users (with their private
		// spaces under them), then shared spaces.
		type kid struct {
			row    findRow
			spaces []*find.SpaceNode
		}
		var kids []kid
		kids = append(kids, kid{row: findRow{kind: rowDefaultUser, label: "default user role", role: n.DefaultUserRole,
			source: "users' default", flag: problemFlag(n.DefaultUserRoleProblem, ""), domain: di}})
		spaceSrc := "shared spaces'"
		if n.DefaultSpaceRole == "" {
			spaceSrc = "none"
		}
		kids = append(kids, kid{row: findRow{kind: rowDefaultSpace, label: "default space role", role: n.DefaultSpaceRole,
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
			kids = append(kids, kid{row: findRow{kind: rowUser, label: "user " + u.Name, role: u.Role,
				source: sourceWords(u.Source), flag: userFlag(u), domain: di, user: u}, spaces: owned[u.Name]})
		}
		for _, s := range shared {
			kids = append(kids, kid{row: spaceRow(s, di)})
		}
		for i, k := range kids {
			last := i == len(kids)-1
			k.row.parent = top
			k.row.prefix = branch(last)
			p := add(k.row)
			for j, s := range k.spaces {
				r := spaceRow(s, di)
				r.parent = p
				r.prefix = stem(last) + branch(j == len(k.spaces)-1)
				add(r)
			}
		}
	}
	if len(f.notebooks) > 0 || (f.nbDone && len(f.domains) == 0) {
		top := add(findRow{kind: rowNotebooks, parent: -1, label: "notebook instances", domain: -1})
		if len(f.notebooks) == 0 {
			rows[top].source = "none"
		}
		for i := range f.notebooks {
			nb := &f.notebooks[i]
			add(findRow{kind: rowNotebook, parent: top, prefix: branch(i == len(f.notebooks)-1),
				label: "notebook " + nb.Name + " · " + nb.Status, role: nb.Role, source: "own role",
				flag: problemFlag(nb.RoleProblem, nb.Error), domain: -1, nb: nb})
		}
	}
	f.tree.rows = rows
	f.applyFilter()
	if keep != "" {
		for i, vi := range f.tree.visible {
			if f.tree.rows[vi].key() == keep {
				f.tree.cursor = i
				break
			}
		}
	}
	f.tree.scrollTo(f.tree.cursor, f.treeHeight())
	f.remember()
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

// remember keeps which row is selected, so that the selection survives
// the account being read again (and the rows being rebuilt meanwhile).
func (f *findScreen) remember() {
	if r := f.selected(); r != nil {
		f.lastKey = r.key()
	}
}

func spaceRow(s *find.SpaceNode, di int) findRow {
	return findRow{kind: rowSpace, label: "space " + s.Name + " (" + strings.ToLower(s.Sharing) + ")", role: s.Role,
		source: sourceWords(s.Source), flag: problemFlag(s.RoleProblem, s.Error), domain: di, space: s}
}

func userFlag(u *find.UserNode) string { return problemFlag(u.RoleProblem, u.Error) }

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

// applyFilter keeps the rows that match, and the path to each of them.
func (f *findScreen) applyFilter() {
	t := &f.tree
	words := strings.Fields(strings.ToLower(f.filter.Value()))
	match := func(r *findRow) bool {
		if f.roleFilter != "" {
			return r.role != "" && strings.EqualFold(r.role, f.roleFilter)
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
	filtered := len(words) > 0 || f.roleFilter != ""
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
	t.scrollTo(t.cursor, f.treeHeight())
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

const findPaneHeight = 6 // the details pane, its rule included

// treeHeight is how many rows fit: the body less the status line, the
// column heads and the details pane.
func (f *findScreen) treeHeight() int { return max(f.ctx.BodyHeight-2-findPaneHeight, 3) }

func (f *findScreen) Help() keyHelp {
	k := f.ctx.Keys
	if f.filtering {
		return keyHelp{short: []key.Binding{
			key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "keep filter")),
			key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear filter")),
		}}
	}
	warn := key.NewBinding(key.WithKeys("w"), key.WithHelp("w", "warnings"))
	change := key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "change"))
	modify := key.NewBinding(key.WithKeys("m"), key.WithHelp("m", "modify"))
	return keyHelp{
		short: []key.Binding{k.Filter, change, modify, k.Uses, warn, k.Back, k.Help},
		full: [][]key.Binding{{k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom},
			{k.Filter, k.Uses, warn}, {k.Change, k.Modify}, {k.Back, k.Quit}},
	}
}

// Column widths of the tree at a given terminal width.
func findColumns(width int) (label, role, source int) {
	label = max(width*9/20, 24)
	source = 14
	role = max(width-label-source-2, 12)
	return
}

// sourceWords is a provenance in the why column's few characters.
func sourceWords(s find.Source) string {
	if s == find.SourceDomainSpaceDefault {
		return "space default"
	}
	return find.SourceText(s)
}

func (f *findScreen) View() string {
	c := f.ctx
	s := c.Styles
	var b strings.Builder
	b.WriteString(f.status())
	b.WriteByte('\n')
	h := f.treeHeight()
	if f.showWarnings {
		lines := []string{s.Bold.Render(fmt.Sprintf("%d %s", len(f.warnings), plural(len(f.warnings), "warning", "warnings")))}
		for _, w := range f.warnings {
			lines = append(lines, strings.Split(wrapWords("⚠ "+w, c.Width-2), "\n")...)
		}
		for i := 0; i < h+1+findPaneHeight; i++ {
			if i < len(lines) {
				b.WriteString(lines[i])
			}
			b.WriteByte('\n')
		}
		return b.String()
	}
	lw, rw, sw := findColumns(c.Width)
	b.WriteString(s.ColumnHead.Render(cell("identity", lw)) + " " + s.ColumnHead.Render(cell("effective role", rw)) + " " + s.ColumnHead.Render(cell("why", sw)))
	b.WriteByte('\n')
	b.WriteString(f.tree.render(s, c.Width, h))
	b.WriteString(f.details())
	return b.String()
}

// render draws the rows in the window [offset, offset+height): the cost of
// a frame does not grow with the account. The selected row is marked with
// › as well as highlighted, so that it shows without colour.
func (t *findTree) render(s Styles, width, height int) string {
	lw, rw, sw := findColumns(width)
	var b strings.Builder
	end := min(t.offset+height, len(t.visible))
	for vi := t.offset; vi < end; vi++ {
		r := &t.rows[t.visible[vi]]
		mark := " "
		if vi == t.cursor {
			mark = "›"
		}
		var line string
		if r.kind == rowDomain || r.kind == rowNotebooks {
			// Headings span the width: a domain's name and ID matter more
			// than columns it has no value for.
			line = mark + cell(r.label+headingTail(r), width-1)
		} else {
			role := tailTruncate(find.ShortRole(r.role), rw)
			if r.role == "" {
				role = "—"
			}
			src := r.source
			if r.flag != "" {
				src = r.flag
			}
			line = mark + cell(r.prefix+r.label, lw-1) + " " + cell(role, rw) + " " + cell(src, sw)
		}
		switch {
		case vi == t.cursor:
			line = s.Selected.Render(line)
		case r.kind == rowDomain || r.kind == rowNotebooks:
			line = s.Bold.Render(line)
		case r.flag != "":
			line = s.Warn.Render(line)
		}
		b.WriteString(line)
		b.WriteByte('\n')
	}
	for i := end - t.offset; i < height; i++ {
		b.WriteByte('\n')
	}
	return b.String()
}

// headingTail is what a heading row adds after its label.
func headingTail(r *findRow) string {
	switch {
	case r.flag != "":
		return "  " + r.flag
	case r.source != "":
		return "  " + r.source
	}
	return ""
}

// tailTruncate keeps the end of s, where role names differ
// (…ExecutionRole-Research), cutting its start.
func tailTruncate(s string, width int) string {
	r := []rune(s)
	if len(r) <= width || width < 2 {
		return s
	}
	return "…" + string(r[len(r)-width+1:])
}

// status is the line above the tree: progress while reading, the filter,
// counts and warnings.
func (f *findScreen) status() string {
	s := f.ctx.Styles
	var parts []string
	switch {
	case f.listErr != nil:
		parts = append(parts, s.Error.Render("✗ "+f.listErr.Error()))
	case f.loading:
		p := "reading the account"
		if f.total > 0 {
			p = fmt.Sprintf("reading the account: %d/%d calls", f.done, f.total)
		}
		parts = append(parts, f.spin.view()+" "+p+progressBar(f.done, f.total, 12))
	default:
		parts = append(parts, fmt.Sprintf("%d domains · %d notebook instances", len(f.domains), len(f.notebooks)))
	}
	switch {
	case f.filtering || f.filter.Value() != "":
		parts = append(parts, f.filter.View())
	case f.roleFilter != "":
		parts = append(parts, s.Match.Render("runs as "+tailTruncate(find.ShortRole(f.roleFilter), 36)))
	}
	if n := len(f.warnings); n > 0 {
		parts = append(parts, s.Warn.Render(fmt.Sprintf("⚠ %d %s (w)", n, plural(n, "warning", "warnings"))))
	}
	return strings.Join(parts, "  ")
}

func progressBar(done, total, width int) string {
	if total == 0 {
		return ""
	}
	n := done * width / total
	return " [" + strings.Repeat("█", n) + strings.Repeat("░", width-n) + "]"
}

// details is the pane below the tree: the selected identity in full.
func (f *findScreen) details() string {
	c := f.ctx
	s := c.Styles
	w := c.Width
	lines := []string{s.Rule.Render(strings.Repeat("─", w))}
	r := f.selected()
	add := func(k, v string) {
		lines = append(lines, strings.Split(wrapWords(s.Muted.Render(k)+" "+v, w-1), "\n")...)
	}
	switch {
	case r == nil && len(f.tree.rows) > 0:
		lines = append(lines, "nothing matches the filter (esc clears it)")
	case r == nil:
		if !f.loading {
			lines = append(lines, "no SageMaker domain and no notebook instance in this region")
		}
	default:
		f.describe(r, add)
	}
	for len(lines) < findPaneHeight {
		lines = append(lines, "")
	}
	return strings.Join(lines[:findPaneHeight], "\n")
}

func (f *findScreen) describe(r *findRow, add func(k, v string)) {
	var d *find.DomainNode
	var dID string
	if r.domain >= 0 && r.domain < len(f.domains) {
		d = f.domains[r.domain].node
		dID = f.domains[r.domain].summary.ID
	}
	roleLine := func(arn string, p find.RoleProblem) string {
		if arn == "" {
			arn = "(none)"
		}
		if f := p.Flag(); f != "" {
			arn += "  " + f
		}
		return arn
	}
	switch r.kind {
	case rowDomain:
		if d == nil {
			add("domain", dID+" · "+r.source+r.flag)
			return
		}
		add("domain", fmt.Sprintf("%s (%s) · %s · %d users, %d spaces", d.Name, d.ID, d.Status, len(d.Users), len(d.Spaces)))
		add("users' default", roleLine(d.DefaultUserRole, d.DefaultUserRoleProblem))
		add("shared spaces'", roleLine(d.DefaultSpaceRole, d.DefaultSpaceRoleProblem))
		add("keys", "c change a default role")
	case rowDefaultUser:
		add("role", roleLine(r.role, d.DefaultUserRoleProblem))
		add("why", "the role of every user profile in "+dID+" that has none of its own")
		add("keys", "c change it · m modify the role · u who runs as it")
	case rowDefaultSpace:
		add("role", roleLine(r.role, d.DefaultSpaceRoleProblem))
		add("why", "the role of every shared space in "+dID)
		add("keys", "c change it · m modify the role · u who runs as it")
	case rowUser:
		u := r.user
		add("user", u.Name+" in "+dID+" · "+u.Status)
		add("role", roleLine(u.Role, u.RoleProblem))
		add("why", find.UserSourceSentence(*u))
		add("apps", appList(u.Apps)+" (Canvas and RStudio run as the profile's role)")
	case rowSpace:
		sp := r.space
		var owner *find.UserNode
		if d != nil {
			for i := range d.Users {
				if d.Users[i].Name == sp.Owner {
					owner = &d.Users[i]
				}
			}
		}
		add("space", sp.Name+" in "+dID+" · "+sp.Sharing+" · "+sp.Status)
		add("role", roleLine(sp.Role, sp.RoleProblem))
		add("why", find.SpaceSourceSentence(*sp, dID, owner))
		add("apps", appList(sp.Apps))
	case rowNotebook:
		nb := r.nb
		add("notebook", nb.Name+" · "+nb.Status)
		add("role", roleLine(nb.Role, nb.RoleProblem))
		add("why", "a notebook instance runs as its own RoleArn; AWS changes it only while the instance is Stopped")
	case rowNotebooks:
		add("notebook instances", fmt.Sprintf("%d in this region", len(f.notebooks)))
	}
}

func appList(apps []find.AppNode) string {
	if len(apps) == 0 {
		return "none running"
	}
	parts := make([]string, len(apps))
	for i, a := range apps {
		parts[i] = a.Type + "/" + a.Name + " · " + a.Status
	}
	return strings.Join(parts, ", ")
}
