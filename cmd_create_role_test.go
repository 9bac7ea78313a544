package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/sagerole/sagerole/awsops"
	"github.com/sagerole/sagerole/awsops/awsapi"
	"github.com/sagerole/sagerole/awsops/sandbox"
	"github.com/sagerole/sagerole/flows/policy"
)

// readBack is what the scenario checks of a role, as the backend reports it.
type readBack struct {
	TrustsSageMaker bool
	Attached        []string
	Inline          map[string]string // name → canonical document
	Buckets         []string          // granted by sagerole-buckets
	Tags            []awsops.Tag
}

func readRoleBack(t *testing.T, r awsops.Reader, name string) readBack {
	t.Helper()
	ctx := context.Background()
	id, err := r.CallerIdentity(ctx)
	if err != nil {
		t.Fatal(err)
	}
	role, err := r.GetRole(ctx, name)
	if err != nil {
		t.Fatalf("role %s: %v", name, err)
	}
	trust, err := policy.Parse(role.TrustPolicy)
	if err != nil {
		t.Fatalf("trust policy of %s does not parse: %v", name, err)
	}
	rb := readBack{TrustsSageMaker: policy.TrustsSageMaker(trust), Inline: map[string]string{}, Tags: role.Tags}
	att, err := r.ListAttachedRolePolicies(ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range att {
		rb.Attached = append(rb.Attached, p.ARN)
	}
	names, err := r.ListRolePolicies(ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		doc, err := r.GetRolePolicy(ctx, name, n)
		if err != nil {
			t.Fatal(err)
		}
		d, err := policy.Parse(doc)
		if err != nil {
			t.Fatalf("inline policy %s does not parse: %v", n, err)
		}
		// The sandbox and moto are different accounts; the documents must
		// otherwise be the same.
		rb.Inline[n] = strings.ReplaceAll(d.String(), id.Account, "ACCOUNT")
		if n == policy.BucketPolicyName {
			for _, g := range policy.BucketsIn(d) {
				rb.Buckets = append(rb.Buckets, g.String())
			}
		}
	}
	return rb
}

// createAndAddScenario runs create-role and add-buckets through the command
// line with global flags g, and reads the results back through r.
func createAndAddScenario(t *testing.T, g []string, r func() awsops.Reader) map[string]readBack {
	t.Helper()
	cli := func(args ...string) string {
		t.Helper()
		code, out, errOut := runCLI(t, append(append([]string{}, g...), args...)...)
		if code != 0 {
			t.Fatalf("%v: exit %d\n%s\n%s", args, code, out, errOut)
		}
		return out
	}
	cli("--yes", "create-role", "ds-role", "--path", "/service-role/", "--bucket", "research-datasets", "--tag", "team=ml")
	cli("--yes", "add-buckets", "ds-role", "scenario-new-data", "research-datasets", "--create-missing")
	if out := cli("--yes", "add-buckets", "ds-role", "scenario-new-data", "research-datasets"); !strings.Contains(out, "Nothing to do") {
		t.Errorf("adding buckets the role already has should change nothing:\n%s", out)
	}
	cli("--yes", "create-role", "ml-train", "--persona", "data-scientist", "--activity", "training", "--bucket", "research-datasets/curated",
		"--guardrail", "network-isolation", "--log-groups")
	return map[string]readBack{"ds-role": readRoleBack(t, r(), "ds-role"), "ml-train": readRoleBack(t, r(), "ml-train")}
}

func TestCreateRoleAndAddBucketsSandboxMatchesMoto(t *testing.T) {
	dir := isolate(t)
	state := filepath.Join(dir, "account.json")
	onSandbox := createAndAddScenario(t, []string{"--sandbox-state", state}, func() awsops.Reader {
		acct, err := sandbox.Open(state, sandbox.Options{})
		if err != nil {
			t.Fatal(err)
		}
		return acct
	})

	g := motoArgs(t)
	t.Setenv("XDG_STATE_HOME", filepath.Join(dir, "moto-state"))
	onMoto := createAndAddScenario(t, g, func() awsops.Reader {
		b, err := awsapi.New(context.Background(), awsapi.Options{Region: "us-east-1", EndpointURL: g[1]})
		if err != nil {
			t.Fatal(err)
		}
		return b
	})

	ds := onSandbox["ds-role"]
	if !ds.TrustsSageMaker || !slices.Equal(ds.Attached, []string{policy.FullAccessARN}) {
		t.Errorf("ds-role on the sandbox: trust %v, attached %v", ds.TrustsSageMaker, ds.Attached)
	}
	if !slices.Contains(ds.Tags, awsops.Tag{Key: "team", Value: "ml"}) {
		t.Errorf("ds-role tags %v lack team=ml", ds.Tags)
	}
	if want := []string{"research-datasets", "scenario-new-data"}; !slices.Equal(ds.Buckets, want) {
		t.Errorf("ds-role buckets %v, want %v (each once)", ds.Buckets, want)
	}
	// The persona's scope is split across sagerole-scope, -2…
	scope := ""
	for n, d := range onSandbox["ml-train"].Inline {
		if strings.HasPrefix(n, policy.ScopePolicyName) {
			scope += d
		}
	}
	if ml := onSandbox["ml-train"]; len(ml.Attached) != 0 || ml.Inline[policy.ScopePolicyName] == "" || !strings.Contains(scope, "sagemaker:NetworkIsolation") {
		t.Errorf("ml-train should have the custom scope with the network-isolation guardrail and nothing attached: %+v", ml)
	}
	for name, sb := range onSandbox {
		if !reflect.DeepEqual(sb, onMoto[name]) {
			t.Errorf("%s differs between the sandbox and moto:\nsandbox %+v\nmoto    %+v", name, sb, onMoto[name])
		}
	}
}

func TestCreateRoleDryRunJSONSendsNothing(t *testing.T) {
	dir := isolate(t)
	state := filepath.Join(dir, "account.json")
	code, out, errOut := runCLI(t, "--sandbox-state", state, "--dry-run", "--output", "json", "create-role", "jobs",
		"--persona", "compute", "--bucket", "ml-models-prod", "--read-only", "--description", "jobs' role")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var v awsops.PlanView
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatalf("plan json: %v\n%s", err, out)
	}
	var apis []string
	for _, s := range v.Steps {
		apis = append(apis, s.API)
		if !strings.HasPrefix(s.CLI, "aws iam ") || s.Undo == "" {
			t.Errorf("step %s lacks its CLI or undo: %+v", s.API, s)
		}
	}
	if want := []string{awsops.APICreateRole, awsops.APIPutRolePolicy, awsops.APIPutRolePolicy}; !v.DryRun || !slices.Equal(apis, want) {
		t.Errorf("dry run plan %v (dryRun %v), want %v", apis, v.DryRun, want)
	}
	if !strings.Contains(string(v.Steps[2].Documents["policyDocument"]), "ml-models-prod") || strings.Contains(string(v.Steps[2].Documents["policyDocument"]), "s3:PutObject") {
		t.Errorf("read-only bucket policy wrong: %s", v.Steps[2].Documents["policyDocument"])
	}
	acct, err := sandbox.Open(state, sandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := acct.GetRole(context.Background(), "jobs"); !awsops.IsNotFound(err) {
		t.Errorf("a dry run created the role: %v", err)
	}
}

func TestCreateRoleAndAddBucketsBadInput(t *testing.T) {
	dir := isolate(t)
	state := filepath.Join(dir, "account.json")
	tooMany := []string{"create-role", "r"}
	for i := range 51 {
		tooMany = append(tooMany, "--tag", "k"+strings.Repeat("x", i)+"=v")
	}
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"name too long", []string{"create-role", strings.Repeat("a", 65)}, "at most 64"},
		{"name bad character", []string{"create-role", "my role"}, "character IAM does not allow"},
		{"no name", []string{"create-role"}, "needs the role's NAME"},
		{"path not /a/b/", []string{"create-role", "r", "--path", "service-role"}, "of the form /a/b/"},
		{"tag not KEY=VALUE", []string{"create-role", "r", "--tag", "team"}, "KEY=VALUE"},
		{"tag key reserved", []string{"create-role", "r", "--tag", "aws:x=1"}, "reserves"},
		{"tag value too long", []string{"create-role", "r", "--tag", "k=" + strings.Repeat("v", 257)}, "256"},
		{"too many tags", tooMany, "at most 50"},
		{"unknown activity", []string{"create-role", "r", "--activity", "juggling"}, "juggling"},
		{"unknown guardrail", []string{"create-role", "r", "--guardrail", "moat"}, "moat"},
		{"unknown persona", []string{"create-role", "r", "--persona", "wizard"}, "wizard"},
		{"malformed KMS key", []string{"create-role", "r", "--activity", "training", "--kms-key", "my-key"}, "KMS key"},
		{"invalid bucket", []string{"create-role", "r", "--bucket", "Bad_Bucket"}, "bucket name"},
		{"invalid CIDR", []string{"create-role", "r", "--activity", "training", "--source-ip", "10.0.0.0/40"}, "CIDR"},
		{"full with activities", []string{"create-role", "r", "--scope", "full", "--activity", "training"}, "--scope full"},
		{"unknown scope", []string{"create-role", "r", "--scope", "some"}, "full or custom"},
		{"role exists", []string{"create-role", "LambdaBasic"}, "sagerole modify LambdaBasic"},
		{"add-buckets invalid bucket", []string{"add-buckets", "LambdaBasic", "a..b"}, "bucket name"},
		{"add-buckets unknown role", []string{"add-buckets", "NoSuchRole", "team-raw-data"}, "does not exist"},
		{"add-buckets missing bucket", []string{"add-buckets", "LambdaBasic", "not-created-yet"}, "--create-missing"},
		{"add-buckets no bucket", []string{"add-buckets", "LambdaBasic"}, "at least one BUCKET"},
		{"add-buckets bad prefix", []string{"add-buckets", "LambdaBasic", "team-raw-data", "--prefix", "a//b"}, "prefix"},
		{"policy unknown kind", []string{"policy", "nonsense"}, "not one of"},
		{"KMS alias", []string{"create-role", "r", "--activity", "training", "--kms-key", "arn:aws:kms:us-east-1:111122223333:alias/ml"}, "give the key ARN"},
		{"guardrail with nothing to restrict", []string{"create-role", "r", "--persona", "compute", "--guardrail", "network-isolation"}, "would restrict nothing"},
		{"bad subnet", []string{"create-role", "r", "--persona", "data-scientist", "--subnet", "subnet-1"}, "subnet ID"},
		{"pass-role that does not exist", []string{"create-role", "r", "--persona", "data-scientist", "--pass-role", "Nobody"}, "--pass-role"},
	}
	// Seed the state file once; nothing below may change it.
	if code, _, errOut := runCLI(t, "--sandbox-state", state, "find", "--whoami"); code != 0 {
		t.Fatal(errOut)
	}
	seeded, err := os.ReadFile(state)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runCLI(t, append([]string{"--sandbox-state", state, "--yes"}, tt.args...)...)
			if code != exitBadUsage {
				t.Fatalf("exit %d, want 2\nstdout %s\nstderr %s", code, out, errOut)
			}
			if !strings.Contains(errOut, tt.want) {
				t.Errorf("stderr %q does not say %q", errOut, tt.want)
			}
			if n := strings.Count(strings.TrimSpace(errOut), "\n"); n > 0 {
				t.Errorf("want one sentence on one line, got:\n%s", errOut)
			}
			if now, _ := os.ReadFile(state); !bytes.Equal(now, seeded) {
				t.Error("bad input changed the sandbox account")
			}
		})
	}
}

func TestAddBucketsTeachesFullAccess(t *testing.T) {
	dir := isolate(t)
	state := filepath.Join(dir, "account.json")
	code, out, errOut := runCLI(t, "--sandbox-state", state, "--yes", "add-buckets", "AmazonSageMaker-ExecutionRole-Research",
		"team-raw-data", "sagemaker-us-east-1-111122223333")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	for _, want := range []string{"team-raw-data is not, which is why the role got AccessDenied", "already lets this role read and write objects in sagemaker-us-east-1-111122223333"} {
		if !strings.Contains(out, want) {
			t.Errorf("output does not teach %q:\n%s", want, out)
		}
	}
	acct, _ := sandbox.Open(state, sandbox.Options{})
	rb := readRoleBack(t, acct, "AmazonSageMaker-ExecutionRole-Research")
	if _, ok := rb.Inline["research-datasets-access"]; !ok {
		t.Error("add-buckets touched another inline policy")
	}
	if want := []string{"sagemaker-us-east-1-111122223333", "team-raw-data"}; !slices.Equal(rb.Buckets, want) {
		t.Errorf("buckets %v, want %v", rb.Buckets, want)
	}
}

func TestPolicyCommand(t *testing.T) {
	isolate(t)
	for _, args := range [][]string{
		{"policy", "trust"}, {"policy", "full"}, {"policy", "activity", "training", "--bucket", "team-raw-data"},
		{"policy", "guardrail", "instance-types", "--instance-type", "ml.m5.xlarge"}, {"policy", "persona", "mlops"},
		{"policy", "s3", "--bucket", "team-raw-data", "--prefix", "curated", "--read-only"},
	} {
		code, out, errOut := runCLI(t, args...)
		if code != 0 {
			t.Fatalf("%v: exit %d, %s", args, code, errOut)
		}
		var doc map[string]any
		if err := json.Unmarshal([]byte(out), &doc); err != nil {
			t.Errorf("%v printed no JSON document: %v\n%s", args, err, out)
		}
	}
	// A persona's activities come first, by name, on stderr: stdout stays
	// the document, for sagerole policy lint -.
	code, out, errOut := runCLI(t, "policy", "persona", "data-scientist", "--bucket", "team-raw-data")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(errOut), "\n")
	if !strings.HasPrefix(lines[0], "Persona data-scientist: SageMaker Role Manager's Data Scientist") {
		t.Errorf("first line %q", lines[0])
	}
	acts, _ := policy.PersonaActivities(policy.DataScientist)
	for i, a := range acts {
		if i+1 >= len(lines) || strings.Fields(lines[i+1])[0] != a {
			t.Errorf("line %d does not name %s:\n%s", i+2, a, errOut)
		}
	}
	if strings.Contains(errOut, "left out") {
		t.Errorf("s3-buckets said left out though a bucket is named:\n%s", errOut)
	}
	var persona policy.Document
	if err := json.Unmarshal([]byte(out), &persona); err != nil || len(persona.Statement) == 0 {
		t.Errorf("stdout is not the persona's document: %v", err)
	}
	// The trust policy of the activities that need another service.
	_, out, _ = runCLI(t, "policy", "trust", "--activity", "pipelines")
	trust, err := policy.Parse(out)
	if err != nil || !policy.Trusts(trust, "scheduler.amazonaws.com") || !policy.TrustsSageMaker(trust) {
		t.Errorf("policy trust --activity pipelines: %v\n%s", err, out)
	}
	_, out, _ = runCLI(t, "policy", "s3", "--bucket", "team-raw-data", "--prefix", "curated")
	if !strings.Contains(out, "arn:aws:s3:::team-raw-data/curated/*") {
		t.Errorf("s3 policy ignores the prefix:\n%s", out)
	}
}

// The dry run's printed commands, run by the real AWS CLI against moto,
// create the role the plan describes: the CLI equivalents are runnable as
// printed.
func TestPrintedCLIRunsAgainstMoto(t *testing.T) {
	if _, err := exec.LookPath("aws"); err != nil {
		t.Skip("the AWS CLI is not installed")
	}
	isolate(t)
	g := motoArgs(t)
	code, out, errOut := runCLI(t, append(g, "--dry-run", "--output", "json", "create-role", "printed-role",
		"--path", "/service-role/", "--description", "it's printed", "--tag", "team=a b",
		"--bucket", "team-raw-data", "--persona", "compute")...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var v awsops.PlanView
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatal(err)
	}
	for _, s := range v.Steps {
		cmd := exec.Command("bash", "-c", s.CLI)
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("printed command failed: %v\n$ %s\n%s", err, s.CLI, b)
		}
	}
	b, err := awsapi.New(context.Background(), awsapi.Options{Region: "us-east-1", EndpointURL: g[1]})
	if err != nil {
		t.Fatal(err)
	}
	rb := readRoleBack(t, b, "printed-role")
	if !rb.TrustsSageMaker || rb.Inline[policy.ScopePolicyName] == "" || !slices.Equal(rb.Buckets, []string{"team-raw-data"}) {
		t.Errorf("role made by the printed commands: %+v", rb)
	}
	if !slices.Contains(rb.Tags, awsops.Tag{Key: "team", Value: "a b"}) {
		t.Errorf("tags %v", rb.Tags)
	}
}
