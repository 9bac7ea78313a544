package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/sagerole/sagerole/awsops"
)

// undoScreen lists the journaled runs made on this account, newest first;
// enter checks that nothing else changed what the run touched since (the
// same drift check as sagerole undo), then shows the inverse plan for
// review.
type undoScreen struct {
	ctx     *ProgramContext
	id      int
	entries []*awsops.Entry
	listErr error
	loaded  bool
	cursor  int
	offset  int

	checking bool
	drift    []awsops.Drift
	driftFor *awsops.Entry
	msg      string // why the selected entry cannot be undone
	spin     spin
}

type journalMsg struct {
	to      int
	entries []*awsops.Entry
	err     error
}

func (m journalMsg) recipient() int { return m.to }

type driftMsg struct {
	to    int
	entry *awsops.Entry
	drift []awsops.Drift
	err   error
}

func (m driftMsg) recipient() int { return m.to }

func newUndo(c *ProgramContext) *undoScreen {
	return &undoScreen{ctx: c, id: c.newID(), spin: newSpin(c)}
}

func (u *undoScreen) ID() int       { return u.id }
func (u *undoScreen) Title() string { return "Undo a change" }

func (u *undoScreen) Init() tea.Cmd {
	c, id := u.ctx, u.id
	// The account is read here, on the UI goroutine, which is where the
	// identity is written when it arrives: not in the command below.
	history, backend, account := c.Opts.History, c.Opts.BackendName, c.Identity.Account
	return tea.Batch(u.spin.start(), func() tea.Msg {
		if history == nil {
			return journalMsg{to: id, err: fmt.Errorf("no journal is kept here")}
		}
		all, err := history.List()
		if err != nil {
			return journalMsg{to: id, err: err}
		}
		return journalMsg{to: id, entries: ownEntries(all, backend, account)}
	})
}

// ownEntries are the runs made on this account through the same backend:
// an entry of another account (or of another sandbox file) cannot be
// undone here. An account not known yet ("") does not narrow the list.
func ownEntries(all []*awsops.Entry, backend, account string) []*awsops.Entry {
	var mine []*awsops.Entry
	for _, e := range all {
		if e.Backend == backend && (account == "" || e.Account == account) {
			mine = append(mine, e)
		}
	}
	return mine
}

// Resume lists the journal again: an undo just ran.
func (u *undoScreen) Resume() tea.Cmd {
	u.drift, u.driftFor, u.msg, u.checking = nil, nil, "", false
	return u.Init()
}

func (u *undoScreen) selected() *awsops.Entry {
	if u.cursor < 0 || u.cursor >= len(u.entries) {
		return nil
	}
	return u.entries[u.cursor]
}

func (u *undoScreen) Help() keyHelp {
	k := u.ctx.Keys
	undo := key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "undo it"))
	b := []key.Binding{k.Up, k.Down, undo}
	if len(u.drift) > 0 {
		b = append(b, k.Force)
	}
	return keyHelp{short: append(b, k.Back, k.Quit)}
}

func (u *undoScreen) Update(msg tea.Msg) (Child, tea.Cmd) {
	c := u.ctx
	k := c.Keys
	switch msg := msg.(type) {
	case journalMsg:
		u.entries, u.listErr, u.loaded = msg.entries, msg.err, true
		u.cursor = defaultEntry(u.entries)
		return u, nil
	case driftMsg:
		u.checking = false
		if msg.err != nil {
			u.msg = "The account could not be compared with what the run left: " + msg.err.Error()
			return u, nil
		}
		if len(msg.drift) > 0 {
			u.drift, u.driftFor = msg.drift, msg.entry
			return u, nil
		}
		return u, u.review(msg.entry)
	case tea.KeyPressMsg:
		if u.checking {
			return u, nil
		}
		switch {
		case key.Matches(msg, k.Back):
			return u, pop(u.id)
		case key.Matches(msg, k.Up):
			u.move(-1)
		case key.Matches(msg, k.Down):
			u.move(1)
		case key.Matches(msg, k.Force) && u.driftFor != nil && u.driftFor == u.selected():
			return u, u.review(u.driftFor)
		case key.Matches(msg, k.Enter):
			return u, u.check()
		}
		return u, nil
	}
	if cmd, ok := u.spin.update(msg); ok {
		if !u.loaded || u.checking {
			return u, cmd
		}
	}
	return u, nil
}

func (u *undoScreen) move(d int) {
	u.cursor = min(max(u.cursor+d, 0), max(len(u.entries)-1, 0))
	u.drift, u.driftFor, u.msg = nil, nil, ""
}

// check refuses what cannot be undone, then compares the account with
// what the run left.
func (u *undoScreen) check() tea.Cmd {
	e := u.selected()
	if e == nil {
		return nil
	}
	u.drift, u.driftFor, u.msg = nil, nil, ""
	if e.UndoneBy != "" {
		u.msg = fmt.Sprintf("Already undone by %s; undo that entry to redo it.", e.UndoneBy)
		return nil
	}
	if why := nothingToUndo(awsops.UndoPlan(e)); why != "" {
		u.msg = why
		return nil
	}
	u.checking = true
	c, id := u.ctx, u.id
	return tea.Batch(u.spin.start(), func() tea.Msg {
		d, err := awsops.DetectDrift(c.ctx(), c.Opts.Backend, e)
		return driftMsg{to: id, entry: e, drift: d, err: err}
	})
}

func (u *undoScreen) review(e *awsops.Entry) tea.Cmd {
	rv := newReview(u.ctx, "Undo", awsops.UndoPlan(e))
	rv.impact = []string{fmt.Sprintf("reverts %s (%s), run %s", e.ID, e.Command, e.Time.Format("2006-01-02 15:04"))}
	if len(u.drift) > 0 && u.driftFor == e {
		rv.impact = append(rv.impact, fmt.Sprintf("⚠ undoing anyway: %d later %s will be overwritten", len(u.drift), plural(len(u.drift), "change", "changes")))
	}
	rv.next = []nextAction{{key: "u", label: "undo another change", short: "undo another", open: func(c *ProgramContext) Child { return newUndo(c) }}}
	return push(u.id, rv)
}

func (u *undoScreen) View() string {
	c := u.ctx
	s := c.Styles
	w := c.Width
	var out []string
	switch {
	case !u.loaded:
		return "\n " + u.spin.view() + " Reading the journal…"
	case u.listErr != nil:
		return s.Error.Render(wrapWords("✗ The journal could not be read: "+u.listErr.Error(), w-1))
	case len(u.entries) == 0:
		return "\nThe journal has no run on this account yet: nothing to undo.\n\n" +
			s.Muted.Render(wrapWords("Runs are recorded under "+c.Opts.History.Dir+".", w-1))
	}
	out = append(out, fmt.Sprintf("%d %s on %s account %s, newest first:", len(u.entries),
		plural(len(u.entries), "run", "runs"), c.Opts.BackendName, c.Account()))
	listH := max(c.BodyHeight-9, 3)
	if u.cursor < u.offset {
		u.offset = u.cursor
	}
	if u.cursor >= u.offset+listH {
		u.offset = u.cursor - listH + 1
	}
	for i := u.offset; i < min(u.offset+listH, len(u.entries)); i++ {
		e := u.entries[i]
		head := fmt.Sprintf(" %s  %-11s ", e.Time.UTC().Format("01-02 15:04Z"), e.Status())
		line := head + cutMiddle(e.Command, w-2-len(head))
		if i == u.cursor {
			out = append(out, "›"+s.Selected.Render(cell(line, w-2)))
		} else {
			out = append(out, " "+cell(line, w-2))
		}
	}
	out = append(out, s.Rule.Render(strings.Repeat("─", w)))
	if e := u.selected(); e != nil {
		out = append(out, s.Muted.Render("entry ")+e.ID)
		for i, st := range e.Steps {
			head := fmt.Sprintf("  %s %d. %s ", st.Status.Mark(), i+1, st.Op.API)
			out = append(out, head+cutMiddle(st.Op.Target+extraTarget(st.Op), w-1-len([]rune(head))))
		}
		switch {
		case e.UndoOf != "":
			out = append(out, s.Muted.Render("  (this run undid "+e.UndoOf+"; undoing it redoes that)"))
		case e.UndoneBy != "":
			out = append(out, s.Muted.Render("  (undone by "+e.UndoneBy+")"))
		}
	}
	if u.checking {
		out = append(out, "", " "+u.spin.view()+" Comparing the account with what the run left…")
	}
	if u.msg != "" {
		out = append(out, "", s.Warn.Render(wrapWords(u.msg, w-1)))
	}
	if len(u.drift) > 0 {
		out = append(out, "", s.Warn.Render(wrapWords(fmt.Sprintf("Since this run, something else changed what it touched (%d %s); undoing it would overwrite:", len(u.drift), plural(len(u.drift), "difference", "differences")), w-1)))
		for _, d := range u.drift {
			out = append(out, cutMiddle(fmt.Sprintf("  step %d %s %s, %s: left %s, now %s", d.Step, d.API, d.Target, d.Field, short(d.Recorded), short(d.Current)), w-1))
		}
		out = append(out, s.Bold.Render("  F undoes it anyway; esc leaves it."))
	}
	return strings.Join(out, "\n")
}

// short shortens a recorded value (a whole policy document) for one line.
func short(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if s == "" {
		return "(none)"
	}
	return cutMiddle(s, 40)
}

// defaultEntry is where the cursor starts: on the run sagerole undo takes
// by default, the latest that may have changed something and is not an
// undo itself (enter on the undo just made would redo the change).
func defaultEntry(entries []*awsops.Entry) int {
	for i, e := range entries {
		if e.UndoOf == "" && e.Undoable() {
			return i
		}
	}
	return 0
}
