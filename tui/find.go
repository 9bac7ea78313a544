package tui

import (
	"context"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/sagerole/sagerole/awsops"
	"github.com/sagerole/sagerole/flows/change"
	"github.com/sagerole/sagerole/flows/find"
)

// findScreen is the find screen: the account as a tree (domains → users →
// spaces, notebook instances), each identity with its effective role and
// where it comes from; a filter; a details pane; keys that jump from the
// selected identity to change or modify. It fills in domain by domain while
// the inventory runs. The tree's rows and navigation are in find_tree.go,
// its drawing in find_view.go, the details pane in find_details.go.
type findScreen struct {
	ctx *ProgramContext
	id  int

	domains   []domainSlot
	notebooks []find.NotebookNode
	nbDone    bool
	// accountWarnings are the whole tree's, whole once it has come (the
	// last of a reading); until then the domains' own are shown.
	accountWarnings []string
	whole           bool
	warnings        []string
	listErr         error
	loading         bool
	done            int // calls of the inventory finished, of total so far
	total           int
	events          chan tea.Msg

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

// inventory reads the account with one inventory of a find session, as
// sagerole find does (the same calls, through the wizard's one bound of
// calls in flight): the list of domains as soon as it is read, each domain
// as soon as it is read whole, the progress as calls finish, and last the
// whole tree, with the notebook instances and the account's warnings.
func (f *findScreen) inventory(ctx context.Context, ch chan<- tea.Msg) {
	id := f.id
	defer close(ch)
	defer func() { ch <- findDoneMsg{to: id} }()
	listed := false
	t, err := f.ctx.session().Inventory(ctx, find.Options{
		Domains: func(list []awsops.DomainSummary) {
			listed = true
			ch <- findDomainsMsg{to: id, domains: list}
		},
		Domain:   func(i int, t *find.Tree) { ch <- findTreeMsg{to: id, slot: i, tree: t} },
		Progress: func(p find.Progress) { ch <- findProgressMsg{to: id, done: p.Done, total: p.Total} },
	})
	if err != nil && !listed {
		ch <- findDomainsMsg{to: id, err: err}
		return
	}
	ch <- findTreeMsg{to: id, slot: -1, tree: t, err: err}
}

func (f *findScreen) Update(msg tea.Msg) (Child, tea.Cmd) {
	switch msg := msg.(type) {
	case findDomainsMsg:
		// A new reading: its domains' warnings stand until its whole tree
		// comes.
		f.listErr, f.whole = msg.err, false
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

// addTree takes one domain's reading (slot ≥ 0), or the whole tree
// (slot -1), which comes last: the notebook instances, and the account's
// warnings, which then stand for the domains' own (a role that is bad in
// two domains is one warning there, naming the users of both).
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
	if msg.slot >= 0 {
		if len(t.Domains) > 0 {
			n := t.Domains[0]
			f.domains[msg.slot].node = &n
		}
		f.domains[msg.slot].warnings = t.Warnings
	} else {
		f.notebooks, f.nbDone = t.Notebooks, true
		f.accountWarnings, f.whole = t.Warnings, true
	}
	f.collectWarnings()
}

// collectWarnings lists the warnings, each once: the whole tree's when it
// has come; until then each domain's as it arrives, in the order of the
// domains, whatever order they were read in.
func (f *findScreen) collectWarnings() {
	f.warnings = nil
	seen := map[string]bool{}
	add := func(ws []string) {
		for _, w := range ws {
			if !seen[w] {
				seen[w] = true
				f.warnings = append(f.warnings, w)
			}
		}
	}
	if f.whole {
		add(f.accountWarnings)
		return
	}
	for _, d := range f.domains {
		add(d.warnings)
	}
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
	case key.Matches(msg, k.Why):
		if r := f.selected(); r != nil && r.role != "" {
			return f, push(f.id, newWhy(f.ctx, whyPrefill{role: r.role}))
		}
	case key.Matches(msg, exportKey):
		if r := f.selected(); r != nil && r.role != "" {
			return f, push(f.id, newExport(f.ctx, r.role))
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

func (f *findScreen) selected() *findRow { return f.tree.selected() }

// rebuild flattens what has been read into rows, keeping the cursor on the
// same identity when it can.
func (f *findScreen) rebuild() {
	keep := f.lastKey
	if r := f.selected(); r != nil {
		keep = r.key()
	}
	f.tree.rows = buildRows(f.domains, f.notebooks, f.nbDone)
	f.applyFilter()
	f.tree.selectKey(keep)
	f.tree.scrollTo(f.tree.cursor, f.treeHeight())
	f.remember()
}

// applyFilter shows the rows the filter (or u's role) keeps.
func (f *findScreen) applyFilter() {
	f.tree.apply(f.filter.Value(), f.roleFilter, f.treeHeight())
}

// remember keeps which row is selected, so that the selection survives
// the account being read again (and the rows being rebuilt meanwhile).
func (f *findScreen) remember() {
	if r := f.selected(); r != nil {
		f.lastKey = r.key()
	}
}

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
			{k.Filter, k.Uses, warn}, {k.Change, k.Modify, k.Why, exportKey}, {k.Back, k.Quit}},
	}
}
