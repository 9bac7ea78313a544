package tui

import (
	"context"
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"

	"github.com/sagerole/sagerole/awsops"
	"github.com/sagerole/sagerole/flows/find"
)

// nextAction is an action the result screen offers once a plan has run.
type nextAction struct {
	key   string
	label string
	short string // for the help bar; label when empty
	open  func(c *ProgramContext) Child
	// back, instead of open, goes back to the flow this one was opened
	// from, with what the run made.
	back *returnTo
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
	// undoes is the entry an undo plan reverts: its run says so.
	undoes *awsops.Entry

	before    []awsops.State // what each step replaces; nil until read
	beforeErr error
	uses      []string // who runs as the blast roles
	usesDone  bool
	usesErr   error

	copied bool // the commands were put on the clipboard

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
	c, id, plan, blast := r.ctx, r.id, r.plan, r.blast
	cmds := []tea.Cmd{r.spin.start()}
	// A flow's review comes with what the steps replaced when the plan was
	// built (planHeld); others (undo) read it now.
	if r.before == nil && r.beforeErr == nil {
		cmds = append(cmds, func() tea.Msg {
			states, err := snapshots(c.ctx(), c.Opts.Backend, plan.Steps)
			return snapshotMsg{to: id, states: states, err: err}
		})
	}
	if len(blast) > 0 {
		cmds = append(cmds, func() tea.Msg {
			lines, err := blastRadius(c.ctx(), c, blast)
			return usesMsg{to: id, lines: lines, err: err}
		})
	} else {
		r.usesDone = true
	}
	// Drawn once what is known already is set.
	r.resize()
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
	copyCmds := key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "copy the commands"))
	nav := []key.Binding{k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom}
	if r.ctx.DryRun() {
		return keyHelp{short: []key.Binding{scroll, copyCmds, k.Back, k.Menu, k.Quit},
			full: [][]key.Binding{nav, {copyCmds, k.Back, k.Menu}, {k.Quit, k.Help}}}
	}
	return keyHelp{short: []key.Binding{k.Run, scroll, copyCmds, k.Back, k.Quit},
		full: [][]key.Binding{nav, {k.Run, copyCmds, k.Back}, {k.Quit, k.Help}}}
}

// commands are the plan's aws commands, one a line, unwrapped.
func (r *review) commands() string {
	lines := make([]string, len(r.plan.Steps))
	for i, op := range r.plan.Steps {
		lines[i] = op.CLI(r.ctx.Opts.CLI)
	}
	return commandsOf(lines)
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
		case key.Matches(msg, k.Run) && !r.ctx.DryRun() && len(r.plan.Steps) > 0 && (r.before != nil || r.beforeErr != nil):
			// Not before what the steps replace has been read: the run
			// checks that the account is still as it was then.
			ex := newExecute(r.ctx, r.name, r.plan, r.next, r.hooks)
			ex.reviewed = r.before
			ex.rollbackOf = r.undoes
			return r, replace(r.id, ex)
		case msg.String() == "c" && len(r.plan.Steps) > 0:
			r.copied = true
			return r, tea.SetClipboard(r.commands())
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
	if r.copied {
		scroll = s.OK.Render(" ✓ commands copied (OSC 52), one a line") + scroll
	}
	return r.vp.View() + "\n" + s.Rule.Render(strings.Repeat("─", max(c.Width-visibleWidth(scroll), 0))) + scroll + "\n" + foot
}
