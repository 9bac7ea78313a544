package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/sagerole/sagerole/awsops"
	"github.com/sagerole/sagerole/flows/undo"
)

// undoScreen lists the journaled runs made on this account, newest first;
// enter reads back any step whose outcome is unknown, works out the undo
// as sagerole undo does (flows/undo: drift, blast radius, broadening and
// narrowing), and shows it for review — or says why it is refused, with F
// to undo anyway. A failed run's roll back opens it on that one entry.
type undoScreen struct {
	ctx     *ProgramContext
	id      int
	entries []*awsops.Entry
	listErr error
	loaded  bool
	cursor  int
	offset  int

	checking bool
	// refused is the review of driftFor that was refused; F forces it.
	refused  *undo.Result
	drift    []awsops.Drift
	driftFor *awsops.Entry
	msg      string // why the selected entry cannot be undone
	spin     spin
	// only is the entry a roll back opened the screen on: the list is that
	// one entry, and it is checked at once.
	only *awsops.Entry
}

type journalMsg struct {
	to      int
	entries []*awsops.Entry
	err     error
}

func (m journalMsg) recipient() int { return m.to }

type undoReviewMsg struct {
	to    int
	entry *awsops.Entry
	work  undoWork
	err   error
}

func (m undoReviewMsg) recipient() int { return m.to }

func newUndo(c *ProgramContext) *undoScreen {
	return &undoScreen{ctx: c, id: c.newID(), spin: newSpin(c)}
}

// newUndoFor is the roll back of a run that failed or was stopped: the
// undo screen on that entry alone, reviewed before anything is sent.
func newUndoFor(c *ProgramContext, e *awsops.Entry) *undoScreen {
	u := newUndo(c)
	u.only = e
	return u
}

func (u *undoScreen) ID() int { return u.id }
func (u *undoScreen) Title() string {
	if u.only != nil {
		return "Roll back " + u.only.ID
	}
	return "Undo a change"
}

func (u *undoScreen) Init() tea.Cmd {
	c, id := u.ctx, u.id
	if u.only != nil {
		if !u.loaded {
			u.entries, u.loaded = []*awsops.Entry{u.only}, true
			return u.check(false)
		}
		return nil
	}
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
	u.drift, u.driftFor, u.refused, u.msg, u.checking = nil, nil, nil, "", false
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
	enter := key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "undo it"))
	b := []key.Binding{k.Up, k.Down, enter}
	if u.refused != nil {
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
	case undoReviewMsg:
		u.checking = false
		return u, u.reviewed(msg)
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
		case key.Matches(msg, k.Force) && u.refused != nil && u.driftFor == u.selected():
			return u, u.check(true)
		case key.Matches(msg, k.Enter):
			return u, u.check(false)
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
	u.drift, u.driftFor, u.refused, u.msg = nil, nil, nil, ""
}

// check refuses what cannot be undone, then works the undo out in the
// background: unknown outcomes read back (and recorded), the undo plan
// with its review. force undoes anyway what the review refuses.
func (u *undoScreen) check(force bool) tea.Cmd {
	e := u.selected()
	if e == nil {
		return nil
	}
	u.drift, u.driftFor, u.refused, u.msg = nil, nil, nil, ""
	if e.UndoneBy != "" {
		u.msg = fmt.Sprintf("Already undone by %s; undo that entry to redo it.", e.UndoneBy)
		return nil
	}
	if c := u.ctx.Opts.History; c != nil {
		if err := c.CheckRedo(e); err != nil {
			u.msg = err.Error() + "."
			return nil
		}
	}
	if why := nothingToUndo(e); why != "" {
		u.msg = why
		return nil
	}
	u.checking = true
	c, id := u.ctx, u.id
	x := &awsops.Executor{Backend: c.Opts.Backend, Journal: c.Opts.Journal, Account: c.Identity.Account, BackendName: c.Opts.BackendName, Now: c.Opts.RunNow}
	return tea.Batch(u.spin.start(), func() tea.Msg {
		w, err := workUndo(c.ctx(), x, c.session(), e, force)
		return undoReviewMsg{to: id, entry: e, work: w, err: err}
	})
}

// reviewed shows what the check found: a refusal (F forces it), nothing
// to send, or the review of the undo plan.
func (u *undoScreen) reviewed(msg undoReviewMsg) tea.Cmd {
	lead := strings.Join(msg.work.settled, " ")
	say := func(s string) {
		u.msg = strings.TrimSpace(lead + " " + s)
	}
	if msg.err != nil {
		say("The undo could not be worked out: " + msg.err.Error())
		return nil
	}
	res := msg.work.res
	if err := res.Check(); err != nil {
		u.drift, u.driftFor = res.Undo.Drift, msg.entry
		if len(res.Undo.Blocked) > 0 {
			say("Cannot undo it: " + strings.Join(res.Undo.Blocked, "; ") + ".")
			return nil
		}
		u.refused = res
		say("Undo refused: " + strings.Join(res.Refusals, "; ") + ".")
		return nil
	}
	if len(res.Plan.Steps) == 0 {
		why := strings.Join(append(res.Undo.Skipped, res.Plan.Warnings...), "; ")
		switch {
		case msg.work.marked != "":
			cmd := u.Resume()
			say(fmt.Sprintf("Nothing to send: the account already is as it was before this run (%s). Marked undone (journal entry %s).", why, msg.work.marked))
			return cmd
		case len(res.Undo.Skipped) > 0:
			say(fmt.Sprintf("Nothing to send: the account already is as it was before this run (%s).", why))
		default:
			say("Nothing of it can be undone: " + why + ".")
		}
		return nil
	}
	return u.review(msg.entry, msg.work, lead)
}

func (u *undoScreen) review(e *awsops.Entry, w undoWork, settled string) tea.Cmd {
	res := w.res
	name := "Undo"
	if u.only != nil {
		name = "Roll back"
	}
	rv := newReview(u.ctx, name, res.Plan)
	rv.undoes = e
	rv.hooks = sageMakerHooks(u.ctx)
	rv.before, rv.beforeErr = w.before, w.beforeErr
	rv.impact = []string{fmt.Sprintf("reverts %s (%s), run %s", e.ID, e.Command, e.Time.Format("2006-01-02 15:04"))}
	if settled != "" {
		rv.impact = append(rv.impact, settled)
	}
	if res.Force {
		for _, r := range res.Refusals {
			rv.impact = append(rv.impact, "⚠ undoing anyway: "+r)
		}
	}
	rv.next = []nextAction{{key: "u", label: "undo another change", short: "undo another", open: func(c *ProgramContext) Child { return newUndo(c) }}}
	if u.only != nil {
		rv.next = []nextAction{menuAction()}
		return replace(u.id, rv)
	}
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
		out = append(out, "", s.Warn.Render(wrapWords(fmt.Sprintf("Since this run, something else changed what it touched (%d %s):", len(u.drift), plural(len(u.drift), "difference", "differences")), w-1)))
		for _, d := range u.drift {
			if d.Blocks != "" {
				// What would make the undo fail: said in full.
				line := fmt.Sprintf("%s %s was added to %s since; the undo's %s would fail", d.Field, d.Current[strings.LastIndex(d.Current, "/")+1:], d.Target, d.Blocks)
				out = append(out, indent(wrapWords(line, w-5), "  "))
				continue
			}
			out = append(out, cutMiddle(fmt.Sprintf("  step %d %s %s, %s: left %s, now %s", d.Step, d.API, d.Target, d.Field, short(d.Recorded), short(d.Current)), w-1))
		}
	}
	if u.refused != nil {
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
