package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// result is what a run left: what now exists, a copy key (OSC 52), and the
// next useful actions.
type result struct {
	ctx    *ProgramContext
	id     int
	run    *execute
	copied string
	cursor int
}

func newResult(c *ProgramContext, run *execute) *result {
	return &result{ctx: c, id: c.newID(), run: run}
}

func menuAction() nextAction {
	return nextAction{key: "m", label: "back to the main menu", short: "menu"}
}

func (r *result) ID() int       { return r.id }
func (r *result) Title() string { return r.run.name + " › Done" }
func (r *result) Init() tea.Cmd { return nil }

// copyValue is what the copy key puts on the clipboard: the role ARN, or
// the first output.
func (r *result) copyValue() (name, value string) {
	out := r.run.plan.Outputs
	if v := out["roleArn"]; v != "" {
		return "role ARN", v
	}
	for _, k := range sortedDocKeys(out) {
		return k, out[k]
	}
	return "", ""
}

func (r *result) actions() []nextAction {
	acts := append([]nextAction(nil), r.run.next...)
	for _, a := range acts {
		if a.key == "m" {
			return acts
		}
	}
	return append(acts, menuAction())
}

func (r *result) Help() keyHelp {
	k := r.ctx.Keys
	var b []key.Binding
	if _, v := r.copyValue(); v != "" {
		b = append(b, k.Copy)
	}
	for _, a := range r.actions() {
		short := a.short
		if short == "" {
			short = a.label
		}
		b = append(b, key.NewBinding(key.WithKeys(a.key), key.WithHelp(a.key, short)))
	}
	return keyHelp{short: append(b, k.Quit)}
}

func (r *result) Update(msg tea.Msg) (Child, tea.Cmd) {
	k := r.ctx.Keys
	m, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return r, nil
	}
	acts := r.actions()
	switch {
	case key.Matches(m, k.Copy):
		if name, v := r.copyValue(); v != "" {
			r.copied = name
			return r, tea.SetClipboard(v)
		}
	case key.Matches(m, k.Up):
		r.cursor = (r.cursor + len(acts) - 1) % len(acts)
	case key.Matches(m, k.Down):
		r.cursor = (r.cursor + 1) % len(acts)
	case key.Matches(m, k.Enter):
		return r, r.open(acts[r.cursor])
	case key.Matches(m, k.Back):
		return r, home
	default:
		for _, a := range acts {
			if m.String() == a.key {
				return r, r.open(a)
			}
		}
	}
	return r, nil
}

// open goes to a next action: from the main menu, so that esc there leads
// home and not back into a finished flow.
func (r *result) open(a nextAction) tea.Cmd {
	if a.open == nil {
		return home
	}
	return homeThen(a.open(r.ctx))
}

func (r *result) View() string {
	c := r.ctx
	s := c.Styles
	run := r.run
	w := max(c.Width-1, 20)
	var out []string
	n := len(run.plan.Steps)
	head := fmt.Sprintf("✓ %s: %d %s done", run.plan.Command, n, plural(n, "step", "steps"))
	if run.rollbackOf != nil {
		head = fmt.Sprintf("✓ Rolled back %s: %d %s done", run.rollbackOf.Command, n, plural(n, "step", "steps"))
	}
	if n == 0 {
		head = "✓ Nothing to do: the account already was as asked"
	}
	out = append(out, s.OK.Render(wrapWords(head, w)), "")
	for i, op := range run.plan.Steps {
		st := run.steps[i]
		label := fmt.Sprintf("%d. %s %s%s", i+1, op.API, op.Target, extraTarget(op))
		tail := elapsed(st.end.Sub(st.start))
		out = append(out, " "+s.OK.Render("✓")+" "+cell(label, w-4-len(tail))+" "+s.Muted.Render(tail))
	}
	if len(run.afterLines) > 0 || run.afterErr != nil {
		out = append(out, "")
		for _, l := range run.afterLines {
			out = append(out, strings.Split(wrapWords(l, w-2), "\n")...)
		}
		if run.afterErr != nil {
			out = append(out, s.Warn.Render(wrapWords("⚠ "+run.afterErr.Error(), w-2)))
		}
	}
	if outs := run.plan.Outputs; len(outs) > 0 && run.rollbackOf == nil {
		out = append(out, "", s.Bold.Render("What exists now"))
		for _, k := range sortedDocKeys(outs) {
			label := "  " + outputLabel(k) + "  "
			lines := strings.Split(wrapHard(outs[k], w-len(label)), "\n")
			out = append(out, label+lines[0])
			for _, l := range lines[1:] {
				out = append(out, strings.Repeat(" ", len(label))+l)
			}
		}
	}
	if name, v := r.copyValue(); v != "" && run.rollbackOf == nil {
		if r.copied != "" {
			out = append(out, s.OK.Render("  ✓ "+name+" copied to the clipboard (OSC 52; if your terminal ignores it, select the line above)"))
		} else {
			out = append(out, s.Muted.Render("  c copies the "+name+" to the clipboard"))
		}
	}
	out = append(out, "", s.Bold.Render("Next"))
	for i, a := range r.actions() {
		line := fmt.Sprintf(" %s  %s", a.key, a.label)
		if i == r.cursor {
			out = append(out, "›"+s.Selected.Render(line+" "))
		} else {
			out = append(out, " "+line)
		}
	}
	if e := run.entry; e != nil && e.ID != "" {
		out = append(out, "", s.Muted.Render(wrapWords("Journal entry "+e.ID+". To revert it: Undo in the main menu, or sagerole undo "+e.ID, w)))
	}
	return strings.Join(out, "\n")
}

func outputLabel(k string) string {
	switch k {
	case "roleArn":
		return "role ARN"
	}
	return k
}
