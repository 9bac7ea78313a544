package change

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/sagerole/sagerole/awsops"
)

// PropagationLimit is how long a write rejected because IAM has not yet
// propagated a new role is retried: IAM documents "usually seconds", and a
// minute covers what users see in practice.
const PropagationLimit = time.Minute

// propagationBackoff is the wait before retry n (from 1): doubling from 2
// seconds, at most 15.
func propagationBackoff(n int) time.Duration {
	d := 2 * time.Second << (n - 1)
	if n > 4 || d > 15*time.Second {
		return 15 * time.Second
	}
	return d
}

// IsPropagation reports whether err is SageMaker rejecting a role it cannot
// assume yet. The pre-flight checks have already seen that the role exists
// and trusts SageMaker, so after them this means IAM has not propagated
// the role (or its trust policy) to SageMaker yet.
func IsPropagation(err error) bool {
	if awsops.KindOf(err) != awsops.KindValidation {
		return false
	}
	msg := strings.ToLower(err.Error())
	return strings.Contains(msg, "role") && strings.Contains(msg, "assume")
}

func setsRole(op awsops.Op) bool {
	switch op.API {
	case awsops.APIUpdateDomain, awsops.APIUpdateUserProfile, awsops.APIUpdateNotebookInstance:
		return true
	}
	return false
}

// PropagationRetry is the executor's retry for a change: a write that sets
// a role and is rejected because the role cannot be assumed yet is retried
// with backoff for up to limit in all; anything else fails at once.
func PropagationRetry(limit time.Duration) awsops.RetryFunc {
	return func(op awsops.Op, attempt int, err error) (time.Duration, bool) {
		if !setsRole(op) || !IsPropagation(err) {
			return 0, false
		}
		var waited time.Duration
		for n := 1; n < attempt; n++ {
			waited += propagationBackoff(n)
		}
		wait := propagationBackoff(attempt)
		if waited+wait > limit {
			return 0, false
		}
		return wait, true
	}
}

// ProgressLine is what to tell the user about an executor event of a
// change, "" when there is nothing to say.
func ProgressLine(ev awsops.Event) string {
	if ev.Status == awsops.StepSending && ev.Attempt > 1 && IsPropagation(ev.Err) {
		return fmt.Sprintf("SageMaker cannot assume the role yet: waiting for IAM to propagate, try %d in %s", ev.Attempt, ev.Wait)
	}
	return ""
}

// Waiter polls SageMaker until an identity has settled after a change.
type Waiter struct {
	// Sleep waits between polls; tests replace it. nil sleeps for real.
	Sleep func(ctx context.Context, d time.Duration) error
	// Timeout bounds the time slept in one wait; 0 means 15 minutes
	// (stopping a notebook instance takes minutes).
	Timeout time.Duration
	// Say, when set, hears what is being waited for.
	Say func(string)
}

func (w Waiter) sleep(ctx context.Context, d time.Duration) error {
	if w.Sleep != nil {
		return w.Sleep(ctx, d)
	}
	return awsops.Sleep(ctx, d)
}

func (w Waiter) say(format string, args ...any) {
	if w.Say != nil {
		w.Say(fmt.Sprintf(format, args...))
	}
}

// pollBackoff is the wait before poll n (from 1): 1, 2, 4, 8, then 10
// seconds.
func pollBackoff(n int) time.Duration {
	if n > 4 {
		return 10 * time.Second
	}
	return time.Second << (n - 1)
}

// poll reads a status until done says so. It reads first and sleeps only
// when the status has not settled.
func (w Waiter) poll(ctx context.Context, what string, read func() (status string, done bool, err error)) error {
	timeout := w.Timeout
	if timeout == 0 {
		timeout = 15 * time.Minute
	}
	var slept time.Duration
	last := ""
	for n := 1; ; n++ {
		status, done, err := read()
		if err != nil {
			return err
		}
		if done {
			return nil
		}
		if status != last {
			w.say("%s is %s: waiting", what, status)
			last = status
		}
		d := pollBackoff(n)
		if slept+d > timeout {
			return fmt.Errorf("%s is still %s after %s; check it later with sagerole find", what, status, slept.Round(time.Second))
		}
		if err := w.sleep(ctx, d); err != nil {
			return err
		}
		slept += d
	}
}

func failed(status string) bool {
	return status == awsops.StatusUpdateFailed || status == awsops.StatusFailed || status == "UpdateFailed"
}

// Domain waits until a domain is InService again, or has failed; it
// returns the domain as last read.
func (w Waiter) Domain(ctx context.Context, r awsops.SageMakerReader, id string) (awsops.Domain, error) {
	var d awsops.Domain
	err := w.poll(ctx, "domain "+id, func() (string, bool, error) {
		var err error
		d, err = r.DescribeDomain(ctx, id)
		return d.Status, d.Status == awsops.StatusInService || failed(d.Status), err
	})
	return d, err
}

// UserProfile waits until a user profile is InService again, or has failed.
func (w Waiter) UserProfile(ctx context.Context, r awsops.SageMakerReader, domainID, name string) (awsops.UserProfile, error) {
	var u awsops.UserProfile
	err := w.poll(ctx, "user profile "+name, func() (string, bool, error) {
		var err error
		u, err = r.DescribeUserProfile(ctx, domainID, name)
		return u.Status, u.Status == awsops.StatusInService || failed(u.Status), err
	})
	return u, err
}

// Notebook waits until a notebook instance is in status want; Failed is an
// error that carries AWS's FailureReason.
func (w Waiter) Notebook(ctx context.Context, r awsops.SageMakerReader, name, want string) (awsops.NotebookInstance, error) {
	var nb awsops.NotebookInstance
	err := w.poll(ctx, "notebook instance "+name, func() (string, bool, error) {
		var err error
		nb, err = r.DescribeNotebookInstance(ctx, name)
		if err == nil && nb.Status == awsops.StatusFailed && want != awsops.StatusFailed {
			return nb.Status, true, fmt.Errorf("notebook instance %s failed: %s", name, orUnknown(nb.FailureReason))
		}
		return nb.Status, nb.Status == want, err
	})
	return nb, err
}

func orUnknown(s string) string {
	if s == "" {
		return "AWS gave no reason"
	}
	return s
}

// waitingBackend makes the notebook instance writes of a run return only
// once the instance has settled: Stop until Stopped, Update until Stopped
// again, Start until InService. The executor then reads each step's
// "before" state from a settled instance, and the next step is sent when
// AWS accepts it (UpdateNotebookInstance only while Stopped).
type waitingBackend struct {
	awsops.Backend
	w Waiter
}

// WithNotebookWaits wraps b for a live run (never a dry run: nothing would
// ever settle) so that notebook instance writes wait for the instance, and
// app writes for the app (see appwait.go).
func WithNotebookWaits(b awsops.Backend, w Waiter) awsops.Backend {
	return waitingBackend{Backend: b, w: w}
}

func (b waitingBackend) StopNotebookInstance(ctx context.Context, name string) error {
	if err := b.Backend.StopNotebookInstance(ctx, name); err != nil {
		return err
	}
	_, err := b.w.Notebook(ctx, b.Backend, name, awsops.StatusStopped)
	return err
}

func (b waitingBackend) UpdateNotebookInstanceRole(ctx context.Context, name, roleARN string) error {
	if err := b.Backend.UpdateNotebookInstanceRole(ctx, name, roleARN); err != nil {
		return err
	}
	_, err := b.w.Notebook(ctx, b.Backend, name, awsops.StatusStopped)
	return err
}

func (b waitingBackend) StartNotebookInstance(ctx context.Context, name string) error {
	if err := b.Backend.StartNotebookInstance(ctx, name); err != nil {
		return err
	}
	_, err := b.w.Notebook(ctx, b.Backend, name, awsops.StatusInService)
	return err
}

// Outcome is the state of the target read back from AWS after a run.
type Outcome struct {
	Target string `json:"target"`
	Status string `json:"status"`
	// Role is the role AWS now reports for the target.
	Role          string `json:"role"`
	Want          string `json:"want"`
	FailureReason string `json:"failureReason,omitempty"`
	// resource is what has the status (the domain, for one of its
	// defaults), and field the role it holds ("default space role").
	resource, field string
}

// OK reports whether the target settled with the role that was set.
func (o Outcome) OK() bool { return !failed(o.Status) && o.Role == o.Want }

// Text says the outcome in a sentence.
// A status belongs to the resource (a domain is InService, not its default
// space role): the sentence says which, then the role it holds.
func (o Outcome) Text() string {
	what, field := o.Target, "role"
	if o.resource != "" {
		what, field = o.resource, o.field
	}
	switch {
	case failed(o.Status):
		return fmt.Sprintf("%s is %s: %s", what, o.Status, orUnknown(o.FailureReason))
	case o.Role != o.Want:
		return fmt.Sprintf("%s is %s, but AWS reports its %s as %s, not %s", what, o.Status, field, orNone(o.Role), o.Want)
	}
	return fmt.Sprintf("%s is %s; its %s is now %s", what, o.Status, field, o.Role)
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

// Settle waits until the changed identity is InService again (or has
// failed) and reads back the role AWS now reports for it.
func Settle(ctx context.Context, r awsops.SageMakerReader, p *Prepared, w Waiter) (Outcome, error) {
	o := Outcome{Target: p.Target, Want: p.Role.ARN}
	switch p.Effective {
	case TargetDefaultUser, TargetDefaultSpace:
		d, err := w.Domain(ctx, r, p.DomainID)
		if err != nil {
			return o, err
		}
		o.Status, o.FailureReason = d.Status, d.FailureReason
		o.Role, o.resource, o.field = d.DefaultUserRole, domainWords(d), "default user role"
		if p.Effective == TargetDefaultSpace {
			o.Role, o.field = d.DefaultSpaceRole, "default space role"
		}
	case TargetUser:
		u, err := w.UserProfile(ctx, r, p.DomainID, p.Name)
		if err != nil {
			return o, err
		}
		o.Status, o.FailureReason, o.Role = u.Status, u.FailureReason, u.ExecutionRole
	case TargetNotebook:
		nb, err := r.DescribeNotebookInstance(ctx, p.Request.Name)
		if err != nil {
			return o, fmt.Errorf("reading notebook instance %s back: %w", p.Request.Name, err)
		}
		o.Status, o.FailureReason, o.Role = nb.Status, nb.FailureReason, nb.RoleARN
	}
	return o, nil
}
