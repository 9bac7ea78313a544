package tui

import (
	"time"

	tea "charm.land/bubbletea/v2"
)

// settleTimeoutMsg ends a wait for the focus to move that did not (the
// key was refused by the field's validator).
type settleTimeoutMsg struct {
	to, n int
}

func (m settleTimeoutMsg) recipient() int { return m.to }

// settleWait is how long typed keys wait for the focus to move at most.
const settleWait = 150 * time.Millisecond

// movesFocus reports whether a key moves a huh form to another field (or
// submits it): tab, shift+tab and enter do, in every field huh has.
func movesFocus(k tea.KeyPressMsg) bool {
	switch k.String() {
	case "tab", "shift+tab", "enter":
		return true
	}
	return false
}

func (f *flow) endSettle() { f.settling, f.settleOf = nil, nil }

// flush types the keys that waited, in order, until one of them moves the
// focus again (or the next form is not there yet).
func (f *flow) flush() tea.Cmd {
	var cmds []tea.Cmd
	for len(f.queued) > 0 && f.settling == nil {
		if f.form == nil && f.screen == nil {
			if f.planning || f.i >= len(f.steps) {
				// The flow moved on to its plan: what was typed after is
				// not for a field of it.
				f.queued = nil
			}
			break
		}
		k := f.queued[0]
		f.queued = f.queued[1:]
		cmds = append(cmds, f.update(k))
	}
	return tea.Batch(cmds...)
}
