package tui

import (
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

// spin is a spinner that stands still when the wizard is static (golden
// tests), so that a screen is the same on every run.
type spin struct {
	m      spinner.Model
	static bool
}

func newSpin(c *ProgramContext) spin {
	return spin{m: spinner.New(spinner.WithSpinner(spinner.MiniDot), spinner.WithStyle(c.Styles.Running)), static: c.Opts.Static}
}

func (s *spin) start() tea.Cmd {
	if s.static {
		return nil
	}
	return s.m.Tick
}

// update handles the spinner's own ticks; ok is false for other messages.
func (s *spin) update(msg tea.Msg) (tea.Cmd, bool) {
	t, ok := msg.(spinner.TickMsg)
	if !ok || t.ID != s.m.ID() {
		return nil, false
	}
	var cmd tea.Cmd
	s.m, cmd = s.m.Update(msg)
	return cmd, true
}

func (s *spin) view() string { return s.m.View() }

// visibleWidth is the width of s in cells, escape codes aside.
func visibleWidth(s string) int { return ansi.StringWidth(s) }

// truncate cuts s to width cells with an ellipsis.
func truncate(s string, width int) string {
	if width <= 0 {
		return ""
	}
	return ansi.Truncate(s, width, "…")
}

// cutMiddle cuts s to width cells by taking out its middle: where a role
// ARN or a command differs (the role's name, the target) is at its ends.
func cutMiddle(s string, width int) string {
	w := ansi.StringWidth(s)
	if w <= width {
		return s
	}
	if width < 5 {
		return truncate(s, width)
	}
	head := (width - 1) / 2
	tail := width - 1 - head
	return ansi.Cut(s, 0, head) + "…" + ansi.Cut(s, w-tail, w)
}

// cell pads or cuts s to exactly width cells.
func cell(s string, width int) string { return padRight(truncate(s, width), width) }

// scroll moves the first line shown (top) for the scrolling keys, within
// 0..last, a page being page lines; ok is false for any other key.
func scroll(k KeyMap, msg tea.KeyPressMsg, top, page, last int) (int, bool) {
	switch {
	case key.Matches(msg, k.Down):
		return min(top+1, last), true
	case key.Matches(msg, k.Up):
		return max(top-1, 0), true
	case key.Matches(msg, k.PageDown):
		return min(top+page, last), true
	case key.Matches(msg, k.PageUp):
		return max(top-page, 0), true
	case key.Matches(msg, k.Top):
		return 0, true
	case key.Matches(msg, k.Bottom):
		return last, true
	}
	return top, false
}

// wrapText wraps plain text to width, keeping words whole where it can.
func wrapText(s string, width int) string {
	if width < 10 {
		width = 10
	}
	return lipgloss.Wrap(s, width, " ")
}

// indent prefixes every line of s.
func indent(s, prefix string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if l != "" {
			lines[i] = prefix + l
		}
	}
	return strings.Join(lines, "\n")
}

// elapsed formats a step's duration as people read it.
func elapsed(d time.Duration) string {
	switch {
	case d < 0:
		return ""
	case d < time.Minute:
		return fmt.Sprintf("%.1fs", d.Seconds())
	}
	return fmt.Sprintf("%dm%02ds", int(d.Minutes()), int(d.Seconds())%60)
}

// plural picks the word for n.
func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
