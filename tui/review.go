package tui

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/sagerole/sagerole/awsops"
	"github.com/sagerole/sagerole/flows/find"
)

// nextAction is an action the result screen offers once a plan has run.
type nextAction struct {
	key   string
	label string
	short string // for the help bar; label when empty
	open  func(c *ProgramContext) Child
}

// review is the plan review: every step with its aws CLI equivalent, the
// documents it writes (as diffs against what they replace), how it would be
// undone, and who it affects. The user confirms or goes back. In a dry run
// it is the last screen, and says that nothing was sent.
type review struct {
	ctx  *ProgramContext
	id   int
	name string // the flow's name, for the title
	plan awsops.Plan
	// impact are sentences from the flow: identities that move, apps that
	// must restart.
	impact []string
	// blast are existing roles the plan changes: the review finds, while
	// the user reads, who runs as them.
	blast []string
	next  []nextAction
	hooks runHooks

	before    []awsops.State // what each step replaces; nil until read
	beforeErr error
	uses      []string // who runs as the blast roles
	usesDone  bool
	usesErr   error

	vp   viewport.Model
	spin spin
}

type snapshotMsg struct {
	to     int
	states []awsops.State
	err    error
}

func (m snapshotMsg) recipient() int { return m.to }

type usesMsg struct {
	to    int
	lines []string
	err   error
}

func (m usesMsg) recipient() int { return m.to }

func newReview(c *ProgramContext, name string, plan awsops.Plan) *review {
	r := &review{ctx: c, id: c.newID(), name: name, plan: plan, spin: newSpin(c)}
	r.vp = viewport.New()
	return r
}

func (r *review) ID() int       { return r.id }
func (r *review) Title() string { return r.name + " › Review" }

func (r *review) Init() tea.Cmd {
	r.resize()
	c, id, plan, blast := r.ctx, r.id, r.plan, r.blast
	cmds := []tea.Cmd{r.spin.start(), func() tea.Msg {
		states, err := snapshots(c.ctx(), c.Opts.Backend, plan.Steps)
		return snapshotMsg{to: id, states: states, err: err}
	}}
	if len(blast) > 0 {
		cmds = append(cmds, func() tea.Msg {
			lines, err := blastRadius(c.ctx(), c, blast)
			return usesMsg{to: id, lines: lines, err: err}
		})
	} else {
		r.usesDone = true
	}
	return tea.Batch(cmds...)
}

// snapshots reads what each step replaces, as the executor will just
// before sending it. A step whose target an earlier step creates reads as
// not existing, which is what it is now.
func snapshots(ctx context.Context, r awsops.Reader, ops []awsops.Op) ([]awsops.State, error) {
	out := make([]awsops.State, len(ops))
	for i, op := range ops {
		st, err := awsops.Snapshot(ctx, r, op)
		if err != nil {
			return nil, fmt.Errorf("reading what step %d (%s %s) replaces: %w", i+1, op.API, op.Target, err)
		}
		out[i] = st
	}
	return out, nil
}

// blastRadius lists who runs as each role: everyone a change to the role
// reaches.
func blastRadius(ctx context.Context, c *ProgramContext, roles []string) ([]string, error) {
	t, err := c.session().Inventory(ctx, find.Options{SkipRoleChecks: true})
	if err != nil {
		return nil, err
	}
	var lines []string
	for _, role := range roles {
		uses := find.UsesOf(t, find.RoleMatcher(role))
		if len(uses) == 0 {
			lines = append(lines, fmt.Sprintf("no domain, user, space or notebook instance runs as %s", role))
			continue
		}
		lines = append(lines, fmt.Sprintf("%d %s run as %s, and get this change:", len(uses), plural(len(uses), "identity", "identities"), role))
		for _, u := range uses {
			lines = append(lines, "  "+useLine(u))
		}
	}
	return lines, nil
}

// useLine is one identity that runs as a role, in words.
func useLine(u find.Use) string {
	where := u.DomainID
	if u.DomainName != "" {
		where = u.DomainName + " (" + u.DomainID + ")"
	}
	switch u.Kind {
	case find.UseDefaultUserRole:
		return "default user role of domain " + where
	case find.UseDefaultSpaceRole:
		return "default space role of domain " + where
	case find.UseUser:
		return fmt.Sprintf("user %s in %s (%s)", u.Name, where, find.SourceText(u.Source))
	case find.UseSpace:
		return fmt.Sprintf("space %s in %s (%s)", u.Name, where, find.SourceText(u.Source))
	case find.UseNotebook:
		return "notebook instance " + u.Name + " (" + u.Status + ")"
	}
	return string(u.Kind) + " " + u.Name
}

func (r *review) resize() {
	r.vp.SetWidth(r.ctx.Width)
	r.vp.SetHeight(max(r.ctx.BodyHeight-2, 3))
	r.vp.SetContentLines(r.lines())
}

func (r *review) Help() keyHelp {
	k := r.ctx.Keys
	scroll := key.NewBinding(key.WithKeys("down"), key.WithHelp("↑↓/pgdn", "scroll"))
	if r.ctx.DryRun() {
		return keyHelp{short: []key.Binding{scroll, k.Back, k.Menu, k.Quit}}
	}
	return keyHelp{short: []key.Binding{k.Run, scroll, k.Back, k.Quit}}
}

func (r *review) Update(msg tea.Msg) (Child, tea.Cmd) {
	k := r.ctx.Keys
	switch msg := msg.(type) {
	case snapshotMsg:
		r.before, r.beforeErr = msg.states, msg.err
		r.vp.SetContentLines(r.lines())
		return r, nil
	case usesMsg:
		r.uses, r.usesErr, r.usesDone = msg.lines, msg.err, true
		r.vp.SetContentLines(r.lines())
		return r, nil
	case tea.WindowSizeMsg, tea.BackgroundColorMsg:
		r.resize()
		return r, nil
	case tea.KeyPressMsg:
		switch {
		case key.Matches(msg, k.Back):
			return r, pop(r.id)
		case key.Matches(msg, k.Menu) && r.ctx.DryRun():
			return r, home
		case key.Matches(msg, k.Run) && !r.ctx.DryRun() && len(r.plan.Steps) > 0:
			return r, replace(r.id, newExecute(r.ctx, r.name, r.plan, r.next, r.hooks))
		case key.Matches(msg, k.Top):
			r.vp.GotoTop()
			return r, nil
		case key.Matches(msg, k.Bottom):
			r.vp.GotoBottom()
			return r, nil
		}
	}
	if cmd, ok := r.spin.update(msg); ok {
		if !r.usesDone || r.before == nil {
			r.vp.SetContentLines(r.lines())
			return r, cmd
		}
		return r, nil
	}
	var cmd tea.Cmd
	r.vp, cmd = r.vp.Update(msg)
	return r, cmd
}

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
	// Commands are cut at the width, not at hyphens: they read as one
	// line that continues.
	addCmd := addWith(wrapHard)
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
		addCmd("$ "+op.CLI(c.Opts.CLI), "   ", "     ", s.Command.Render)
		for _, line := range r.replaced(op, before) {
			addWrapped(line, "   ", "     ", plain)
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
					first := "   undo: "
					if j > 0 {
						first = "         "
					}
					addCmd("$ "+u.CLI(c.Opts.CLI), first, "           ", s.Muted.Render)
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
		addWrapped("• "+l, "  ", "    ", plain)
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
	for _, n := range r.plan.Notes {
		add("")
		addWrapped("note: "+n, "", "  ", plain)
	}
	for _, wn := range r.plan.Warnings {
		add("")
		addWrapped("⚠ "+wn, "", "  ", s.Warn.Render)
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

// wrapHard cuts text at width exactly: commands and documents, where a
// break at a hyphen would look like a space that is not there.
func wrapHard(text string, width int) string {
	return ansi.Hardwrap(text, max(width, 10), true)
}

func (r *review) View() string {
	c := r.ctx
	s := c.Styles
	var foot string
	n := len(r.plan.Steps)
	switch {
	case c.DryRun():
		foot = s.BadgeDryRun.Render("DRY RUN") + " " + s.Bold.Render("Nothing was sent.") + " This is only the plan."
	case n == 0:
		foot = "Nothing to run. esc to go back."
	case c.Opts.Mode == ModeLive:
		q := fmt.Sprintf("Send these %d changes to AWS account %s?", n, c.Account())
		if n == 1 {
			q = fmt.Sprintf("Send this change to AWS account %s?", c.Account())
		}
		foot = s.badge(ModeLive) + " " + s.Bold.Render(q)
	default:
		q := fmt.Sprintf("Run these %d steps on the sandbox account %s?", n, c.Account())
		if n == 1 {
			q = fmt.Sprintf("Run this step on the sandbox account %s?", c.Account())
		}
		foot = s.Bold.Render(q)
	}
	scroll := ""
	if !(r.vp.AtTop() && r.vp.AtBottom()) {
		scroll = s.Muted.Render(fmt.Sprintf(" %3.0f%%", r.vp.ScrollPercent()*100))
	}
	return r.vp.View() + "\n" + s.Rule.Render(strings.Repeat("─", max(c.Width-visibleWidth(scroll), 0))) + scroll + "\n" + foot
}
