package change_test

import (
	"context"
	"encoding/json"
	"errors"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sagerole/sagerole/awsops"
	"github.com/sagerole/sagerole/awsops/rules"
	"github.com/sagerole/sagerole/awsops/sandbox"
	"github.com/sagerole/sagerole/flows/change"
)

var (
	aliceLab    = awsops.AppRef{DomainID: "d-research1", SpaceName: "alice-lab", AppType: awsops.AppJupyterLab, AppName: "default"}
	aliceCanvas = awsops.AppRef{DomainID: "d-research1", UserProfile: "alice", AppType: awsops.AppCanvas, AppName: "default"}
	labSpec     = awsops.ResourceSpec{InstanceType: "ml.t3.medium", ImageARN: "arn:aws:sagemaker:us-east-1:885854791233:image/sagemaker-distribution-cpu", ImageVersionAlias: "2.1.0"}
	canvasSpec  = awsops.ResourceSpec{InstanceType: "system"}
)

// twoIdleApps is the seed account with alice's lab idle (used yesterday)
// and a Canvas app of alice's own, both InService.
func twoIdleApps(t *testing.T) *sandbox.Account {
	t.Helper()
	a := newSandbox(t, sandbox.Options{})
	now := a.Now()
	for _, d := range []awsops.AppDetail{
		{AppRef: aliceLab, ResourceSpec: labSpec, CreationTime: now.Add(-48 * time.Hour), LastUserActivity: now.Add(-24 * time.Hour)},
		{AppRef: aliceCanvas, ResourceSpec: canvasSpec, CreationTime: now.Add(-72 * time.Hour), LastUserActivity: now.Add(-30 * time.Hour)},
	} {
		if err := a.PutApp(d, false); err != nil {
			t.Fatal(err)
		}
	}
	return a
}

// docs is what the change and its undo touch, as the API describes it,
// document by document: alice's profile, and each app's status and spec
// (its times left out: a restarted app is a new one).
func docs(t *testing.T, a *sandbox.Account) map[string]string {
	t.Helper()
	ctx := context.Background()
	out := map[string]string{}
	u, err := a.DescribeUserProfile(ctx, "d-research1", "alice")
	if err != nil {
		t.Fatal(err)
	}
	out["user-profile alice"] = u.Status + " role=" + u.ExecutionRole
	for _, r := range []awsops.AppRef{aliceLab, aliceCanvas} {
		d, err := a.DescribeApp(ctx, r)
		if err != nil {
			t.Fatal(err)
		}
		spec, _ := json.Marshal(d.ResourceSpec)
		out["app "+r.String()] = d.Status + " " + string(spec)
	}
	return out
}

func diffDocs(t *testing.T, what string, got, want map[string]string) {
	t.Helper()
	for _, k := range slices.Sorted(maps.Keys(want)) {
		if got[k] != want[k] {
			t.Errorf("%s: %s is\n  %s\nwant\n  %s", what, k, got[k], want[k])
		}
	}
}

func apis(e *awsops.Entry) []string {
	var out []string
	for _, s := range e.Steps {
		out = append(out, s.Op.API+" "+s.Op.Target)
	}
	return out
}

// A user change with two running apps restarts both, one after the other,
// each only once the previous step is settled; undo puts the role back and
// restarts them again.
func TestRestartAppsInOrder(t *testing.T) {
	a := twoIdleApps(t)
	before := docs(t, a)
	p := prepare(t, a, change.Request{Target: change.TargetUser, DomainID: "d-research1", Name: "alice", Role: "DataScientistRestricted", Apps: change.AppsRestart})
	want := []string{
		"sagemaker:UpdateUserProfile d-research1/alice",
		"sagemaker:DeleteApp d-research1/alice/Canvas/default", "sagemaker:CreateApp d-research1/alice/Canvas/default",
		"sagemaker:DeleteApp d-research1/alice-lab/JupyterLab/default", "sagemaker:CreateApp d-research1/alice-lab/JupyterLab/default",
	}
	sl := &fakeSleep{}
	var lines []string
	journal := t.TempDir()
	e, o, err := runIn(t, journal, a, p, sl, &lines)
	if err != nil || !o.OK() {
		t.Fatalf("run: %v, outcome %+v, lines %q", err, o, lines)
	}
	if got := apis(e); !eq(got, want) {
		t.Fatalf("steps\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for i, s := range e.Steps {
		if s.Status != awsops.StepDone {
			t.Errorf("step %d %s is %s", i+1, s.Op.API, s.Status)
		}
		// Each CreateApp was sent once its app was Deleted.
		if s.Op.API == awsops.APICreateApp && s.Before[awsops.StStatus] != awsops.StatusDeleted {
			t.Errorf("step %d was sent while the app was %s", i+1, s.Before[awsops.StStatus])
		}
		if s.Op.API == awsops.APIDeleteApp && s.Before[awsops.StStatus] != awsops.StatusInService {
			t.Errorf("step %d recorded the app as %s", i+1, s.Before[awsops.StStatus])
		}
	}
	if !strings.Contains(strings.Join(lines, "\n"), "is Deleting: waiting") || !strings.Contains(strings.Join(lines, "\n"), "is Pending: waiting") {
		t.Errorf("the run did not wait for the apps: %q", lines)
	}
	after := docs(t, a)
	wantAfter := maps.Clone(before)
	wantAfter["user-profile alice"] = "InService role=" + restrictedARN
	diffDocs(t, "after the run", after, wantAfter)
	restarted := map[awsops.AppRef]time.Time{}
	for _, r := range []awsops.AppRef{aliceLab, aliceCanvas} {
		d, _ := a.DescribeApp(context.Background(), r)
		u, _ := a.DescribeUserProfile(context.Background(), "d-research1", "alice")
		if !d.CreationTime.After(u.LastModifiedTime) {
			t.Errorf("app %s started %s, not after the role change %s", r, d.CreationTime, u.LastModifiedTime)
		}
		restarted[r] = d.CreationTime
	}

	x := &awsops.Executor{Backend: change.WithNotebookWaits(a, change.Waiter{Sleep: sl.sleep}), Journal: &awsops.Journal{Dir: journal}}
	ue, err := x.Rollback(context.Background(), e)
	if err != nil {
		t.Fatalf("Rollback: %v", err)
	}
	wantUndo := []string{
		"sagemaker:UpdateUserProfile d-research1/alice",
		"sagemaker:DeleteApp d-research1/alice/Canvas/default", "sagemaker:CreateApp d-research1/alice/Canvas/default",
		"sagemaker:DeleteApp d-research1/alice-lab/JupyterLab/default", "sagemaker:CreateApp d-research1/alice-lab/JupyterLab/default",
	}
	if got := apis(ue); !eq(got, wantUndo) {
		t.Errorf("undo steps\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(wantUndo, "\n"))
	}
	undone := docs(t, a)
	wantUndone := maps.Clone(before)
	// Undo sets the inherited role on the profile explicitly.
	wantUndone["user-profile alice"] = "InService role=" + researchARN
	diffDocs(t, "after undo", undone, wantUndone)
	for r, t0 := range restarted {
		d, _ := a.DescribeApp(context.Background(), r)
		if !d.CreationTime.After(t0) {
			t.Errorf("undo did not restart %s (started %s, as after the run)", r, d.CreationTime)
		}
	}
}

// A CreateApp that SageMaker takes but that ends Failed stops the run
// there; rolling back recreates the app as it was and puts the role back.
func TestCreateAppFailureRollsBack(t *testing.T) {
	a := twoIdleApps(t)
	before := docs(t, a)
	if err := a.SetAppFailure(aliceCanvas, "InsufficientCapacity: no system capacity"); err != nil {
		t.Fatal(err)
	}
	p := prepare(t, a, change.Request{Target: change.TargetUser, DomainID: "d-research1", Name: "alice", Role: "DataScientistRestricted", Apps: change.AppsRestart})
	sl := &fakeSleep{}
	var lines []string
	journal := t.TempDir()
	e, _, err := runIn(t, journal, a, p, sl, &lines)
	var re *awsops.RunError
	if !errors.As(err, &re) {
		t.Fatalf("run = %v, want a RunError", err)
	}
	if re.Step != 2 || !strings.Contains(err.Error(), "no system capacity") {
		t.Errorf("stopped at step %d: %v", re.Step+1, err)
	}
	if got := e.Steps[2].Status; got.InEffect() {
		t.Errorf("the failed CreateApp is recorded %s", got)
	}
	if s := e.Steps[3].Status; s.InEffect() {
		t.Errorf("the next app's step ran: %s", s)
	}
	if d, _ := a.DescribeApp(context.Background(), aliceCanvas); d.Status != awsops.StatusFailed {
		t.Fatalf("canvas is %s after the run, want Failed", d.Status)
	}
	// The journal on disk is what a later `sagerole undo` reads.
	saved, err := (&awsops.Journal{Dir: journal}).Load(e.ID)
	if err != nil {
		t.Fatal(err)
	}
	x := &awsops.Executor{Backend: change.WithNotebookWaits(a, change.Waiter{Sleep: sl.sleep}), Journal: &awsops.Journal{Dir: journal}}
	if _, err := x.Rollback(context.Background(), saved); err != nil {
		t.Fatalf("Rollback: %v", err)
	}
	undone := docs(t, a)
	want := maps.Clone(before)
	want["user-profile alice"] = "InService role=" + researchARN
	diffDocs(t, "after rollback", undone, want)
}

// An app with recent user activity is listed first, and stopped or
// restarted only when the request includes it explicitly; the one-shot's
// refusal names it.
func TestActiveAppNeedsExplicitChoice(t *testing.T) {
	a := twoIdleApps(t)
	if err := a.PutApp(awsops.AppDetail{AppRef: aliceLab, ResourceSpec: labSpec, CreationTime: a.Now().Add(-time.Hour)}, true); err != nil {
		t.Fatal(err)
	}
	req := change.Request{Target: change.TargetUser, DomainID: "d-research1", Name: "alice", Role: "DataScientistRestricted", Apps: change.AppsRestart, Now: a.Now}
	p := prepare(t, a, req)
	if got := apps(p); !eq(got, []string{"alice-lab JupyterLab", "alice Canvas"}) {
		t.Errorf("apps in order %q, want the active one first", got)
	}
	if !p.Impact.Apps[0].RecentActivity || p.Impact.Apps[0].Action != change.AppsLeave {
		t.Errorf("active app = %+v, want recent and left running", p.Impact.Apps[0])
	}
	for _, op := range p.Steps {
		if awsops.IsAppOp(op) && awsops.AppRefOf(op) == aliceLab {
			t.Errorf("the active app is in the plan without the explicit choice: %s", op.API)
		}
	}
	var ie *rules.InputError
	if err := change.ActiveRefusal(p); !errors.As(err, &ie) || !strings.Contains(ie.Msg, "JupyterLab/default in space alice-lab") {
		t.Errorf("refusal = %v", err)
	}
	// A window shorter than the activity makes it idle.
	short := req
	short.ActiveWithin = 30 * time.Second
	if p := prepare(t, a, short); len(p.Impact.Recent()) != 0 || change.ActiveRefusal(p) != nil {
		t.Errorf("with --active-within 30s the app used 90s ago is still active")
	}
	req.IncludeActive = true
	p = prepare(t, a, req)
	if change.ActiveRefusal(p) != nil || p.Impact.Apps[0].Action != change.AppsRestart || len(p.Steps) != 5 {
		t.Errorf("explicit choice: action %s, %d steps", p.Impact.Apps[0].Action, len(p.Steps))
	}
}

// An app that CreateApp cannot bring back as it was is stopped only, and
// the plan says so.
func TestStopOnlyApps(t *testing.T) {
	a := twoIdleApps(t)
	kg := awsops.AppRef{DomainID: "d-research1", UserProfile: "alice", AppType: awsops.AppKernelGateway, AppName: "datascience-1-0-ml-t3-medium-1abf3407f667f989be9d86559395"}
	if err := a.PutApp(awsops.AppDetail{AppRef: kg, ResourceSpec: awsops.ResourceSpec{InstanceType: "ml.t3.medium"}}, false); err != nil {
		t.Fatal(err)
	}
	p := prepare(t, a, change.Request{Target: change.TargetUser, DomainID: "d-research1", Name: "alice", Role: "DataScientistRestricted", Apps: change.AppsRestart})
	var kgOps []string
	for _, op := range p.Steps {
		if awsops.IsAppOp(op) && awsops.AppRefOf(op) == kg {
			kgOps = append(kgOps, op.API)
		}
	}
	if !eq(kgOps, []string{awsops.APIDeleteApp}) {
		t.Errorf("KernelGateway steps %q, want DeleteApp only", kgOps)
	}
	if !strings.Contains(strings.Join(p.Plan(false).Notes, "\n"), "KernelGateway/"+kg.AppName+" in user profile alice (d-research1) is stopped only") {
		t.Errorf("notes %q do not say the app is stopped only", p.Plan(false).Notes)
	}
	// --stop-apps stops every app, and starts none.
	p = prepare(t, a, change.Request{Target: change.TargetUser, DomainID: "d-research1", Name: "alice", Role: "DataScientistRestricted", Apps: change.AppsStop})
	for _, op := range p.Steps {
		if op.API == awsops.APICreateApp {
			t.Errorf("--stop-apps starts %s", op.Target)
		}
	}
}

// The impact says who does not move, and why.
func TestImpactStays(t *testing.T) {
	a := newSandbox(t, sandbox.Options{})
	tests := []struct {
		req  change.Request
		want []string
	}{
		{change.Request{Target: change.TargetDefaultUser, DomainID: "d-research1", Role: "DataScientistRestricted"}, []string{
			"user bob: sagemaker/DataScientistRestricted (has a role of its own)",
			"space bob-experiments: sagemaker/DataScientistRestricted (private space of bob, who has a role of its own)",
			"space forecasting-demo: SageMakerSharedSpaceRole (shared space: runs as the domain's default space role)"}},
		{change.Request{Target: change.TargetDefaultSpace, DomainID: "d-research1", Role: "DataScientistRestricted"}, []string{
			"user profiles of d-research1 (user profiles, and their Canvas and Studio Classic apps, run as their own role or the domain's default user role)",
			"space alice-lab (private space of alice: runs as its owner's role)"}},
		{change.Request{Target: change.TargetUser, DomainID: "d-research1", Name: "bob", Role: "SageMakerSharedSpaceRole"}, []string{
			"space team-notebooks: SageMakerSharedSpaceRole (shared space: runs as the domain's default space role)"}},
	}
	for _, tt := range tests {
		p := prepare(t, a, tt.req)
		var got []string
		for _, s := range p.Impact.Stays {
			got = append(got, s.String())
		}
		for _, w := range tt.want {
			if !slices.Contains(got, w) {
				t.Errorf("%s: stays lack %q:\n%s", tt.req.Target, w, strings.Join(got, "\n"))
			}
		}
	}
}
