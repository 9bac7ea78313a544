package tui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"

	"github.com/sagerole/sagerole/awsops"
)

// runHooks tune a run for a flow: the change flow retries while IAM
// propagates a new role, waits for notebook instances, and reads the
// outcome back once the writes are done.
type runHooks struct {
	retry awsops.RetryFunc
	wrap  func(b awsops.Backend, say func(string)) awsops.Backend
	// line says what an event means ("waiting for IAM to propagate, try
	// 3"); "" falls back to a plain retry line.
	line func(ev awsops.Event) string
	// after runs once every write is done (e.g. wait until the domain is
	// InService again); its lines go on the result screen.
	after func(ctx context.Context, say func(string)) ([]string, error)
}

// stepRun is how one step of a run is going.
type stepRun struct {
	status     awsops.StepStatus
	start, end time.Time
	note       string // the latest retry or wait line
	err        error
}

// execute runs a plan: a line per step turning ✓ or ✗ with its elapsed
// time, retries shown as they happen. ctrl+c while a write is in flight
// lets it finish, then stops, and says what ran and what did not.
type execute struct {
	ctx   *ProgramContext
	id    int
	name  string
	plan  awsops.Plan
	next  []nextAction
	hooks runHooks
	// rollbackOf is the entry this run reverts (nil for a plan's run).
	rollbackOf *awsops.Entry
	// reviewed is what each step replaced when the plan was reviewed: the
	// run is refused if the account has changed since.
	reviewed []awsops.State

	steps      []stepRun
	started    bool
	running    bool
	stopAsked  bool
	settling   string // what the after hook is waiting for
	entry      *awsops.Entry
	err        error
	afterLines []string
	afterErr   error
	events     chan tea.Msg
	gate       *gate
	spin       spin
	vp         viewport.Model
}

type progressMsg struct {
	to int
	ev awsops.Event
}

func (m progressMsg) recipient() int { return m.to }

type sayMsg struct {
	to   int
	text string
}

func (m sayMsg) recipient() int { return m.to }

type runDoneMsg struct {
	to         int
	entry      *awsops.Entry
	err        error
	afterLines []string
	afterErr   error
}

func (m runDoneMsg) recipient() int { return m.to }

func newExecute(c *ProgramContext, name string, plan awsops.Plan, next []nextAction, hooks runHooks) *execute {
	e := &execute{ctx: c, id: c.newID(), name: name, plan: plan, next: next, hooks: hooks, spin: newSpin(c)}
	e.steps = make([]stepRun, len(plan.Steps))
	for i := range e.steps {
		e.steps[i].status = awsops.StepNotRun
	}
	e.vp = viewport.New()
	return e
}

func (e *execute) ID() int { return e.id }
func (e *execute) Title() string {
	if e.rollbackOf != nil {
		return "Roll back " + e.rollbackOf.ID
	}
	return e.name + " › Run"
}

// Busy is true while the run is going: ctrl+c then stops it after the
// write in flight instead of quitting.
func (e *execute) Busy() bool { return e.running }

func (e *execute) Init() tea.Cmd {
	e.resize()
	if e.started {
		return nil
	}
	e.started, e.running = true, true
	c := e.ctx
	ch := make(chan tea.Msg, 64)
	e.events = ch
	e.gate = newGate()
	id := e.id
	say := func(s string) { ch <- sayMsg{to: id, text: s} }
	var b awsops.Backend = c.Opts.Backend
	if e.hooks.wrap != nil {
		b = e.hooks.wrap(b, say)
	}
	x := &awsops.Executor{
		Backend:     gated(b, e.gate),
		Journal:     c.Opts.Journal,
		Account:     c.Identity.Account,
		BackendName: c.Opts.BackendName,
		Retry:       e.hooks.retry,
		Sleep:       e.gate.sleep(c.Opts.Sleep),
		Now:         c.Opts.RunNow,
		Progress:    func(ev awsops.Event) { ch <- progressMsg{to: id, ev: ev} },
	}
	plan, after, reviewed := e.plan, e.hooks.after, e.reviewed
	go func() {
		// Writes are not cancelled by anything the user does: a write in
		// flight finishes, and the gate stops the run before the next.
		ctx := context.WithoutCancel(c.ctx())
		done := runDoneMsg{to: id}
		// The account is held from the check that it is still as reviewed
		// to the last write; waiting for it can be cancelled.
		release, err := holdAccount(c.ctx(), c.Opts.Backend, plan, reviewed)
		if err != nil {
			done.err = err
			ch <- done
			close(ch)
			return
		}
		done.entry, done.err = x.Run(ctx, plan)
		release()
		if done.err == nil && after != nil {
			ch <- sayMsg{to: id, text: "waiting for AWS to apply the change"}
			done.afterLines, done.afterErr = after(ctx, say)
		}
		ch <- done
		close(ch)
	}()
	return tea.Batch(e.spin.start(), waitEvent(ch))
}

// waitEvent delivers the run's next event.
func waitEvent(ch <-chan tea.Msg) tea.Cmd {
	return func() tea.Msg {
		msg, ok := <-ch
		if !ok {
			return nil
		}
		return msg
	}
}

func (e *execute) resize() {
	e.vp.SetWidth(e.ctx.Width)
	e.vp.SetHeight(max(e.ctx.BodyHeight, 3))
	e.vp.SetContentLines(e.lines())
}

func (e *execute) Update(msg tea.Msg) (Child, tea.Cmd) {
	c := e.ctx
	k := c.Keys
	switch msg := msg.(type) {
	case progressMsg:
		e.progress(msg.ev)
		e.refresh()
		return e, waitEvent(e.events)
	case sayMsg:
		e.settling = msg.text
		e.refresh()
		return e, waitEvent(e.events)
	case runDoneMsg:
		e.running = false
		e.entry, e.err = msg.entry, msg.err
		e.afterLines, e.afterErr = msg.afterLines, msg.afterErr
		e.settling = ""
		if e.err == nil {
			return e, replace(e.id, newResult(c, e))
		}
		e.refresh()
		e.vp.GotoBottom()
		return e, nil
	case stopMsg:
		if e.running {
			e.stopAsked = true
			e.gate.stop()
			e.refresh()
		}
		return e, nil
	case tea.WindowSizeMsg, tea.BackgroundColorMsg:
		e.resize()
		return e, nil
	case tea.KeyPressMsg:
		if e.running {
			return e, nil
		}
		switch {
		case key.Matches(msg, k.Rollback) && e.canRollback():
			// The roll back is an undo like any other: reviewed first.
			return e, replace(e.id, newUndoFor(c, e.entry))
		case key.Matches(msg, k.Menu), key.Matches(msg, k.Back):
			return e, home
		}
		var cmd tea.Cmd
		e.vp, cmd = e.vp.Update(msg)
		return e, cmd
	}
	if cmd, ok := e.spin.update(msg); ok {
		if e.running {
			e.refresh()
			return e, cmd
		}
		return e, nil
	}
	return e, nil
}

// refresh re-renders the step list, keeping the step in flight in view.
func (e *execute) refresh() {
	e.vp.SetContentLines(e.lines())
	if e.running {
		e.vp.GotoBottom()
	}
}

func (e *execute) progress(ev awsops.Event) {
	if ev.Step < 0 || ev.Step >= len(e.steps) {
		return
	}
	s := &e.steps[ev.Step]
	now := e.ctx.Opts.Now()
	switch ev.Status {
	case awsops.StepSending:
		if s.status != awsops.StepSending {
			s.start = now
		}
		s.status = awsops.StepSending
		if ev.Attempt > 1 {
			s.note = e.hooks.retryLine(ev)
		}
	case awsops.StepDone:
		s.status, s.end, s.note = awsops.StepDone, now, ""
	case awsops.StepApplied:
		// Its answer was lost, and reading it back showed it took effect.
		s.status, s.end, s.note = awsops.StepApplied, now, "its answer was lost; read back, it took effect"
	case awsops.StepFailed, awsops.StepNotApplied, awsops.StepUnknown:
		s.status, s.end, s.err = ev.Status, now, ev.Err
		if s.start.IsZero() {
			s.start = now
		}
	}
}

// retryLine says what a retried step is waiting for: the flow's line, or
// a plain retry line.
func (h runHooks) retryLine(ev awsops.Event) string {
	if h.line != nil {
		if l := h.line(ev); l != "" {
			return l
		}
	}
	return fmt.Sprintf("retrying, try %d in %s: %v", ev.Attempt, ev.Wait, ev.Err)
}

// canRollback: something was done, it was journaled, and it is not undone.
func (e *execute) canRollback() bool {
	return e.entry != nil && e.entry.ID != "" && e.rollbackOf == nil && e.entry.Undoable()
}

func (e *execute) Help() keyHelp {
	k := e.ctx.Keys
	if e.running {
		stop := key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "stop after this step"))
		return keyHelp{short: []key.Binding{stop}}
	}
	var b []key.Binding
	if e.canRollback() {
		b = append(b, k.Rollback)
	}
	return keyHelp{short: append(b, k.Menu, k.Quit)}
}

func (e *execute) lines() []string {
	c := e.ctx
	s := c.Styles
	w := max(c.Width-1, 20)
	var out []string
	verb := "Running"
	if e.rollbackOf != nil {
		verb = "Rolling back"
	}
	switch {
	case e.running:
		out = append(out, strings.Split(s.Bold.Render(wrapWords(fmt.Sprintf("%s %s on account %s", verb, e.plan.Command, c.Account()), w)), "\n")...)
		out = append(out, "")
	case e.err != nil:
		out = append(out, strings.Split(s.Fail.Render(wrapWords(fmt.Sprintf("✗ %s stopped before the end", e.plan.Command), w)), "\n")...)
		out = append(out, "")
	}
	for i, op := range e.plan.Steps {
		st := e.steps[i]
		mark, tail := "·", ""
		switch st.status {
		case awsops.StepSending:
			mark = e.spin.view()
		case awsops.StepDone, awsops.StepApplied:
			mark = s.OK.Render("✓")
			tail = elapsed(st.end.Sub(st.start))
		case awsops.StepUnknown:
			mark, tail = s.Warn.Render("?"), "outcome unknown"
		case awsops.StepFailed, awsops.StepNotApplied:
			mark = s.Fail.Render("✗")
			tail = elapsed(st.end.Sub(st.start))
			if errors.Is(st.err, errStopped) {
				mark, tail = "·", "not sent"
			}
		}
		label := fmt.Sprintf("%d. %s %s%s", i+1, op.API, op.Target, extraTarget(op))
		room := w - 3 - len(tail) - 1
		out = append(out, " "+mark+" "+cell(label, room)+" "+s.Muted.Render(tail))
		if st.note != "" && (st.status == awsops.StepSending || st.status == awsops.StepApplied) {
			out = append(out, indent(wrapWords(st.note, w-6), "     "))
		}
		if st.err != nil && !errors.Is(st.err, errStopped) {
			out = append(out, s.Fail.Render(indent(wrapWords(st.err.Error(), w-6), "     ")))
		}
	}
	if e.settling != "" {
		out = append(out, "", " "+e.spin.view()+" "+e.settling+"…")
	}
	if e.running && e.stopAsked {
		out = append(out, "", s.Warn.Render(" A write is in flight: it will finish, then stop."))
	}
	if !e.running && e.err != nil {
		out = append(out, "")
		out = append(out, strings.Split(wrapWords(e.failureSummary(), w), "\n")...)
	}
	return out
}

// failureSummary says what state things are in: what ran, what did not,
// what reading back a step whose answer was lost showed, and how to roll
// back.
func (e *execute) failureSummary() string {
	var done, notRun, outcomes []string
	failed := ""
	stopped := false
	if e.entry != nil {
		for i, st := range e.entry.Steps {
			label := fmt.Sprintf("%d %s %s", i+1, st.Op.API, st.Op.Target)
			switch st.Status {
			case awsops.StepDone:
				done = append(done, label)
			case awsops.StepApplied:
				done = append(done, label+" (its answer was lost; read back, it took effect)")
			case awsops.StepNotRun:
				notRun = append(notRun, label)
			case awsops.StepFailed:
				if errors.Is(e.err, errStopped) || strings.Contains(st.Error, errStopped.Error()) {
					stopped = true
					notRun = append(notRun, label)
				} else {
					failed = label
				}
			case awsops.StepNotApplied:
				failed = label + " (it did not take effect)"
			case awsops.StepSending, awsops.StepUnknown:
				failed = label + " (outcome unknown: the undo reads it back)"
			}
			if st.Outcome != "" && st.Status != awsops.StepApplied {
				outcomes = append(outcomes, fmt.Sprintf("Step %d: %s.", i+1, st.Outcome))
			}
		}
	}
	var b strings.Builder
	if stopped {
		b.WriteString("Stopped at your request; nothing was in flight when it stopped.\n")
	} else if failed != "" {
		fmt.Fprintf(&b, "Failed: %s.\n", failed)
	} else if e.err != nil {
		fmt.Fprintf(&b, "%v\n", e.err)
	}
	for _, o := range outcomes {
		b.WriteString(o + "\n")
	}
	switch {
	case len(done) > 0:
		fmt.Fprintf(&b, "Done: %s.\n", strings.Join(done, "; "))
	case strings.Contains(failed, "outcome unknown"):
		b.WriteString("Done: nothing that is known.\n")
	default:
		b.WriteString("Done: nothing, the account is as it was.\n")
	}
	if len(notRun) > 0 {
		fmt.Fprintf(&b, "Not run: %s.\n", strings.Join(notRun, "; "))
	}
	if e.canRollback() {
		fmt.Fprintf(&b, "Press r to roll back what was done (or later: sagerole undo %s).", e.entry.ID)
	} else if e.rollbackOf != nil {
		fmt.Fprintf(&b, "The undo itself stopped; sagerole undo %s resumes it (see sagerole journal).", e.rollbackOf.ID)
	}
	return strings.TrimRight(b.String(), "\n")
}

func (e *execute) View() string { return e.vp.View() }
