package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// menuItem is one entry of the main menu. A new screen is one more entry:
// open makes its screen; a flow (a sequence of forms) needs nothing else to
// work in accessible mode too, and any other screen says, with plain, how
// it runs as line-by-line prompts.
type menuItem struct {
	title, desc string
	open        func(c *ProgramContext) Child // nil: quit
	plain       func(a *accessible) error     // nil: open's flow, asked line by line
}

func menuItems() []menuItem {
	return []menuItem{
		{title: "Create an execution role", desc: "FullAccess or a custom scope, with buckets",
			open: func(c *ProgramContext) Child { return newCreateRole(c, createRolePrefill{}) }},
		{title: "Add S3 buckets to a role", desc: "merged into its sagerole-buckets policy",
			open: func(c *ProgramContext) Child { return newAddBuckets(c, "") }},
		{title: "Find execution roles", desc: "who runs as which role, and why",
			open: func(c *ProgramContext) Child { return newFind(c) }, plain: (*accessible).find},
		{title: "Change an execution role", desc: "a domain default, user, space or notebook",
			open: func(c *ProgramContext) Child { return newChange(c, changePrefill{}) }},
		{title: "Modify a role's permissions", desc: "policies, buckets, activities, trust",
			open: func(c *ProgramContext) Child { return newModify(c, "") }},
		{title: "Undo a change", desc: "revert a run, or roll back a failed one",
			open: func(c *ProgramContext) Child { return newUndo(c) }, plain: (*accessible).undo},
		{title: "Why was I denied?", desc: "explain an AccessDenied, and fix it",
			open: func(c *ProgramContext) Child { return newWhy(c, whyPrefill{}) }},
		{title: "Quit"},
	}
}

// menu is the main menu.
type menu struct {
	ctx    *ProgramContext
	id     int
	items  []menuItem
	cursor int
}

func newMenu(c *ProgramContext) *menu { return &menu{ctx: c, id: c.newID(), items: menuItems()} }

func (m *menu) ID() int         { return m.id }
func (m *menu) Title() string   { return "Main menu" }
func (m *menu) Init() tea.Cmd   { return nil }
func (m *menu) Resume() tea.Cmd { return nil }

func (m *menu) Help() keyHelp {
	k := m.ctx.Keys
	num := key.NewBinding(key.WithKeys("1"), key.WithHelp(fmt.Sprintf("1-%d", len(m.items)), "jump"))
	return keyHelp{short: []key.Binding{k.Up, k.Down, k.Enter, num, k.Quit, k.Help},
		full: [][]key.Binding{{k.Up, k.Down, k.Enter, num}, {k.Quit, k.Interrupt, k.Help}}}
}

func (m *menu) Update(msg tea.Msg) (Child, tea.Cmd) {
	k := m.ctx.Keys
	msg2, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return m, nil
	}
	switch {
	case key.Matches(msg2, k.Up):
		m.cursor = (m.cursor + len(m.items) - 1) % len(m.items)
	case key.Matches(msg2, k.Down), msg2.String() == "tab":
		m.cursor = (m.cursor + 1) % len(m.items)
	case key.Matches(msg2, k.Enter):
		return m, m.open(m.cursor)
	default:
		s := msg2.String()
		if len(s) == 1 && s[0] >= '1' && int(s[0]-'1') < len(m.items) {
			m.cursor = int(s[0] - '1')
			return m, m.open(m.cursor)
		}
	}
	return m, nil
}

func (m *menu) open(i int) tea.Cmd {
	it := m.items[i]
	if it.open == nil {
		return func() tea.Msg { return quitMsg{} }
	}
	return push(m.id, it.open(m.ctx))
}

func (m *menu) View() string {
	s := m.ctx.Styles
	var b strings.Builder
	b.WriteString("\n")
	if m.ctx.IdentityErr != nil {
		b.WriteString(s.Error.Render("  Cannot read the account: "+m.ctx.IdentityErr.Error()) + "\n\n")
	}
	for i, it := range m.items {
		line := fmt.Sprintf(" %d  %s", i+1, it.title)
		// The cursor is marked, not only highlighted: it must show
		// without colour too.
		if i == m.cursor {
			b.WriteString("›" + s.Selected.Render(padRight(line+" ", 34)))
		} else {
			b.WriteString(" " + padRight(line+" ", 34))
		}
		if it.desc != "" && m.ctx.Width >= 60 {
			b.WriteString(" " + s.Muted.Render(it.desc))
		}
		b.WriteString("\n")
	}
	b.WriteString("\n")
	b.WriteString(s.Muted.Render(m.modeLine()))
	return b.String()
}

// modeLine says in words what the badge means.
func (m *menu) modeLine() string {
	switch m.ctx.Opts.Mode {
	case ModeSandbox:
		return "  The sandbox: an account that looks real but is not. Nothing reaches AWS."
	case ModeDryRun:
		return "  Dry run: the account is read, but no change is ever sent."
	}
	return "  LIVE: changes are sent to this AWS account, after you confirm each plan."
}

// padRight pads s with spaces to width cells.
func padRight(s string, width int) string {
	if w := visibleWidth(s); w < width {
		return s + strings.Repeat(" ", width-w)
	}
	return s
}
