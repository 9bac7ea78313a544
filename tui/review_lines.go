package tui

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/sagerole/sagerole/awsops"
)

// lines is the review's content, wrapped to the width.
func (r *review) lines() []string {
	c := r.ctx
	s := c.Styles
	w := max(c.Width-1, 20)
	var out []string
	add := func(line string) { out = append(out, line) }
	// addWith wraps text with wrap to what the prefixes leave, the first
	// line after first, the others after rest.
	addWith := func(wrap func(string, int) string) func(text, first, rest string, style func(...string) string) {
		return func(text, first, rest string, style func(...string) string) {
			for i, l := range strings.Split(wrap(text, w-max(len(first), len(rest))), "\n") {
				p := rest
				if i == 0 {
					p = first
				}
				add(p + style(l))
			}
		}
	}
	addWrapped := addWith(wrapWords)
	// Commands are laid out so that they run as copied from the screen.
	addCmd := func(cmd, first, rest string, style func(...string) string) {
		for _, l := range wrapCommand(cmd, w, first, rest) {
			add(style(l))
		}
	}
	plain := func(s ...string) string { return strings.Join(s, "") }

	n := len(r.plan.Steps)
	if n == 0 {
		add(s.Bold.Render("Nothing to do: the account already is as asked."))
	} else {
		addWrapped(fmt.Sprintf("%s: %d %s on account %s", r.plan.Command, n, plural(n, "step", "steps"), c.Account()), "", "  ", s.Bold.Render)
	}
	add("")
	for i, op := range r.plan.Steps {
		var before awsops.State
		if r.before != nil {
			before = r.before[i]
		}
		add(s.Bold.Render(fmt.Sprintf("%d. %s", i+1, op.API)) + " " + op.Target + extraTarget(op))
		if op.Note != "" {
			addWrapped("note: "+op.Note, "   ", "   ", s.Warn.Render)
		}
		addCmd(op.CLI(c.Opts.CLI), "   $ ", "     ", s.Command.Render)
		for _, line := range r.replaced(op, before) {
			addWrapped(line, "   ", "     ", plain)
		}
		if op.API == awsops.APIDeleteRolePolicy && before[awsops.StExists] == "true" {
			for _, l := range prettyJSON(before[awsops.StDocument]) {
				add("     " + s.Removed.Render("- "+l))
			}
		}
		for _, k := range sortedDocKeys(op.Documents) {
			doc := op.Documents[k]
			var prev *string
			label := "(new)"
			if before != nil {
				if old, ok := previousDoc(op, before); ok {
					prev = &old
					label = "(changes: - now, + after)"
					if sameDoc(old, doc) {
						label = "(unchanged)"
					}
				}
			} else {
				label = ""
			}
			add("   " + k + " " + s.Muted.Render(label))
			for _, l := range s.docLines(prev, doc) {
				add("     " + l)
			}
		}
		if before != nil {
			undo, why := awsops.Inverse(op, before)
			switch {
			case why != "":
				addWrapped("undo: cannot be undone: "+why, "   ", "         ", s.Warn.Render)
			case len(undo) == 0:
				addWrapped("undo: nothing to undo, the step changes nothing", "   ", "         ", s.Muted.Render)
			default:
				for j, u := range undo {
					first := "   undo: $ "
					if j > 0 {
						first = "         $ "
					}
					addCmd(u.CLI(c.Opts.CLI), first, "           ", s.Muted.Render)
				}
			}
		}
		add("")
	}
	if r.beforeErr != nil {
		addWrapped("⚠ "+r.beforeErr.Error(), "", "  ", s.Warn.Render)
		add("")
	}

	add(s.Bold.Render("Impact"))
	for _, l := range r.impact {
		lead := leadingSpace(l)
		addWrapped("• "+strings.TrimLeft(l, " "), "  "+lead, "    "+lead, plain)
	}
	switch {
	case !r.usesDone:
		add("  " + r.spin.view() + " finding who runs as " + strings.Join(r.blast, ", ") + "…")
	case r.usesErr != nil:
		addWrapped("⚠ who runs as "+strings.Join(r.blast, ", ")+" could not be read: "+r.usesErr.Error(), "  ", "    ", s.Warn.Render)
	default:
		for _, l := range r.uses {
			addWrapped("• "+strings.TrimLeft(l, " "), "  "+leadingSpace(l), "    "+leadingSpace(l), plain)
		}
	}
	if len(r.impact) == 0 && len(r.blast) == 0 {
		add("  • nothing already in use is changed")
	}
	for _, n := range wizardList(r.plan.Notes) {
		add("")
		addWrapped("note: "+n, "", "  ", plain)
	}
	for _, wn := range wizardList(r.plan.Warnings) {
		add("")
		addWrapped("⚠ "+wn, "", "  ", s.Warn.Render)
	}
	return out
}

// undoLines say how a step would be undone, given what it replaces: the
// inverse's commands, or why there is none. The review screen and
// accessible mode say the same.
func undoLines(op awsops.Op, before awsops.State, cli awsops.CLIOptions) []string {
	undo, why := awsops.Inverse(op, before)
	switch {
	case why != "":
		return []string{"cannot be undone: " + why}
	case len(undo) == 0:
		return []string{"nothing to undo, the step changes nothing"}
	}
	out := make([]string, len(undo))
	for i, u := range undo {
		out[i] = u.CLI(cli)
	}
	return out
}

func leadingSpace(s string) string { return s[:len(s)-len(strings.TrimLeft(s, " "))] }

// extraTarget names what an op touches beyond its target (the policy).
func extraTarget(op awsops.Op) string {
	if p := op.Args[awsops.ArgPolicyName]; p != "" {
		return " · " + p
	}
	if p := op.Args[awsops.ArgPolicyARN]; p != "" {
		// The name says which policy; the CLI line has the whole ARN.
		return " · " + p[strings.LastIndex(p, "/")+1:]
	}
	return ""
}

// previousDoc is the document an op replaces, when there is one.
func previousDoc(op awsops.Op, before awsops.State) (string, bool) {
	switch op.API {
	case awsops.APIPutRolePolicy, awsops.APIDeleteRolePolicy:
		if before[awsops.StExists] == "true" {
			return before[awsops.StDocument], true
		}
	case awsops.APIUpdateAssumeRolePolicy:
		if before[awsops.StExists] == "true" {
			return before[awsops.StTrustPolicy], true
		}
	}
	return "", false
}

// replaced says in words what a step replaces, for the steps whose
// replaced state is not a document.
func (r *review) replaced(op awsops.Op, before awsops.State) []string {
	if before == nil {
		return nil
	}
	switch op.API {
	case awsops.APIUpdateDomain:
		var out []string
		if v, ok := op.Args[awsops.ArgDefaultUserRole]; ok {
			out = append(out, fmt.Sprintf("default user role: %s → %s", orNone(before[awsops.StDefaultUserRole]), v))
		}
		if v, ok := op.Args[awsops.ArgDefaultSpaceRole]; ok {
			out = append(out, fmt.Sprintf("default space role: %s → %s", orNone(before[awsops.StDefaultSpaceRole]), v))
		}
		return out
	case awsops.APIUpdateUserProfile:
		from := before[awsops.StExecutionRole]
		if from == "" {
			from = orNone(before[awsops.StInheritedRole]) + " (inherited from the domain)"
		}
		return []string{fmt.Sprintf("role: %s → %s", from, op.Args[awsops.ArgExecutionRole])}
	case awsops.APIUpdateNotebookInstance:
		return []string{fmt.Sprintf("role: %s → %s", orNone(before[awsops.StRoleARN]), op.Args[awsops.ArgExecutionRole])}
	case awsops.APIDeleteRolePolicy:
		if before[awsops.StExists] == "true" {
			return []string{"deletes this document:"}
		}
	}
	return nil
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

func sortedDocKeys(m map[string]string) []string { return slices.Sorted(maps.Keys(m)) }

// wrapWords wraps prose at width, at spaces only (never at a hyphen: an
// entry ID or a role name must stay whole to be copied), cutting a word
// only when it is longer than a line (an ARN).
func wrapWords(text string, width int) string {
	width = max(width, 10)
	var out []string
	for _, para := range strings.Split(text, "\n") {
		line, lineW := "", 0
		flush := func() {
			out = append(out, line)
			line, lineW = "", 0
		}
		for _, word := range strings.Split(para, " ") {
			ww := ansi.StringWidth(word)
			switch {
			case lineW == 0 && ww <= width:
				line, lineW = word, ww
			case lineW > 0 && lineW+1+ww <= width:
				line, lineW = line+" "+word, lineW+1+ww
			case ww <= width:
				flush()
				line, lineW = word, ww
			default:
				// Longer than a line: fill what is left, then whole lines.
				if lineW > 0 && width-lineW-1 >= 8 {
					room := width - lineW - 1
					line += " " + ansi.Cut(word, 0, room)
					word = ansi.Cut(word, room, ww)
				}
				if lineW > 0 {
					flush()
				}
				parts := strings.Split(ansi.Hardwrap(word, width, false), "\n")
				out = append(out, parts[:len(parts)-1]...)
				line = parts[len(parts)-1]
				lineW = ansi.StringWidth(line)
			}
		}
		flush()
	}
	return strings.Join(out, "\n")
}
