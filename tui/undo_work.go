package tui

import (
	"context"

	"github.com/sagerole/sagerole/awsops"
	"github.com/sagerole/sagerole/flows/find"
	"github.com/sagerole/sagerole/flows/modify"
	"github.com/sagerole/sagerole/flows/undo"
)

// undoWork is an entry's undo worked out as sagerole undo does it, for the
// wizard's undo screen and its accessible mode alike.
type undoWork struct {
	settled []string // what reading back steps of unknown outcome found
	res     *undo.Result
	// marked is the journaled run without steps that marked the entry
	// undone: the account already was as before it.
	marked string
	// before is what each step of the undo plan replaces, read with the
	// review: the run checks that the account is still so.
	before    []awsops.State
	beforeErr error
}

// workUndo reads back the steps of e whose outcome is unknown (recording
// what it finds in x.Journal), reviews the undo (flows/undo: drift, blast
// radius read through s, broadening and narrowing; force undoes anyway
// what it refuses),
// and reads what each step of the plan replaces — all with the account
// held, as a forward plan is built (planHeld), so that the run is checked
// against the very state the review showed. When the account already is
// as it was before e, nothing is to be sent: e is marked undone by a
// journaled run without steps, under the same hold.
func workUndo(ctx context.Context, x *awsops.Executor, s *find.Session, e *awsops.Entry, force bool) (undoWork, error) {
	var w undoWork
	err := held(ctx, x.Backend, "work the undo out", func() error {
		var err error
		if w.settled, err = undo.Settle(ctx, x.Backend, x.Journal, e); err != nil {
			return err
		}
		if w.res, err = undo.Review(ctx, x.Backend, e, undo.Options{Uses: modify.AccountUses(s), Force: force}); err != nil {
			return err
		}
		switch {
		case w.res.Check() != nil:
		case len(w.res.Plan.Steps) > 0:
			w.before, w.beforeErr = snapshots(ctx, x.Backend, w.res.Plan.Steps)
		case len(w.res.Undo.Skipped) > 0 && x.Journal != nil:
			ue, err := x.Run(context.WithoutCancel(ctx), w.res.Plan)
			if err != nil {
				return err
			}
			w.marked = ue.ID
		}
		return nil
	})
	return w, err
}
