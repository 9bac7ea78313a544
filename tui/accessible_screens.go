package tui

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"charm.land/huh/v2"

	"github.com/sagerole/sagerole/awsops"
	"github.com/sagerole/sagerole/flows/find"
)

// review prints the plan as the command line does, with its impact, and
// runs it once confirmed (never in a dry run).
func (a *accessible) review(rv *review) error {
	c := a.ctx
	plan := rv.plan
	v := awsops.View(plan, nil, c.DryRun(), c.Opts.CLI)
	v.Notes, v.Warnings = wizardList(v.Notes), wizardList(v.Warnings)
	// How each step would be undone, read from the account as the review
	// screen reads it.
	// planHeld read them with the plan, under the account's lock; the run
	// checks the account is still so.
	before, berr := rv.before, rv.beforeErr
	if before == nil && berr == nil {
		before, berr = snapshots(c.ctx(), c.Opts.Backend, plan.Steps)
	}
	for i := range v.Steps {
		if berr == nil {
			v.Steps[i].Undo = strings.Join(undoLines(plan.Steps[i], before[i], c.Opts.CLI), "\n")
		}
	}
	if err := awsops.WriteText(a.out, v); err != nil {
		return err
	}
	if berr != nil {
		a.say("⚠ %v", berr)
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
	return a.execute(plan, rv.hooks, nil, before)
}

// execute runs a plan (or rolls back an entry) and says each step as it
// goes, then what exists, or what ran and what did not.
func (a *accessible) execute(plan awsops.Plan, hooks runHooks, rollbackOf *awsops.Entry, reviewed []awsops.State) error {
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
	release, err := holdAccount(c.ctx(), c.Opts.Backend, plan, reviewed)
	if err != nil {
		a.say("%v", err)
		return nil
	}
	ctx := context.WithoutCancel(c.ctx())
	var e *awsops.Entry
	if rollbackOf != nil {
		e, err = x.Rollback(ctx, rollbackOf)
	} else {
		e, err = x.Run(ctx, plan)
	}
	release()
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
			return a.execute(awsops.UndoPlan(e), runHooks{}, e, nil)
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
		r, err := find.Uses(c.ctx(), c.Opts.Backend, role, find.Options{Concurrency: c.Opts.InventoryConcurrency})
		if err != nil {
			return err
		}
		return find.WriteUses(a.out, r)
	}
	t, err := find.Inventory(c.ctx(), c.Opts.Backend, find.Options{Concurrency: c.Opts.InventoryConcurrency})
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
	if why := nothingToUndo(plan); why != "" {
		a.say("Entry %s: %s", e.ID, why)
		return nil
	}
	rv := newReview(c, "Undo", plan)
	return a.review(rv)
}
