package tui

import (
	"context"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"
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
	// form builds the step's form; the kit keeps the validators of its
	// fields, which also check the focused field as it is typed.
	form func(k *kit) *huh.Form
	// screen, instead of form, is a step that is not a form (the policy
	// editor); plain is what accessible mode asks instead.
	screen func() stepScreen
	plain  func(k *kit) *huh.Form
	// intro, when set, is shown above the form (what the step is about:
	// the role as it is, before asking what to change in it).
	intro func() string
	// below, when set, is shown under the form, from the option the
	// focused field's cursor is on (what a persona includes, what an
	// activity does); belowHeight lines are kept for it. explain is what
	// accessible mode says instead, before the prompt: every option's.
	below       func(hovered string) string
	belowHeight int
	explain     func() []string
	// answered, when set, runs once the step is answered, on the screen
	// and in accessible mode, before the next step is chosen: what the
	// answer implies for the steps after it.
	answered func()
	// keys are what the step does besides its form's own keys (export the
	// role shown): taken while no field is typing or filtering.
	keys func() []stepKey
	// done, when set, runs once the step is answered, before the flow
	// moves on; a command it returns runs instead of moving on (a choice
	// that opens another flow, such as "create a new role").
	done func() tea.Cmd
}

// stepKey is a key a step takes, and what it opens.
type stepKey struct {
	bind key.Binding
	open func() tea.Cmd
}

// stepScreen is a step that is not a huh form: it takes the keys while it
// is shown, and says when it is done or wants to go back.
type stepScreen interface {
	Init() tea.Cmd
	Update(msg tea.Msg) (stepScreen, tea.Cmd)
	View() string
	Help() []key.Binding
	Size(width, height int)
	// Outcome is stepGoing until the screen is answered or left.
	Outcome() stepOutcome
}

type stepOutcome int

const (
	stepGoing stepOutcome = iota
	stepDone
	stepBack
)

// offer is an action the flow offers with an error it shows: the key
// ctrl+o opens it (fix the role's trust policy now, create the role now).
type offer struct {
	label string
	open  func() tea.Cmd
}

// load is a read a flow starts when it opens (the account's buckets,
// roles, domains); it returns what to do with the result, run on the UI
// goroutine.
type load func(ctx context.Context) (apply func())
