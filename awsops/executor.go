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
	// UndoPartly says that some step of UndoOf that took effect cannot be
	// undone, so that the entry is marked partly undone.
	UndoPartly bool `json:"undoPartly,omitempty"`
	// Outputs is what exists once the plan has run (e.g. roleArn), for
	// scripts and the wizard's result screen.
	Outputs map[string]string `json:"outputs,omitempty"`
	// Impact is what a flow found the plan reaches (change: who moves, who
	// does not, the running apps), for scripts; nil when it says nothing.
	Impact any `json:"-"`
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
	// Now stamps the entry and its steps; the journal's clock when nil.
	Now func() time.Time
	// Sleep waits between attempts; tests replace it.
	Sleep func(ctx context.Context, d time.Duration) error
}

// RunError is a run that stopped at a step that did not come back done.
// Entry holds what ran and what did not; the step's status says whether it
// took effect (read back when its answer was lost).
type RunError struct {
	Entry *Entry
	Step  int
	Err   error
}

func (e *RunError) Error() string {
	s := e.Entry.Steps[e.Step]
	what := fmt.Sprintf("step %d of %d (%s %s)", e.Step+1, len(e.Entry.Steps), s.Op.API, s.Op.Target)
	switch s.Status {
	case StepApplied:
		return fmt.Sprintf("%s took effect, but the run stopped there: %v", what, e.Err)
	case StepNotApplied:
		return fmt.Sprintf("%s did not take effect: %v", what, e.Err)
	case StepUnknown:
		return fmt.Sprintf("%s: its outcome is unknown: %v", what, e.Err)
	case StepDone:
		return fmt.Sprintf("%s was done, but %v", what, e.Err)
	}
	return fmt.Sprintf("%s failed: %v", what, e.Err)
}

func (e *RunError) Unwrap() error { return e.Err }

// WaitError is a write AWS accepted, after which what the run waits for
// before its next step (an app Deleted, a user profile InService with its
// new role) did not come. The step is read back as any write whose outcome
// is in doubt, and the run stops there, whatever it shows: the next step
// depends on what did not come.
type WaitError struct{ Err error }

func (e *WaitError) Error() string { return e.Err.Error() }
func (e *WaitError) Unwrap() error { return e.Err }

func isWait(err error) bool {
	var w *WaitError
	return errors.As(err, &w)
}

// Summary says what was and was not done, and how to roll back. A step
// whose answer was lost says what reading it back showed.
func (e *RunError) Summary() string {
	var done, notDone, unknown, notRun, outcomes []string
	for i, s := range e.Entry.Steps {
		label := fmt.Sprintf("%d %s %s", i+1, s.Op.API, s.Op.Target)
		switch s.Status {
		case StepDone:
			done = append(done, label)
		case StepApplied:
			done = append(done, label+" (its answer was lost; read back, it took effect)")
		case StepFailed, StepNotApplied:
			notDone = append(notDone, label)
		case StepSending, StepUnknown:
			unknown = append(unknown, label)
		case StepNotRun:
			notRun = append(notRun, label)
		}
		if s.Outcome != "" && s.Status != StepApplied {
			outcomes = append(outcomes, fmt.Sprintf("step %d: %s", i+1, s.Outcome))
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n", e.Error())
	for _, o := range outcomes {
		fmt.Fprintf(&b, "%s\n", o)
	}
	if len(done) > 0 {
		fmt.Fprintf(&b, "done: %s\n", strings.Join(done, "; "))
	} else if len(unknown) == 0 {
		fmt.Fprintf(&b, "done: nothing, the account is as it was\n")
	}
	if len(notDone) > 0 {
		fmt.Fprintf(&b, "not done: %s\n", strings.Join(notDone, "; "))
	}
	if len(unknown) > 0 {
		fmt.Fprintf(&b, "outcome unknown: %s\n", strings.Join(unknown, "; "))
	}
	if len(notRun) > 0 {
		fmt.Fprintf(&b, "not run: %s\n", strings.Join(notRun, "; "))
	}
	if e.Entry.ID != "" && (len(done) > 0 || len(unknown) > 0) {
		if e.Entry.UndoOf != "" {
			fmt.Fprintf(&b, "resume the undo: sagerole undo %s (or put back what this undo did: sagerole undo %s)\n", e.Entry.UndoOf, e.Entry.ID)
		} else {
			fmt.Fprintf(&b, "roll back what was done: sagerole undo %s\n", e.Entry.ID)
		}
	}
	return b.String()
}

func (x *Executor) now() time.Time {
	if x.Now != nil {
		return x.Now()
	}
	if x.Journal != nil {
		return x.Journal.now()
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
		e.ID = x.Journal.newID(e.Time)
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
			if stop := x.lost(ctx, e, i, err); stop != nil {
				return e, stop
			}
			continue
		}
		s.Status = StepDone
		s.Finished = x.now().UTC()
		if x.Journal != nil {
			// What the step left, so that undo can tell whether something
			// else changed it since. Best effort: the write did happen.
			actx, cancel := context.WithTimeout(context.WithoutCancel(ctx), verifyTimeout)
			if after, err := Snapshot(actx, x.Backend, s.Op); err == nil {
				s.After = after
			}
			cancel()
		}
		if err := x.save(e); err != nil {
			// The write is done; the journal still says it was being sent,
			// and undo reads it back.
			err = fmt.Errorf("the step was done, but the journal could not record it: %w", err)
			x.emit(Event{Step: i, Op: s.Op, Status: StepDone, Attempt: s.Attempts, Err: err})
			return e, &RunError{Entry: e, Step: i, Err: err}
		}
		x.emit(Event{Step: i, Op: s.Op, Status: StepDone, Attempt: s.Attempts})
	}
	if plan.UndoOf != "" && x.Journal != nil {
		if err := x.markUndone(plan.UndoOf, e.ID, plan.UndoPartly); err != nil {
			return e, err
		}
	}
	return e, nil
}

// lost settles a write that did not come back done: AWS refused it, or its
// answer was lost (a dropped connection, a timeout, ctrl+c while it was in
// flight, or an error after an attempt whose answer was lost). What it
// touches is read back: a write that took effect is applied, and the run
// goes on unless it was interrupted; anything else stops the run.
func (x *Executor) lost(ctx context.Context, e *Entry, i int, err error) error {
	s := &e.Steps[i]
	s.Error = errText(err)
	s.Finished = x.now().UTC()
	if errors.Is(err, ErrNotSent) {
		s.Status = StepFailed
	} else {
		settle(ctx, x.Backend, s, causeOf(err), refusedByAWS(err) && !isWait(err))
	}
	if serr := x.save(e); serr != nil {
		err = errors.Join(err, fmt.Errorf("the journal could not record the outcome: %w", serr))
		x.emit(Event{Step: i, Op: s.Op, Status: s.Status, Err: err})
		return &RunError{Entry: e, Step: i, Err: err}
	}
	x.emit(Event{Step: i, Op: s.Op, Status: s.Status, Attempt: s.Attempts, Err: err})
	// An interrupted run stops after the write in flight; when that was the
	// last one, there is nothing left to stop.
	if s.Status == StepApplied && !isWait(err) && (ctx.Err() == nil || i == len(e.Steps)-1) {
		return nil
	}
	return &RunError{Entry: e, Step: i, Err: err}
}

// causeOf says in words why a write's outcome had to be read back.
func causeOf(err error) string {
	var e *Error
	var w *WaitError
	switch {
	case errors.As(err, &w):
		return "AWS took the write, but waiting for it to settle ended: " + errText(w.Err)
	case errors.Is(err, context.Canceled):
		return "the run was interrupted while this write was in flight"
	case errors.Is(err, context.DeadlineExceeded):
		return "no answer came in time"
	case errors.As(err, &e) && e.Code != "":
		return "AWS answered " + e.Code
	}
	return fmt.Sprintf("the answer never came (%s)", errText(err))
}

// markUndone records that entry id was undone by the run undoneBy (partly:
// some step of it could not be undone). When id was itself an undo, the
// entry it had undone is in effect again.
func (x *Executor) markUndone(id, undoneBy string, partly bool) error {
	target, err := x.Journal.Load(id)
	if err != nil {
		return fmt.Errorf("undone, but entry %s could not be marked: %w", id, err)
	}
	target.UndoneBy, target.UndonePartly = undoneBy, partly
	if err := x.Journal.Save(target); err != nil {
		return fmt.Errorf("undone, but entry %s could not be marked: %w", id, err)
	}
	if target.UndoOf != "" {
		if orig, err := x.Journal.Load(target.UndoOf); err == nil && orig.UndoneBy == target.ID {
			orig.UndoneBy, orig.UndonePartly = "", false
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
	s.Error = errText(err)
	s.Finished = x.now().UTC()
	if serr := x.save(e); serr != nil {
		err = errors.Join(err, fmt.Errorf("the journal could not record the failure: %w", serr))
	}
	x.emit(Event{Step: i, Op: s.Op, Status: StepFailed, Err: err})
	return &RunError{Entry: e, Step: i, Err: err}
}

// errText is an error as the journal and the user see it: every error
// text of a step (its error, its outcome) goes through here, redacted, so
// that no credential or signature an AWS message carries is recorded.
func errText(err error) string { return redact.Error(err) }
