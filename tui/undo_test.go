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
