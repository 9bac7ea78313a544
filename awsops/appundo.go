package awsops

import (
	"context"
	"fmt"
)

// undoApps plans what reverts the app steps of the entry (steps, the
// indexes of those that took effect, in order), to run after the undo of
// everything else: an app takes its identity's role as it is when it
// starts, so it is started again only once the role is back.
//
// The steps of one app are taken together. A DeleteApp followed by a
// CreateApp restarted the app so that it took the new role; the undo
// restarts it again, with the spec it has now, so that it takes the old
// one — if it still runs. Otherwise the app is put back as it was before
// the run: started with the spec it had (a DeleteApp alone, or a CreateApp
// that failed after it), or stopped (a CreateApp alone) — unless it
// already is.
func (u *Undo) undoApps(ctx context.Context, r Reader, steps []int) (ops []Op, origin []int, err error) {
	e, p := u.Entry, &u.Plan
	var order []string
	byApp := map[string][]int{}
	for _, i := range steps {
		k := resourceKey(e.Steps[i].Op)
		if _, ok := byApp[k]; !ok {
			order = append(order, k)
		}
		byApp[k] = append(byApp[k], i)
	}
	for _, k := range order {
		idx := byApp[k]
		first, last := e.Steps[idx[0]], e.Steps[idx[len(idx)-1]]
		ref := AppRefOf(first.Op)
		label := fmt.Sprintf("step %d (%s %s)", idx[0]+1, first.Op.API, first.Op.Target)
		if first.NoUndo != "" {
			p.Warnings = append(p.Warnings, cannotUndo(idx[0], first))
			p.UndoPartly = true
			continue
		}
		now, err := Snapshot(ctx, r, first.Op)
		if err != nil {
			return nil, nil, fmt.Errorf("reading the current state of %s: %w", label, err)
		}
		restarted := first.Op.API == APIDeleteApp && appRunning(first.Before) && last.Op.API == APICreateApp
		switch {
		case restarted && !appRunning(now):
			u.Skipped = append(u.Skipped, fmt.Sprintf("app %s, which the run restarted, is %s now: nothing to restart", ref, now[StStatus]))
		case restarted:
			ops = append(ops, DeleteAppOp(ref), CreateAppOp(ref, specFromState(now[StResourceSpec])))
			origin = append(origin, idx[0], idx[len(idx)-1])
			p.Notes = append(p.Notes, fmt.Sprintf("app %s is restarted again once the role is back, so that it runs as that role", ref))
		case sameFor(first.Op, now, first.Before):
			u.Skipped = append(u.Skipped, label+" is already as it was before the run: nothing to revert")
		case appRunning(first.Before) && now[StStatus] == StatusFailed:
			// A failed app is deleted before it can be created again.
			ops = append(ops, DeleteAppOp(ref), CreateAppOp(ref, specFromState(first.Before[StResourceSpec])))
			origin = append(origin, idx[0], idx[0])
		case appRunning(first.Before):
			ops = append(ops, CreateAppOp(ref, specFromState(first.Before[StResourceSpec])))
			origin = append(origin, idx[0])
		default:
			ops = append(ops, DeleteAppOp(ref))
			origin = append(origin, idx[0])
		}
	}
	return ops, origin, nil
}
