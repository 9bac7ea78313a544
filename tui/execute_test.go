package tui

import (
	"context"
	"testing"

	"github.com/sagerole/sagerole/awsops"
	"github.com/sagerole/sagerole/awsops/sandbox"
)

// createWithBucket goes through create-role up to the review: FullAccess
// and one bucket, three steps.
func createWithBucket(h *harness, name string) {
	h.press("1")
	h.waitFor("Role name")
	h.typeText(name)
	h.press("enter", "enter", "enter", "enter", "enter")
	h.waitFor("S3 buckets the role may use")
	h.press("down", "down", "down", "down", "x", "enter", "enter", "enter", "enter")
	h.waitFor("create-role " + name + ": 3 steps")
}

// A step fails: the screen says what ran and what did not, and rolling
// back removes what ran.
func TestRunFailureAndRollback(t *testing.T) {
	h := newHarness(t, setup{sandbox: sandbox.Options{Faults: map[string]sandbox.Fault{
		"iam:PutRolePolicy": {Code: "LimitExceeded", Message: "Cannot exceed quota for PoliciesPerRole: 10", Times: 1}}}})
	createWithBucket(h, "fail-role")
	h.press("y")
	h.golden("failed", "Failed: 3 iam:PutRolePolicy", "Press r to roll back")
	h.press("r")
	// The roll back is reviewed like any plan before anything is sent.
	h.golden("rollback-review", "undo ", "2 steps", "iam:DeleteRole fail-role")
	if _, err := h.acct.GetRole(context.Background(), "fail-role"); err != nil {
		t.Fatalf("the roll back sent something before it was confirmed: %v", err)
	}
	h.press("y")
	h.golden("rolled-back", "✓ Rolled back create-role fail-role")
	if _, err := h.acct.GetRole(context.Background(), "fail-role"); !awsops.IsNotFound(err) {
		t.Errorf("the role is still there after the rollback: %v", err)
	}
	h.press("m")
	h.waitFor("Main menu")
}

// holdAttach holds iam:AttachRolePolicy in flight until released.
type holdAttach struct {
	awsops.Backend
	entered chan struct{}
	release chan struct{}
}

func (b holdAttach) AttachRolePolicy(ctx context.Context, role, arn string) error {
	close(b.entered)
	<-b.release
	return b.Backend.AttachRolePolicy(ctx, role, arn)
}

// ctrl+c while a write is in flight: the write finishes, the run stops
// before the next, and the screen says what state things are in.
func TestStopDuringWrite(t *testing.T) {
	entered, release := make(chan struct{}), make(chan struct{})
	h := newHarness(t, setup{wrap: func(b awsops.Backend) awsops.Backend {
		return holdAttach{Backend: b, entered: entered, release: release}
	}})
	createWithBucket(h, "stop-role")
	h.press("y")
	<-entered
	h.press("ctrl+c")
	h.golden("in-flight", "A write is in flight: it will finish, then stop.")
	h.press("q") // no more than ctrl+c: the program waits for the write
	close(release)
	h.golden("stopped", "Stopped at your request", "Not run: 3 iam:PutRolePolicy")
	attached, _ := h.acct.ListAttachedRolePolicies(context.Background(), "stop-role")
	if len(attached) != 1 {
		t.Errorf("the write in flight did not finish: attached = %v", attached)
	}
	if n := h.acct.Calls()["iam:PutRolePolicy"]; n != 0 {
		t.Errorf("the step after the stop was sent (%d calls)", n)
	}
	h.press("r")
	h.waitFor("iam:DeleteRole stop-role")
	h.press("y")
	h.golden("rolled-back", "✓ Rolled back create-role stop-role")
	h.quit()
}
