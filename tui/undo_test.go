package tui

import (
	"context"
	"regexp"
	"strings"
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
	f := h.golden("journal-after", "3 runs", "undone")
	// The cursor is not on the undo just made (enter there would redo
	// it): it is on the run sagerole undo would take, as the command line
	// skips undo entries.
	if !regexp.MustCompile(`(?m)^›.*done\s+create-role new-role`).MatchString(f) {
		t.Errorf("the cursor is not on create-role new-role:\n%s", f)
	}
}

// A long command and a role ARN are cut in the middle, where they do not
// differ, not at the end, where the role's name is.
func TestUndoListCutsTheMiddle(t *testing.T) {
	h := newHarness(t)
	h.waitFor("account 111122223333")
	arn := "arn:aws:iam::111122223333:role/sagemaker/DataScientistRestricted"
	runPlan(t, h, awsops.Plan{Command: "change --domain d-research1 --user alice --role " + arn,
		Steps: []awsops.Op{awsops.UpdateUserProfileRoleOp("d-research1", "alice", arn)}})
	h.press("6")
	f := h.waitFor("1 run on sandbox")
	if !strings.Contains(f, "DataScientistRestricted") || !strings.Contains(f, "change --domain") || !strings.Contains(f, "…") {
		t.Errorf("the command is not cut in its middle:\n%s", f)
	}
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

// A run whose only step has no inverse (a domain's first default space
// role) says why it cannot be undone, and not that it changed nothing;
// its result offers no undo.
func TestUndoNothingToUndoSaysWhy(t *testing.T) {
	h := newHarness(t)
	h.waitFor("account 111122223333")
	arn := "arn:aws:iam::111122223333:role/service-role/AmazonSageMaker-ExecutionRole-20240918T143027"
	e := runPlan(t, h, awsops.Plan{Command: "change --domain d-mlplatform --default-space --role " + arn,
		Steps: []awsops.Op{awsops.UpdateDomainRolesOp("d-mlplatform", awsops.DomainRoles{DefaultSpaceRole: &arn})}})
	if line := revertLine(e); strings.Contains(line, "To revert it") || !strings.Contains(line, "no default space role") {
		t.Errorf("result line = %q", line)
	}
	h.press("6")
	h.waitFor("1 run on sandbox")
	h.press("enter")
	f := h.waitFor("cannot be undone")
	if strings.Contains(f, "no step of it changed anything") {
		t.Errorf("the undo says the run changed nothing:\n%s", f)
	}
}
