package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/sagerole/sagerole/awsops"
	"github.com/sagerole/sagerole/awsops/sandbox"
)

const (
	researchRole = "AmazonSageMaker-ExecutionRole-Research"
	testPolicy   = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::team-raw-data/*"}]}`
)

// roleSnapshot is everything of a role that undo must restore.
type roleSnapshot struct {
	Trust    string
	Tags     []awsops.Tag
	Attached []awsops.AttachedPolicy
	Inline   map[string]string
}

func snapshotRole(t *testing.T, state, name string) roleSnapshot {
	t.Helper()
	acct, err := sandbox.Open(state, sandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	r, err := acct.GetRole(ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	att, _ := acct.ListAttachedRolePolicies(ctx, name)
	names, _ := acct.ListRolePolicies(ctx, name)
	s := roleSnapshot{Trust: r.TrustPolicy, Tags: r.Tags, Attached: att, Inline: map[string]string{}}
	for _, n := range names {
		s.Inline[n], _ = acct.GetRolePolicy(ctx, name, n)
	}
	return s
}

// runPlanOn runs plan on the sandbox state file as a command would, with
// faults, and returns its journal entry.
func runPlanOn(t *testing.T, state string, plan awsops.Plan, faults map[string]sandbox.Fault) (*awsops.Entry, error) {
	t.Helper()
	acct, err := sandbox.Open(state, sandbox.Options{Faults: faults})
	if err != nil {
		t.Fatal(err)
	}
	dir, _ := awsops.DefaultJournalDir()
	abs, _ := filepath.Abs(state)
	x := &awsops.Executor{Backend: acct, Journal: &awsops.Journal{Dir: dir}, Account: "111122223333", BackendName: "sandbox:" + abs}
	return x.Run(context.Background(), plan)
}

func modifyPlan() awsops.Plan {
	return awsops.Plan{Command: "modify " + researchRole, Steps: []awsops.Op{
		awsops.PutRolePolicyOp(researchRole, "research-datasets-access", testPolicy),
		awsops.PutRolePolicyOp(researchRole, "sagerole-s3", testPolicy),
		awsops.AttachRolePolicyOp(researchRole, "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"),
		awsops.TagRoleOp(researchRole, []awsops.Tag{{Key: "team", Value: "changed"}}),
	}}
}

func TestUndoRoundTripAndRedo(t *testing.T) {
	dir := isolate(t)
	state := filepath.Join(dir, "account.json")
	before := snapshotRole(t, state, researchRole)
	e, err := runPlanOn(t, state, modifyPlan(), nil)
	if err != nil {
		t.Fatal(err)
	}
	changed := snapshotRole(t, state, researchRole)
	if reflect.DeepEqual(changed, before) {
		t.Fatal("the plan changed nothing; the test proves nothing")
	}

	code, out, errOut := runCLI(t, "--sandbox-state", state, "undo", "--yes")
	if code != 0 {
		t.Fatalf("undo: exit %d\n%s\n%s", code, out, errOut)
	}
	if got := snapshotRole(t, state, researchRole); !reflect.DeepEqual(got, before) {
		t.Fatalf("after undo the role differs from before:\n got %+v\nwant %+v", got, before)
	}

	code, out, _ = runCLI(t, "--output", "json", "journal")
	if code != 0 {
		t.Fatalf("journal: exit %d", code)
	}
	var entries []journalEntry
	if err := json.Unmarshal([]byte(out), &entries); err != nil {
		t.Fatalf("journal json: %v\n%s", err, out)
	}
	if len(entries) != 2 || entries[0].UndoOf != e.ID || entries[1].ID != e.ID || entries[1].Status != "undone" {
		t.Fatalf("journal should list the undo first, then the undone entry: %+v", entries)
	}
	undoID := entries[0].ID

	// Nothing left to undo by default: undo runs are skipped.
	if code, _, errOut := runCLI(t, "--sandbox-state", state, "undo", "--yes"); code != exitBadUsage || !strings.Contains(errOut, "nothing to undo") {
		t.Errorf("second undo: exit %d, %q", code, errOut)
	}
	// Undo of the undo puts the change back and the original is in effect again.
	if code, out, errOut := runCLI(t, "--sandbox-state", state, "undo", undoID, "--yes"); code != 0 {
		t.Fatalf("undo of undo: exit %d\n%s\n%s", code, out, errOut)
	}
	if got := snapshotRole(t, state, researchRole); !reflect.DeepEqual(got, changed) {
		t.Fatalf("after redo the role differs from the changed state:\n got %+v\nwant %+v", got, changed)
	}
	_, out, _ = runCLI(t, "--output", "json", "journal")
	_ = json.Unmarshal([]byte(out), &entries)
	for _, je := range entries {
		if je.ID == e.ID && je.UndoneBy != "" {
			t.Errorf("the original entry is still marked undone after its undo was undone: %+v", je)
		}
	}
}

func TestUndoRefusesDriftUnlessForced(t *testing.T) {
	dir := isolate(t)
	state := filepath.Join(dir, "account.json")
	if _, err := runPlanOn(t, state, modifyPlan(), nil); err != nil {
		t.Fatal(err)
	}
	// Someone else edits the same inline policy afterwards.
	acct, err := sandbox.Open(state, sandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	other := strings.Replace(testPolicy, "team-raw-data", "ml-models-prod", 1)
	if err := acct.PutRolePolicy(context.Background(), researchRole, "sagerole-s3", other); err != nil {
		t.Fatal(err)
	}
	drifted := snapshotRole(t, state, researchRole)

	code, out, errOut := runCLI(t, "--sandbox-state", state, "undo", "--yes")
	if code != exitBadUsage || !strings.Contains(errOut, "refusing to undo") || !strings.Contains(errOut, "ml-models-prod") {
		t.Fatalf("want a refusal that shows the difference; exit %d\n%s\n%s", code, out, errOut)
	}
	if got := snapshotRole(t, state, researchRole); !reflect.DeepEqual(got, drifted) {
		t.Fatal("a refused undo changed the role")
	}
	if code, out, errOut := runCLI(t, "--sandbox-state", state, "undo", "--yes", "--force"); code != 0 {
		t.Fatalf("forced undo: exit %d\n%s\n%s", code, out, errOut)
	}
	if _, ok := snapshotRole(t, state, researchRole).Inline["sagerole-s3"]; ok {
		t.Error("forced undo should have removed the inline policy the entry created")
	}
}

func TestUndoAfterPartialFailure(t *testing.T) {
	dir := isolate(t)
	state := filepath.Join(dir, "account.json")
	before := snapshotRole(t, state, researchRole)
	_, err := runPlanOn(t, state, modifyPlan(), map[string]sandbox.Fault{
		awsops.APIAttachRolePolicy: {Code: "ServiceFailure", Message: "injected"},
	})
	if err == nil {
		t.Fatal("the injected fault did not fail the run")
	}
	code, out, errOut := runCLI(t, "--sandbox-state", state, "undo", "--yes")
	if code != 0 {
		t.Fatalf("undo: exit %d\n%s\n%s", code, out, errOut)
	}
	if got := snapshotRole(t, state, researchRole); !reflect.DeepEqual(got, before) {
		t.Fatalf("after rolling back the partial run the role differs:\n got %+v\nwant %+v", got, before)
	}
}

func TestUndoWithoutTerminalNeedsYes(t *testing.T) {
	dir := isolate(t)
	state := filepath.Join(dir, "account.json")
	if _, err := runPlanOn(t, state, modifyPlan(), nil); err != nil {
		t.Fatal(err)
	}
	changed := snapshotRole(t, state, researchRole)
	code, out, errOut := runCLI(t, "--sandbox-state", state, "undo")
	if code != exitBadUsage || !strings.Contains(errOut, "--yes") || !strings.Contains(errOut, "aws iam delete-role-policy") {
		t.Fatalf("want the plan shown and a refusal naming --yes; exit %d\n%s\n%s", code, out, errOut)
	}
	if got := snapshotRole(t, state, researchRole); !reflect.DeepEqual(got, changed) {
		t.Fatal("undo without --yes and without a terminal changed the account")
	}
	// A dry run shows the plan and sends nothing.
	code, out, _ = runCLI(t, "--sandbox-state", state, "--dry-run", "--output", "json", "undo")
	var v awsops.PlanView
	if code != 0 || json.Unmarshal([]byte(out), &v) != nil || !v.DryRun || len(v.Steps) != 4 {
		t.Fatalf("dry-run undo: exit %d\n%s", code, out)
	}
	if got := snapshotRole(t, state, researchRole); !reflect.DeepEqual(got, changed) {
		t.Fatal("a dry-run undo changed the account")
	}
}

func TestUndoUnknownEntry(t *testing.T) {
	dir := isolate(t)
	code, _, errOut := runCLI(t, "--sandbox-state", filepath.Join(dir, "a.json"), "undo", "20990101T000000Z-ffffff", "--yes")
	if code != exitBadUsage || !strings.Contains(errOut, "does not exist") {
		t.Errorf("exit %d, %q", code, errOut)
	}
}

// The plain sandbox lasts one process: its runs must not reach the user's
// journal, where a later undo would meet a freshly seeded account.
func TestPlainSandboxDoesNotJournalIntoTheUsersJournal(t *testing.T) {
	isolate(t)
	code, out, errOut := runCLI(t, "--sandbox", "--yes", "add-buckets", "LambdaBasic", "team-raw-data")
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	if !strings.Contains(out, "journal entry") {
		t.Errorf("the run should still be journaled for the session:\n%s", out)
	}
	dir, _ := awsops.DefaultJournalDir()
	if entries, err := (&awsops.Journal{Dir: dir}).List(); err != nil || len(entries) != 0 {
		t.Errorf("the user's journal holds %d entries (%v); want none", len(entries), err)
	}
	if code, _, errOut := runCLI(t, "--sandbox", "undo", "--yes"); code != exitBadUsage || !strings.Contains(errOut, "nothing to undo") {
		t.Errorf("undo on a fresh sandbox: exit %d, %s", code, errOut)
	}
}

// One foreign, corrupt or empty file in the journal directory is named on
// stderr and skipped: journal and a bare undo still work, and {} is never
// listed as a run.
func TestJournalSkipsUnreadableFiles(t *testing.T) {
	dir := isolate(t)
	state := filepath.Join(dir, "account.json")
	e, err := runPlanOn(t, state, modifyPlan(), nil)
	if err != nil {
		t.Fatal(err)
	}
	jdir, _ := awsops.DefaultJournalDir()
	for name, body := range map[string]string{"20200101T000000Z-000000.json": "{}", "notes.json": "not json at all", "tsconfig.json": `{"compilerOptions": {}}`} {
		if err := os.WriteFile(filepath.Join(jdir, name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	code, out, errOut := runCLI(t, "journal")
	if code != 0 || strings.Count(errOut, "skipped ") != 3 || !strings.Contains(out, e.ID) || strings.Contains(out, "20200101T000000Z") {
		t.Fatalf("journal: exit %d\n%s\n%s", code, out, errOut)
	}
	code, out, _ = runCLI(t, "--output", "json", "journal")
	var entries []journalEntry
	if code != 0 || json.Unmarshal([]byte(out), &entries) != nil || len(entries) != 1 {
		t.Fatalf("journal json: exit %d\n%s", code, out)
	}
	if code, out, errOut := runCLI(t, "--sandbox-state", state, "undo", "--yes"); code != 0 {
		t.Fatalf("undo beside unreadable files: exit %d\n%s\n%s", code, out, errOut)
	}
}

// The stuck undo: a policy attached by hand after create-role would
// make DeleteRole fail. undo refuses and names it; --force detaches it too
// and the role is gone; the entry is undone.
func TestUndoOfCreateRoleWithAPolicyAttachedByHand(t *testing.T) {
	dir := isolate(t)
	state := filepath.Join(dir, "account.json")
	if code, out, errOut := runCLI(t, "--sandbox-state", state, "--yes", "create-role", "hand-role"); code != 0 {
		t.Fatalf("create-role: exit %d\n%s\n%s", code, out, errOut)
	}
	acct, err := sandbox.Open(state, sandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := acct.AttachRolePolicy(context.Background(), "hand-role", "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runCLI(t, "--sandbox-state", state, "undo", "--yes")
	if code != exitBadUsage || !strings.Contains(errOut, "attached policy arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess was added since") || !strings.Contains(errOut, "--force") {
		t.Fatalf("want a refusal naming the policy; exit %d\n%s\n%s", code, out, errOut)
	}
	if _, err := reopen(t, state).GetRole(context.Background(), "hand-role"); err != nil {
		t.Fatalf("a refused undo changed the account: %v", err)
	}
	code, out, errOut = runCLI(t, "--sandbox-state", state, "undo", "--yes", "--force")
	if code != 0 || !strings.Contains(out, "aws iam detach-role-policy --role-name hand-role --policy-arn arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess") {
		t.Fatalf("forced undo: exit %d\n%s\n%s", code, out, errOut)
	}
	if _, err := reopen(t, state).GetRole(context.Background(), "hand-role"); !awsops.IsNotFound(err) {
		t.Errorf("hand-role is still there: %v", err)
	}
	code, out, _ = runCLI(t, "--output", "json", "journal")
	if code != 0 || !strings.Contains(out, `"status": "undone"`) {
		t.Errorf("the create-role entry is not undone:\n%s", out)
	}
}

// A role deleted by hand after create-role: the end state already holds,
// so undo (with or without --force) sends nothing, says so, exits 0.
func TestUndoWhenTheEndStateAlreadyHolds(t *testing.T) {
	dir := isolate(t)
	state := filepath.Join(dir, "account.json")
	if code, out, errOut := runCLI(t, "--sandbox-state", state, "--yes", "create-role", "gone-role"); code != 0 {
		t.Fatalf("create-role: exit %d\n%s\n%s", code, out, errOut)
	}
	acct := reopen(t, state)
	ctx := context.Background()
	if err := acct.DetachRolePolicy(ctx, "gone-role", "arn:aws:iam::aws:policy/AmazonSageMakerFullAccess"); err != nil {
		t.Fatal(err)
	}
	if err := acct.DeleteRole(ctx, "gone-role"); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runCLI(t, "--sandbox-state", state, "undo", "--yes", "--force")
	if code != 0 || !strings.Contains(out, "Nothing to send: the account already is as it was before entry") {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	if code, _, errOut := runCLI(t, "--sandbox-state", state, "undo", "--yes"); code != exitBadUsage || !strings.Contains(errOut, "nothing to undo") {
		t.Errorf("the entry is still offered for undo: exit %d %s", code, errOut)
	}
}

func reopen(t *testing.T, state string) *sandbox.Account {
	t.Helper()
	acct, err := sandbox.Open(state, sandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return acct
}
