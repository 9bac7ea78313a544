package tui

import (
	"context"
	"errors"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"

	"github.com/sagerole/sagerole/awsops/rules"
)

// step is one huh form of a flow. A flow is a sequence of them; esc goes
// back one step, and the values stay, because every field is bound to the
// flow's state.
type step struct {
	name string // shown in the title: "Create role › Name"
	// fields are the rules.InputError fields this step asks for: when the
	// plan refuses one, the flow comes back here with the sentence.
	fields []string
	skip   func() bool // nil: always shown
	// ready is false while a read the step needs is running (nil: ready);
	// waiting says what is being read.
	ready   func() bool
	waiting string
	// fetch starts the read ready waits on, when the step is entered (a
	// read that depends on an earlier answer, such as a domain's users);
	// nil when it is already under way.
	fetch func() load
	form  func() *huh.Form
	// intro, when set, is shown above the form (what the step is about:
	// the role as it is, before asking what to change in it).
	intro func() string
	// live validates, as the user types, the field of that key with the
	// very function the command line uses, so that the same sentence
	// refuses a bad value before enter is pressed.
	live map[string]func(string) error
}

// load is a read a flow starts when it opens (the account's buckets,
// roles, domains); it returns what to do with the result, run on the UI
// goroutine.
type load func(ctx context.Context) (apply func())

// flow is the screen of a form-driven flow: its steps, the reads they
// wait on, and the plan built from the answers.
type flow struct {
	ctx   *ProgramContext
	id    int
	name  string
	steps []step
	loads []load
	// plan builds the review from the answers; an *rules.InputError sends
	// the user back to the step that asked for its field.
	plan func(ctx context.Context) (*review, error)

	i        int
	form     *huh.Form
	planning bool
	errMsg   string // a refusal from the plan, shown above the form
	liveErr  string // the focused field's value, checked as typed
	spin     spin
}

type loadedMsg struct {
	to    int
	apply func()
}

func (m loadedMsg) recipient() int { return m.to }

type plannedMsg struct {
	to  int
	rv  *review
	err error
}

func (m plannedMsg) recipient() int { return m.to }

func newFlow(c *ProgramContext, name string) *flow {
	return &flow{ctx: c, id: c.newID(), name: name, spin: newSpin(c)}
}

func (f *flow) ID() int { return f.id }

func (f *flow) Title() string {
	if f.i < len(f.steps) && f.steps[f.i].name != "" {
		return f.name + " › " + f.steps[f.i].name
	}
	return f.name
}

// Typing is true while a form is shown: its fields take letters.
func (f *flow) Typing() bool { return f.form != nil }

func (f *flow) Init() tea.Cmd {
	cmds := []tea.Cmd{f.spin.start()}
	for _, l := range f.loads {
		l := l
		cmds = append(cmds, func() tea.Msg { return loadedMsg{to: f.id, apply: l(f.ctx.ctx())} })
	}
	f.i = f.nextShown(0, 1)
	cmds = append(cmds, f.enter())
	return tea.Batch(cmds...)
}

// Resume comes back from the review: the last step's form again, with the
// answers as they were.
func (f *flow) Resume() tea.Cmd {
	f.planning = false
	if f.i >= len(f.steps) {
		f.i = f.nextShown(len(f.steps)-1, -1)
	}
	return tea.Batch(f.enter(), f.spin.start())
}

// nextShown is the first step from i, going in dir, that is not skipped;
// -1 or len(steps) when there is none.
func (f *flow) nextShown(i, dir int) int {
	for ; i >= 0 && i < len(f.steps); i += dir {
		if s := f.steps[i]; s.skip == nil || !s.skip() {
			return i
		}
	}
	return i
}

// enter builds the current step's form, if what it needs is read.
func (f *flow) enter() tea.Cmd {
	f.form = nil
	f.liveErr = ""
	if f.i < 0 || f.i >= len(f.steps) {
		return nil
	}
	s := f.steps[f.i]
	if s.ready != nil && !s.ready() {
		if s.fetch != nil {
			if l := s.fetch(); l != nil {
				c, id := f.ctx, f.id
				return tea.Batch(f.spin.start(), func() tea.Msg { return loadedMsg{to: id, apply: l(c.ctx())} })
			}
		}
		return nil
	}
	f.form = s.form().WithTheme(f.ctx.Styles.Huh).WithShowHelp(false)
	return tea.Batch(f.form.Init(), f.sizeForm())
}

// sizeForm tells the form how much room it has: the body, less the lines
// the flow adds around it.
func (f *flow) sizeForm() tea.Cmd {
	if f.form == nil {
		return nil
	}
	used := 2
	if f.i < len(f.steps) && f.steps[f.i].intro != nil {
		used += strings.Count(f.steps[f.i].intro(), "\n") + 2
	}
	_, cmd := f.form.Update(tea.WindowSizeMsg{Width: f.ctx.Width, Height: max(f.ctx.BodyHeight-used, 5)})
	return cmd
}

func (f *flow) Update(msg tea.Msg) (Child, tea.Cmd) {
	switch msg := msg.(type) {
	case loadedMsg:
		msg.apply()
		if f.form == nil && !f.planning {
			return f, f.enter()
		}
		return f, nil
	case plannedMsg:
		f.planning = false
		if msg.err == nil {
			return f, push(f.id, msg.rv)
		}
		f.errMsg = msg.err.Error()
		var ie *rules.InputError
		if errors.As(msg.err, &ie) {
			for i, s := range f.steps {
				if slices.Contains(s.fields, ie.Field) {
					f.i = i
					break
				}
			}
		}
		if f.i >= len(f.steps) {
			f.i = f.nextShown(len(f.steps)-1, -1)
		}
		return f, f.enter()
	case tea.WindowSizeMsg:
		return f, f.sizeForm()
	case tea.KeyPressMsg:
		if key.Matches(msg, f.ctx.Keys.Back) && !f.filtering() {
			return f, f.back()
		}
	}
	if cmd, ok := f.spin.update(msg); ok {
		return f, cmd
	}
	if f.form == nil {
		return f, nil
	}
	m, cmd := f.form.Update(msg)
	f.form = m.(*huh.Form)
	if _, ok := msg.(tea.KeyPressMsg); ok {
		f.checkLive()
		f.errMsg = ""
	}
	switch f.form.State {
	case huh.StateCompleted:
		return f, tea.Batch(cmd, f.next())
	case huh.StateAborted:
		return f, tea.Batch(cmd, f.back())
	}
	return f, cmd
}

// filtering reports whether the focused field wants esc itself: a
// multi-select that is filtering, or that has a filter applied, clears it
// with esc; only then does esc not go back a step.
func (f *flow) filtering() bool {
	if f.form == nil {
		return false
	}
	field := f.form.GetFocusedField()
	if field == nil {
		return false
	}
	for _, b := range field.KeyBinds() {
		if b.Enabled() && slices.Contains(b.Keys(), "esc") {
			return true
		}
	}
	return false
}

func (f *flow) checkLive() {
	f.liveErr = ""
	field := f.form.GetFocusedField()
	if field == nil {
		return
	}
	check := f.steps[f.i].live[field.GetKey()]
	v, ok := field.GetValue().(string)
	if check == nil || !ok || v == "" {
		return
	}
	if err := check(v); err != nil {
		f.liveErr = err.Error()
	}
}

// next moves to the next step, or builds the plan after the last one.
func (f *flow) next() tea.Cmd {
	f.errMsg = ""
	f.i = f.nextShown(f.i+1, 1)
	if f.i < len(f.steps) {
		return f.enter()
	}
	f.form = nil
	f.planning = true
	plan, c, id := f.plan, f.ctx, f.id
	return tea.Batch(f.spin.start(), func() tea.Msg {
		rv, err := planHeld(c.ctx(), c, plan)
		return plannedMsg{to: id, rv: rv, err: err}
	})
}

// back goes to the previous step, or closes the flow from the first.
func (f *flow) back() tea.Cmd {
	f.errMsg = ""
	if f.planning {
		return nil
	}
	prev := f.nextShown(f.i-1, -1)
	if prev < 0 {
		return pop(f.id)
	}
	f.i = prev
	return f.enter()
}

func (f *flow) Help() keyHelp {
	k := f.ctx.Keys
	back := k.Back
	// esc first: the form's own keys are many, and the bar cuts the last.
	binds := []key.Binding{back}
	if f.form != nil {
		binds = append(binds, f.form.KeyBinds()...)
	}
	return keyHelp{short: binds, full: [][]key.Binding{binds, {k.Interrupt}}}
}

func (f *flow) View() string {
	s := f.ctx.Styles
	var b strings.Builder
	if f.errMsg != "" {
		b.WriteString(s.Error.Render(wrapText("✗ "+f.errMsg, f.ctx.Width-2)) + "\n\n")
	}
	if f.liveErr != "" && f.form != nil {
		b.WriteString(s.Error.Render(wrapText("✗ "+f.liveErr, f.ctx.Width-2)) + "\n\n")
	}
	switch {
	case f.planning:
		b.WriteString("\n " + f.spin.view() + " Reading the account and building the plan…\n")
	case f.form == nil && f.i < len(f.steps):
		b.WriteString("\n " + f.spin.view() + " " + f.steps[f.i].waiting + "…\n")
	case f.form != nil:
		if intro := f.steps[f.i].intro; intro != nil {
			b.WriteString(intro() + "\n\n")
		}
		b.WriteString(f.form.View())
	}
	return b.String()
}
