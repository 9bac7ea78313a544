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

// Something else changed what the run touched since: undo shows the
// difference and refuses, unless asked again with F.
func TestUndoDrift(t *testing.T) {
	h := newHarness(t)
	h.waitFor("account 111122223333")
	runPlan(t, h, createPlan("drift-role"))
	if err := h.acct.DetachRolePolicy(context.Background(), "drift-role", "arn:aws:iam::aws:policy/AmazonSageMakerFullAccess"); err != nil {
		t.Fatal(err)
	}
	h.press("6")
	h.waitFor("create-role drift-role")
	h.press("enter")
	h.golden("drift", "something else changed what it touched", "F undoes it anyway")
	h.press("F")
	h.golden("forced-review", "undoing anyway: 1 later change will be overwritten")
}
