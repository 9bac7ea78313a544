package awsops_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/sagerole/sagerole/awsops"
	"github.com/sagerole/sagerole/awsops/sandbox"
)

const (
	researchRole = "AmazonSageMaker-ExecutionRole-Research"
	researchARN  = "arn:aws:iam::111122223333:role/service-role/AmazonSageMaker-ExecutionRole-Research"
	sharedARN    = "arn:aws:iam::111122223333:role/SageMakerSharedSpaceRole"
	s3ReadOnly   = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"
)

// writeTrap fails every write and counts it: a dry run over it must make
// no call at all.
type writeTrap struct {
	awsops.Backend
	writes []string
}

func (w *writeTrap) hit(api string) error {
	w.writes = append(w.writes, api)
	return errors.New("write sent in a dry run: " + api)
}

func (w *writeTrap) CreateRole(context.Context, awsops.CreateRoleInput) (awsops.Role, error) {
	return awsops.Role{}, w.hit(awsops.APICreateRole)
}
func (w *writeTrap) DeleteRole(context.Context, string) error { return w.hit(awsops.APIDeleteRole) }
func (w *writeTrap) UpdateTrustPolicy(context.Context, string, string) error {
	return w.hit(awsops.APIUpdateAssumeRolePolicy)
}
func (w *writeTrap) AttachRolePolicy(context.Context, string, string) error {
	return w.hit(awsops.APIAttachRolePolicy)
}
func (w *writeTrap) DetachRolePolicy(context.Context, string, string) error {
	return w.hit(awsops.APIDetachRolePolicy)
}
func (w *writeTrap) PutRolePolicy(context.Context, string, string, string) error {
	return w.hit(awsops.APIPutRolePolicy)
}
func (w *writeTrap) DeleteRolePolicy(context.Context, string, string) error {
	return w.hit(awsops.APIDeleteRolePolicy)
}
func (w *writeTrap) TagRole(context.Context, string, []awsops.Tag) error {
	return w.hit(awsops.APITagRole)
}
func (w *writeTrap) UntagRole(context.Context, string, []string) error {
	return w.hit(awsops.APIUntagRole)
}
func (w *writeTrap) CreateBucket(context.Context, string, string) error {
	return w.hit(awsops.APICreateBucket)
}
func (w *writeTrap) DeleteBucket(context.Context, string) error { return w.hit(awsops.APIDeleteBucket) }
func (w *writeTrap) UpdateDomainRoles(context.Context, string, awsops.DomainRoles) error {
	return w.hit(awsops.APIUpdateDomain)
}
func (w *writeTrap) UpdateUserProfileRole(context.Context, string, string, string) error {
	return w.hit(awsops.APIUpdateUserProfile)
}
func (w *writeTrap) UpdateNotebookInstanceRole(context.Context, string, string) error {
	return w.hit(awsops.APIUpdateNotebookInstance)
}
func (w *writeTrap) StopNotebookInstance(context.Context, string) error {
	return w.hit(awsops.APIStopNotebookInstance)
}
func (w *writeTrap) StartNotebookInstance(context.Context, string) error {
	return w.hit(awsops.APIStartNotebookInstance)
}

func newSandbox(t *testing.T, opts sandbox.Options) *sandbox.Account {
	t.Helper()
	acct, err := sandbox.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	return acct
}

const trustDoc = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"sagemaker.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
const policyDoc = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject"],"Resource":["arn:aws:s3:::team-raw-data/*"]}]}`

// everyWrite is a plan that uses every write the executor can send.
func everyWrite() awsops.Plan {
	return awsops.Plan{Command: "every write", Steps: []awsops.Op{
		awsops.CreateRoleOp(awsops.CreateRoleInput{Name: "dry-run-role", TrustPolicy: trustDoc}),
		awsops.AttachRolePolicyOp(researchRole, s3ReadOnly),
		awsops.DetachRolePolicyOp(researchRole, "arn:aws:iam::aws:policy/AmazonSageMakerFullAccess"),
		awsops.PutRolePolicyOp(researchRole, "extra", policyDoc),
		awsops.DeleteRolePolicyOp(researchRole, "research-datasets-access"),
		awsops.UpdateTrustPolicyOp(researchRole, trustDoc),
		awsops.TagRoleOp(researchRole, []awsops.Tag{{Key: "team", Value: "x"}}),
		awsops.UntagRoleOp(researchRole, []string{"team"}),
		awsops.CreateBucketOp("dry-run-bucket", "us-east-1"),
		awsops.DeleteBucketOp("team-raw-data"),
		awsops.UpdateDomainRolesOp("d-research1", awsops.DomainRoles{DefaultSpaceRole: ptr(researchARN)}),
		awsops.UpdateUserProfileRoleOp("d-research1", "alice", sharedARN),
		awsops.StopNotebookInstanceOp("churn-prediction"),
		awsops.UpdateNotebookInstanceRoleOp("legacy-xgboost-training", sharedARN),
		awsops.StartNotebookInstanceOp("legacy-xgboost-training"),
		awsops.DeleteRoleOp("LambdaBasic"),
	}}
}

func ptr(s string) *string { return &s }

func TestDryRunSendsNoWrite(t *testing.T) {
	trap := &writeTrap{Backend: newSandbox(t, sandbox.Options{})}
	dry := awsops.NewDryRun(trap)
	plan := everyWrite()
	x := &awsops.Executor{Backend: dry}
	e, err := x.Run(context.Background(), plan)
	if err != nil {
		t.Fatalf("dry run failed: %v", err)
	}
	if len(trap.writes) != 0 {
		t.Fatalf("a dry run sent %d writes: %v", len(trap.writes), trap.writes)
	}
	if got := dry.Recorded(); !reflect.DeepEqual(got, plan.Steps) {
		t.Errorf("dry run recorded %d ops, want the %d of the plan", len(got), len(plan.Steps))
	}
	// Reads went through: the plan shows the real inverse of each step.
	for i, s := range e.Steps {
		if s.Before == nil {
			t.Errorf("step %d (%s) has no recorded prior state", i+1, s.Op.API)
		}
	}
	if u := e.Steps[11].Undo; len(u) != 1 || u[0].Args[awsops.ArgExecutionRole] != researchARN || u[0].Note == "" {
		t.Errorf("alice inherits the Research role; the undo should set it explicitly and say so, got %+v", u)
	}
	v := awsops.View(plan, e, true, awsops.CLIOptions{})
	if !v.DryRun || v.Entry != "" || len(v.Steps) != len(plan.Steps) {
		t.Errorf("dry-run view = %+v", v)
	}
}

// roleState is everything of a role a rollback must restore.
type roleState struct {
	Trust    string
	Tags     []awsops.Tag
	Attached []awsops.AttachedPolicy
	Inline   map[string]string
}

func readRole(t *testing.T, b awsops.Backend, name string) roleState {
	t.Helper()
	ctx := context.Background()
	r, err := b.GetRole(ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	att, err := b.ListAttachedRolePolicies(ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	names, err := b.ListRolePolicies(ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	st := roleState{Trust: r.TrustPolicy, Tags: r.Tags, Attached: att, Inline: map[string]string{}}
	for _, n := range names {
		if st.Inline[n], err = b.GetRolePolicy(ctx, name, n); err != nil {
			t.Fatal(err)
		}
	}
	return st
}

func TestFailedWriteMidPlanRollsBackFromJournal(t *testing.T) {
	acct := newSandbox(t, sandbox.Options{Faults: map[string]sandbox.Fault{
		awsops.APIDetachRolePolicy: {Code: "ServiceFailure", Message: "injected"},
	}})
	before := readRole(t, acct, researchRole)
	if _, ok := before.Inline["research-datasets-access"]; !ok {
		t.Fatal("seed changed: the Research role should have the inline policy research-datasets-access")
	}
	newTrust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":["sagemaker.amazonaws.com","lambda.amazonaws.com"]},"Action":"sts:AssumeRole"}]}`
	plan := awsops.Plan{Command: "test", Steps: []awsops.Op{
		awsops.UpdateTrustPolicyOp(researchRole, newTrust),
		awsops.PutRolePolicyOp(researchRole, "research-datasets-access", policyDoc),
		awsops.PutRolePolicyOp(researchRole, "brand-new", policyDoc),
		awsops.AttachRolePolicyOp(researchRole, s3ReadOnly),
		awsops.TagRoleOp(researchRole, []awsops.Tag{{Key: "team", Value: "changed"}, {Key: "new-key", Value: "v"}}),
		awsops.DetachRolePolicyOp(researchRole, "arn:aws:iam::aws:policy/AmazonSageMakerFullAccess"), // fails
		awsops.DeleteRolePolicyOp(researchRole, "brand-new"),                                         // never runs
	}}
	j := &awsops.Journal{Dir: t.TempDir()}

	// The journal must hold each step's prior state before the step is sent.
	var checked int
	x := &awsops.Executor{Backend: acct, Journal: j, Account: "111122223333", BackendName: "sandbox"}
	x.Progress = func(ev awsops.Event) {
		if ev.Status != awsops.StepSending || ev.Attempt != 1 {
			return
		}
		entries, err := j.List()
		if err != nil || len(entries) != 1 {
			t.Fatalf("journal during the run: %v, %d entries", err, len(entries))
		}
		s := entries[0].Steps[ev.Step]
		if s.Status != awsops.StepSending || s.Before == nil {
			t.Errorf("step %d was about to be sent but the journal says %s with before=%v", ev.Step+1, s.Status, s.Before)
		}
		checked++
	}
	e, err := x.Run(context.Background(), plan)
	var runErr *awsops.RunError
	if !errors.As(err, &runErr) || runErr.Step != 5 {
		t.Fatalf("want a RunError at step 6, got %v", err)
	}
	if checked != 6 {
		t.Errorf("checked the journal before %d sends, want 6", checked)
	}
	if !strings.Contains(runErr.Summary(), "sagerole undo "+e.ID) || !strings.Contains(runErr.Summary(), "not run: 7") {
		t.Errorf("summary does not say what did not run and how to roll back:\n%s", runErr.Summary())
	}

	// Roll back from what is on disk, as `sagerole undo` would in a new process.
	loaded, err := j.Load(e.ID)
	if err != nil {
		t.Fatal(err)
	}
	wantStatus := []awsops.StepStatus{awsops.StepDone, awsops.StepDone, awsops.StepDone, awsops.StepDone, awsops.StepDone, awsops.StepFailed, awsops.StepNotRun}
	for i, s := range loaded.Steps {
		if s.Status != wantStatus[i] {
			t.Errorf("journal step %d status %s, want %s", i+1, s.Status, wantStatus[i])
		}
	}
	if loaded.Status() != "failed" {
		t.Errorf("entry status %q, want failed", loaded.Status())
	}
	acct.ClearFaults()
	undo, err := (&awsops.Executor{Backend: acct, Journal: j}).Rollback(context.Background(), loaded)
	if err != nil {
		t.Fatalf("rollback: %v", err)
	}
	after := readRole(t, acct, researchRole)
	if after.Trust != before.Trust {
		t.Errorf("trust policy not restored byte for byte:\n got %s\nwant %s", after.Trust, before.Trust)
	}
	if !reflect.DeepEqual(after.Inline, before.Inline) {
		t.Errorf("inline policies not restored byte for byte:\n got %q\nwant %q", after.Inline, before.Inline)
	}
	if !reflect.DeepEqual(after.Attached, before.Attached) || !reflect.DeepEqual(after.Tags, before.Tags) {
		t.Errorf("attached/tags not restored:\n got %+v\nwant %+v", after, before)
	}
	reloaded, _ := j.Load(e.ID)
	if reloaded.UndoneBy != undo.ID || reloaded.Status() != "undone" {
		t.Errorf("entry not marked undone by %s: %+v", undo.ID, reloaded)
	}
	if u, _ := j.Load(undo.ID); u == nil || u.UndoOf != e.ID {
		t.Errorf("the rollback run is not journaled as undoing %s", e.ID)
	}
}

func TestRollbackOfCreatedRoleDeletesIt(t *testing.T) {
	acct := newSandbox(t, sandbox.Options{Faults: map[string]sandbox.Fault{
		awsops.APIPutRolePolicy: {Code: "MalformedPolicyDocument", Message: "injected"},
	}})
	plan := awsops.Plan{Command: "create-role fresh", Steps: []awsops.Op{
		awsops.CreateRoleOp(awsops.CreateRoleInput{Name: "fresh", Path: "/service-role/", TrustPolicy: trustDoc}),
		awsops.AttachRolePolicyOp("fresh", "arn:aws:iam::aws:policy/AmazonSageMakerFullAccess"),
		awsops.PutRolePolicyOp("fresh", "sagerole-s3", policyDoc),
	}}
	j := &awsops.Journal{Dir: t.TempDir()}
	x := &awsops.Executor{Backend: acct, Journal: j}
	e, err := x.Run(context.Background(), plan)
	if awsops.KindOf(err) != awsops.KindMalformedPolicy {
		t.Fatalf("want the injected MalformedPolicyDocument, got %v", err)
	}
	acct.ClearFaults()
	if _, err := x.Rollback(context.Background(), e); err != nil {
		t.Fatalf("rollback: %v", err)
	}
	if _, err := acct.GetRole(context.Background(), "fresh"); !awsops.IsNotFound(err) {
		t.Errorf("role still exists after rollback: %v", err)
	}
}

func TestRetryThenSucceed(t *testing.T) {
	acct := newSandbox(t, sandbox.Options{Faults: map[string]sandbox.Fault{
		awsops.APIUpdateUserProfile: {Code: "ValidationException", Message: "Could not assume role", Times: 2},
	}})
	var waits []time.Duration
	x := &awsops.Executor{Backend: acct, Journal: &awsops.Journal{Dir: t.TempDir()},
		Retry: func(_ awsops.Op, attempt int, err error) (time.Duration, bool) {
			return time.Duration(attempt) * time.Second, attempt < 5 && awsops.KindOf(err) == awsops.KindValidation
		},
		Sleep: func(_ context.Context, d time.Duration) error { waits = append(waits, d); return nil },
	}
	e, err := x.Run(context.Background(), awsops.Plan{Steps: []awsops.Op{awsops.UpdateUserProfileRoleOp("d-research1", "bob", researchARN)}})
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	if e.Steps[0].Attempts != 3 || !reflect.DeepEqual(waits, []time.Duration{time.Second, 2 * time.Second}) {
		t.Errorf("attempts %d, waits %v; want 3 attempts after waiting 1s and 2s", e.Steps[0].Attempts, waits)
	}
}

func TestJournalListNewestFirstAndAtomic(t *testing.T) {
	j := &awsops.Journal{Dir: t.TempDir()}
	for _, id := range []string{"20260101T000000Z-aaaaaa", "20260301T000000Z-bbbbbb", "20260201T000000Z-cccccc"} {
		at, _ := time.Parse("20060102T150405Z", id[:16])
		if err := j.Save(&awsops.Entry{ID: id, Time: at, Command: "c"}); err != nil {
			t.Fatal(err)
		}
	}
	es, err := j.List()
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, e := range es {
		ids = append(ids, e.ID)
	}
	if want := []string{"20260301T000000Z-bbbbbb", "20260201T000000Z-cccccc", "20260101T000000Z-aaaaaa"}; !reflect.DeepEqual(ids, want) {
		t.Errorf("ids %v, want %v", ids, want)
	}
	files, _ := os.ReadDir(j.Dir)
	for _, f := range files {
		if !strings.HasSuffix(f.Name(), ".json") || strings.HasPrefix(f.Name(), ".") {
			t.Errorf("left a temporary file behind: %s", f.Name())
		}
	}
	if _, err := j.Load("../etc/passwd"); err == nil {
		t.Error("Load accepted a path as an entry id")
	}
	b, _ := os.ReadFile(j.Dir + "/20260101T000000Z-aaaaaa.json")
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Errorf("journal file is not JSON: %v", err)
	}
}

func TestEntryUndoable(t *testing.T) {
	step := func(s awsops.StepStatus) awsops.StepRecord { return awsops.StepRecord{Status: s} }
	tests := []struct {
		name string
		e    awsops.Entry
		want bool
	}{
		{"a done step", awsops.Entry{Steps: []awsops.StepRecord{step(awsops.StepDone), step(awsops.StepFailed)}}, true},
		{"interrupted while sending: may have changed something", awsops.Entry{Steps: []awsops.StepRecord{step(awsops.StepSending)}}, true},
		{"failed at the first step", awsops.Entry{Steps: []awsops.StepRecord{step(awsops.StepFailed), step(awsops.StepNotRun)}}, false},
		{"already undone", awsops.Entry{UndoneBy: "x", Steps: []awsops.StepRecord{step(awsops.StepDone)}}, false},
	}
	for _, tt := range tests {
		if got := tt.e.Undoable(); got != tt.want {
			t.Errorf("%s: Undoable() = %v, want %v", tt.name, got, tt.want)
		}
	}
}
