package tui

import (
	"bytes"
	"context"
	"errors"
	"io"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"testing/iotest"

	"github.com/sagerole/sagerole/awsops"
	"github.com/sagerole/sagerole/awsops/sandbox"
	"github.com/sagerole/sagerole/flows/find"
)

const fullAccess = "arn:aws:iam::aws:policy/AmazonSageMakerFullAccess"

// An undo is checked as a forward plan is: when the account changes
// between its review and its run (here FullAccess detached by hand), the
// run is refused, nothing is sent, and the entry stays as it was.
func TestUndoRefusedWhenChangedSinceReview(t *testing.T) {
	h := newHarness(t)
	h.waitFor("account 111122223333")
	e := runPlan(t, h, createPlan("stale-role"))
	h.press("6")
	h.waitFor("create-role stale-role")
	h.press("enter")
	h.waitFor("undo ", "iam:DeleteRole stale-role", "Run these 2 steps")
	ctx := context.Background()
	if err := h.acct.DetachRolePolicy(ctx, "stale-role", fullAccess); err != nil {
		t.Fatal(err)
	}
	before := h.acct.Calls()
	h.press("y")
	h.waitFor("the account changed since this plan was reviewed", "nothing was sent")
	for _, api := range []string{awsops.APIDeleteRole, awsops.APIDetachRolePolicy} {
		if h.acct.Calls()[api] != before[api] {
			t.Errorf("%s was sent after the account changed since the review", api)
		}
	}
	h.mustRole("stale-role")
	got, err := h.opts.Journal.Load(e.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.UndoneBy != "" {
		t.Errorf("entry %s is marked undone by %s though nothing was sent", e.ID, got.UndoneBy)
	}
}

// holdSpy is an account that records which calls were made while it was
// held (LockAccount until unlock).
type holdSpy struct {
	*sandbox.Account
	mu           sync.Mutex
	holds        int
	atLock, atUn map[string]int
}

func (h *holdSpy) LockAccount(ctx context.Context) (func(), error) {
	unlock, err := h.Account.LockAccount(ctx)
	if err != nil {
		return nil, err
	}
	h.mu.Lock()
	h.holds++
	h.atLock = h.Calls()
	h.mu.Unlock()
	return func() {
		h.mu.Lock()
		h.atUn = h.Calls()
		h.mu.Unlock()
		unlock()
	}, nil
}

// The undo is worked out as a plan is built (planHeld): reading back a
// step of unknown outcome, the review, and what each step of the undo
// replaces, all under one hold of the account — no other process's write
// can fall between them — and the states the run is checked against are
// those read there, one per step.
func TestWorkUndoReadsUnderOneHold(t *testing.T) {
	acct, err := sandbox.New(sandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	spy := &holdSpy{Account: acct}
	j := &awsops.Journal{Dir: filepath.Join(t.TempDir(), "journal")}
	x := &awsops.Executor{Backend: acct, Journal: j, Account: "111122223333", BackendName: "sandbox"}
	ctx := context.Background()
	e, err := x.Run(ctx, createPlan("spy-role"))
	if err != nil {
		t.Fatal(err)
	}
	// The run was killed while its last step was being sent.
	e.Steps[1].Status = awsops.StepSending
	if err := j.Save(e); err != nil {
		t.Fatal(err)
	}
	before := acct.Calls()
	w, err := workUndo(ctx, &awsops.Executor{Backend: spy, Journal: j, Account: "111122223333", BackendName: "sandbox"}, find.NewSession(spy, nil), e, false)
	if err != nil {
		t.Fatal(err)
	}
	after := acct.Calls()
	if spy.holds != 1 {
		t.Fatalf("the account was held %d times, want once", spy.holds)
	}
	made := 0
	for api, n := range after {
		made += n - before[api]
		if outside := (n - spy.atUn[api]) + (spy.atLock[api] - before[api]); outside != 0 {
			t.Errorf("%d %s call(s) were made outside the hold", outside, api)
		}
	}
	if made == 0 {
		t.Fatal("working the undo out read nothing; the test proves nothing")
	}
	if len(w.settled) != 1 || !strings.Contains(w.settled[0], "in effect") {
		t.Errorf("reading back the step in flight found %q, want one sentence that it took effect", w.settled)
	}
	if n := len(w.res.Plan.Steps); n != 2 || len(w.before) != n {
		t.Fatalf("%d states read for the undo's %d steps (want 2 and 2)", len(w.before), n)
	}
	for i, op := range w.res.Plan.Steps {
		now, err := awsops.Snapshot(ctx, acct, op)
		if err != nil {
			t.Fatal(err)
		}
		if f := changedField(w.before[i], now); f != "" {
			t.Errorf("step %d (%s): the state the run is checked against differs in %s from the account", i+1, op.API, f)
		}
	}
}

// lossy applies one API's write and then loses its answer, as a dropped
// connection does.
type lossy struct {
	awsops.Backend
	api string
}

var errLostAnswer = errors.New("read tcp 127.0.0.1:1: connection reset by peer")

func (l *lossy) DetachRolePolicy(ctx context.Context, role, arn string) error {
	if err := l.Backend.DetachRolePolicy(ctx, role, arn); err != nil || l.api != awsops.APIDetachRolePolicy {
		return err
	}
	return errLostAnswer
}

// A write whose answer was lost is read back and said as it is: the
// run's failure summary counts it as done, with why, and the undo's
// refusal to continue says what failed after it.
func TestRunSaysWhatReadingBackShowed(t *testing.T) {
	h := newHarness(t, setup{
		sandbox: sandbox.Options{Faults: map[string]sandbox.Fault{awsops.APIDeleteRole: {Code: "ServiceFailure", Message: "try later"}}},
		wrap:    func(b awsops.Backend) awsops.Backend { return &lossy{Backend: b, api: awsops.APIDetachRolePolicy} },
	})
	h.waitFor("account 111122223333")
	runPlan(t, h, createPlan("lossy-role"))
	h.press("6")
	h.waitFor("create-role lossy-role")
	h.press("enter")
	h.waitFor("Run these 2 steps")
	h.press("y")
	f := h.waitFor("iam:DetachRolePolicy lossy-role", "its answer was lost; read back, it took effect", "try later")
	if strings.Contains(f, "Rolled back") {
		t.Errorf("the undo says it finished:\n%s", f)
	}
	if pols, _ := h.acct.ListAttachedRolePolicies(context.Background(), "lossy-role"); len(pols) != 0 {
		t.Errorf("FullAccess is still attached: %v", pols)
	}
}

// hookReader calls hook once, just before the byte at offset at is read.
type hookReader struct {
	r    io.Reader
	n    int
	at   int
	once sync.Once
	hook func()
}

func (h *hookReader) Read(p []byte) (int, error) {
	if h.n >= h.at {
		h.once.Do(h.hook)
	}
	n, err := h.r.Read(p)
	h.n += n
	return n, err
}

// In accessible mode an undo is held and checked as in the wizard: the
// account changed between the review and the answer, so nothing is sent.
// And a step whose answer was lost is said as reading it back showed.
func TestAccessibleUndoHeldAndReadBack(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change bool // detach FullAccess by hand while the question is asked
		lossy  bool
		want   []string
	}{
		{name: "changed since the review", change: true,
			want: []string{"Plan for undo", "the account changed since this plan was reviewed", "nothing was sent"}},
		{name: "answer lost", lossy: true,
			want: []string{"✓ 1. iam:DetachRolePolicy lossy-role · AmazonSageMakerFullAccess (its answer was lost; read back, it took effect)",
				"✓ 2. iam:DeleteRole lossy-role", "Rolled back"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			acct, err := sandbox.New(sandbox.Options{})
			if err != nil {
				t.Fatal(err)
			}
			j := &awsops.Journal{Dir: filepath.Join(t.TempDir(), "journal")}
			ctx := context.Background()
			x := &awsops.Executor{Backend: acct, Journal: j, Account: "111122223333", BackendName: "sandbox"}
			if _, err := x.Run(ctx, createPlan("lossy-role")); err != nil {
				t.Fatal(err)
			}
			answers := "6\n1\n"
			in := &hookReader{r: strings.NewReader(answers + "y\n"), at: len(answers), hook: func() {}}
			if tc.change {
				in.hook = func() {
					if err := acct.DetachRolePolicy(ctx, "lossy-role", fullAccess); err != nil {
						t.Error(err)
					}
				}
			}
			var b awsops.Backend = acct
			if tc.lossy {
				b = &lossy{Backend: acct, api: awsops.APIDetachRolePolicy}
			}
			var out bytes.Buffer
			err = RunAccessible(Options{Backend: b, BackendName: "sandbox", Mode: ModeSandbox, Journal: j, History: j,
				In: iotest.OneByteReader(in), Out: &out, Sleep: instantSleep})
			if err != nil {
				t.Fatalf("%v\n%s", err, out.String())
			}
			for _, w := range tc.want {
				if !strings.Contains(out.String(), w) {
					t.Errorf("output lacks %q:\n%s", w, out.String())
				}
			}
			_, gerr := acct.GetRole(ctx, "lossy-role")
			if tc.change && gerr != nil {
				t.Errorf("the role was deleted after the account changed since the review: %v", gerr)
			}
			if !tc.change && !awsops.IsNotFound(gerr) {
				t.Errorf("the role is still there: %v", gerr)
			}
		})
	}
}
