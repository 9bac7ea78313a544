package awsops_test

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/sagerole/sagerole/awsops"
	"github.com/sagerole/sagerole/awsops/sandbox"
)

const fullAccess = "arn:aws:iam::aws:policy/AmazonSageMakerFullAccess"

func createdRolePlan(name string) awsops.Plan {
	return awsops.Plan{Command: "create-role " + name, Steps: []awsops.Op{
		awsops.CreateRoleOp(awsops.CreateRoleInput{Name: name, TrustPolicy: trustDoc}),
		awsops.AttachRolePolicyOp(name, fullAccess),
		awsops.PutRolePolicyOp(name, "sagerole-buckets", policyDoc),
		awsops.TagRoleOp(name, []awsops.Tag{{Key: "team", Value: "x"}}),
	}}
}

func run(t *testing.T, b awsops.Backend, j *awsops.Journal, plan awsops.Plan) *awsops.Entry {
	t.Helper()
	e, err := (&awsops.Executor{Backend: b, Journal: j}).Run(context.Background(), plan)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func apis(ops []awsops.Op) []string {
	var out []string
	for _, op := range ops {
		out = append(out, op.API)
	}
	return out
}

// An undo that stopped half way is resumed: what it already reverted is
// skipped, the rest reverted, and only then is the entry undone.
func TestUndoResumesWhereItStopped(t *testing.T) {
	acct := newSandbox(t, sandbox.Options{})
	j := &awsops.Journal{Dir: t.TempDir()}
	e := run(t, acct, j, createdRolePlan("resume-role"))
	acct.SetFault(awsops.APIDetachRolePolicy, sandbox.Fault{Code: "ServiceFailure", Message: "injected", Times: 1})
	x := &awsops.Executor{Backend: acct, Journal: j}
	if _, err := x.Rollback(context.Background(), e); err == nil {
		t.Fatal("the injected fault did not stop the undo")
	}
	e, _ = j.Load(e.ID)
	if e.UndoneBy != "" || e.Status() == awsops.EntryUndone {
		t.Fatalf("an undo that stopped half way marked the entry %s", e.Status())
	}
	u, err := awsops.PrepareUndo(context.Background(), acct, e, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(u.Drift) != 0 {
		t.Errorf("what the partial undo did is drift: %+v", u.Drift)
	}
	if got, want := apis(u.Plan.Steps), []string{awsops.APIDetachRolePolicy, awsops.APIDeleteRole}; !reflect.DeepEqual(got, want) {
		t.Errorf("resumed plan %v, want %v", got, want)
	}
	if len(u.Skipped) != 2 {
		t.Errorf("skipped %q, want the tag and the inline policy, already reverted", u.Skipped)
	}
	ue, err := x.Run(context.Background(), u.Plan)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := acct.GetRole(context.Background(), "resume-role"); !awsops.IsNotFound(err) {
		t.Errorf("role left: %v", err)
	}
	if e, _ = j.Load(e.ID); e.UndoneBy != ue.ID {
		t.Errorf("entry undone by %q, want %s", e.UndoneBy, ue.ID)
	}
}

// Two steps on one resource: the undo walks back through both, also when
// resumed in between.
func TestUndoSameResourceTwice(t *testing.T) {
	acct := newSandbox(t, sandbox.Options{})
	j := &awsops.Journal{Dir: t.TempDir()}
	doc2 := strings.Replace(policyDoc, "team-raw-data", "ml-models-prod", 1)
	e := run(t, acct, j, awsops.Plan{Command: "twice", Steps: []awsops.Op{
		awsops.PutRolePolicyOp(researchRole, "twice", policyDoc),
		awsops.PutRolePolicyOp(researchRole, "twice", doc2),
	}})
	u, err := awsops.PrepareUndo(context.Background(), acct, e, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(u.Plan.Steps) != 2 || u.Plan.Steps[0].Documents[awsops.DocPolicy] != policyDoc || u.Plan.Steps[1].API != awsops.APIDeleteRolePolicy {
		t.Fatalf("plan %+v; want doc 1 put back, then the policy deleted", u.Plan.Steps)
	}
	// As if the first inverse ran and the undo stopped.
	if err := acct.PutRolePolicy(context.Background(), researchRole, "twice", policyDoc); err != nil {
		t.Fatal(err)
	}
	u, err = awsops.PrepareUndo(context.Background(), acct, e, false)
	if err != nil || len(u.Drift) != 0 || !reflect.DeepEqual(apis(u.Plan.Steps), []string{awsops.APIDeleteRolePolicy}) {
		t.Fatalf("resumed plan %v, drift %+v (%v); want the delete only, no drift", apis(u.Plan.Steps), u.Drift, err)
	}
}

// A policy attached (or put) by hand to a role the undo deletes would make
// DeleteRole fail: it is drift, refused unless forced; forced, the plan
// removes it first. An instance profile is never removed: it blocks.
func TestUndoBlockersOfDeleteRole(t *testing.T) {
	ctx := context.Background()
	acct := newSandbox(t, sandbox.Options{})
	j := &awsops.Journal{Dir: t.TempDir()}
	e := run(t, acct, j, createdRolePlan("blocked-role"))
	if err := acct.AttachRolePolicy(ctx, "blocked-role", s3ReadOnly); err != nil {
		t.Fatal(err)
	}
	if err := acct.PutRolePolicy(ctx, "blocked-role", "by-hand", policyDoc); err != nil {
		t.Fatal(err)
	}
	u, err := awsops.PrepareUndo(ctx, acct, e, false)
	if err != nil {
		t.Fatal(err)
	}
	var blocks []string
	for _, d := range u.Drift {
		if d.Blocks == awsops.APIDeleteRole {
			blocks = append(blocks, d.Field+" "+d.Current)
		}
	}
	if want := []string{"attached policy " + s3ReadOnly, "inline policy by-hand"}; !reflect.DeepEqual(blocks, want) {
		t.Errorf("blockers %v, want %v", blocks, want)
	}
	var refused *awsops.RefusedError
	if err := u.Check(false); !errors.As(err, &refused) {
		t.Errorf("Check without force: %v", err)
	}
	if strings.Contains(strings.Join(apis(u.Plan.Steps), " "), "by-hand") {
		t.Error("the unforced plan removes what was added by hand")
	}

	u, err = awsops.PrepareUndo(ctx, acct, e, true)
	if err != nil || u.Check(true) != nil {
		t.Fatalf("forced: %v / %v", err, u.Check(true))
	}
	want := []string{awsops.APIUntagRole, awsops.APIDeleteRolePolicy, awsops.APIDetachRolePolicy,
		awsops.APIDetachRolePolicy, awsops.APIDeleteRolePolicy, awsops.APIDeleteRole}
	if got := apis(u.Plan.Steps); !reflect.DeepEqual(got, want) {
		t.Fatalf("forced plan %v, want %v", got, want)
	}
	if _, err := (&awsops.Executor{Backend: acct, Journal: j}).Run(ctx, u.Plan); err != nil {
		t.Fatalf("forced undo: %v", err)
	}
	if _, err := acct.GetRole(ctx, "blocked-role"); !awsops.IsNotFound(err) {
		t.Errorf("role left: %v", err)
	}

	e2 := run(t, acct, j, createdRolePlan("profile-role"))
	if err := acct.AddRoleToInstanceProfile(ctx, "ec2-profile", "profile-role"); err != nil {
		t.Fatal(err)
	}
	u, err = awsops.PrepareUndo(ctx, acct, e2, true)
	if err != nil {
		t.Fatal(err)
	}
	err = u.Check(true)
	if !errors.As(err, &refused) || !strings.Contains(err.Error(), "aws iam remove-role-from-instance-profile --instance-profile-name ec2-profile --role-name profile-role") {
		t.Errorf("an instance profile must block even a forced undo, naming the way out: %v", err)
	}
}

// A role the run created and someone deleted since is as it was before the
// run: nothing to send, no drift, and the entry is undone (the issue's
// --force on a role deleted by hand). A role the run only changed, deleted
// since, cannot be put back: that blocks.
func TestUndoOfRoleDeletedByHand(t *testing.T) {
	ctx := context.Background()
	acct := newSandbox(t, sandbox.Options{})
	j := &awsops.Journal{Dir: t.TempDir()}
	e := run(t, acct, j, createdRolePlan("gone-role"))
	for _, f := range []func() error{
		func() error { return acct.DetachRolePolicy(ctx, "gone-role", fullAccess) },
		func() error { return acct.DeleteRolePolicy(ctx, "gone-role", "sagerole-buckets") },
		func() error { return acct.DeleteRole(ctx, "gone-role") },
	} {
		if err := f(); err != nil {
			t.Fatal(err)
		}
	}
	for _, force := range []bool{false, true} {
		u, err := awsops.PrepareUndo(ctx, acct, e, force)
		if err != nil || len(u.Drift) != 0 || len(u.Plan.Steps) != 0 || len(u.Skipped) != 4 || u.Check(force) != nil {
			t.Fatalf("force=%v: plan %v, drift %+v, skipped %q (%v)", force, apis(u.Plan.Steps), u.Drift, u.Skipped, err)
		}
	}
	before := acct.Calls()
	if _, err := (&awsops.Executor{Backend: acct, Journal: j}).Rollback(ctx, e); err != nil {
		t.Fatal(err)
	}
	if e.Status() != awsops.EntryUndone {
		t.Errorf("entry %s, want undone", e.Status())
	}
	for api, n := range acct.Calls() {
		if n != before[api] && !strings.Contains(api, "Get") && !strings.Contains(api, "List") {
			t.Errorf("%s was sent", api)
		}
	}

	if _, err := acct.CreateRole(ctx, awsops.CreateRoleInput{Name: "mod-role", TrustPolicy: trustDoc}); err != nil {
		t.Fatal(err)
	}
	m := run(t, acct, j, awsops.Plan{Command: "modify mod-role", Steps: []awsops.Op{awsops.AttachRolePolicyOp("mod-role", s3ReadOnly)}})
	if err := acct.DetachRolePolicy(ctx, "mod-role", s3ReadOnly); err != nil {
		t.Fatal(err)
	}
	if err := acct.DeleteRole(ctx, "mod-role"); err != nil {
		t.Fatal(err)
	}
	u, err := awsops.PrepareUndo(ctx, acct, m, true)
	if err != nil {
		t.Fatal(err)
	}
	if err := u.Check(true); err == nil || !strings.Contains(err.Error(), "role mod-role was deleted since the run") {
		t.Errorf("want a block naming the deleted role, got %v", err)
	}
}

// Drift on a role the run changed: refused without force; a step that did
// not take effect is skipped, and said.
func TestUndoDriftAndNotApplied(t *testing.T) {
	ctx := context.Background()
	acct := newSandbox(t, sandbox.Options{})
	j := &awsops.Journal{Dir: t.TempDir()}
	l := &lossy{Backend: acct, api: awsops.APIAttachRolePolicy}
	e, _ := (&awsops.Executor{Backend: l, Journal: j}).Run(ctx, awsops.Plan{Command: "c", Steps: []awsops.Op{
		awsops.PutRolePolicyOp(researchRole, "research-datasets-access", policyDoc),
		awsops.AttachRolePolicyOp(researchRole, s3ReadOnly),
	}})
	if e.Steps[1].Status != awsops.StepNotApplied {
		t.Fatalf("step 2 %s, want not-applied", e.Steps[1].Status)
	}
	other := strings.Replace(policyDoc, "team-raw-data", "ml-models-prod", 1)
	if err := acct.PutRolePolicy(ctx, researchRole, "research-datasets-access", other); err != nil {
		t.Fatal(err)
	}
	u, err := awsops.PrepareUndo(ctx, acct, e, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(u.Drift) != 1 || u.Drift[0].Field != awsops.StDocument || !strings.Contains(u.Drift[0].Current, "ml-models-prod") {
		t.Errorf("drift %+v, want the inline document", u.Drift)
	}
	if u.Check(false) == nil || u.Check(true) != nil {
		t.Error("drift must refuse without force, and only then")
	}
	if len(u.Skipped) != 1 || !strings.Contains(u.Skipped[0], "step 2") || !strings.Contains(u.Skipped[0], "did not take effect") {
		t.Errorf("skipped %q", u.Skipped)
	}
	if len(u.Plan.Steps) != 1 || u.Plan.Steps[0].API != awsops.APIPutRolePolicy {
		t.Errorf("plan %v, want the inline policy put back", apis(u.Plan.Steps))
	}
}

// An undo that stopped half way, then finished by another: undoing the
// first would put part of the entry back behind the journal's back.
func TestRedoOfASupersededUndoIsRefused(t *testing.T) {
	acct := newSandbox(t, sandbox.Options{})
	j := &awsops.Journal{Dir: t.TempDir()}
	e := run(t, acct, j, createdRolePlan("redo-role"))
	acct.SetFault(awsops.APIDetachRolePolicy, sandbox.Fault{Code: "ServiceFailure", Message: "injected", Times: 1})
	x := &awsops.Executor{Backend: acct, Journal: j}
	partial, _ := x.Rollback(context.Background(), e)
	finished, err := x.Rollback(context.Background(), e)
	if err != nil {
		t.Fatal(err)
	}
	partial, _ = j.Load(partial.ID)
	err = j.CheckRedo(partial)
	var refused *awsops.RefusedError
	if !errors.As(err, &refused) || !strings.Contains(err.Error(), "undo "+finished.ID) {
		t.Errorf("want a refusal pointing at %s, got %v", finished.ID, err)
	}
	if err := j.CheckRedo(finished); err != nil {
		t.Errorf("the undo that finished may be undone: %v", err)
	}
}
