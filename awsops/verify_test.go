package awsops_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/sagerole/sagerole/awsops"
	"github.com/sagerole/sagerole/awsops/sandbox"
)

// lossy applies or drops the writes of one API, then loses the answer: a
// transport error, as a dropped connection gives. With readFails, the reads
// of that API's resource fail too (the read back cannot be done).
type lossy struct {
	awsops.Backend
	api       string
	apply     bool // the write reaches the account before the answer is lost
	readFails bool
	cancel    func() // called once the write is in flight (ctrl+c)
	sent      bool
}

var errLost = errors.New("read tcp 127.0.0.1:5000: connection reset by peer")

func (l *lossy) lose(api string, do func() error) error {
	if api != l.api {
		return do()
	}
	l.sent = true
	if l.apply {
		if err := do(); err != nil {
			return err
		}
	}
	if l.cancel != nil {
		l.cancel()
		return context.Canceled
	}
	return errLost
}

func (l *lossy) PutRolePolicy(ctx context.Context, role, name, doc string) error {
	return l.lose(awsops.APIPutRolePolicy, func() error { return l.Backend.PutRolePolicy(ctx, role, name, doc) })
}
func (l *lossy) DeleteRolePolicy(ctx context.Context, role, name string) error {
	return l.lose(awsops.APIDeleteRolePolicy, func() error { return l.Backend.DeleteRolePolicy(ctx, role, name) })
}
func (l *lossy) AttachRolePolicy(ctx context.Context, role, arn string) error {
	return l.lose(awsops.APIAttachRolePolicy, func() error { return l.Backend.AttachRolePolicy(ctx, role, arn) })
}
func (l *lossy) DetachRolePolicy(ctx context.Context, role, arn string) error {
	return l.lose(awsops.APIDetachRolePolicy, func() error { return l.Backend.DetachRolePolicy(ctx, role, arn) })
}
func (l *lossy) TagRole(ctx context.Context, role string, tags []awsops.Tag) error {
	return l.lose(awsops.APITagRole, func() error { return l.Backend.TagRole(ctx, role, tags) })
}
func (l *lossy) UpdateTrustPolicy(ctx context.Context, role, doc string) error {
	return l.lose(awsops.APIUpdateAssumeRolePolicy, func() error { return l.Backend.UpdateTrustPolicy(ctx, role, doc) })
}
func (l *lossy) CreateRole(ctx context.Context, in awsops.CreateRoleInput) (awsops.Role, error) {
	var r awsops.Role
	err := l.lose(awsops.APICreateRole, func() error {
		var err error
		r, err = l.Backend.CreateRole(ctx, in)
		return err
	})
	return r, err
}
func (l *lossy) UpdateUserProfileRole(ctx context.Context, d, u, arn string) error {
	return l.lose(awsops.APIUpdateUserProfile, func() error { return l.Backend.UpdateUserProfileRole(ctx, d, u, arn) })
}
func (l *lossy) GetRolePolicy(ctx context.Context, role, name string) (string, error) {
	if l.readFails && l.sent {
		return "", errLost
	}
	return l.Backend.GetRolePolicy(ctx, role, name)
}

// lossPlan changes the Research role in every way whose answer can be lost.
func lossPlan() awsops.Plan {
	return awsops.Plan{Command: "loss", Steps: []awsops.Op{
		awsops.CreateRoleOp(awsops.CreateRoleInput{Name: "lossy-role", TrustPolicy: trustDoc}),
		awsops.UpdateTrustPolicyOp(researchRole, strings.Replace(trustDoc, `"sagemaker.amazonaws.com"`, `["sagemaker.amazonaws.com","lambda.amazonaws.com"]`, 1)),
		awsops.PutRolePolicyOp(researchRole, "research-datasets-access", policyDoc),
		awsops.DeleteRolePolicyOp(researchRole, "research-datasets-access"),
		awsops.AttachRolePolicyOp(researchRole, s3ReadOnly),
		awsops.DetachRolePolicyOp(researchRole, "arn:aws:iam::aws:policy/AmazonSageMakerFullAccess"),
		awsops.TagRoleOp(researchRole, []awsops.Tag{{Key: "team", Value: "changed"}}),
		awsops.UpdateUserProfileRoleOp("d-research1", "alice", sharedARN),
	}}
}

// A write whose answer is lost is read back: applied when the account
// shows it (and the run goes on), not-applied when it does not (and the
// run stops there). Either way the entry then undoes to the account as it
// was, document for document.
func TestLostAnswerIsReadBack(t *testing.T) {
	for i, op := range lossPlan().Steps {
		for _, apply := range []bool{true, false} {
			name := op.API + map[bool]string{true: "/applied", false: "/not-applied"}[apply]
			t.Run(name, func(t *testing.T) {
				acct := newSandbox(t, sandbox.Options{})
				before := readRole(t, acct, researchRole)
				l := &lossy{Backend: acct, api: op.API, apply: apply}
				j := &awsops.Journal{Dir: t.TempDir()}
				x := &awsops.Executor{Backend: l, Journal: j}
				e, err := x.Run(context.Background(), lossPlan())
				s := e.Steps[i]
				if apply {
					if err != nil || s.Status != awsops.StepApplied || s.After == nil || !strings.Contains(s.Outcome, "the change is in effect") {
						t.Fatalf("want step %d applied (read back) and the run to go on; got %s %q, err %v", i+1, s.Status, s.Outcome, err)
					}
				} else {
					var runErr *awsops.RunError
					if !errors.As(err, &runErr) || runErr.Step != i || s.Status != awsops.StepNotApplied {
						t.Fatalf("want the run to stop at step %d, not-applied; got %s, err %v", i+1, s.Status, err)
					}
					if sum := runErr.Summary(); !strings.Contains(sum, "did not take effect") || !strings.Contains(sum, "the change is not in effect") {
						t.Errorf("the summary does not say what was read back:\n%s", sum)
					}
				}
				loaded, _ := j.Load(e.ID)
				if loaded.Steps[i].Status != s.Status {
					t.Errorf("journaled %s, in memory %s", loaded.Steps[i].Status, s.Status)
				}
				if i == 0 && !apply {
					if loaded.Undoable() {
						t.Error("a run whose only sent step did not take effect is offered for undo")
					}
					return
				}
				if _, err := (&awsops.Executor{Backend: acct, Journal: j}).Rollback(context.Background(), loaded); err != nil {
					t.Fatalf("rollback: %v", err)
				}
				if got := readRole(t, acct, researchRole); !reflect.DeepEqual(got, before) {
					t.Errorf("not restored:\n got %+v\nwant %+v", got, before)
				}
				if _, err := acct.GetRole(context.Background(), "lossy-role"); !awsops.IsNotFound(err) {
					t.Errorf("lossy-role left behind: %v", err)
				}
				if u, _ := acct.DescribeUserProfile(context.Background(), "d-research1", "alice"); i == 7 && apply && u.ExecutionRole != researchARN {
					t.Errorf("alice runs as %s after the rollback, want %s set explicitly", u.ExecutionRole, researchARN)
				}
				if reloaded, _ := j.Load(e.ID); reloaded.Status() != awsops.EntryUndone {
					t.Errorf("entry %s after rollback, want undone", reloaded.Status())
				}
			})
		}
	}
}

// ctrl+c while a write is in flight: the write is read back; the run stops
// after it even when it took effect, unless it was the last.
func TestInterruptedWriteStopsTheRun(t *testing.T) {
	acct := newSandbox(t, sandbox.Options{})
	ctx, cancel := context.WithCancel(context.Background())
	l := &lossy{Backend: acct, api: awsops.APIPutRolePolicy, apply: true, cancel: cancel}
	x := &awsops.Executor{Backend: l, Journal: &awsops.Journal{Dir: t.TempDir()}}
	e, err := x.Run(ctx, awsops.Plan{Command: "c", Steps: []awsops.Op{
		awsops.PutRolePolicyOp(researchRole, "p", policyDoc),
		awsops.AttachRolePolicyOp(researchRole, s3ReadOnly),
	}})
	var runErr *awsops.RunError
	if !errors.As(err, &runErr) || e.Steps[0].Status != awsops.StepApplied || e.Steps[1].Status != awsops.StepNotRun {
		t.Fatalf("want step 1 applied and step 2 not run; got %v, %v", e.Steps, err)
	}
	if !strings.Contains(runErr.Error(), "took effect, but the run stopped there") || !strings.Contains(e.Steps[0].Outcome, "interrupted") {
		t.Errorf("messages: %q / %q", runErr.Error(), e.Steps[0].Outcome)
	}
	if e.Status() != awsops.EntryPartial {
		t.Errorf("entry %s, want partial", e.Status())
	}
}

// The read back itself fails: the step is unknown, said as such; undo
// refuses to guess; once AWS can be read again, Settle finds out.
func TestUnknownOutcomeIsSettledLater(t *testing.T) {
	acct := newSandbox(t, sandbox.Options{})
	l := &lossy{Backend: acct, api: awsops.APIDeleteRolePolicy, apply: true, readFails: true}
	j := &awsops.Journal{Dir: t.TempDir()}
	e, err := (&awsops.Executor{Backend: l, Journal: j}).Run(context.Background(), awsops.Plan{Command: "c", Steps: []awsops.Op{
		awsops.DeleteRolePolicyOp(researchRole, "research-datasets-access")}})
	if err == nil || e.Steps[0].Status != awsops.StepUnknown || !strings.Contains(e.Steps[0].Outcome, "may or may not have taken effect") {
		t.Fatalf("want unknown, said so; got %s %q (%v)", e.Steps[0].Status, e.Steps[0].Outcome, err)
	}
	if e.Status() != awsops.EntryUnknown || !e.Undoable() {
		t.Errorf("entry %s undoable=%v; want unknown, undoable", e.Status(), e.Undoable())
	}
	var unsettled *awsops.UnsettledError
	if _, err := awsops.PrepareUndo(context.Background(), acct, e, false); !errors.As(err, &unsettled) {
		t.Errorf("PrepareUndo of an unknown step: %v, want an UnsettledError", err)
	}
	if awsops.Settle(context.Background(), l, e) || e.Steps[0].Status != awsops.StepUnknown {
		t.Error("Settle claimed an answer while reads still fail")
	}
	if !awsops.Settle(context.Background(), acct, e) || e.Steps[0].Status != awsops.StepApplied {
		t.Fatalf("Settle with reads working: %s", e.Steps[0].Status)
	}
	u, err := awsops.PrepareUndo(context.Background(), acct, e, false)
	if err != nil || len(u.Plan.Steps) != 1 || u.Plan.Steps[0].API != awsops.APIPutRolePolicy {
		t.Fatalf("undo plan %+v (%v); want the policy put back", u, err)
	}
}

// A step the executor never sent (the wizard's stop between writes) is
// failed without a read back.
func TestNotSentIsNotReadBack(t *testing.T) {
	acct := newSandbox(t, sandbox.Options{Faults: map[string]sandbox.Fault{
		awsops.APIAttachRolePolicy: {Err: errors.Join(awsops.ErrNotSent, errors.New("stopped"))}}})
	e, _ := (&awsops.Executor{Backend: acct}).Run(context.Background(), awsops.Plan{Command: "c", Steps: []awsops.Op{
		awsops.AttachRolePolicyOp(researchRole, s3ReadOnly)}})
	if e.Steps[0].Status != awsops.StepFailed || e.Steps[0].Outcome != "" {
		t.Errorf("got %s %q, want failed with nothing read back", e.Steps[0].Status, e.Steps[0].Outcome)
	}
}

func TestEntryStatus(t *testing.T) {
	step := func(s awsops.StepStatus) awsops.StepRecord { return awsops.StepRecord{Status: s} }
	steps := func(ss ...awsops.StepStatus) []awsops.StepRecord {
		var out []awsops.StepRecord
		for _, s := range ss {
			out = append(out, step(s))
		}
		return out
	}
	tests := []struct {
		name     string
		e        awsops.Entry
		status   string
		undoable bool
	}{
		{"all done", awsops.Entry{Steps: steps(awsops.StepDone, awsops.StepDone)}, awsops.EntryDone, true},
		{"applied counts as done", awsops.Entry{Steps: steps(awsops.StepApplied, awsops.StepDone)}, awsops.EntryDone, true},
		{"failed after a done step", awsops.Entry{Steps: steps(awsops.StepDone, awsops.StepFailed, awsops.StepNotRun)}, awsops.EntryFailed, true},
		{"lost and not applied at the first step", awsops.Entry{Steps: steps(awsops.StepNotApplied, awsops.StepNotRun)}, awsops.EntryFailed, false},
		{"stopped after an applied step", awsops.Entry{Steps: steps(awsops.StepApplied, awsops.StepNotRun)}, awsops.EntryPartial, true},
		{"sending after a crash", awsops.Entry{Steps: steps(awsops.StepDone, awsops.StepSending, awsops.StepNotRun)}, awsops.EntryInterrupted, true},
		{"sending at the first step: may have changed something", awsops.Entry{Steps: steps(awsops.StepSending)}, awsops.EntryInterrupted, true},
		{"unknown", awsops.Entry{Steps: steps(awsops.StepUnknown, awsops.StepNotRun)}, awsops.EntryUnknown, true},
		{"undone", awsops.Entry{UndoneBy: "x", Steps: steps(awsops.StepDone)}, awsops.EntryUndone, false},
		{"partly undone", awsops.Entry{UndoneBy: "x", UndonePartly: true, Steps: steps(awsops.StepDone)}, awsops.EntryPartlyUndone, false},
		{"failed at the first step", awsops.Entry{Steps: steps(awsops.StepFailed, awsops.StepNotRun)}, awsops.EntryFailed, false},
	}
	for _, tt := range tests {
		if got := tt.e.Status(); got != tt.status {
			t.Errorf("%s: Status() = %s, want %s", tt.name, got, tt.status)
		}
		if got := tt.e.Undoable(); got != tt.undoable {
			t.Errorf("%s: Undoable() = %v, want %v", tt.name, got, tt.undoable)
		}
	}
}

// One foreign, corrupt or empty file never hides the journal: it is
// listed as unreadable, and the entries are listed.
func TestJournalSkipsWhatIsNotAnEntry(t *testing.T) {
	j := &awsops.Journal{Dir: t.TempDir()}
	acct := newSandbox(t, sandbox.Options{})
	e, err := (&awsops.Executor{Backend: acct, Journal: j}).Run(context.Background(), awsops.Plan{Command: "c", Steps: []awsops.Op{
		awsops.AttachRolePolicyOp(researchRole, s3ReadOnly)}})
	if err != nil {
		t.Fatal(err)
	}
	bad := map[string]string{
		"20260101T000000Z-000000.json": `{}`,
		"corrupt.json":                 `{"id": "corrupt", "steps": [`,
		"package.json":                 `{"name": "left-pad", "version": "1.0.0"}`,
		"20260102T000000Z-111111.json": `{"id": "20260102T000000Z-999999", "time": "2026-01-02T00:00:00Z", "command": "c", "steps": []}`,
		"20260103T000000Z-222222.json": `{"id": "20260103T000000Z-222222", "time": "2026-01-03T00:00:00Z", "command": "c", "steps": [{"op": {"api": "iam:X"}, "status": "maybe"}]}`,
	}
	for name, body := range bad {
		if err := os.WriteFile(filepath.Join(j.Dir, name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	entries, unreadable, err := j.Scan()
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || entries[0].ID != e.ID {
		t.Errorf("entries %v, want only %s", entries, e.ID)
	}
	if len(unreadable) != len(bad) {
		t.Errorf("%d unreadable files listed, want %d: %+v", len(unreadable), len(bad), unreadable)
	}
	for _, u := range unreadable {
		if strings.HasSuffix(u.File, "20260101T000000Z-000000.json") && !strings.Contains(u.Err, "empty") {
			t.Errorf("{} is not said to be empty: %s", u.Err)
		}
	}
	if list, err := j.List(); err != nil || len(list) != 1 {
		t.Errorf("List: %d entries, %v", len(list), err)
	}
}
