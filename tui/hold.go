package tui

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/sagerole/sagerole/awsops"
)

// staleError is a run refused before anything was sent: since the review,
// something else (another sagerole, the console) changed what a step
// replaces, so the plan would overwrite that change.
type staleError struct {
	step  int
	op    awsops.Op
	field string
}

func (e *staleError) Error() string {
	return fmt.Sprintf("nothing was sent: the account changed since this plan was reviewed (step %d, %s %s: its %s is not what the review showed); start again to plan from the account as it is now",
		e.step+1, e.op.API, e.op.Target, e.field)
}

// holdAccount starts a run. When other processes may change the account
// at the same time (a --sandbox-state file), it holds the account for this
// run until release is called. Then it reads again what each step
// replaces: when that is no longer what the review showed (reviewed, one
// state per step; nil when there was no review), the run is refused with a
// *staleError and nothing is held.
func holdAccount(ctx context.Context, b awsops.Backend, plan awsops.Plan, reviewed []awsops.State) (release func(), err error) {
	release = func() {}
	if l, ok := b.(awsops.Locker); ok {
		unlock, err := l.LockAccount(ctx)
		if err != nil {
			return nil, fmt.Errorf("nothing was sent: the account could not be held for this run: %w", err)
		}
		release = unlock
	}
	if reviewed == nil {
		return release, nil
	}
	now, err := snapshots(ctx, b, plan.Steps)
	if err != nil {
		release()
		return nil, fmt.Errorf("nothing was sent: %w", err)
	}
	for i := range now {
		if i >= len(reviewed) {
			break
		}
		if f := changedField(reviewed[i], now[i]); f != "" {
			release()
			return nil, &staleError{step: i, op: plan.Steps[i], field: f}
		}
	}
	return release, nil
}

// planHeld builds a flow's plan with the account held (when other
// processes may change it), and reads what each step replaces under the
// same hold: the states a run is later checked against are then exactly
// those the plan was built from, with no write of another process between.
func planHeld(ctx context.Context, c *ProgramContext, plan func(context.Context) (*review, error)) (*review, error) {
	var rv *review
	err := held(ctx, c.Opts.Backend, "plan", func() error {
		var err error
		if rv, err = plan(ctx); err != nil || rv == nil {
			return err
		}
		rv.before, rv.beforeErr = snapshots(ctx, c.Opts.Backend, rv.plan.Steps)
		return nil
	})
	return rv, err
}

// held runs read with the account held when other processes may change it
// (a Locker), so that all it reads is one state of the account, with no
// write of another process between. what names the purpose, for the error.
func held(ctx context.Context, b awsops.Backend, what string, read func() error) error {
	if l, ok := b.(awsops.Locker); ok {
		unlock, err := l.LockAccount(ctx)
		if err != nil {
			return fmt.Errorf("the account could not be held to %s: %w", what, err)
		}
		defer unlock()
	}
	return read()
}

// changedField is the first field that differs between two states, ""
// when none does. A status moves on by itself (Stopping → Stopped): it is
// not a change, as in the undo's drift check.
func changedField(was, now awsops.State) string {
	keys := slices.Sorted(maps.Keys(was))
	for k := range now {
		if _, ok := was[k]; !ok {
			keys = append(keys, k)
		}
	}
	for _, k := range keys {
		if k != awsops.StStatus && was[k] != now[k] {
			return k
		}
	}
	return ""
}
