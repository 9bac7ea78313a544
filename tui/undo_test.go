package tui

import (
	"context"
	"testing"

	"github.com/sagerole/sagerole/awsops"
)

// runPlan makes a journaled run on the harness's account, as an earlier
// session of the wizard (or the command line) would have.
func runPlan(t *testing.T, h *harness, plan awsops.Plan) *awsops.Entry {
	t.Helper()
	x := &awsops.Executor{Backend: h.acct, Journal: h.opts.Journal, Account: "111122223333",
		BackendName: h.opts.BackendName, Now: h.opts.RunNow}
	e, err := x.Run(context.Background(), plan)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func createPlan(name string) awsops.Plan {
	return awsops.Plan{Command: "create-role " + name, Steps: []awsops.Op{
		awsops.CreateRoleOp(awsops.CreateRoleInput{Name: name, TrustPolicy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"sagemaker.amazonaws.com"},"Action":"sts:AssumeRole"}]}`}),
		awsops.AttachRolePolicyOp(name, "arn:aws:iam::aws:policy/AmazonSageMakerFullAccess"),
	}}
}

// Undo: the journal of this account, the run picked, its inverse plan
// reviewed and run.
func TestUndoFlow(t *testing.T) {
	h := newHarness(t)
	h.waitFor("account 111122223333")
	runPlan(t, h, createPlan("old-role"))
	runPlan(t, h, createPlan("new-role"))
	h.press("6")
	h.golden("journal", "2 runs on sandbox account 111122223333", "create-role new-role")
	h.press("down")
	h.waitFor("iam:CreateRole old-role")
	h.press("enter")
	h.golden("review", "undo ", "iam:DetachRolePolicy old-role")
	h.press("y")
	h.golden("result", "2 steps done", "undo another change")
	if _, err := h.acct.GetRole(context.Background(), "old-role"); !awsops.IsNotFound(err) {
		t.Errorf("old-role still exists: %v", err)
	}
	h.press("u")
	h.golden("journal-after", "3 runs", "undone")
}

// Something else changed what the run touched since — here, a policy
// attached by hand, which would make the undo's DeleteRole fail: undo
// shows it and refuses, unless asked again with F, which reviews the
// detach of that policy too.
func TestUndoDrift(t *testing.T) {
	h := newHarness(t)
	h.waitFor("account 111122223333")
	runPlan(t, h, createPlan("drift-role"))
	if err := h.acct.AttachRolePolicy(context.Background(), "drift-role", "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"); err != nil {
		t.Fatal(err)
	}
	h.press("6")
	h.waitFor("create-role drift-role")
	h.press("enter")
	h.golden("drift", "something else changed what it touched", "iam:DeleteRole would fail", "F undoes it anyway")
	h.press("F")
	h.golden("forced-review", "iam:DetachRolePolicy drift-role · AmazonS3ReadOnlyAccess", "3 steps")
	h.press("y")
	h.waitFor("3 steps done")
	if _, err := h.acct.GetRole(context.Background(), "drift-role"); !awsops.IsNotFound(err) {
		t.Errorf("drift-role still exists after the forced undo: %v", err)
	}
}

// A step that was already put back by hand: nothing is sent, the run is
// marked undone, and the screen says so.
func TestUndoAlreadyAsBefore(t *testing.T) {
	h := newHarness(t)
	h.waitFor("account 111122223333")
	runPlan(t, h, createPlan("gone-role"))
	ctx := context.Background()
	if err := h.acct.DetachRolePolicy(ctx, "gone-role", "arn:aws:iam::aws:policy/AmazonSageMakerFullAccess"); err != nil {
		t.Fatal(err)
	}
	if err := h.acct.DeleteRole(ctx, "gone-role"); err != nil {
		t.Fatal(err)
	}
	before := h.acct.Calls()
	h.press("6")
	h.waitFor("create-role gone-role")
	h.press("enter")
	h.waitFor("Nothing to send", "as it was before this run", "undone      create-role gone-role")
	for api, n := range h.acct.Calls() {
		if n != before[api] && (api == awsops.APIDeleteRole || api == awsops.APIDetachRolePolicy) {
			t.Errorf("%s was sent though the role was already gone", api)
		}
	}
}
