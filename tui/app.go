package tui

import (
	"errors"
	"fmt"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
)

const (
	headerHeight = 2 // the account line and the title rule
	helpHeight   = 1
)

// Model is the root: a stack of screens (the main menu at the bottom), the
// header, the help bar. It routes messages: keys to the top screen, async
// results to the screen that asked, sizes to all.
type Model struct {
	ctx   *ProgramContext
	stack []Child
	help  help.Model
	// interrupted: the user left with ctrl+c rather than quit.
	interrupted bool
}

// Interrupted reports whether the user left with ctrl+c.
func (m *Model) Interrupted() bool { return m.interrupted }

// New returns the wizard on its main menu.
func New(opts Options) *Model {
	c := newProgramContext(opts)
	m := &Model{ctx: c, help: help.New()}
	m.help.Styles = c.Styles.Help
	m.help.SetWidth(c.Width)
	m.stack = []Child{newMenu(c)}
	return m
}

// ErrInterrupted is the wizard left with ctrl+c (or SIGINT) rather than
// quit: the command exits 130, as other terminal programs do.
var ErrInterrupted = errors.New("the wizard was interrupted")

// Run runs the wizard in the terminal until the user quits. It never
// returns while a write is in flight. It returns ErrInterrupted when the
// user left with ctrl+c.
func Run(opts Options, programOpts ...tea.ProgramOption) error {
	if opts.NoColor {
		programOpts = append(programOpts, tea.WithColorProfile(colorprofile.Ascii))
	}
	programOpts = append(programOpts, tea.WithFilter(Filter))
	final, err := tea.NewProgram(New(opts), programOpts...).Run()
	if m, ok := final.(*Model); (ok && m.interrupted) || errors.Is(err, tea.ErrInterrupted) {
		return ErrInterrupted
	}
	if err != nil {
		return fmt.Errorf("the wizard: %w", err)
	}
	return nil
}

// Filter turns SIGINT and SIGTERM into a request to stop while a write is
// in flight: the program must not end with a write half sent and no word
// about the state it left.
func Filter(model tea.Model, msg tea.Msg) tea.Msg {
	m, ok := model.(*Model)
	if !ok {
		return msg
	}
	switch msg.(type) {
	case tea.InterruptMsg, tea.QuitMsg:
		if m.busy() {
			return stopMsg{}
		}
	}
	return msg
}

func (m *Model) top() Child { return m.stack[len(m.stack)-1] }

func (m *Model) busy() bool {
	b, ok := m.top().(busy)
	return ok && b.Busy()
}

// Init asks the terminal for its background (styles differ on light and
// dark ones) and reads who the caller is, for the header.
func (m *Model) Init() tea.Cmd {
	c := m.ctx
	who := func() tea.Msg {
		id, err := c.Opts.Backend.CallerIdentity(c.ctx())
		return identityMsg{id: id, err: err}
	}
	return tea.Batch(tea.RequestBackgroundColor, who, m.top().Init())
}

// Update routes msg.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	c := m.ctx
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		c.Width, c.Height = msg.Width, msg.Height
		c.layout()
		m.help.SetWidth(c.Width)
		return m, m.broadcast(msg)
	case tea.BackgroundColorMsg:
		c.IsDark = msg.IsDark()
		c.Styles = NewStyles(c.IsDark, c.Opts.NoColor)
		m.help.Styles = c.Styles.Help
		return m, m.broadcast(msg)
	case identityMsg:
		c.Identity, c.IdentityErr = msg.id, msg.err
		return m, m.broadcast(msg)
	case pushMsg:
		if m.top().ID() != msg.from {
			return m, nil
		}
		m.stack = append(m.stack, msg.child)
		return m, msg.child.Init()
	case replaceMsg:
		if m.top().ID() != msg.from {
			return m, nil
		}
		m.stack[len(m.stack)-1] = msg.child
		return m, msg.child.Init()
	case popMsg:
		if m.top().ID() != msg.from || len(m.stack) == 1 {
			return m, nil
		}
		m.stack = m.stack[:len(m.stack)-1]
		if r, ok := m.top().(resumer); ok {
			return m, r.Resume()
		}
		return m, nil
	case backToMsg:
		if m.busy() {
			return m, nil
		}
		for i, s := range m.stack {
			if s.ID() == msg.to {
				m.stack = m.stack[:i+1]
				return m.route(returnedMsg{outputs: msg.outputs})
			}
		}
		return m, nil
	case homeMsg:
		if m.busy() {
			return m, nil
		}
		m.stack = m.stack[:1]
		if msg.then != nil {
			m.stack = append(m.stack, msg.then)
			return m, msg.then.Init()
		}
		if r, ok := m.top().(resumer); ok {
			return m, r.Resume()
		}
		return m, nil
	case quitMsg:
		if m.busy() {
			return m.route(stopMsg{})
		}
		return m, tea.Quit
	case tea.KeyPressMsg:
		return m.key(msg)
	case addressed:
		for i, s := range m.stack {
			if s.ID() == msg.recipient() {
				var cmd tea.Cmd
				m.stack[i], cmd = s.Update(msg)
				return m, cmd
			}
		}
		// The screen that asked is gone (the user went back): drop it.
		return m, nil
	}
	return m.route(msg)
}

// route sends msg to the top screen.
func (m *Model) route(msg tea.Msg) (tea.Model, tea.Cmd) {
	var cmd tea.Cmd
	m.stack[len(m.stack)-1], cmd = m.top().Update(msg)
	return m, cmd
}

// broadcast sends msg to every screen (sizes, colours, the identity), so a
// screen under the top one is right when it comes back.
func (m *Model) broadcast(msg tea.Msg) tea.Cmd {
	cmds := make([]tea.Cmd, len(m.stack))
	for i, s := range m.stack {
		m.stack[i], cmds[i] = s.Update(msg)
	}
	return tea.Batch(cmds...)
}

func (m *Model) key(msg tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	k := m.ctx.Keys
	if key.Matches(msg, k.Interrupt) {
		if m.busy() {
			return m.route(stopMsg{})
		}
		m.interrupted = true
		return m, tea.Quit
	}
	if t, ok := m.top().(typing); !ok || !t.Typing() {
		switch {
		case key.Matches(msg, k.Help):
			m.help.ShowAll = !m.help.ShowAll
			return m, nil
		case key.Matches(msg, k.Quit):
			if m.busy() {
				return m.route(stopMsg{})
			}
			return m, tea.Quit
		}
	}
	return m.route(msg)
}

// View is the only tea.View: header, the top screen's body cut to the
// space it has, and the help bar. Every line fits the terminal's width.
func (m *Model) View() tea.View {
	c := m.ctx
	s := c.Styles
	top := m.top()

	var b strings.Builder
	b.WriteString(fit(m.header(), c.Width))
	b.WriteByte('\n')
	title := " " + top.Title() + " "
	rule := s.Rule.Render("──") + s.Title.Render(title) +
		s.Rule.Render(strings.Repeat("─", max(c.Width-2-lipgloss.Width(title), 0)))
	b.WriteString(fit(rule, c.Width))
	b.WriteByte('\n')

	helpView := m.help.View(top.Help())
	helpLines := strings.Split(helpView, "\n")
	bodyHeight := max(c.Height-headerHeight-len(helpLines), 1)
	lines := strings.Split(strings.TrimRight(top.View(), "\n"), "\n")
	for i := range bodyHeight {
		if i < len(lines) {
			b.WriteString(fit(lines[i], c.Width))
		}
		b.WriteByte('\n')
	}
	for i, l := range helpLines {
		b.WriteString(fit(l, c.Width))
		if i < len(helpLines)-1 {
			b.WriteByte('\n')
		}
	}
	v := tea.NewView(b.String())
	v.AltScreen = true
	v.WindowTitle = "sagerole · " + strings.Join(c.badges(), " · ")
	return v
}

// header is the account line: the mode's badges, account, region, where
// the credentials come from, and the endpoint when it is not AWS.
func (m *Model) header() string {
	c := m.ctx
	s := c.Styles
	account := c.Account()
	if c.IdentityErr != nil {
		account = "unreadable"
	}
	region := c.Opts.Region
	if region == "" && c.Opts.Backend != nil {
		region = c.Opts.Backend.Region()
	}
	parts := []string{s.Title.Render("sagerole")}
	for _, b := range c.badges() {
		parts = append(parts, s.badge(b))
	}
	parts = append(parts,
		s.HeaderLabel.Render("account ")+s.HeaderValue.Render(account),
		s.HeaderLabel.Render("region ")+s.HeaderValue.Render(region))
	if creds := c.credentials(); creds != "" {
		label, value, ok := strings.Cut(creds, " ")
		if !ok || label != "profile" {
			label, value = "", creds
		} else {
			label += " "
		}
		parts = append(parts, s.HeaderLabel.Render(label)+s.HeaderValue.Render(value))
	}
	if c.Opts.Endpoint != "" {
		parts = append(parts, s.HeaderLabel.Render("endpoint ")+s.HeaderValue.Render(c.Opts.Endpoint))
	}
	return strings.Join(parts, " ")
}

// fit cuts a line to width cells.
func fit(line string, width int) string {
	if ansi.StringWidth(line) <= width {
		return line
	}
	return ansi.Truncate(line, width, "…")
}
