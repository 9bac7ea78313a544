package tui

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/sagerole/sagerole/awsops"
)

// leaveApps answers the "Running apps" step with its defaults: leave them
// running, and not the recently used ones either.
func leaveApps(h *harness) {
	h.t.Helper()
	h.waitFor("What should the change do with")
	h.press("enter", "enter")
}

var aliceLab = awsops.AppRef{DomainID: "d-research1", SpaceName: "alice-lab", AppType: awsops.AppJupyterLab, AppName: "default"}

// holdApps holds the second DescribeApp that would see an app still
// Pending, so that the run screen can be looked at while the app starts.
type holdApps struct {
	awsops.Backend
	mu      sync.Mutex
	pending int
	held    chan struct{}
	release chan struct{}
}

func (b *holdApps) DescribeApp(ctx context.Context, r awsops.AppRef) (awsops.AppDetail, error) {
	b.mu.Lock()
	hold := b.pending == 1
	b.mu.Unlock()
	if hold {
		close(b.held)
		select {
		case <-b.release:
		case <-ctx.Done():
		}
	}
	d, err := b.Backend.DescribeApp(ctx, r)
	b.mu.Lock()
	if err == nil && d.Status == awsops.StatusPending {
		b.pending++
	}
	b.mu.Unlock()
	return d, err
}

// toAppsStep goes through the change flow to the running apps of alice.
func toAppsStep(h *harness) {
	toRoleStep(h)
	h.press("down", "down", "down", "enter") // sagemaker/DataScientistRestricted
	h.waitFor("What should the change do with")
}

// Restart, with the recently used app included explicitly: the review
// lists the app steps after the role change; the run screen shows the app
// starting again; the result says the role is in effect.
func TestChangeRestartApps(t *testing.T) {
	hold := &holdApps{held: make(chan struct{}), release: make(chan struct{})}
	h := newHarness(t, setup{wrap: func(b awsops.Backend) awsops.Backend { hold.Backend = b; return hold }})
	toAppsStep(h)
	h.press("down", "down", "enter") // restart
	h.golden("active", "Also stop the 1 app used in the last 15m?")
	h.press("left", "enter") // Yes
	h.golden("review", "sagemaker:DeleteApp d-research1/alice-lab/JupyterLab/default", "Run these 3 steps")
	h.press("G")
	h.golden("impact", "restarted after the change", "⚠ 1 app used in the last 15m")
	before, err := h.acct.DescribeApp(context.Background(), aliceLab)
	if err != nil {
		t.Fatal(err)
	}
	h.press("y")
	<-hold.held
	h.golden("cycling", "✓", "is Pending: waiting")
	close(hold.release)
	h.golden("result", "steps done", "✓ 3. sagemaker:CreateApp", "is InService; its role is")
	after, err := h.acct.DescribeApp(context.Background(), aliceLab)
	if err != nil || after.Status != awsops.StatusInService || !after.CreationTime.After(before.CreationTime) || after.ResourceSpec != before.ResourceSpec {
		t.Errorf("alice-lab after the run = %+v, %v; before %+v", after, err, before)
	}
}

// Stop: the app is deleted after the change and not started again.
func TestChangeStopApps(t *testing.T) {
	h := newHarness(t)
	toAppsStep(h)
	h.press("down", "enter") // stop
	h.press("left", "enter") // Yes, the recently used one too
	h.golden("review", "sagemaker:DeleteApp d-research1/alice-lab/JupyterLab/default", "Run these 2 steps")
	h.press("G")
	h.golden("impact", "stopped after the change")
	h.press("y")
	h.waitFor("steps done", "✓ 2. sagemaker:DeleteApp")
	d, err := h.acct.DescribeApp(context.Background(), aliceLab)
	if err != nil || d.Status != awsops.StatusDeleted {
		t.Errorf("alice-lab = %s, %v; want Deleted", d.Status, err)
	}
}

// Restart chosen, the recently used app not included: it is never
// touched, and the review says it is left running.
func TestChangeRestartLeavesActiveApp(t *testing.T) {
	h := newHarness(t)
	toAppsStep(h)
	h.press("down", "down", "enter") // restart
	h.press("enter")                 // No: not the recently used one
	f := h.golden("review", "sagemaker:UpdateUserProfile", "Run this step")
	if strings.Contains(f, "sagemaker:DeleteApp") {
		t.Errorf("the active app is in the plan without the explicit choice:\n%s", f)
	}
	h.press("G")
	h.golden("impact", "left running", "used 1m ago, and it is stopped only when that is asked for explicitly")
	h.press("y")
	h.waitFor("1 step done")
	d, err := h.acct.DescribeApp(context.Background(), aliceLab)
	if err != nil || d.Status != awsops.StatusInService || d.CreationTime.After(h.acct.Now()) {
		t.Errorf("alice-lab = %+v, %v", d, err)
	}
}
