package tui

import (
	"context"
	"testing"
	"time"

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
	h.golden("review", "sagemaker:UpdateUserProfile", "Run this step")
	h.press("G")
	h.golden("impact", "moves: user alice")
	h.press("y")
	h.golden("result", "✓ change --domain d-research1 --user alice", "is InService; its role is")
	u, err := h.acct.DescribeUserProfile(context.Background(), "d-research1", "alice")
	if err != nil || u.ExecutionRole != "arn:aws:iam::111122223333:role/sagemaker/DataScientistRestricted" {
		t.Errorf("alice = %+v, %v", u, err)
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
	h.press("y", "enter")
	h.golden("review", "sagemaker:StopNotebookInstance", "Run these 3 steps")
	h.press("y")
	h.golden("result", "3 steps done", "its role is now")
	nb, err := h.acct.DescribeNotebookInstance(context.Background(), "churn-prediction")
	if err != nil || nb.RoleARN != "arn:aws:iam::111122223333:role/service-role/AmazonSageMaker-ExecutionRole-Research" {
		t.Errorf("churn-prediction = %+v, %v", nb, err)
	}
}
