package tui

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sagerole/sagerole/awsops"
	"github.com/sagerole/sagerole/awsops/sandbox"
)

// Change a user's role: the target picked from lists (never a typed ID),
// the impact reviewed, the run, and the user read back InService.
func TestChangeFlow(t *testing.T) {
	h := newHarness(t)
	h.press("4")
	h.golden("target", "What runs as the role you want to change?")
	h.press("enter")
	h.golden("domain", "Which domain?", "research (d-research1)")
	h.press("down", "enter")
	h.golden("user", "Which user profile in d-research1?", "alice")
	h.press("enter")
	h.golden("role", "New execution role for user alice")
	h.press("down", "down", "down", "enter") // sagemaker/DataScientistRestricted
	h.golden("apps", "What should the change do with", "leave running", "stop after the change", "restart after the change")
	h.press("enter", "enter") // leave running
	h.golden("review", "sagemaker:UpdateUserProfile", "Run this step")
	h.press("G")
	h.golden("impact", "moves: space alice-lab", "left running: keeps the old role until restarted")
	h.press("y")
	h.golden("result", "✓ change --domain d-research1 --user alice", "is InService; its role is")
	u, err := h.acct.DescribeUserProfile(context.Background(), "d-research1", "alice")
	if err != nil || u.ExecutionRole != "arn:aws:iam::111122223333:role/sagemaker/DataScientistRestricted" {
		t.Errorf("alice = %+v, %v", u, err)
	}
	// c is "change another" here: nothing is to be copied, and the copy
	// key used to swallow it.
	h.press("c")
	h.waitFor("Change role › Target", "What runs as the role you want to change?")
}

// toRoleStep goes through the change flow to alice's new role.
func toRoleStep(h *harness) {
	h.press("4")
	h.waitFor("What runs as the role you want to change?")
	h.press("enter")
	h.waitFor("Which domain?")
	h.press("down", "enter")
	h.waitFor("Which user profile")
	h.press("enter")
	h.waitFor("New execution role for user alice")
}

// A role SageMaker cannot assume is refused as it is picked, in the
// wizard's words (not "sagerole modify LambdaBasic --fix-trust"), with an
// offer to fix it: ctrl+o runs modify inside the flow, which comes back
// with the role fixed and picked.
func TestChangeFixTrustInside(t *testing.T) {
	h := newHarness(t)
	toRoleStep(h)
	h.press("down", "down", "down", "down", "down", "down", "down", "down") // LambdaBasic
	f := h.golden("no-trust", "role LambdaBasic cannot be used by SageMaker", "ctrl+o fix LambdaBasic's trust policy")
	if strings.Contains(f, "sagerole modify") || strings.Contains(f, "--fix-trust") {
		t.Errorf("the wizard names a command line:\n%s", f)
	}
	h.press("enter") // refused: stays
	h.waitFor("New execution role for user alice", "> LambdaBasic")
	h.press("ctrl+o")
	h.golden("modify", "What to change in LambdaBasic", "✓ fix the trust policy")
	h.press("enter")
	h.waitFor("iam:UpdateAssumeRolePolicy LambdaBasic")
	h.press("y")
	h.golden("fixed", "1 step done", "u  use it for user alice (back to Change role)")
	h.press("u")
	f = h.golden("back", "New execution role for user alice", "> LambdaBasic")
	if strings.Contains(f, "cannot be used by SageMaker") {
		t.Errorf("the fixed role is still refused:\n%s", f)
	}
	h.press("enter")
	leaveApps(h)
	h.waitFor("sagemaker:UpdateUserProfile", "role/LambdaBasic")
	h.press("y")
	h.waitFor("1 step done", "now arn:aws:iam::111122223333:role/LambdaBasic")
	u, err := h.acct.DescribeUserProfile(context.Background(), "d-research1", "alice")
	if err != nil || u.ExecutionRole != "arn:aws:iam::111122223333:role/LambdaBasic" {
		t.Errorf("alice = %+v, %v", u, err)
	}
}

// "create a new role…" runs create-role inside the change flow; its result
// goes back to the change with the new role picked.
func TestChangeCreateRoleInside(t *testing.T) {
	h := newHarness(t)
	toRoleStep(h)
	h.press("down", "down", "down", "down", "down", "down", "down", "down", "down") // create a new role…
	h.waitFor("> create a new role…")
	h.press("enter")
	h.waitFor("Create role › Name")
	h.typeText("made-here")
	h.press("enter", "enter", "enter", "enter", "enter")
	h.waitFor("S3 buckets the role may use")
	h.press("enter", "enter", "enter", "enter")
	h.waitFor("create-role made-here: 2 steps")
	h.press("y")
	h.golden("created", "✓ create-role made-here", "› u  use it for user alice (back to Change role)")
	h.press("enter")
	h.golden("back", "New execution role for user alice", "> made-here")
	h.press("enter")
	leaveApps(h)
	h.waitFor("role/made-here", "Run this step")
	h.press("y")
	h.waitFor("1 step done", "now arn:aws:iam::111122223333:role/made-here")
	u, err := h.acct.DescribeUserProfile(context.Background(), "d-research1", "alice")
	if err != nil || u.ExecutionRole != "arn:aws:iam::111122223333:role/made-here" {
		t.Errorf("alice = %+v, %v", u, err)
	}
}

// "a assign it" on a new role's result asks who should run as it, and has
// the new role picked (it was on "another role: type…", asking "What runs
// as the role you want to change?").
func TestCreateRoleThenAssign(t *testing.T) {
	h := newHarness(t)
	createWithBucket(h, "fresh-role")
	h.press("y")
	h.waitFor("✓ create-role fresh-role")
	h.press("a")
	h.golden("who", "Who should run as fresh-role?")
	h.press("enter", "down", "enter")
	h.waitFor("Which user profile")
	h.press("enter")
	f := h.golden("role", "New execution role for user alice", "> fresh-role")
	if strings.Contains(f, "> another role") {
		t.Errorf("the new role is not picked:\n%s", f)
	}
}

// A role IAM has not propagated yet: the retries are on the screen as
// they happen.
func TestChangePropagationRetry(t *testing.T) {
	slept := make(chan time.Duration, 16)
	release := make(chan struct{})
	h := newHarness(t, setup{
		sandbox: sandbox.Options{Faults: map[string]sandbox.Fault{"sagemaker:UpdateUserProfile": {
			Code: "ValidationException", Message: "SageMaker is not authorized to assume the role; check its trust policy", Times: 2}}},
		tune: func(o *Options) {
			o.Sleep = func(ctx context.Context, d time.Duration) error {
				slept <- d
				select {
				case <-release:
				case <-ctx.Done():
				}
				return nil
			}
		},
	})
	h.press("4")
	h.waitFor("What runs as the role you want to change?")
	h.press("enter")
	h.waitFor("Which domain?")
	h.press("down", "enter")
	h.waitFor("Which user profile")
	h.press("enter")
	h.waitFor("New execution role for user alice")
	h.press("down", "down", "down", "enter")
	leaveApps(h)
	h.waitFor("Run this step")
	h.press("y")
	<-slept
	h.golden("retrying", "waiting for IAM to propagate, try 2")
	close(release)
	h.golden("result", "is InService; its role is")
}

// A running notebook instance: AWS changes its role only while it is
// Stopped, so the wizard asks to stop and start it again, and the run
// waits for each.
func TestChangeNotebookRestart(t *testing.T) {
	h := newHarness(t)
	h.press("4")
	h.waitFor("What runs as the role you want to change?")
	h.press("G", "enter") // a notebook instance
	h.golden("notebooks", "Which notebook instance?", "churn-prediction · InService")
	h.press("enter")
	h.waitFor("New execution role for notebook churn-prediction")
	h.press("down", "down") // service-role/AmazonSageMaker-ExecutionRole-Research
	h.press("tab")          // to the restart question
	h.golden("restart", "stop it, change its role")
	h.press("n", "enter")
	// No is refused by the question itself, in the wizard's words, not
	// "pass --restart" after the next screen.
	f := h.golden("restart-no", "answer Yes to stop and restart it")
	if strings.Contains(f, "--restart") {
		t.Errorf("the wizard names a flag:\n%s", f)
	}
	h.press("y", "enter")
	h.golden("review", "sagemaker:StopNotebookInstance", "Run these 3 steps")
	h.press("y")
	h.golden("result", "3 steps done", "its role is now")
	nb, err := h.acct.DescribeNotebookInstance(context.Background(), "churn-prediction")
	if err != nil || nb.RoleARN != "arn:aws:iam::111122223333:role/service-role/AmazonSageMaker-ExecutionRole-Research" {
		t.Errorf("churn-prediction = %+v, %v", nb, err)
	}
}

// A typed ARN at the wrong path is refused with the wizard's way out, not
// "pass that ARN, or just --role".
func TestChangeTypedARNWrongPath(t *testing.T) {
	h := newHarness(t)
	toRoleStep(h)
	h.press("G", "enter") // another role: type its name or ARN…
	h.waitFor("Role name or ARN")
	h.typeText("arn:aws:iam::111122223333:role/DataScientistRestricted")
	h.press("enter")
	f := h.golden("refused", "the role named DataScientistRestricted is", "pick it from the list, or type that ARN")
	if strings.Contains(f, "--role") {
		t.Errorf("the wizard names a flag:\n%s", f)
	}
}

// The user picker marks the identities whose role is missing or cannot be
// assumed by SageMaker: those most in need of a change.
func TestChangeWhoMarksBadRoles(t *testing.T) {
	h := newHarness(t)
	h.press("4")
	h.waitFor("What runs as the role you want to change?")
	h.press("enter")
	h.waitFor("Which domain?")
	h.press("enter") // ml-platform
	f := h.waitFor("Which user profile in d-mlplatform?")
	for _, want := range []string{"dave  ⚠ no SageMaker trust · own role: LambdaBasic", "erin  ⚠ no such role · own role"} {
		if !strings.Contains(f, want) {
			t.Errorf("the picker lacks %q:\n%s", want, f)
		}
	}
	if strings.Contains(f, "frank  ⚠") {
		t.Errorf("a good role is marked:\n%s", f)
	}
}

// Undoing a notebook change made with a restart stops the instance again,
// waits until it is Stopped before giving the old role back (AWS refuses
// the update while it is Stopping), and starts it again.
func TestUndoNotebookRestart(t *testing.T) {
	h := newHarness(t, setup{wrap: func(b awsops.Backend) awsops.Backend {
		return &slowStops{Backend: b, stopping: map[string]int{}}
	}})
	ctx := context.Background()
	before, err := h.acct.DescribeNotebookInstance(ctx, "churn-prediction")
	if err != nil {
		t.Fatal(err)
	}
	h.press("4")
	h.waitFor("What runs as the role you want to change?")
	h.press("G", "enter")
	h.waitFor("Which notebook instance?")
	h.press("enter")
	h.waitFor("New execution role for notebook churn-prediction")
	h.press("down", "down", "tab", "y", "enter")
	h.waitFor("Run these 3 steps")
	h.press("y")
	h.waitFor("3 steps done")
	h.press("m")
	h.waitFor("account 111122223333")
	h.press("6")
	h.waitFor("change")
	h.press("enter")
	h.waitFor("sagemaker:StopNotebookInstance")
	h.press("y")
	h.waitFor("Rolled back", "✓ 3. sagemaker:StartNotebookInstance")
	after, err := h.acct.DescribeNotebookInstance(ctx, "churn-prediction")
	if err != nil {
		t.Fatal(err)
	}
	if after.RoleARN != before.RoleARN || after.Status != awsops.StatusInService {
		t.Errorf("after the undo churn-prediction runs as %s (%s), want %s (InService)", after.RoleARN, after.Status, before.RoleARN)
	}
}

// slowStops keeps a stopped notebook instance Stopping for the next five
// reads, as AWS does for minutes, and refuses its role update until then
// (AWS: ValidationException). The sandbox reports Stopping only once.
type slowStops struct {
	awsops.Backend
	mu       sync.Mutex
	stopping map[string]int
}

func (s *slowStops) StopNotebookInstance(ctx context.Context, name string) error {
	err := s.Backend.StopNotebookInstance(ctx, name)
	if err == nil {
		s.mu.Lock()
		s.stopping[name] = 5
		s.mu.Unlock()
	}
	return err
}

func (s *slowStops) DescribeNotebookInstance(ctx context.Context, name string) (awsops.NotebookInstance, error) {
	n, err := s.Backend.DescribeNotebookInstance(ctx, name)
	s.mu.Lock()
	defer s.mu.Unlock()
	if err == nil && s.stopping[name] > 0 {
		s.stopping[name]--
		n.Status = awsops.StatusStopping
	}
	return n, err
}

func (s *slowStops) UpdateNotebookInstanceRole(ctx context.Context, name, roleARN string) error {
	s.mu.Lock()
	left := s.stopping[name]
	s.mu.Unlock()
	if left > 0 {
		return fmt.Errorf("ValidationException: Status (Stopping) not in ([Stopped, Failed])")
	}
	return s.Backend.UpdateNotebookInstanceRole(ctx, name, roleARN)
}
