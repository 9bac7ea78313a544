package tui

import (
	"charm.land/bubbles/v2/help"
	"charm.land/huh/v2"
	"charm.land/lipgloss/v2"
)

// Styles are built once from the background (dark or light) and whether
// colour is wanted; every screen renders through them.
type Styles struct {
	Title       lipgloss.Style // a screen's title
	HeaderLabel lipgloss.Style
	HeaderValue lipgloss.Style
	Rule        lipgloss.Style
	// Badges of the three modes. LIVE must be unmistakable, with colour or
	// without.
	BadgeSandbox lipgloss.Style
	BadgeDryRun  lipgloss.Style
	BadgeLive    lipgloss.Style

	Muted    lipgloss.Style
	Bold     lipgloss.Style
	Selected lipgloss.Style // the row under the cursor
	Match    lipgloss.Style // filter matches
	OK       lipgloss.Style
	Fail     lipgloss.Style
	Warn     lipgloss.Style
	Running  lipgloss.Style
	Error    lipgloss.Style // an error sentence shown above a form

	Command    lipgloss.Style // a printed aws command line
	DocKey     lipgloss.Style // a JSON key in a document
	Added      lipgloss.Style // a diff's + line
	Removed    lipgloss.Style // a diff's - line
	ColumnHead lipgloss.Style

	Help help.Styles
	Huh  huh.Theme
}

// NewStyles builds the styles. noColor gives a monochrome screen that still
// reads: emphasis by bold, reverse and marks (✓ ✗ ⚠), never by colour
// alone.
func NewStyles(isDark, noColor bool) Styles {
	var s Styles
	plain := lipgloss.NewStyle()
	s.Bold = plain.Bold(true)
	s.Title = plain.Bold(true)
	s.HeaderLabel = plain
	s.HeaderValue = plain.Bold(true)
	s.Rule = plain
	s.Muted = plain
	s.Selected = plain.Reverse(true)
	s.Match = plain.Underline(true)
	s.OK, s.Fail, s.Warn, s.Running, s.Error = plain, plain.Bold(true), plain.Bold(true), plain, plain.Bold(true)
	s.Command = plain
	s.DocKey = plain
	s.Added, s.Removed = plain, plain
	s.ColumnHead = plain.Underline(true)
	s.BadgeSandbox = plain.Reverse(true).Padding(0, 1)
	s.BadgeDryRun = plain.Reverse(true).Padding(0, 1)
	s.BadgeLive = plain.Reverse(true).Bold(true).Padding(0, 1)
	s.Help = help.DefaultStyles(isDark)
	if noColor {
		s.Help = help.Styles{
			Ellipsis: plain, ShortKey: plain.Bold(true), ShortDesc: plain, ShortSeparator: plain,
			FullKey: plain.Bold(true), FullDesc: plain, FullSeparator: plain,
		}
		s.Huh = huh.ThemeFunc(monoHuhTheme)
		return s
	}

	ld := lipgloss.LightDark(isDark)
	var (
		muted  = ld(lipgloss.Color("#6C6C6C"), lipgloss.Color("#8A8A8A"))
		accent = ld(lipgloss.Color("#5A56E0"), lipgloss.Color("#7571F9"))
		green  = ld(lipgloss.Color("#02A877"), lipgloss.Color("#02BF87"))
		red    = ld(lipgloss.Color("#D7263D"), lipgloss.Color("#FF5F7E"))
		amber  = ld(lipgloss.Color("#B7791F"), lipgloss.Color("#F6C177"))
		cyan   = ld(lipgloss.Color("#0E7490"), lipgloss.Color("#67E8F9"))
		white  = lipgloss.Color("#FFFFFF")
		black  = lipgloss.Color("#000000")
	)
	s.Title = s.Title.Foreground(accent)
	s.HeaderLabel = s.HeaderLabel.Foreground(muted)
	s.Rule = s.Rule.Foreground(muted)
	s.Muted = s.Muted.Foreground(muted)
	s.Selected = plain.Reverse(false).Background(accent).Foreground(white)
	s.Match = s.Match.Foreground(amber)
	s.OK = s.OK.Foreground(green)
	s.Fail = s.Fail.Foreground(red)
	s.Warn = s.Warn.Foreground(amber)
	s.Running = s.Running.Foreground(accent)
	s.Error = s.Error.Foreground(red)
	s.Command = s.Command.Foreground(cyan)
	s.DocKey = s.DocKey.Foreground(accent)
	s.Added = s.Added.Foreground(green)
	s.Removed = s.Removed.Foreground(red)
	s.ColumnHead = s.ColumnHead.Foreground(muted)
	s.BadgeSandbox = plain.Padding(0, 1).Bold(true).Foreground(black).Background(lipgloss.Color("#86EFAC"))
	s.BadgeDryRun = plain.Padding(0, 1).Bold(true).Foreground(black).Background(lipgloss.Color("#FCD34D"))
	s.BadgeLive = plain.Padding(0, 1).Bold(true).Foreground(white).Background(lipgloss.Color("#DC2626"))
	s.Huh = huh.ThemeFunc(huh.ThemeCharm)
	return s
}

// monoHuhTheme is huh's base theme with emphasis that survives without
// colour: the focused button reversed, selections marked ✓.
func monoHuhTheme(isDark bool) *huh.Styles {
	t := huh.ThemeBase(isDark)
	plain := lipgloss.NewStyle()
	for _, f := range []*huh.FieldStyles{&t.Focused, &t.Blurred} {
		f.Title = plain.Bold(true)
		f.NoteTitle = plain.Bold(true).MarginBottom(1)
		f.SelectedPrefix = plain.SetString("✓ ")
		f.UnselectedPrefix = plain.SetString("• ")
		f.FocusedButton = plain.Padding(0, 2).MarginRight(1).Reverse(true).Bold(true)
		f.BlurredButton = plain.Padding(0, 2).MarginRight(1)
		f.TextInput.Placeholder = plain.Faint(true)
		f.ErrorIndicator = plain.SetString(" *")
		f.ErrorMessage = plain.Bold(true)
	}
	t.Blurred.MultiSelectSelector = plain.SetString("  ")
	t.Group.Title = plain.Bold(true)
	t.Help = help.Styles{Ellipsis: plain, ShortKey: plain.Bold(true), ShortDesc: plain, ShortSeparator: plain,
		FullKey: plain.Bold(true), FullDesc: plain, FullSeparator: plain}
	return t
}

// badge is the mode's badge.
func (s Styles) badge(mode string) string {
	switch mode {
	case ModeSandbox:
		return s.BadgeSandbox.Render("SANDBOX")
	case ModeDryRun:
		return s.BadgeDryRun.Render("DRY RUN")
	}
	// The mark says it without colour too.
	return s.BadgeLive.Render("⚠ LIVE")
}
