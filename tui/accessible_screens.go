package tui

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"charm.land/huh/v2"

	"github.com/sagerole/sagerole/awsops"
	"github.com/sagerole/sagerole/flows/find"
	"github.com/sagerole/sagerole/flows/undo"
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
	return a.execute(plan, rv.hooks, rv.undoes, before)
}

// execute runs a plan (rollbackOf: the undo of that entry) and says each
// step as it goes, then what exists, or what ran and what did not.
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
			case ev.Status == awsops.StepApplied:
				a.say("✓ %s (its answer was lost; read back, it took effect)", label)
			case ev.Status == awsops.StepFailed, ev.Status == awsops.StepNotApplied, ev.Status == awsops.StepUnknown:
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
	e, err := x.Run(ctx, plan)
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
			// The roll back is an undo like any other: reviewed first.
			return a.undoEntry(e)
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
	return a.undoEntry(mine[pick])
}

// undoEntry works the undo of e out as sagerole undo does (unknown
// outcomes read back first; drift, blast radius, broadening and narrowing
// reviewed), asks before overriding a refusal, and reviews the plan.
func (a *accessible) undoEntry(e *awsops.Entry) error {
	c := a.ctx
	if e.UndoneBy != "" {
		a.say("Entry %s was already undone by %s; undo that entry to redo it.", e.ID, e.UndoneBy)
		return nil
	}
	if h := c.Opts.History; h != nil {
		if err := h.CheckRedo(e); err != nil {
			a.say("%v.", err)
			return nil
		}
	}
	if why := nothingToUndo(e); why != "" {
		a.say("Entry %s: %s", e.ID, why)
		return nil
	}
	x := &awsops.Executor{Backend: c.Opts.Backend, Journal: c.Opts.Journal, Account: c.Identity.Account, BackendName: c.Opts.BackendName, Now: c.Opts.RunNow}
	w, err := workUndo(c.ctx(), x, c.session(), e, false)
	for _, f := range w.settled {
		a.say("%s", f)
	}
	if err != nil {
		return err
	}
	if err := w.res.Check(); err != nil {
		if err := undo.WriteDrift(a.out, e, w.res.Undo.Drift); err != nil {
			return err
		}
		a.say("%v", err)
		if len(w.res.Undo.Blocked) > 0 {
			return nil
		}
		force := false
		if err := a.form(huh.NewConfirm().Title("Undo it anyway?").Value(&force)); err != nil {
			return err
		}
		if !force || a.in.ended() {
			a.say("Nothing was changed.")
			return nil
		}
		// Worked out again: the account may have changed while the
		// question was open.
		if w, err = workUndo(c.ctx(), x, c.session(), e, true); err != nil {
			return err
		}
		if err := w.res.Check(); err != nil {
			a.say("%v", err)
			return nil
		}
	}
	res := w.res
	if len(res.Plan.Steps) == 0 {
		why := strings.Join(append(res.Undo.Skipped, res.Plan.Warnings...), "; ")
		if len(res.Undo.Skipped) == 0 {
			a.say("Nothing of entry %s can be undone: %s.", e.ID, why)
			return nil
		}
		a.say("Nothing to send: the account already is as it was before entry %s (%s).", e.ID, why)
		if w.marked != "" {
			a.say("Entry %s is marked undone.", e.ID)
		}
		return nil
	}
	if err := undo.WriteReview(a.out, res); err != nil {
		return err
	}
	rv := newReview(c, "Undo", res.Plan)
	rv.undoes = e
	rv.before, rv.beforeErr = w.before, w.beforeErr
	return a.review(rv)
}
