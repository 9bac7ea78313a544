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

// Navigation.
type (
	pushMsg    struct{ child Child } // open a screen on top
	replaceMsg struct{ child Child } // replace the top screen
	popMsg     struct{}              // close the top screen
	homeMsg    struct{}              // back to the main menu
	quitMsg    struct{}              // leave the wizard
)

func push(c Child) tea.Cmd    { return func() tea.Msg { return pushMsg{c} } }
func replace(c Child) tea.Cmd { return func() tea.Msg { return replaceMsg{c} } }
func pop() tea.Msg            { return popMsg{} }
func home() tea.Msg           { return homeMsg{} }

// identityMsg is sts:GetCallerIdentity, read once at start for the header.
type identityMsg struct {
	id  awsops.Identity
	err error
}

// stopMsg asks a busy screen to stop after the write in flight (ctrl+c,
// SIGINT or SIGTERM while a plan runs).
type stopMsg struct{}
