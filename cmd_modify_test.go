package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/sagerole/sagerole/awsops"
	"github.com/sagerole/sagerole/awsops/awsapi"
	"github.com/sagerole/sagerole/flows/policy"
)

const modifyExtraPolicy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::team-raw-data/*"}]}`

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// sortedSnapshot is snapshotRole with the attached policies in order: IAM
// promises none, and undoing a detach attaches the policy again at the end.
func sortedSnapshot(t *testing.T, state, name string) roleSnapshot {
	t.Helper()
	s := snapshotRole(t, state, name)
	slices.SortFunc(s.Attached, func(a, b awsops.AttachedPolicy) int { return strings.Compare(a.ARN, b.ARN) })
	return s
}

func TestModifyShowsTheRole(t *testing.T) {
	isolate(t)
	code, out, errOut := runCLI(t, "--sandbox", "modify", researchRole)
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	for _, want := range []string{
		"Role AmazonSageMaker-ExecutionRole-Research", "arn:aws:iam::111122223333:role/service-role/AmazonSageMaker-ExecutionRole-Research",
		"team=research", "Trust policy (trusts sagemaker.amazonaws.com", `"Service": "sagemaker.amazonaws.com"`,
		"Managed policies (1 of 10)", "AmazonSageMakerFullAccess", "Inline policies (522 of 10,240", "research-datasets-access (522 characters)",
		`"arn:aws:s3:::research-datasets/*"`, "Who runs as AmazonSageMaker-ExecutionRole-Research (5)", "alice-lab", "JupyterLab/default",
		"legacy-xgboost-training",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("show lacks %q:\n%s", want, out)
		}
	}

	code, out, _ = runCLI(t, "--sandbox", "--output", "json", "modify", "LambdaBasic")
	if code != 0 {
		t.Fatalf("json: exit %d", code)
	}
	var d struct {
		Role struct {
			Name, ARN string
		}
		TrustPolicy      map[string]any
		TrustsSageMaker  bool
		AttachedPolicies []awsops.AttachedPolicy
		InlinePolicies   []json.RawMessage
		Usage            map[string]int
		UsedBy           []map[string]any
		Warnings         []string
	}
	if err := json.Unmarshal([]byte(out), &d); err != nil {
		t.Fatalf("json: %v\n%s", err, out)
	}
	var keys map[string]json.RawMessage
	_ = json.Unmarshal([]byte(out), &keys)
	for _, k := range []string{"role", "trustPolicy", "trustsSageMaker", "attachedPolicies", "inlinePolicies", "usage", "usedBy", "warnings"} {
		if _, ok := keys[k]; !ok {
			t.Errorf("json lacks key %q", k)
		}
	}
	if d.Role.Name != "LambdaBasic" || d.TrustsSageMaker || d.TrustPolicy["Version"] != "2012-10-17" || d.Usage["attachedPoliciesQuota"] != 10 {
		t.Errorf("json %s", out)
	}
	if len(d.UsedBy) != 1 || d.UsedBy[0]["name"] != "dave" || !strings.Contains(strings.Join(d.Warnings, " "), "--fix-trust") {
		t.Errorf("LambdaBasic is dave's role in the seed and does not trust SageMaker: %s", out)
	}
}

func TestModifyRunThenUndoRestoresTheRole(t *testing.T) {
	dir := isolate(t)
	state := filepath.Join(dir, "account.json")
	extra := writeFile(t, dir, "extra.json", modifyExtraPolicy)
	before := sortedSnapshot(t, state, "LambdaBasic")

	code, out, errOut := runCLI(t, "--sandbox-state", state, "modify", "LambdaBasic", "--yes", "--fix-trust", "--attach", "full",
		"--put-inline", "extra="+extra, "--add-bucket", "team-raw-data", "--add-activity", "training", "--add-guardrail", "network-isolation")
	if code != 0 {
		t.Fatalf("modify: exit %d\n%s\n%s", code, out, errOut)
	}
	for _, want := range []string{
		"--- a/trust-policy\n+++ b/trust-policy\n", "+        \"Service\": \"sagemaker.amazonaws.com\"",
		"--- a/attached-policies", "+arn:aws:iam::aws:policy/AmazonSageMakerFullAccess",
		"--- /dev/null\n+++ b/inline/extra", "+++ b/inline/sagerole-buckets", "+++ b/inline/sagerole-scope",
		"Who runs as LambdaBasic (1)", "dave", "warning: broadens access: attaching AmazonSageMakerFullAccess",
		"Ran modify LambdaBasic (journal entry", "Undo it with: sagerole undo",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	// The review comes before the plan.
	if strings.Index(out, "--- a/trust-policy") > strings.Index(out, "Ran modify") {
		t.Error("the diff should be shown before the plan")
	}
	changed := sortedSnapshot(t, state, "LambdaBasic")
	if !strings.Contains(changed.Trust, "sagemaker.amazonaws.com") || len(changed.Inline) != 3 || len(changed.Attached) != 2 {
		t.Fatalf("the role did not change as planned: %+v", changed)
	}

	// dave runs as LambdaBasic: an undo that takes SageMaker's trust away
	// from it again is refused unless forced, and says who it would break.
	code, out, errOut = runCLI(t, "--sandbox-state", state, "undo", "--yes")
	if code != exitBadUsage || !strings.Contains(errOut, "removes sagemaker.amazonaws.com's trust from role LambdaBasic") || !strings.Contains(errOut, "user dave (d-mlplatform)") {
		t.Fatalf("undo: want a refusal naming dave; exit %d\n%s\n%s", code, out, errOut)
	}
	if got := sortedSnapshot(t, state, "LambdaBasic"); !reflect.DeepEqual(got, changed) {
		t.Fatal("a refused undo changed the role")
	}
	code, out, errOut = runCLI(t, "--sandbox-state", state, "undo", "--yes", "--force")
	if code != 0 {
		t.Fatalf("undo --force: exit %d\n%s\n%s", code, out, errOut)
	}
	if got := sortedSnapshot(t, state, "LambdaBasic"); !reflect.DeepEqual(got, before) {
		t.Fatalf("after undo the role differs:\n got %+v\nwant %+v", got, before)
	}
}

func TestModifyDryRunJSONSendsNothing(t *testing.T) {
	dir := isolate(t)
	state := filepath.Join(dir, "account.json")
	before := sortedSnapshot(t, state, researchRole)
	code, out, errOut := runCLI(t, "--sandbox-state", state, "--dry-run", "--output", "json", "modify", researchRole,
		"--detach", "full", "--delete-inline", "research-datasets-access", "--add-activity", "notebook", "--add-guardrail", "vpc-only")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	var v awsops.PlanView
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatalf("json: %v\n%s", err, out)
	}
	if !v.DryRun || len(v.Steps) != 3 || v.Entry != "" {
		t.Fatalf("plan %+v", v)
	}
	for i, api := range []string{awsops.APIDetachRolePolicy, awsops.APIDeleteRolePolicy, awsops.APIPutRolePolicy} {
		if v.Steps[i].API != api || !strings.HasPrefix(v.Steps[i].CLI, "aws iam ") || v.Steps[i].Undo == "" {
			t.Errorf("step %d = %+v, want %s with its CLI and undo", i+1, v.Steps[i], api)
		}
	}
	notes := strings.Join(v.Notes, "\n")
	for _, want := range []string{"--- a/attached-policies", "-arn:aws:iam::aws:policy/AmazonSageMakerFullAccess",
		"--- a/inline/research-datasets-access\n+++ /dev/null", "--- /dev/null\n+++ b/inline/sagerole-scope", "5 identities run as"} {
		if !strings.Contains(notes, want) {
			t.Errorf("notes lack %q:\n%s", want, notes)
		}
	}
	if got := sortedSnapshot(t, state, researchRole); !reflect.DeepEqual(got, before) {
		t.Fatal("a dry run changed the role")
	}
	if _, err := os.Stat(filepath.Join(dir, "state", "sagerole")); err == nil {
		if entries, _ := os.ReadDir(filepath.Join(dir, "state", "sagerole")); len(entries) > 0 {
			t.Errorf("a dry run wrote the journal: %v", entries)
		}
	}
}

// A guardrail that would restrict nothing of the role — here once
// AmazonSageMakerFullAccess is detached — is refused, and nothing is sent.
func TestModifyRefusesAGuardrailThatRestrictsNothing(t *testing.T) {
	dir := isolate(t)
	state := filepath.Join(dir, "account.json")
	before := sortedSnapshot(t, state, researchRole)
	code, out, errOut := runCLI(t, "--sandbox-state", state, "--yes", "modify", researchRole, "--detach", "full",
		"--delete-inline", "research-datasets-access", "--add-guardrail", "vpc-only")
	if code != exitBadUsage || out != "" || strings.Count(strings.TrimSpace(errOut), "\n") != 0 ||
		!strings.Contains(errOut, "guardrail vpc-only would restrict nothing") {
		t.Fatalf("want exit 2 and one sentence; exit %d\n%s\n%s", code, out, errOut)
	}
	if got := sortedSnapshot(t, state, researchRole); !reflect.DeepEqual(got, before) {
		t.Fatal("a refused change changed the role")
	}
	// With FullAccess kept, the guardrail restricts FullAccess's calls.
	code, out, errOut = runCLI(t, "--sandbox-state", state, "--dry-run", "modify", researchRole, "--add-guardrail", "vpc-only")
	if code != 0 || !strings.Contains(out, "Guardrail vpc-only restricts") {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
}

func TestModifyWithoutTerminalShowsTheReviewAndNeedsYes(t *testing.T) {
	dir := isolate(t)
	state := filepath.Join(dir, "account.json")
	before := sortedSnapshot(t, state, researchRole)
	code, out, errOut := runCLI(t, "--sandbox-state", state, "modify", researchRole, "--attach", "arn:aws:iam::aws:policy/AdministratorAccess")
	if code != exitBadUsage || out != "" {
		t.Fatalf("want exit 2 and nothing on stdout; exit %d\n%s", code, out)
	}
	for _, want := range []string{"+arn:aws:iam::aws:policy/AdministratorAccess", "Who runs as", "every action on every resource", "--yes"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
	if got := sortedSnapshot(t, state, researchRole); !reflect.DeepEqual(got, before) {
		t.Fatal("the role changed without --yes")
	}
}

func TestModifyBadInput(t *testing.T) {
	dir := isolate(t)
	state := filepath.Join(dir, "account.json")
	invalid := writeFile(t, dir, "invalid.json", `{"Version": "2012-10-17", "Statement": [`)
	trust := writeFile(t, dir, "trust.json", policy.Trust())
	acl := writeFile(t, dir, "acl.json", modifyACLOnBucket)
	eleven := []string{}
	for _, p := range []string{"AmazonSageMakerReadOnly", "AmazonSageMakerCanvasFullAccess", "AmazonS3ReadOnlyAccess", "CloudWatchLogsFullAccess",
		"CloudWatchReadOnlyAccess", "AmazonEC2ContainerRegistryReadOnly", "AmazonAthenaFullAccess", "AWSGlueConsoleFullAccess",
		"SecretsManagerReadWrite", "AmazonSageMakerFeatureStoreAccess"} {
		eleven = append(eleven, "--attach", "arn:aws:iam::aws:policy/"+p)
	}
	before := sortedSnapshot(t, state, researchRole)
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no role", []string{"modify"}, "modify needs the ROLE"},
		{"unknown role", []string{"modify", "NoSuchRole", "--attach", "full"}, "role NoSuchRole does not exist"},
		{"unknown role shown", []string{"modify", "NoSuchRole"}, "role NoSuchRole does not exist"},
		{"unknown inline policy", []string{"modify", researchRole, "--delete-inline", "nope"}, "has no inline policy named nope"},
		{"unreadable file", []string{"modify", researchRole, "--put-inline", "x=" + filepath.Join(dir, "missing.json")}, "cannot be read: no such file or directory"},
		{"invalid JSON file", []string{"modify", researchRole, "--put-inline", "x=" + invalid}, "is not valid JSON"},
		{"trust policy as inline", []string{"modify", researchRole, "--put-inline", "x=" + trust}, "names a Principal"},
		{"put-inline without =", []string{"modify", researchRole, "--put-inline", invalid}, "is not of the form NAME=FILE"},
		{"detach not attached", []string{"modify", researchRole, "--detach", "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"}, "is not attached to role"},
		{"attach past the quota", append([]string{"modify", researchRole}, eleven...), "IAM allows at most 10 per role"},
		{"unknown guardrail", []string{"modify", researchRole, "--add-guardrail", "moat"}, "moat"},
		{"a document with validator errors", []string{"modify", researchRole, "--yes", "--put-inline", "acl=" + acl},
			"policy file " + acl + " for --put-inline acl does not do what it says, so nothing was sent"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runCLI(t, append([]string{"--sandbox-state", state}, tt.args...)...)
			if code != exitBadUsage {
				t.Fatalf("exit %d, want %d; stderr %q", code, exitBadUsage, errOut)
			}
			if out != "" {
				t.Errorf("stdout should be empty on bad input, got %q", out)
			}
			if !strings.Contains(errOut, tt.want) {
				t.Errorf("stderr %q does not say %q", errOut, tt.want)
			}
			if n := strings.Count(strings.TrimSpace(errOut), "\n"); n > 0 {
				t.Errorf("want one line on stderr, got %d:\n%s", n+1, errOut)
			}
		})
	}
	if got := sortedSnapshot(t, state, researchRole); !reflect.DeepEqual(got, before) {
		t.Fatal("bad input changed the role")
	}
}

// modifyACLOnBucket grants nothing: PutObjectAcl acts on objects.
const modifyACLOnBucket = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetBucketAcl","s3:PutObjectAcl"],"Resource":"arn:aws:s3:::team-raw-data"}]}`

// TestModifyForcePutsADocumentWithErrors: --force sends what the validator
// refuses, and the review says what it found.
func TestModifyForcePutsADocumentWithErrors(t *testing.T) {
	dir := isolate(t)
	state := filepath.Join(dir, "account.json")
	acl := writeFile(t, dir, "acl.json", modifyACLOnBucket)
	code, out, errOut := runCLI(t, "--sandbox-state", state, "modify", researchRole, "--yes", "--force", "--put-inline", "acl="+acl)
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	if !strings.Contains(out, "warning: inline policy acl ("+acl+":1:84), statement 1: error (put anyway, --force): s3:PutObjectAcl acts on") {
		t.Errorf("the review does not show the forced error:\n%s", out)
	}
	if got := sortedSnapshot(t, state, researchRole).Inline["acl"]; got != modifyACLOnBucket {
		t.Errorf("inline policy acl = %q, want the document as given", got)
	}
}

func TestModifyOnMotoThenUndo(t *testing.T) {
	dir := isolate(t)
	g := motoArgs(t)
	ctx := context.Background()
	b, err := awsapi.New(ctx, awsapi.Options{Region: "us-east-1", EndpointURL: g[1]})
	if err != nil {
		t.Fatal(err)
	}
	lambdaTrust := `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}}`
	if _, err := b.CreateRole(ctx, awsops.CreateRoleInput{Name: "fn-role", Path: "/jobs/", TrustPolicy: lambdaTrust}); err != nil {
		t.Fatal(err)
	}
	if err := b.PutRolePolicy(ctx, "fn-role", "keep", modifyExtraPolicy); err != nil {
		t.Fatal(err)
	}
	read := func() roleSnapshot {
		r, err := b.GetRole(ctx, "fn-role")
		if err != nil {
			t.Fatal(err)
		}
		att, _ := b.ListAttachedRolePolicies(ctx, "fn-role")
		names, _ := b.ListRolePolicies(ctx, "fn-role")
		s := roleSnapshot{Trust: r.TrustPolicy, Tags: r.Tags, Attached: att, Inline: map[string]string{}}
		for _, n := range names {
			s.Inline[n], _ = b.GetRolePolicy(ctx, "fn-role", n)
		}
		return s
	}
	before := read()
	extra := writeFile(t, dir, "extra.json", strings.Replace(modifyExtraPolicy, "team-raw-data", "ml-models-prod", 1))
	args := append(g, "--yes", "modify", "arn:aws:iam::123456789012:role/jobs/fn-role", "--fix-trust", "--attach", "full",
		"--put-inline", "keep="+extra, "--add-guardrail", "notebook-no-root")
	code, out, errOut := runCLI(t, args...)
	if code != 0 {
		t.Fatalf("modify on moto: exit %d\n%s\n%s", code, out, errOut)
	}
	changed := read()
	if !strings.HasPrefix(changed.Trust, `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"},`) {
		t.Errorf("the Lambda statement was not kept byte for byte:\n%s", changed.Trust)
	}
	if len(changed.Attached) != 1 || len(changed.Inline) != 2 {
		t.Errorf("changed %+v", changed)
	}
	if code, out, errOut := runCLI(t, append(g, "undo", "--yes")...); code != 0 {
		t.Fatalf("undo on moto: exit %d\n%s\n%s", code, out, errOut)
	}
	if got := read(); !reflect.DeepEqual(got, before) {
		t.Fatalf("after undo the role differs on moto:\n got %+v\nwant %+v", got, before)
	}
	// Showing works on moto too, whatever SageMaker calls it lacks.
	if code, out, errOut := runCLI(t, append(g, "modify", "fn-role")...); code != 0 || !strings.Contains(out, "Role fn-role") {
		t.Errorf("show on moto: exit %d\n%s\n%s", code, out, errOut)
	}
}
