package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/sagerole/sagerole/awsops/rules"
	"github.com/sagerole/sagerole/flows/export"
)

// exportFormats are the forms the export screen cycles through (t).
var exportFormats = []struct {
	label string
	o     export.Options
}{
	{"CloudFormation (YAML)", export.Options{Format: export.CloudFormation}},
	{"CloudFormation (JSON)", export.Options{Format: export.CloudFormation, JSON: true}},
	{"CloudFormation StackSet", export.Options{Format: export.CloudFormation, StackSet: true}},
	{"Terraform", export.Options{Format: export.Terraform}},
}

// exportScreen shows a role as code (sagerole export ROLE): t switches
// the format, c copies the code (OSC 52), the arrows scroll.
type exportScreen struct {
	ctx    *ProgramContext
	id     int
	role   string
	loaded *export.Role
	err    error
	format int
	top    int
	copied bool
}

// newExport exports role, a name or an ARN (find's rows have ARNs, which
// are read as such and shown by name).
func newExport(c *ProgramContext, role string) *exportScreen {
	return &exportScreen{ctx: c, id: c.newID(), role: role}
}

// name is the role's name, for the title.
func (e *exportScreen) name() string {
	if rules.IsARN(e.role) {
		return rules.RoleNameFromARN(e.role)
	}
	return e.role
}

type exportLoadedMsg struct {
	to   int
	role export.Role
	err  error
}

func (m exportLoadedMsg) recipient() int { return m.to }

func (e *exportScreen) ID() int       { return e.id }
func (e *exportScreen) Title() string { return "Export " + e.name() + " as code" }

func (e *exportScreen) Init() tea.Cmd {
	c, id, role := e.ctx, e.id, e.role
	ctx, b := c.ctx(), c.Opts.Backend
	return func() tea.Msg {
		r, err := export.Read(ctx, b, role)
		return exportLoadedMsg{to: id, role: r, err: err}
	}
}

// code is the role in the current format.
func (e *exportScreen) code() (export.Code, error) {
	o := exportFormats[e.format].o
	o.CLI = e.ctx.Opts.CLI
	return export.RoleCode(*e.loaded, o)
}

func (e *exportScreen) lines() []string {
	if e.loaded == nil {
		return nil
	}
	c, err := e.code()
	if err != nil {
		return []string{"✗ " + err.Error()}
	}
	out := strings.Split(strings.TrimRight(c.Code, "\n"), "\n")
	if len(c.Commands) > 0 {
		out = append(out, "", fmt.Sprintf("With the code saved as %s:", c.File))
		for _, l := range c.Commands {
			out = append(out, "  "+l)
		}
	}
	for _, n := range c.Notes {
		out = append(out, "note: "+n)
	}
	for _, w := range c.Warnings {
		out = append(out, "⚠ "+w)
	}
	return out
}

// exportKey opens the export screen from a screen that shows a role (the
// modify flow's role view, find's tree), as the results' "e" does.
var exportKey = key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "export"))

var exportFormatKey = key.NewBinding(key.WithKeys("t"), key.WithHelp("t", "next format"))

func (e *exportScreen) Update(msg tea.Msg) (Child, tea.Cmd) {
	switch m := msg.(type) {
	case exportLoadedMsg:
		if m.err != nil {
			e.err = m.err
		} else {
			e.loaded = &m.role
		}
		return e, nil
	case tea.KeyPressMsg:
		k := e.ctx.Keys
		page := max(e.ctx.BodyHeight-3, 1)
		last := max(len(e.lines())-page, 0)
		switch {
		case key.Matches(m, exportFormatKey) && e.loaded != nil:
			e.format, e.top, e.copied = (e.format+1)%len(exportFormats), 0, false
		case key.Matches(m, k.Copy) && e.loaded != nil:
			c, err := e.code()
			if err == nil {
				e.copied = true
				return e, tea.SetClipboard(c.Code)
			}
		case key.Matches(m, k.Back):
			return e, pop(e.id)
		default:
			e.top, _ = scroll(k, m, e.top, page, last)
		}
	}
	return e, nil
}

func (e *exportScreen) View() string {
	s := e.ctx.Styles
	switch {
	case e.err != nil:
		return s.Title.Render("Export "+e.name()) + "\n\n✗ " + e.err.Error()
	case e.loaded == nil:
		return s.Title.Render("Export "+e.name()) + "\n\nreading the role…"
	}
	head := s.Title.Render(fmt.Sprintf("%s as %s", e.name(), exportFormats[e.format].label))
	if e.copied {
		head += s.Muted.Render("  ✓ copied")
	}
	lines := e.lines()
	page := max(e.ctx.BodyHeight-3, 1)
	end := min(e.top+page, len(lines))
	return head + "\n\n" + strings.Join(lines[e.top:end], "\n")
}

func (e *exportScreen) Help() keyHelp {
	k := e.ctx.Keys
	copyCode := key.NewBinding(key.WithKeys(k.Copy.Keys()...), key.WithHelp(k.Copy.Help().Key, "copy code"))
	return keyHelp{short: []key.Binding{exportFormatKey, copyCode, k.Down, k.PageDown, k.Back, k.Quit}}
}
