package tui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"sync"

	"charm.land/huh/v2"

	"github.com/sagerole/sagerole/awsops"
	"github.com/sagerole/sagerole/awsops/rules"
	"github.com/sagerole/sagerole/flows/find"
)

// errInputEnded: stdin ended in the middle of a flow. Nothing was sent.
var errInputEnded = errors.New("the input ended before the flow was complete; nothing was sent")

// lineReader reads one byte at a time, so that each of huh's accessible
// prompts (which wraps its input in a scanner of its own) takes exactly
// one line and leaves the next answers where they are; and it remembers
// that the input ended, which huh's prompts do not report.
type lineReader struct {
	r   io.Reader
	mu  sync.Mutex
	eof bool
}

func (l *lineReader) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	n, err := l.r.Read(p[:1])
	if errors.Is(err, io.EOF) {
		l.mu.Lock()
		l.eof = true
		l.mu.Unlock()
	}
	return n, err
}

func (l *lineReader) ended() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.eof
}

// accessible runs the flows as plain line-by-line prompts: what a screen
// reader reads out, or a script answers through stdin. The same flows, the
// same validators (a refusal is the same sentence), the same plan, the
// same executor and journal as the screens.
type accessible struct {
	ctx *ProgramContext
	in  *lineReader
	out io.Writer
}

// RunAccessible runs the wizard in accessible mode until the user quits or
// the input ends.
func RunAccessible(opts Options) error {
	opts.Accessible = true
	opts.Static = true
	if opts.In == nil {
		opts.In = os.Stdin
	}
	if opts.Out == nil {
		opts.Out = os.Stdout
	}
	a := &accessible{ctx: newProgramContext(opts), in: &lineReader{r: opts.In}, out: opts.Out}
	// Plain prompts: no escape codes for a screen reader to read out.
	a.ctx.Styles = NewStyles(true, true)
	a.ctx.Styles.Huh = huh.ThemeFunc(huh.ThemeBase)
	return a.run()
}

func (a *accessible) say(format string, args ...any) { fmt.Fprintf(a.out, format+"\n", args...) }

func (a *accessible) run() error {
	c := a.ctx
	id, err := c.Opts.Backend.CallerIdentity(c.ctx())
	if err != nil {
		return fmt.Errorf("reading the account: %w", err)
	}
	c.Identity = id
	a.say("sagerole, %s: account %s, region %s.", modeWords(c.Opts.Mode), id.Account, c.Opts.Backend.Region())
	items := menuItems()
	for {
		choice := 0
		opts := make([]huh.Option[int], len(items))
		for i, it := range items {
			opts[i] = huh.NewOption(it.title, i)
		}
		if err := a.form(huh.NewSelect[int]().Title("What do you want to do?").Options(opts...).Value(&choice)); err != nil {
			return err
		}
		if a.in.ended() {
			a.say("The input ended: quitting.")
			return nil
		}
		var err error
		switch choice {
		case 0:
			err = a.flow(newCreateRole(c, createRolePrefill{}))
		case 1:
			err = a.flow(newAddBuckets(c, ""))
		case 2:
			err = a.find()
		case 3:
			err = a.flow(newChange(c, changePrefill{}))
		case 4:
			err = a.flow(newModify(c, ""))
		case 5:
			err = a.undo()
		default:
			return nil
		}
		if err != nil {
			return err
		}
	}
}

func modeWords(mode string) string {
	switch mode {
	case ModeSandbox:
		return "sandbox mode (nothing reaches AWS)"
	case ModeDryRun:
		return "dry run (nothing is sent)"
	}
	return "LIVE (changes are sent to AWS)"
}

// form runs fields as one accessible form.
func (a *accessible) form(fields ...huh.Field) error {
	return a.run1(huh.NewForm(huh.NewGroup(fields...)))
}

func (a *accessible) run1(f *huh.Form) error {
	err := f.WithAccessible(true).WithInput(a.in).WithOutput(a.out).WithTheme(a.ctx.Styles.Huh).Run()
	if err != nil {
		return fmt.Errorf("prompt: %w", err)
	}
	return nil
}

// flow asks a flow's steps in order, builds its plan, shows it, and runs
// it once confirmed.
func (a *accessible) flow(f *flow) error {
	c := a.ctx
	// The reads a flow starts with, done before its first question.
	for _, l := range f.loads {
		l(c.ctx())()
	}
	tries := 0
	i := f.nextShown(0, 1)
	for {
		for i < len(f.steps) {
			s := f.steps[i]
			if s.ready != nil && !s.ready() && s.fetch != nil {
				if l := s.fetch(); l != nil {
					l(c.ctx())()
				}
			}
			if err := a.run1(s.form()); err != nil {
				return err
			}
			if a.in.ended() {
				return errInputEnded
			}
			i = f.nextShown(i+1, 1)
		}
		rv, err := f.plan(c.ctx())
		if err == nil {
			return a.review(rv)
		}
		var ie *rules.InputError
		if !errors.As(err, &ie) || a.in.ended() || tries > 5 {
			return err
		}
		// Bad input: the same sentence as the command line, then the
		// question that asked for it again.
		tries++
		a.say("✗ %s", err)
		i = f.nextShown(0, 1)
		for j, s := range f.steps {
			if slices.Contains(s.fields, ie.Field) {
				i = j
				break
			}
		}
	}
}

// review prints the plan as the command line does, with its impact, and
// runs it once confirmed (never in a dry run).
func (a *accessible) review(rv *review) error {
	c := a.ctx
	plan := rv.plan
	if err := awsops.WriteText(a.out, awsops.View(plan, nil, c.DryRun(), c.Opts.CLI)); err != nil {
		return err
	}
	if len(rv.impact) > 0 || len(rv.blast) > 0 {
		a.say("\nImpact:")
		for _, l := range rv.impact {
			a.say("  %s", l)
		}
		if len(rv.blast) > 0 {
			lines, err := blastRadius(c.ctx(), c, rv.blast)
			if err != nil {
				a.say("  who runs as %s could not be read: %v", strings.Join(rv.blast, ", "), err)
			}
			for _, l := range lines {
				a.say("  %s", l)
			}
		}
	}
	if c.DryRun() || len(plan.Steps) == 0 {
		a.say("")
		return nil
	}
	run := false
	q := fmt.Sprintf("Run these %d steps on account %s?", len(plan.Steps), c.Account())
	if len(plan.Steps) == 1 {
		q = fmt.Sprintf("Run this step on account %s?", c.Account())
	}
	if err := a.form(huh.NewConfirm().Title(q).Value(&run)); err != nil {
		return err
	}
	if !run || a.in.ended() {
		a.say("Nothing was changed.")
		return nil
	}
	return a.execute(plan, rv.hooks, nil)
}

// execute runs a plan (or rolls back an entry) and says each step as it
// goes, then what exists, or what ran and what did not.
func (a *accessible) execute(plan awsops.Plan, hooks runHooks, rollbackOf *awsops.Entry) error {
	c := a.ctx
	say := func(s string) { a.say("  %s", s) }
	var b awsops.Backend = c.Opts.Backend
	if hooks.wrap != nil {
		b = hooks.wrap(b, say)
	}
	x := &awsops.Executor{Backend: b, Journal: c.Opts.Journal, Account: c.Identity.Account, BackendName: c.Opts.BackendName,
		Retry: hooks.retry, Sleep: c.Opts.Sleep, Now: c.Opts.RunNow,
		Progress: func(ev awsops.Event) {
			label := fmt.Sprintf("%d. %s %s%s", ev.Step+1, ev.Op.API, ev.Op.Target, extraTarget(ev.Op))
			switch {
			case ev.Status == awsops.StepDone:
				a.say("✓ %s", label)
			case ev.Status == awsops.StepFailed:
				a.say("✗ %s: %v", label, ev.Err)
			case ev.Attempt > 1:
				say(hooks.retryLine(ev))
			}
		}}
	ctx := context.WithoutCancel(c.ctx())
	var e *awsops.Entry
	var err error
	if rollbackOf != nil {
		e, err = x.Rollback(ctx, rollbackOf)
	} else {
		e, err = x.Run(ctx, plan)
	}
	var runErr *awsops.RunError
	if errors.As(err, &runErr) {
		a.say("%s", strings.TrimRight(runErr.Summary(), "\n"))
		if rollbackOf != nil || e == nil || e.ID == "" {
			return nil
		}
		back := false
		if ferr := a.form(huh.NewConfirm().Title("Roll back what was done?").Value(&back)); ferr != nil {
			return ferr
		}
		if back && !a.in.ended() {
			return a.execute(awsops.UndoPlan(e), runHooks{}, e)
		}
		return nil
	}
	if err != nil {
		return err
	}
	if hooks.after != nil {
		lines, aerr := hooks.after(ctx, say)
		for _, l := range lines {
			a.say("%s", l)
		}
		if aerr != nil {
			a.say("⚠ %v", aerr)
		}
	}
	if rollbackOf != nil {
		a.say("Rolled back %s.", rollbackOf.ID)
		return nil
	}
	a.say("Done.")
	for _, k := range sortedDocKeys(plan.Outputs) {
		a.say("%s: %s", outputLabel(k), plan.Outputs[k])
	}
	if e != nil && e.ID != "" {
		a.say("Journal entry %s (undo it with: sagerole undo %s).", e.ID, e.ID)
	}
	a.say("")
	return nil
}

// find prints the account as a tree, or who runs as a role.
func (a *accessible) find() error {
	c := a.ctx
	what, role := "tree", ""
	if err := a.form(huh.NewSelect[string]().Title("Find").Options(
		huh.NewOption("the whole account as a tree", "tree"),
		huh.NewOption("who runs as a role", "role")).Value(&what)); err != nil {
		return err
	}
	if a.in.ended() {
		return errInputEnded
	}
	if what == "role" {
		if err := a.form(huh.NewInput().Title("Role name or ARN").Value(&role).Validate(find.CheckRoleInput)); err != nil {
			return err
		}
		if err := find.CheckRoleInput(role); err != nil {
			return err
		}
		r, err := c.session().Uses(c.ctx(), role, find.Options{})
		if err != nil {
			return err
		}
		return find.WriteUses(a.out, r)
	}
	t, err := c.session().Inventory(c.ctx(), find.Options{})
	if err != nil {
		return err
	}
	return find.WriteTree(a.out, t)
}

// undo lists this account's runs, checks the chosen one for drift, and
// reverts it once confirmed.
func (a *accessible) undo() error {
	c := a.ctx
	if c.Opts.History == nil {
		a.say("No journal is kept here.")
		return nil
	}
	all, err := c.Opts.History.List()
	if err != nil {
		return err
	}
	var mine []*awsops.Entry
	for _, e := range all {
		if e.Backend == c.Opts.BackendName && e.Account == c.Identity.Account {
			mine = append(mine, e)
		}
	}
	if len(mine) == 0 {
		a.say("The journal has no run on this account yet: nothing to undo.")
		return nil
	}
	opts := make([]huh.Option[int], len(mine))
	for i, e := range mine {
		opts[i] = huh.NewOption(fmt.Sprintf("%s  %s  %s", e.ID, e.Status(), e.Command), i)
	}
	pick := 0
	if err := a.form(huh.NewSelect[int]().Title("Which run?").Options(opts...).Value(&pick)); err != nil {
		return err
	}
	if a.in.ended() {
		return errInputEnded
	}
	e := mine[pick]
	if e.UndoneBy != "" {
		a.say("Entry %s was already undone by %s; undo that entry to redo it.", e.ID, e.UndoneBy)
		return nil
	}
	drift, err := awsops.DetectDrift(c.ctx(), c.Opts.Backend, e)
	if err != nil {
		return err
	}
	if len(drift) > 0 {
		a.say("Since entry %s ran, something else changed what it touched:", e.ID)
		for _, d := range drift {
			a.say("  step %d %s %s, %s: left %s, now %s", d.Step, d.API, d.Target, d.Field, short(d.Recorded), short(d.Current))
		}
		force := false
		if err := a.form(huh.NewConfirm().Title("Undo it anyway, overwriting those changes?").Value(&force)); err != nil {
			return err
		}
		if !force || a.in.ended() {
			a.say("Nothing was changed.")
			return nil
		}
	}
	plan := awsops.UndoPlan(e)
	if len(plan.Steps) == 0 {
		a.say("Nothing of entry %s can be undone: %s.", e.ID, strings.Join(append(plan.Warnings, "no step of it changed anything"), "; "))
		return nil
	}
	rv := newReview(c, "Undo", plan)
	return a.review(rv)
}
