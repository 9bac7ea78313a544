package awsops

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Undo is how to revert a journal entry, worked out against the account as
// it is now: the inverse of every step that took effect and is not already
// reverted, last step first.
type Undo struct {
	Entry *Entry
	// Plan is what to send; its UndoOf is the entry.
	Plan Plan
	// Drift is what changed since the run: later changes that the undo
	// would overwrite, and what would make an inverse fail (a policy
	// attached by hand to a role the undo deletes).
	Drift []Drift
	// Blocked is what the undo cannot do even when forced, in sentences.
	Blocked []string
	// Skipped says, for each step that took effect but is not reverted,
	// why: it is already as it was before the run.
	Skipped []string
}

// UnsettledError is an entry with a step whose outcome could not be read
// back: undo cannot tell whether to revert it.
type UnsettledError struct {
	Entry *Entry
	Step  int
}

func (e *UnsettledError) Error() string {
	s := e.Entry.Steps[e.Step]
	why := s.Outcome
	if why == "" {
		why = "it was being sent when the run ended"
	}
	return fmt.Sprintf("step %d of entry %s (%s %s) has an unknown outcome (%s), so undo cannot tell whether to revert it; check it by hand, or run sagerole undo %s again once AWS can be read",
		e.Step+1, e.Entry.ID, s.Op.API, s.Op.Target, why, e.Entry.ID)
}

// RefusedError is an undo that must not run as asked: it would overwrite
// later changes, or cannot succeed. Nothing was sent.
type RefusedError struct{ Msg string }

func (e *RefusedError) Error() string { return e.Msg }

// Check says whether u may run: never while something blocks it, and,
// unless force, not while it would overwrite later changes.
func (u *Undo) Check(force bool) error {
	if len(u.Blocked) > 0 {
		return &RefusedError{Msg: fmt.Sprintf("cannot undo entry %s: %s", u.Entry.ID, strings.Join(u.Blocked, "; "))}
	}
	if len(u.Drift) > 0 && !force {
		return &RefusedError{Msg: fmt.Sprintf("refusing to undo entry %s: %d later change(s) would be overwritten or would make it fail (shown above); pass --force to undo anyway", u.Entry.ID, len(u.Drift))}
	}
	return nil
}

// PrepareUndo works out how to revert e. Every step that took effect (done,
// or applied: its answer was lost and a read back showed it) is reverted,
// unless the account is already as it was before it — which is how an
// undo that stopped half way resumes, and how a forced undo of something
// already put back by hand succeeds without sending anything. A step that
// did not take effect is skipped. An entry with a step whose outcome is not
// known is an *UnsettledError (call Settle first).
//
// With force, what would block a DeleteRole of the undo that sagerole can
// remove (a managed policy attached or an inline policy put by hand since)
// is removed first, in the plan, for review.
func PrepareUndo(ctx context.Context, r Reader, e *Entry, force bool) (*Undo, error) {
	for i, s := range e.Steps {
		if s.Status.Unsettled() {
			return nil, &UnsettledError{Entry: e, Step: i}
		}
	}
	drift, err := DetectDrift(ctx, r, e)
	if err != nil {
		return nil, err
	}
	u := &Undo{Entry: e, Drift: drift, Plan: Plan{Command: "undo " + e.ID, UndoOf: e.ID}}
	p := &u.Plan
	created := createdRoles(e)
	cur := map[string]State{}
	var origin []int // for each plan step, the entry step it reverts
	var apps []int   // the app steps that took effect, in order
	for i := len(e.Steps) - 1; i >= 0; i-- {
		s := e.Steps[i]
		label := fmt.Sprintf("step %d (%s %s)", i+1, s.Op.API, s.Op.Target)
		if IsAppOp(s.Op) && s.Status.InEffect() {
			apps = append([]int{i}, apps...)
			continue
		}
		switch {
		case s.Status == StepNotApplied:
			u.Skipped = append(u.Skipped, label+" did not take effect: nothing to revert")
			continue
		case !s.Status.InEffect():
			continue
		case s.NoUndo != "":
			p.Warnings = append(p.Warnings, cannotUndo(i, s))
			p.UndoPartly = true
			continue
		case len(s.Undo) == 0:
			continue // it changed nothing
		}
		key := resourceKey(s.Op)
		now, ok := cur[key]
		if !ok {
			if now, err = Snapshot(ctx, r, s.Op); err != nil {
				return nil, fmt.Errorf("reading the current state of %s: %w", label, err)
			}
		}
		switch {
		case sameFor(s.Op, now, s.Before):
			u.Skipped = append(u.Skipped, label+" is already as it was before the run: nothing to revert")
			cur[key] = now
			continue
		case roleGone(s.Op, now) && created[strings.ToLower(s.Op.Args[ArgRoleName])]:
			u.Skipped = append(u.Skipped, fmt.Sprintf("%s: role %s, which the run created, no longer exists, as before the run: nothing to revert", label, s.Op.Args[ArgRoleName]))
			cur[key] = now
			continue
		case roleGone(s.Op, now):
			u.Blocked = append(u.Blocked, fmt.Sprintf("role %s was deleted since the run, so %s cannot be reverted (sagerole does not recreate a role it did not create)", s.Op.Args[ArgRoleName], label))
			continue
		}
		for _, op := range s.Undo {
			if op.Note != "" {
				p.Notes = append(p.Notes, op.Note)
			}
			p.Steps = append(p.Steps, op)
			origin = append(origin, i)
		}
		cur[key] = s.Before
	}
	appSteps, appOrigin, err := u.undoApps(ctx, r, apps)
	if err != nil {
		return nil, err
	}
	p.Steps = append(p.Steps, appSteps...)
	origin = append(origin, appOrigin...)
	if err := u.unblockDeletes(ctx, r, origin, force); err != nil {
		return nil, err
	}
	p.Notes = append(p.Notes, u.Skipped...)
	return u, nil
}

// cannotUndo says that step i of an entry, which took effect, has no
// inverse, and why.
func cannotUndo(i int, s StepRecord) string {
	return fmt.Sprintf("step %d (%s %s) cannot be undone: %s", i+1, s.Op.API, s.Op.Target, s.NoUndo)
}

// NothingToUndo reports, from the journal alone, that no step of e needs
// reverting: none that took effect (or may have) has an inverse. why says,
// for each step that took effect but cannot be undone, why; it is empty
// when no step took effect. An entry with something to revert may still
// turn out, once the account is read (PrepareUndo), to be as it was.
func (e *Entry) NothingToUndo() (nothing bool, why []string) {
	for i, s := range e.Steps {
		switch {
		case s.Status.Unsettled():
			return false, nil // read back before anything is decided
		case !s.Status.InEffect():
		case s.NoUndo != "":
			why = append(why, cannotUndo(i, s))
		case len(s.Undo) > 0:
			return false, nil
		}
	}
	return true, why
}

// unblockDeletes finds, for every DeleteRole of the plan, what the role
// still has at that point that IAM refuses to delete it with: managed and
// inline policies the undo does not remove, instance profiles. They are
// drift; with force, policies are removed first, in the plan. Instance
// profiles are never touched: they block the undo.
func (u *Undo) unblockDeletes(ctx context.Context, r Reader, origin []int, force bool) error {
	var steps []Op
	for pi, op := range u.Plan.Steps {
		if op.API != APIDeleteRole {
			steps = append(steps, op)
			continue
		}
		role := op.Args[ArgRoleName]
		attached, inline, profiles, err := roleAttachments(ctx, r, role)
		if IsNotFound(err) {
			steps = append(steps, op)
			continue
		}
		if err != nil {
			return fmt.Errorf("reading what role %s still holds: %w", role, err)
		}
		// What the undo itself removes (or adds) before it deletes the role.
		for _, prev := range u.Plan.Steps[:pi] {
			if prev.Args[ArgRoleName] != role {
				continue
			}
			switch prev.API {
			case APIDetachRolePolicy:
				delete(attached, prev.Args[ArgPolicyARN])
			case APIAttachRolePolicy:
				attached[prev.Args[ArgPolicyARN]] = true
			case APIDeleteRolePolicy:
				delete(inline, prev.Args[ArgPolicyName])
			case APIPutRolePolicy:
				inline[prev.Args[ArgPolicyName]] = true
			}
		}
		src := u.Entry.Steps[origin[pi]]
		blocker := func(field, current string) {
			u.Drift = append(u.Drift, Drift{Step: origin[pi] + 1, API: src.Op.API, Target: src.Op.Target,
				Field: field, Current: current, Blocks: APIDeleteRole})
		}
		for _, arn := range slices.Sorted(maps.Keys(attached)) {
			blocker("attached policy", arn)
			if force {
				steps = append(steps, DetachRolePolicyOp(role, arn))
			}
		}
		for _, name := range slices.Sorted(maps.Keys(inline)) {
			blocker("inline policy", name)
			if force {
				steps = append(steps, DeleteRolePolicyOp(role, name))
			}
		}
		for _, ip := range profiles {
			blocker("instance profile", ip)
			u.Blocked = append(u.Blocked, fmt.Sprintf("role %s is in instance profile %s, which sagerole does not change, so IAM would refuse to delete it; take it out first (aws iam remove-role-from-instance-profile --instance-profile-name %s --role-name %s), then undo again",
				role, ip, ShellQuote(ip), ShellQuote(role)))
		}
		if force && (len(attached) > 0 || len(inline) > 0) {
			u.Plan.Warnings = append(u.Plan.Warnings, fmt.Sprintf("undoing anyway (--force): what was added to role %s since the run is removed with it", role))
		}
		steps = append(steps, op)
	}
	u.Plan.Steps = steps
	return nil
}

// createdRoles are the roles (lower-case names) that e created: their
// CreateRole took effect on a role that did not exist.
func createdRoles(e *Entry) map[string]bool {
	out := map[string]bool{}
	for _, s := range e.Steps {
		if s.Op.API == APICreateRole && s.Status.InEffect() && s.Before[StExists] == "false" {
			out[strings.ToLower(s.Op.Args[ArgRoleName])] = true
		}
	}
	return out
}

// roleGone reports whether now says that the role op changes (not creates
// or deletes) does not exist. An inline policy's state cannot say: its
// exists is the policy's.
func roleGone(op Op, now State) bool {
	switch op.API {
	case APICreateRole, APIDeleteRole, APIPutRolePolicy, APIDeleteRolePolicy:
		return false
	}
	return op.Args[ArgRoleName] != "" && now[StExists] == "false"
}

// roleAttachments reads what a role holds that DeleteRole refuses it with.
func roleAttachments(ctx context.Context, r Reader, role string) (attached, inline map[string]bool, profiles []string, err error) {
	pols, err := r.ListAttachedRolePolicies(ctx, role)
	if err != nil {
		return nil, nil, nil, err
	}
	names, err := r.ListRolePolicies(ctx, role)
	if err != nil {
		return nil, nil, nil, err
	}
	if profiles, err = r.ListInstanceProfilesForRole(ctx, role); err != nil {
		return nil, nil, nil, err
	}
	attached, inline = map[string]bool{}, map[string]bool{}
	for _, p := range pols {
		attached[p.ARN] = true
	}
	for _, n := range names {
		inline[n] = true
	}
	return attached, inline, profiles, nil
}

// Rollback reverts e (a run that just failed, say) as a journaled run of
// its own, after reading back any step whose outcome is unknown; it
// refuses when something else changed what e touched since. When it
// succeeds, e is marked (and reloaded as) undone by it.
func (x *Executor) Rollback(ctx context.Context, e *Entry) (*Entry, error) {
	if Settle(ctx, x.Backend, e) {
		if err := x.save(e); err != nil {
			return nil, err
		}
	}
	u, err := PrepareUndo(ctx, x.Backend, e, false)
	if err != nil {
		return nil, err
	}
	if err := u.Check(false); err != nil {
		return nil, err
	}
	ue, err := x.Run(ctx, u.Plan)
	if err == nil && x.Journal != nil {
		if fresh, lerr := x.Journal.Load(e.ID); lerr == nil {
			*e = *fresh
		}
	}
	return ue, err
}

// IsRefused reports whether err is an undo that was refused before
// anything was sent.
func IsRefused(err error) bool {
	var r *RefusedError
	return errors.As(err, &r)
}

// CheckRedo refuses to undo an undo that another run superseded: e undid
// part of an entry, and a later undo finished it. Undoing e would put part
// of that entry back while the journal says it is undone; the later undo is
// the one to undo.
func (j *Journal) CheckRedo(e *Entry) error {
	if e.UndoOf == "" {
		return nil
	}
	target, err := j.Load(e.UndoOf)
	if err != nil || target.UndoneBy == "" || target.UndoneBy == e.ID {
		return nil
	}
	return &RefusedError{Msg: fmt.Sprintf("entry %s undid part of %s, and %s finished that undo; to redo %s, undo %s", e.ID, e.UndoOf, target.UndoneBy, e.UndoOf, target.UndoneBy)}
}
