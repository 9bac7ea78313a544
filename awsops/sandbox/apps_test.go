package sandbox

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/sagerole/sagerole/awsops"
)

var lab = awsops.AppRef{DomainID: "d-research1", SpaceName: "alice-lab", AppType: awsops.AppJupyterLab, AppName: "default"}

func errCode(err error) string {
	var e *awsops.Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

// statuses describes r n times and gives the statuses seen.
func statuses(t *testing.T, a *Account, r awsops.AppRef, n int) []string {
	t.Helper()
	var out []string
	for range n {
		d, err := a.DescribeApp(context.Background(), r)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, d.Status)
	}
	return out
}

func eqs(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// An app goes Deleting then Deleted, Pending then InService (or Failed
// with the injected reason), as DescribeApp calls see it; what SageMaker
// refuses in between is refused with its code.
func TestAppLifecycle(t *testing.T) {
	ctx := context.Background()
	a, err := New(Options{AppPolls: 2})
	if err != nil {
		t.Fatal(err)
	}
	seed, err := a.DescribeApp(ctx, lab)
	if err != nil {
		t.Fatal(err)
	}
	if seed.ResourceSpec.InstanceType != "ml.t3.medium" || a.Now().Sub(seed.LastUserActivity) != activeUserLag {
		t.Errorf("the seed's alice-lab = %+v (now %s)", seed, a.Now())
	}
	if err := a.CreateApp(ctx, lab, awsops.ResourceSpec{}); errCode(err) != "ResourceInUse" {
		t.Errorf("CreateApp of a running app = %v, want ResourceInUse", err)
	}
	if err := a.DeleteApp(ctx, lab); err != nil {
		t.Fatal(err)
	}
	if err := a.DeleteApp(ctx, lab); errCode(err) != "ResourceInUse" {
		t.Errorf("DeleteApp while Deleting = %v, want ResourceInUse", err)
	}
	if got := statuses(t, a, lab, 3); !eqs(got, []string{"Deleting", "Deleting", "Deleted"}) {
		t.Errorf("after DeleteApp: %v", got)
	}
	if err := a.DeleteApp(ctx, lab); !awsops.IsNotFound(err) {
		t.Errorf("DeleteApp of a deleted app = %v, want ResourceNotFound", err)
	}
	spec := awsops.ResourceSpec{InstanceType: "ml.m5.large", ImageARN: seed.ResourceSpec.ImageARN}
	if err := a.CreateApp(ctx, lab, spec); err != nil {
		t.Fatal(err)
	}
	if got := statuses(t, a, lab, 3); !eqs(got, []string{"Pending", "Pending", "InService"}) {
		t.Errorf("after CreateApp: %v", got)
	}
	d, _ := a.DescribeApp(ctx, lab)
	if d.ResourceSpec != spec || !d.CreationTime.After(seed.CreationTime) || !d.LastUserActivity.IsZero() {
		t.Errorf("started again: %+v", d)
	}

	// An injected failure: CreateApp is accepted, the app ends Failed.
	if err := a.DeleteApp(ctx, lab); err != nil {
		t.Fatal(err)
	}
	statuses(t, a, lab, 3)
	if err := a.SetAppFailure(lab, "InsufficientCapacity"); err != nil {
		t.Fatal(err)
	}
	if err := a.CreateApp(ctx, lab, awsops.ResourceSpec{}); err != nil {
		t.Fatal(err)
	}
	if got := statuses(t, a, lab, 3); !eqs(got, []string{"Pending", "Pending", "Failed"}) {
		t.Errorf("with a failure: %v", got)
	}
	if d, _ := a.DescribeApp(ctx, lab); d.FailureReason != "InsufficientCapacity" || d.ResourceSpec.InstanceType != "ml.t3.medium" {
		t.Errorf("failed app = %+v (no instance type given: the default)", d)
	}
	// A failed app is deleted, and the failure was used up.
	if err := a.DeleteApp(ctx, lab); err != nil {
		t.Errorf("DeleteApp of a failed app: %v", err)
	}
	statuses(t, a, lab, 3)
	if err := a.CreateApp(ctx, lab, awsops.ResourceSpec{}); err != nil {
		t.Fatal(err)
	}
	if got := statuses(t, a, lab, 3); got[2] != awsops.StatusInService {
		t.Errorf("the failure was injected twice: %v", got)
	}
}

func TestAppRequestValidation(t *testing.T) {
	ctx := context.Background()
	a, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		ref  awsops.AppRef
		code string
	}{
		{"both a space and a user", awsops.AppRef{DomainID: "d-research1", SpaceName: "alice-lab", UserProfile: "alice", AppType: "JupyterLab", AppName: "default"}, "ValidationException"},
		{"neither", awsops.AppRef{DomainID: "d-research1", AppType: "JupyterLab", AppName: "default"}, "ValidationException"},
		{"an unknown type", awsops.AppRef{DomainID: "d-research1", SpaceName: "alice-lab", AppType: "Jupyter", AppName: "default"}, "ValidationException"},
		{"an unknown space", awsops.AppRef{DomainID: "d-research1", SpaceName: "nope", AppType: "JupyterLab", AppName: "default"}, "ResourceNotFound"},
		{"Canvas in a space", awsops.AppRef{DomainID: "d-research1", SpaceName: "bob-experiments", AppType: "Canvas", AppName: "default"}, "ValidationException"},
	}
	for _, tt := range tests {
		if err := a.CreateApp(ctx, tt.ref, awsops.ResourceSpec{}); errCode(err) != tt.code {
			t.Errorf("%s: CreateApp = %v, want %s", tt.name, err, tt.code)
		}
	}
}

// Options.Now makes activity relative to that clock: a user active now
// was active a minute and a half before it.
func TestAppActivityFollowsTheClock(t *testing.T) {
	now := time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)
	a, err := New(Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	d, err := a.DescribeApp(context.Background(), lab)
	if err != nil || !d.LastUserActivity.Equal(now.Add(-activeUserLag)) {
		t.Errorf("activity %s, %v; want %s", d.LastUserActivity, err, now.Add(-activeUserLag))
	}
}
