package awsops

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/sagerole/sagerole/awsops/redact"
)

// Plan is what a flow produces: the writes to make, in order, and what to
// tell the user before they are made.
type Plan struct {
	Command  string   `json:"command"`
	Steps    []Op     `json:"steps"`
	Warnings []string `json:"warnings,omitempty"`
	Notes    []string `json:"notes,omitempty"`
	// UndoOf is the journal entry this plan reverts; a successful run marks
	// that entry as undone.
	UndoOf string `json:"undoOf,omitempty"`
	// Outputs is what exists once the plan has run (e.g. roleArn), for
	// scripts and the wizard's result screen.
	Outputs map[string]string `json:"outputs,omitempty"`
}

// Event reports progress of a run, for the wizard's step list.
type Event struct {
	Step    int // index into the plan
	Op      Op
	Status  StepStatus
	Attempt int           // > 1 when retrying
	Wait    time.Duration // before the next attempt
	Err     error
}

// RetryFunc decides whether a failed attempt is retried, and after how
// long. Attempt counts from 1.
type RetryFunc func(op Op, attempt int, err error) (time.Duration, bool)

// Executor runs plans: for each Op it reads the state the Op replaces,
// records it (and the inverse derived from it) in the journal before
// sending, sends it, and records the result. It stops at the first failure.
type Executor struct {
	Backend Backend
	// Journal is nil in a dry run: nothing is sent, so nothing is recorded.
	Journal *Journal
	// Entry metadata.
	Account     string
	BackendName string
	Progress    func(Event)
	Retry       RetryFunc
	Now         func() time.Time
	// Sleep waits between attempts; tests replace it.
	Sleep func(ctx context.Context, d time.Duration) error
}

// RunError is a run that stopped at a failed step. Entry holds what ran and
// what did not.
type RunError struct {
	Entry *Entry
	Step  int
	Err   error
}

func (e *RunError) Error() string {
	s := e.Entry.Steps[e.Step]
	return fmt.Sprintf("step %d of %d (%s %s) failed: %v", e.Step+1, len(e.Entry.Steps), s.Op.API, s.Op.Target, e.Err)
}

func (e *RunError) Unwrap() error { return e.Err }

// Summary says what was and was not done, and how to roll back.
func (e *RunError) Summary() string {
	var done, notRun []string
	for i, s := range e.Entry.Steps {
		label := fmt.Sprintf("%d %s %s", i+1, s.Op.API, s.Op.Target)
		switch s.Status {
		case StepDone:
			done = append(done, label)
		case StepNotRun:
			notRun = append(notRun, label)
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n", e.Error())
	if len(done) > 0 {
		fmt.Fprintf(&b, "done: %s\n", strings.Join(done, "; "))
	} else {
		fmt.Fprintf(&b, "done: nothing\n")
	}
	if len(notRun) > 0 {
		fmt.Fprintf(&b, "not run: %s\n", strings.Join(notRun, "; "))
	}
	if len(done) > 0 && e.Entry.ID != "" {
		fmt.Fprintf(&b, "roll back what was done: sagerole undo %s\n", e.Entry.ID)
	}
	return b.String()
}

func (x *Executor) now() time.Time {
	if x.Now != nil {
		return x.Now()
	}
	return time.Now()
}

func (x *Executor) sleep(ctx context.Context, d time.Duration) error {
	if x.Sleep != nil {
		return x.Sleep(ctx, d)
	}
	return Sleep(ctx, d)
}

// Sleep waits for d, or until ctx is done.
func Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

func (x *Executor) emit(ev Event) {
	if x.Progress != nil {
		x.Progress(ev)
	}
}

func (x *Executor) save(e *Entry) error {
	if x.Journal == nil {
		return nil
	}
	return x.Journal.Save(e)
}

// Run executes plan. It returns the entry (journaled unless this is a dry
// run) and, when a step failed, a *RunError.
func (x *Executor) Run(ctx context.Context, plan Plan) (*Entry, error) {
	e := &Entry{Time: x.now().UTC(), Command: plan.Command, Account: x.Account,
		Region: x.Backend.Region(), Backend: x.BackendName, UndoOf: plan.UndoOf}
	if x.Journal != nil {
		e.ID = NewEntryID(e.Time)
	}
	for _, op := range plan.Steps {
		e.Steps = append(e.Steps, StepRecord{Op: op, Status: StepNotRun})
	}
	if err := x.save(e); err != nil {
		return e, fmt.Errorf("nothing was sent: %w", err)
	}
	for i := range e.Steps {
		s := &e.Steps[i]
		before, err := Snapshot(ctx, x.Backend, s.Op)
		if err != nil {
			return e, x.fail(e, i, fmt.Errorf("reading the state %s replaces: %w", s.Op.API, err))
		}
		s.Before = before
		s.Undo, s.NoUndo = Inverse(s.Op, before)
		s.Status = StepSending
		s.Started = x.now().UTC()
		// The journal must hold what is replaced before the write is sent.
		if err := x.save(e); err != nil {
			return e, x.fail(e, i, fmt.Errorf("not sent, the journal could not record it: %w", err))
		}
		x.emit(Event{Step: i, Op: s.Op, Status: StepSending, Attempt: 1})
		if err := x.send(ctx, i, s); err != nil {
			return e, x.fail(e, i, err)
		}
		s.Status = StepDone
		s.Finished = x.now().UTC()
		if x.Journal != nil {
			// What the step left, so that undo can tell whether something
			// else changed it since. Best effort: the write did happen.
			if after, err := Snapshot(ctx, x.Backend, s.Op); err == nil {
				s.After = after
			}
		}
		if err := x.save(e); err != nil {
			return e, x.fail(e, i, fmt.Errorf("the step was done, but the journal could not record it: %w", err))
		}
		x.emit(Event{Step: i, Op: s.Op, Status: StepDone, Attempt: s.Attempts})
	}
	if plan.UndoOf != "" && x.Journal != nil {
		if err := x.markUndone(plan.UndoOf, e.ID); err != nil {
			return e, err
		}
	}
	return e, nil
}

// markUndone records that entry id was undone by the run undoneBy. When id
// was itself an undo, the entry it had undone is in effect again.
func (x *Executor) markUndone(id, undoneBy string) error {
	target, err := x.Journal.Load(id)
	if err != nil {
		return fmt.Errorf("undone, but entry %s could not be marked: %w", id, err)
	}
	target.UndoneBy = undoneBy
	if err := x.Journal.Save(target); err != nil {
		return fmt.Errorf("undone, but entry %s could not be marked: %w", id, err)
	}
	if target.UndoOf != "" {
		if orig, err := x.Journal.Load(target.UndoOf); err == nil && orig.UndoneBy == target.ID {
			orig.UndoneBy = ""
			if err := x.Journal.Save(orig); err != nil {
				return fmt.Errorf("redone, but entry %s could not be marked: %w", orig.ID, err)
			}
		}
	}
	return nil
}

func (x *Executor) send(ctx context.Context, i int, s *StepRecord) error {
	for attempt := 1; ; attempt++ {
		s.Attempts = attempt
		err := Apply(ctx, x.Backend, s.Op)
		if err == nil {
			return nil
		}
		if x.Retry == nil || ctx.Err() != nil {
			return err
		}
		wait, again := x.Retry(s.Op, attempt, err)
		if !again {
			return err
		}
		x.emit(Event{Step: i, Op: s.Op, Status: StepSending, Attempt: attempt + 1, Wait: wait, Err: err})
		if serr := x.sleep(ctx, wait); serr != nil {
			return errors.Join(err, serr)
		}
	}
}

func (x *Executor) fail(e *Entry, i int, err error) error {
	s := &e.Steps[i]
	s.Status = StepFailed
	s.Error = redact.Error(err)
	s.Finished = x.now().UTC()
	if serr := x.save(e); serr != nil {
		err = errors.Join(err, fmt.Errorf("the journal could not record the failure: %w", serr))
	}
	x.emit(Event{Step: i, Op: s.Op, Status: StepFailed, Err: err})
	return &RunError{Entry: e, Step: i, Err: err}
}

// UndoPlan is the plan that reverts what e did: the inverses of its done
// steps, last step first. Steps that cannot be undone, or whose outcome is
// unknown because the run was interrupted while sending them, are listed in
// the plan's warnings.
func UndoPlan(e *Entry) Plan {
	p := Plan{Command: "undo " + e.ID, UndoOf: e.ID}
	for i := len(e.Steps) - 1; i >= 0; i-- {
		s := e.Steps[i]
		if s.Status == StepSending {
			p.Warnings = append(p.Warnings, fmt.Sprintf("step %d (%s %s) was interrupted while being sent: its outcome is unknown, so it is not undone; check it by hand", i+1, s.Op.API, s.Op.Target))
			continue
		}
		if s.Status != StepDone {
			continue
		}
		if s.NoUndo != "" {
			p.Warnings = append(p.Warnings, fmt.Sprintf("step %d (%s %s) cannot be undone: %s", i+1, s.Op.API, s.Op.Target, s.NoUndo))
			continue
		}
		for _, u := range s.Undo {
			if u.Note != "" {
				p.Notes = append(p.Notes, u.Note)
			}
			p.Steps = append(p.Steps, u)
		}
	}
	return p
}

// Rollback runs the inverse of every done step of e, in reverse order, as a
// journaled run of its own; when it succeeds, e is marked (and reloaded as)
// undone by it.
func (x *Executor) Rollback(ctx context.Context, e *Entry) (*Entry, error) {
	u, err := x.Run(ctx, UndoPlan(e))
	if err == nil && x.Journal != nil {
		if fresh, lerr := x.Journal.Load(e.ID); lerr == nil {
			*e = *fresh
		}
	}
	return u, err
}
