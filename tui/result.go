package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/sagerole/sagerole/awsops"
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

// canCopy: there is a value to copy, and no next action has the copy key.
func (r *result) canCopy() bool {
	if _, v := r.copyValue(); v == "" {
		return false
	}
	for _, a := range r.actions() {
		if key.Matches(tea.KeyPressMsg{Code: []rune(a.key)[0], Text: a.key}, r.ctx.Keys.Copy) {
			return false
		}
	}
	return true
}

func (r *result) Help() keyHelp {
	k := r.ctx.Keys
	var b []key.Binding
	if r.canCopy() {
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
	// An action's own key first: the copy key must not swallow "c change
	// another" where nothing is to be copied.
	for _, a := range acts {
		if m.String() == a.key {
			return r, r.open(a)
		}
	}
	switch {
	case key.Matches(m, k.Copy) && r.canCopy():
		name, v := r.copyValue()
		r.copied = name
		return r, tea.SetClipboard(v)
	case key.Matches(m, k.Up):
		// The cursor stops at the ends: wrapping round from the last
		// action lands on the first without a word.
		r.cursor = max(r.cursor-1, 0)
	case key.Matches(m, k.Down):
		r.cursor = min(r.cursor+1, len(acts)-1)
	case key.Matches(m, k.Enter):
		return r, r.open(acts[r.cursor])
	case key.Matches(m, k.Back):
		return r, home
	}
	return r, nil
}

// open goes to a next action: from the main menu, so that esc there leads
// home and not back into a finished flow; or back to the flow this run's
// flow was opened from.
func (r *result) open(a nextAction) tea.Cmd {
	switch {
	case a.back != nil:
		to, outputs := a.back.id, r.run.plan.Outputs
		return func() tea.Msg { return backToMsg{to: to, outputs: outputs} }
	case a.open == nil:
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
			lead := leadingSpace(l)
			out = append(out, strings.Split(indent(wrapWords(strings.TrimLeft(l, " "), w-2-len(lead)), lead), "\n")...)
		}
		if run.afterErr != nil {
			out = append(out, s.Warn.Render(wrapWords("⚠ "+run.afterErr.Error(), w-2)))
		}
	}
	if outs := run.plan.Outputs; len(outs) > 0 && run.rollbackOf == nil {
		out = append(out, "", s.Bold.Render("What exists now"))
		for _, k := range sortedDocKeys(outs) {
			label := "  " + outputLabel(k) + "  "
			// An ARN is one word: cut at the width, never at a hyphen.
			lines := strings.Split(ansi.Hardwrap(outs[k], max(w-len(label), 10), true), "\n")
			out = append(out, label+lines[0])
			for _, l := range lines[1:] {
				out = append(out, strings.Repeat(" ", len(label))+l)
			}
		}
	}
	if name, _ := r.copyValue(); r.canCopy() && run.rollbackOf == nil {
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
		out = append(out, "", s.Muted.Render(wrapWords(revertLine(e), w)))
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

// revertLine says how to revert a run, or why it cannot be: a change
// whose steps have no inverse (a domain's first default space role) must
// not be offered an undo.
func revertLine(e *awsops.Entry) string {
	head := "Journal entry " + e.ID + "."
	if !e.Undoable() {
		return head
	}
	if why := nothingToUndo(e); why != "" {
		return head + " " + why
	}
	return head + " To revert it: Undo in the main menu, or sagerole undo " + e.ID
}

// nothingToUndo says, from the journal alone, why entry e has nothing to
// undo ("" when it may have): steps that cannot be undone (and why), or a
// run none of whose steps took effect; never both.
func nothingToUndo(e *awsops.Entry) string {
	nothing, why := e.NothingToUndo()
	switch {
	case !nothing:
		return ""
	case len(why) > 0:
		// Each sentence says which step cannot be undone, and why.
		w := strings.Join(why, "; ")
		return strings.ToUpper(w[:1]) + w[1:] + "."
	}
	return "This run changed nothing: no step of it took effect, so there is nothing to undo."
}
