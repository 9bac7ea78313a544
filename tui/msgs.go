package tui

import (
	tea "charm.land/bubbletea/v2"

	"github.com/sagerole/sagerole/awsops"
)

// Child is one screen. Only the root returns a tea.View; a screen returns
// its body as a string, and its keys for the help bar.
type Child interface {
	Init() tea.Cmd
	Update(msg tea.Msg) (Child, tea.Cmd)
	View() string
	// Title is the screen's place in the header ("Create role › Name").
	Title() string
	Help() keyHelp
	// ID addresses async results to this screen.
	ID() int
}

// typing is a screen where letters are text: the root's single-letter keys
// (q, ?) go to the screen instead.
type typing interface{ Typing() bool }

// busy is a screen with a write in flight: ctrl+c asks it to stop after the
// write instead of quitting.
type busy interface{ Busy() bool }

// resumer is told when it is on top again (the screen above it was
// closed), e.g. to refresh what it shows.
type resumer interface{ Resume() tea.Cmd }

// addressed is an async result for one screen.
type addressed interface{ recipient() int }

// Navigation. A screen asks for it with a message, which the root handles
// later; from is the screen that asked, and the root ignores a request from
// a screen that is no longer on top: a second esc typed before the first
// was handled must not close two screens, nor a double enter open two.
type (
	pushMsg struct {
		from  int
		child Child
	}
	replaceMsg struct {
		from  int
		child Child
	}
	popMsg struct{ from int }
	// backToMsg closes every screen above the one of ID to, and gives it
	// outputs: a flow opened from inside another (to create the role it
	// assigns) comes back to it with what its run made.
	backToMsg struct {
		to      int
		outputs map[string]string
	}
	homeMsg struct{ then Child } // back to the main menu, then open then (if set)
	quitMsg struct{}
)

func push(from int, c Child) tea.Cmd    { return func() tea.Msg { return pushMsg{from, c} } }
func replace(from int, c Child) tea.Cmd { return func() tea.Msg { return replaceMsg{from, c} } }
func pop(from int) tea.Cmd              { return func() tea.Msg { return popMsg{from} } }
func home() tea.Msg                     { return homeMsg{} }
func homeThen(c Child) tea.Cmd          { return func() tea.Msg { return homeMsg{then: c} } }

// returnedMsg is what a flow opened from this screen made, as it comes
// back (see backToMsg).
type returnedMsg struct{ outputs map[string]string }

// returnTo is the screen a flow opened from inside another goes back to
// once its run is done, and what the way back is called on its result.
type returnTo struct {
	id    int
	label string
}

// identityMsg is sts:GetCallerIdentity, read once at start for the header.
type identityMsg struct {
	id  awsops.Identity
	err error
}

// stopMsg asks a busy screen to stop after the write in flight (ctrl+c,
// SIGINT or SIGTERM while a plan runs).
type stopMsg struct{}
