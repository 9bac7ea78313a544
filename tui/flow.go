package tui

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"

	"github.com/sagerole/sagerole/awsops/rules"
)

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
	// finish, instead of plan, builds from the answers a screen that is
	// not a plan's review (why's explanation); its refusals send the user
	// back as plan's do.
	finish func(ctx context.Context) (Child, error)
	// remedy says, for a refusal whose Flag names a command-line flag,
	// what to do in the wizard instead, and may offer to do it: the
	// wizard's user typed no flag. nil, or "" for a flag: the fact alone.
	remedy func(ie *rules.InputError) (string, *offer)
	// receive takes what a flow opened from this one made (the role it
	// created) when that flow comes back.
	receive func(outputs map[string]string) tea.Cmd

	i        int
	form     *huh.Form
	live     map[string]func(string) error // the form's validators, by key
	screen   stepScreen
	planning bool
	errMsg   string // a refusal from the plan, shown above the form
	liveErr  string // the focused field's value, checked as typed
	offer    *offer // what ctrl+o does about the error shown
	spin     spin

	// Keys typed while the form is moving to another field wait until it
	// has: huh moves focus with a command, and a key read before that
	// command's message would land in the field just left (typing right
	// after tab, as scripts and VHS tapes do).
	settling *huh.Form // the form that is moving focus
	settleOf huh.Field // from this field
	settleN  int       // which wait the timeout is for
	queued   []tea.KeyPressMsg
}

type loadedMsg struct {
	to    int
	apply func()
}

func (m loadedMsg) recipient() int { return m.to }

type plannedMsg struct {
	to    int
	rv    *review
	child Child // finish's screen, when the flow has finish
	err   error
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

// Typing is true while a form (or a step's own screen) is shown, or about
// to be: its fields take letters, also those typed ahead of it.
func (f *flow) Typing() bool { return !f.planning }

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

// enter builds the current step's form (or screen), if what it needs is
// read.
func (f *flow) enter() tea.Cmd {
	f.form, f.screen, f.live = nil, nil, nil
	f.liveErr = ""
	f.endSettle()
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
	if s.screen != nil {
		f.screen = s.screen()
		f.sizeForm()
		return f.screen.Init()
	}
	k := newKit(f.ctx)
	f.form = s.form(k).WithTheme(f.ctx.Styles.Huh).WithShowHelp(false)
	f.live = k.live
	return tea.Batch(f.form.Init(), f.sizeForm())
}

// sizeForm tells the form how much room it has: the body, less the lines
// the flow adds around it.
func (f *flow) sizeForm() tea.Cmd {
	used := 2
	if intro := f.intro(); intro != "" {
		used += strings.Count(intro, "\n") + 2
	}
	if f.i >= 0 && f.i < len(f.steps) && f.steps[f.i].below != nil {
		used += f.steps[f.i].belowHeight
	}
	h := max(f.ctx.BodyHeight-used, 5)
	if f.screen != nil {
		// A screen of its own says its errors itself: it has the body.
		f.screen.Size(f.ctx.Width, f.ctx.BodyHeight)
	}
	if f.form == nil {
		return nil
	}
	_, cmd := f.form.Update(tea.WindowSizeMsg{Width: f.ctx.Width, Height: h})
	return cmd
}

func (f *flow) Update(msg tea.Msg) (Child, tea.Cmd) {
	cmd := f.update(msg)
	if f.settling == nil && len(f.queued) > 0 {
		cmd = tea.Batch(cmd, f.flush())
	}
	return f, cmd
}

func (f *flow) update(msg tea.Msg) tea.Cmd {
	_, cmd := f.updateOnce(msg)
	return cmd
}

func (f *flow) updateOnce(msg tea.Msg) (Child, tea.Cmd) {
	switch msg := msg.(type) {
	case loadedMsg:
		msg.apply()
		if f.form == nil && f.screen == nil && !f.planning {
			// What was read may show that the step is not needed (a
			// change that moves no running app): it is passed.
			if f.i >= 0 && f.i < len(f.steps) && f.steps[f.i].skip != nil && f.steps[f.i].skip() {
				return f, f.next()
			}
			return f, f.enter()
		}
		// What was read may change what the focused field means (the
		// account's role names, for a name being typed).
		f.checkLive()
		return f, nil
	case plannedMsg:
		f.planning = false
		if msg.err == nil {
			if msg.child != nil {
				return f, push(f.id, msg.child)
			}
			return f, push(f.id, msg.rv)
		}
		f.errMsg, f.offer = f.sentence(msg.err)
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
		offer := f.offer
		cmd := f.enter()
		f.offer = offer
		return f, cmd
	case returnedMsg:
		if f.receive != nil {
			return f, f.receive(msg.outputs)
		}
		return f, f.enter()
	case settleTimeoutMsg:
		if f.settling != nil && msg.n == f.settleN {
			f.endSettle()
		}
		return f, nil
	case tea.WindowSizeMsg:
		return f, f.sizeForm()
	case tea.KeyPressMsg:
		// Keys wait while the focus moves, and while the next step's form
		// is not there yet (a read it needs): typed ahead, they are for it.
		if f.settling != nil || (f.form == nil && f.screen == nil && !f.planning && f.i < len(f.steps)) {
			f.queued = append(f.queued, msg)
			return f, nil
		}
		if key.Matches(msg, f.ctx.Keys.Offer) && f.offer != nil {
			o := f.offer
			f.offer, f.errMsg, f.liveErr = nil, "", ""
			return f, o.open()
		}
		if f.form != nil && !f.filtering() && !f.typingField() {
			for _, k := range f.stepKeys() {
				if key.Matches(msg, k.bind) {
					return f, k.open()
				}
			}
		}
		// A step that is a screen of its own takes esc itself.
		if f.screen == nil && key.Matches(msg, f.ctx.Keys.Back) && !f.filtering() {
			return f, f.back()
		}
	}
	if cmd, ok := f.spin.update(msg); ok {
		return f, cmd
	}
	if f.screen != nil {
		return f.updateScreen(msg)
	}
	if f.form == nil {
		return f, nil
	}
	key, isKey := msg.(tea.KeyPressMsg)
	form, from := f.form, f.form.GetFocusedField()
	m, cmd := f.form.Update(msg)
	f.form = m.(*huh.Form)
	if isKey {
		f.errMsg, f.offer = "", nil
		f.checkLive()
	}
	switch f.form.State {
	case huh.StateCompleted:
		return f, tea.Batch(cmd, f.next())
	case huh.StateAborted:
		return f, tea.Batch(cmd, f.back())
	}
	if isKey && cmd != nil && movesFocus(key) {
		// The focus moves when the command's message comes back: until
		// then, keys wait.
		f.settling, f.settleOf = form, from
		f.settleN++
		to, n := f.id, f.settleN
		return f, tea.Batch(cmd, tea.Tick(settleWait, func(time.Time) tea.Msg { return settleTimeoutMsg{to: to, n: n} }))
	}
	if f.settling != nil && (f.form != f.settling || f.form.GetFocusedField() != f.settleOf) {
		f.endSettle()
	}
	return f, cmd
}

// updateScreen passes msg to a step that is a screen of its own.
func (f *flow) updateScreen(msg tea.Msg) (Child, tea.Cmd) {
	var cmd tea.Cmd
	f.screen, cmd = f.screen.Update(msg)
	switch f.screen.Outcome() {
	case stepDone:
		return f, tea.Batch(cmd, f.next())
	case stepBack:
		return f, tea.Batch(cmd, f.back())
	}
	return f, cmd
}

// next moves to the next step, or builds the plan after the last one.
func (f *flow) next() tea.Cmd {
	f.errMsg = ""
	if a := f.steps[f.i].answered; a != nil {
		a()
	}
	if d := f.steps[f.i].done; d != nil {
		if cmd := d(); cmd != nil {
			// The step opened something of its own (another flow): it is
			// asked again when that comes back.
			return tea.Batch(cmd, f.enter())
		}
	}
	f.i = f.nextShown(f.i+1, 1)
	if f.i < len(f.steps) {
		return f.enter()
	}
	f.form, f.screen = nil, nil
	f.planning = true
	plan, c, id := f.plan, f.ctx, f.id
	if finish := f.finish; finish != nil {
		return tea.Batch(f.spin.start(), func() tea.Msg {
			ch, err := finish(c.ctx())
			return plannedMsg{to: id, child: ch, err: err}
		})
	}
	return tea.Batch(f.spin.start(), func() tea.Msg {
		rv, err := planHeld(c.ctx(), c, plan)
		return plannedMsg{to: id, rv: rv, err: err}
	})
}

// back goes to the previous step, or closes the flow from the first.
func (f *flow) back() tea.Cmd {
	f.errMsg, f.offer = "", nil
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
