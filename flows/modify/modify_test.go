package modify

import (
	"context"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/sagerole/sagerole/awsops"
	"github.com/sagerole/sagerole/awsops/awsapi"
	"github.com/sagerole/sagerole/awsops/motoserver"
	"github.com/sagerole/sagerole/awsops/rules"
	"github.com/sagerole/sagerole/awsops/sandbox"
	"github.com/sagerole/sagerole/flows/find"
	"github.com/sagerole/sagerole/flows/policy"
)

// moto is this package's one moto_server, started by the first test that
// needs it and stopped by TestMain.
var moto, stopMoto = motoserver.Shared()

func TestMain(m *testing.M) {
	code := m.Run()
	stopMoto()
	os.Exit(code)
}

const (
	research   = "AmazonSageMaker-ExecutionRole-Research"
	restricted = "DataScientistRestricted"
	lambda     = "LambdaBasic"
	readOnlyS3 = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"
	extraDoc   = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::team-raw-data/*"}]}`
)

func newSandbox(t *testing.T) *sandbox.Account {
	t.Helper()
	acct, err := sandbox.New(sandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return acct
}

// roleState is everything of a role modify may change, in a form that
// compares exactly. Attached policies are sorted: IAM does not promise an
// order, and re-attaching puts a policy last.
type roleState struct {
	Trust    string
	Tags     []awsops.Tag
	Attached []string
	Inline   map[string]string
}

func readRole(t *testing.T, r awsops.Reader, name string) roleState {
	t.Helper()
	ctx := context.Background()
	role, err := r.GetRole(ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	att, err := r.ListAttachedRolePolicies(ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	s := roleState{Trust: role.TrustPolicy, Tags: role.Tags, Inline: map[string]string{}}
	for _, a := range att {
		s.Attached = append(s.Attached, a.ARN)
	}
	slices.Sort(s.Attached)
	names, err := r.ListRolePolicies(ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		if s.Inline[n], err = r.GetRolePolicy(ctx, name, n); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

// roundTrip plans in, runs it through the journaled executor, checks that
// the role changed, undoes it as `sagerole undo` does, and checks that the
// role reads back exactly as before.
func roundTrip(t *testing.T, b awsops.Backend, in Input) *Result {
	t.Helper()
	ctx := context.Background()
	name := in.Role
	before := readRole(t, b, name)
	res, err := Plan(ctx, b, in, Options{})
	if err != nil {
		t.Fatalf("plan: %v", err)
	}
	if len(res.Plan.Steps) == 0 {
		t.Fatalf("the plan has no step: %+v", res.Plan)
	}
	if len(res.Diffs) == 0 {
		t.Error("a change without a diff")
	}
	x := &awsops.Executor{Backend: b, Journal: &awsops.Journal{Dir: t.TempDir()}, BackendName: "test"}
	e, err := x.Run(ctx, res.Plan)
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	changed := readRole(t, b, name)
	if reflect.DeepEqual(changed, before) {
		t.Fatal("the run changed nothing")
	}
	// Planning the same change again finds nothing to do (a delete or a
	// detach is refused instead: what it names is gone).
	if !removes(in) {
		if again, err := Plan(ctx, b, in, Options{}); err != nil || len(again.Plan.Steps) > 0 {
			t.Errorf("the change is not idempotent; a second plan: %v, %+v", err, again)
		}
	}
	if _, err := x.Rollback(ctx, e); err != nil {
		t.Fatalf("undo: %v", err)
	}
	if got := readRole(t, b, name); !reflect.DeepEqual(got, before) {
		t.Fatalf("after undo the role differs from before:\n got %+v\nwant %+v", got, before)
	}
	return res
}

// removes reports whether the input deletes or detaches something.
func removes(in Input) bool { return len(in.DeleteInline) > 0 || len(in.Detach) > 0 }

type roundTripCase struct {
	name string
	in   Input
}

// changeKinds is one input per kind of change, on a role with FullAccess
// and an inline policy (main), a role that trusts only Lambda (other), and
// a bucket that exists.
func changeKinds(main, inlineName, other, bucket string) []roundTripCase {
	return []roundTripCase{
		{"attach", Input{Role: main, Attach: []string{readOnlyS3}}},
		{"detach full", Input{Role: main, Detach: []string{"full"}}},
		{"attach full", Input{Role: other, Attach: []string{"full"}}},
		{"put new inline", Input{Role: main, PutInline: []Inline{{Name: "extra", File: "extra.json", Document: extraDoc}}}},
		{"replace inline", Input{Role: main, PutInline: []Inline{{Name: inlineName, File: "x.json", Document: extraDoc}}}},
		{"delete inline", Input{Role: main, DeleteInline: []string{inlineName}}},
		{"add bucket", Input{Role: main, AddBuckets: []string{bucket}}},
		{"add activity", Input{Role: main, Scope: policy.Scope{Activities: []string{policy.Training}}}},
		{"add guardrails", Input{Role: main, Scope: policy.Scope{Guardrails: []string{policy.NetworkIsolation}, InstanceTypes: []string{"ml.m5.xlarge"}}}},
		{"fix trust", Input{Role: other, FixTrust: true}},
		{"everything at once", Input{Role: other, FixTrust: true, Attach: []string{"full", readOnlyS3},
			PutInline: []Inline{{Name: "extra", File: "e.json", Document: extraDoc}}, AddBuckets: []string{bucket + "/curated"},
			Scope: policy.Scope{Activities: []string{policy.Processing}, Guardrails: []string{policy.VPCOnly}}}},
	}
}

func TestRoundTripOnSandbox(t *testing.T) {
	for _, c := range changeKinds(research, "research-datasets-access", lambda, "team-raw-data") {
		t.Run(c.name, func(t *testing.T) {
			roundTrip(t, newSandbox(t), c.in)
		})
	}
}

// motoTrust is a trust policy written the way people write them, to prove
// that moto (and so IAM) gives back the bytes sagerole sent, and that
// --fix-trust keeps them.
const motoTrust = "{\n    \"Version\": \"2012-10-17\",\n    \"Statement\": [\n        {\n            \"Effect\": \"Allow\",\n            \"Principal\": { \"Service\": \"lambda.amazonaws.com\" },\n            \"Action\": \"sts:AssumeRole\"\n        }\n    ]\n}"

func TestRoundTripOnMoto(t *testing.T) {
	srv := moto(t)
	srv.Reset(t)
	motoserver.Env(t)
	ctx := context.Background()
	b, err := awsapi.New(ctx, awsapi.Options{Region: "us-east-1", EndpointURL: srv.URL()})
	if err != nil {
		t.Fatal(err)
	}
	setup := []func() error{
		func() error {
			_, err := b.CreateRole(ctx, awsops.CreateRoleInput{Name: "ds-role", Path: "/service-role/", TrustPolicy: policy.Trust(),
				Tags: []awsops.Tag{{Key: "team", Value: "research"}}})
			return err
		},
		func() error { return b.AttachRolePolicy(ctx, "ds-role", policy.FullAccessARN) },
		func() error {
			return b.PutRolePolicy(ctx, "ds-role", "datasets", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject"],"Resource":"arn:aws:s3:::research-datasets/*"}]}`)
		},
		func() error {
			_, err := b.CreateRole(ctx, awsops.CreateRoleInput{Name: "lambda-role", TrustPolicy: motoTrust})
			return err
		},
		func() error { return b.CreateBucket(ctx, "team-raw-data", "us-east-1") },
	}
	for _, f := range setup {
		if err := f(); err != nil {
			t.Fatalf("setting up moto: %v", err)
		}
	}
	if got := readRole(t, b, "lambda-role").Trust; got != motoTrust {
		t.Fatalf("moto does not give back the trust policy as sent:\n%q", got)
	}
	for _, c := range changeKinds("ds-role", "datasets", "lambda-role", "team-raw-data") {
		t.Run(c.name, func(t *testing.T) {
			roundTrip(t, b, c.in)
		})
	}
	t.Run("fix trust keeps the other statement byte for byte on moto", func(t *testing.T) {
		res, err := Plan(ctx, b, Input{Role: "lambda-role", FixTrust: true}, Options{})
		if err != nil {
			t.Fatal(err)
		}
		x := &awsops.Executor{Backend: b, Journal: &awsops.Journal{Dir: t.TempDir()}, BackendName: "test"}
		e, err := x.Run(ctx, res.Plan)
		if err != nil {
			t.Fatal(err)
		}
		got := readRole(t, b, "lambda-role").Trust
		if before, after := statementsOf(t, motoTrust), statementsOf(t, got); len(after) != 2 || after[0] != before[0] {
			t.Errorf("the Lambda statement changed:\nwas %s\nnow %s", before[0], after[0])
		}
		if _, err := x.Rollback(ctx, e); err != nil {
			t.Fatal(err)
		}
	})
}

func TestPlanBadInput(t *testing.T) {
	big := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":[` +
		strings.TrimSuffix(strings.Repeat(`"arn:aws:s3:::a-bucket-with-a-rather-long-name-for-this-test/some/prefix/*",`, 150), ",") + `]}]}`
	elevenPolicies := []string{
		"arn:aws:iam::aws:policy/AmazonSageMakerReadOnly", "arn:aws:iam::aws:policy/AmazonSageMakerCanvasFullAccess",
		"arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess", "arn:aws:iam::aws:policy/CloudWatchLogsFullAccess",
		"arn:aws:iam::aws:policy/CloudWatchReadOnlyAccess", "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly",
		"arn:aws:iam::aws:policy/AmazonAthenaFullAccess", "arn:aws:iam::aws:policy/AWSGlueConsoleFullAccess",
		"arn:aws:iam::aws:policy/SecretsManagerReadWrite", "arn:aws:iam::aws:policy/AmazonSageMakerFeatureStoreAccess",
	}
	tests := []struct {
		name  string
		in    Input
		field string
		want  string
	}{
		{"unknown role", Input{Role: "NoSuchRole", Attach: []string{"full"}}, "role", "role NoSuchRole does not exist"},
		{"unknown role ARN", Input{Role: "arn:aws:iam::111122223333:role/NoSuchRole", FixTrust: true}, "role", "does not exist"},
		{"unknown inline policy", Input{Role: research, DeleteInline: []string{"nope"}}, "delete-inline", "role AmazonSageMaker-ExecutionRole-Research has no inline policy named nope (it has: research-datasets-access)"},
		{"invalid JSON", Input{Role: research, PutInline: []Inline{{Name: "x", File: "x.json", Document: `{"Version":`}}}, "", "is not valid JSON"},
		{"trust policy given as inline", Input{Role: research, PutInline: []Inline{{Name: "x", File: "trust.json", Document: policy.Trust()}}}, "put-inline", "names a Principal"},
		{"statement without a resource", Input{Role: research, PutInline: []Inline{{Name: "x", File: "x.json", Document: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject"}]}`}}}, "put-inline", "no Resource"},
		{"detach not attached", Input{Role: research, Detach: []string{readOnlyS3}}, "detach", "is not attached to role AmazonSageMaker-ExecutionRole-Research"},
		{"attach past the quota", Input{Role: research, Attach: elevenPolicies}, "attach", "would have 11 managed policies attached; IAM allows at most 10 per role (PoliciesPerRole quota)"},
		{"attach a policy that does not exist", Input{Role: research, Attach: []string{"arn:aws:iam::111122223333:policy/nope"}}, "attach", "does not exist"},
		{"attach something that is not an ARN", Input{Role: research, Attach: []string{"AmazonS3ReadOnlyAccess"}}, "attach", "is not full or a managed policy ARN"},
		{"attach and detach the same", Input{Role: research, Attach: []string{"full"}, Detach: []string{policy.FullAccessARN}}, "detach", "both --attach and --detach"},
		{"inline total over the quota", Input{Role: research, PutInline: []Inline{{Name: "a", File: "a.json", Document: big}, {Name: "b", File: "b.json", Document: big}}}, "policy size", "RolePolicySizeQuota"},
		{"unknown activity", Input{Role: research, Scope: policy.Scope{Activities: []string{"juggling"}}}, "activity", "juggling"},
		{"guardrail without its parameter", Input{Role: research, Scope: policy.Scope{Guardrails: []string{policy.SourceIP}}}, "source IP", "--source-ip"},
		{"missing bucket", Input{Role: research, AddBuckets: []string{"no-such-bucket-here"}}, "add-bucket", "bucket no-such-bucket-here does not exist"},
		{"invalid bucket", Input{Role: research, AddBuckets: []string{"Bad_Bucket"}}, "bucket", "Bad_Bucket"},
		{"put and merge the same family", Input{Role: research, AddBuckets: []string{"team-raw-data"}, PutInline: []Inline{{Name: "sagerole-buckets", File: "b.json", Document: extraDoc}}}, "put-inline", "run them separately"},
		{"service-linked role", Input{Role: "AWSServiceRoleForAmazonSageMakerNotebooks", Attach: []string{"full"}}, "role", "only AWS may change"},
		{"no change", Input{Role: research}, "change", "no change asked for"},
		{"a document the validator finds errors in", Input{Role: research, PutInline: []Inline{{Name: "acl", File: "acl.json", Document: aclOnBucket}}},
			"put-inline", "policy file acl.json for --put-inline acl does not do what it says, so nothing was sent: inline policy acl (acl.json:1:84), statement 1: error: s3:PutObjectAcl acts on"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			acct := newSandbox(t)
			before := readRole(t, acct, research)
			res, err := Plan(context.Background(), acct, tt.in, Options{})
			var ie *rules.InputError
			if err == nil || !asInput(err, &ie) {
				t.Fatalf("want an input error, got %v (plan %+v)", err, res)
			}
			if tt.field != "" && ie.Field != tt.field {
				t.Errorf("field %q, want %q (%v)", ie.Field, tt.field, err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not say %q", err, tt.want)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error is more than one line: %q", err)
			}
			if calls := acct.Calls(); writes(calls) > 0 {
				t.Errorf("bad input sent writes: %v", calls)
			}
			if got := readRole(t, acct, research); !reflect.DeepEqual(got, before) {
				t.Error("bad input changed the role")
			}
		})
	}
}

func asInput(err error, target **rules.InputError) bool {
	if !rules.IsInput(err) {
		return false
	}
	for e := err; e != nil; {
		if ie, ok := e.(*rules.InputError); ok {
			*target = ie
			return true
		}
		u, ok := e.(interface{ Unwrap() error })
		if !ok {
			return false
		}
		e = u.Unwrap()
	}
	return false
}

// writes counts the calls to write APIs in a sandbox's call counts.
func writes(calls map[string]int) int {
	n := 0
	for api, c := range calls {
		for _, w := range []string{awsops.APICreateRole, awsops.APIDeleteRole, awsops.APIUpdateAssumeRolePolicy, awsops.APIAttachRolePolicy,
			awsops.APIDetachRolePolicy, awsops.APIPutRolePolicy, awsops.APIDeleteRolePolicy, awsops.APITagRole, awsops.APIUntagRole,
			awsops.APICreateBucket, awsops.APIDeleteBucket} {
			if api == w {
				n += c
			}
		}
	}
	return n
}

// aclOnBucket is seed 000's mistake: PutObjectAcl acts on objects, so on a
// bucket ARN it grants nothing.
const aclOnBucket = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetBucketAcl","s3:PutObjectAcl"],"Resource":"arn:aws:s3:::team-raw-data"}]}`

// TestPutInlineIsLinted checks what the validator's findings decide: an
// error refuses the plan (TestPlanBadInput), --force puts the document
// with the error shown as a warning, warnings and suggestions ride in the
// plan for the review.
func TestPutInlineIsLinted(t *testing.T) {
	ctx := context.Background()
	put := func(doc string, force bool) (*Result, error) {
		return Plan(ctx, newSandbox(t), Input{Role: research, Force: force,
			PutInline: []Inline{{Name: "extra", File: "extra.json", Document: doc}}}, Options{})
	}
	putsExtra := func(res *Result) bool {
		for _, op := range res.Plan.Steps {
			if op.API == awsops.APIPutRolePolicy && op.Args[awsops.ArgPolicyName] == "extra" {
				return true
			}
		}
		return false
	}
	has := func(l []string, parts ...string) bool {
		return slices.ContainsFunc(l, func(s string) bool {
			for _, p := range parts {
				if !strings.Contains(s, p) {
					return false
				}
			}
			return true
		})
	}

	if _, err := put(aclOnBucket, false); !rules.IsInput(err) {
		t.Fatalf("an error-level finding did not refuse the plan: %v", err)
	}
	res, err := put(aclOnBucket, true)
	if err != nil {
		t.Fatalf("--force: %v", err)
	}
	if !putsExtra(res) || !has(res.Plan.Warnings, "inline policy extra (extra.json:1:84), statement 1: error (put anyway, --force): s3:PutObjectAcl") {
		t.Errorf("--force: steps %v, warnings %q", res.Plan.Steps, res.Plan.Warnings)
	}

	ended := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["robomaker:ListRobots","appflow:ListFlows"],"Resource":"*"}]}`
	res, err = put(ended, false)
	if err != nil {
		t.Fatalf("warnings refused the plan: %v", err)
	}
	if !putsExtra(res) || !has(res.Plan.Warnings, "warning: robomaker:ListRobots", "AWS RoboMaker") || !has(res.Plan.Notes, "suggestion: appflow:ListFlows was not checked") {
		t.Errorf("warnings %q, notes %q", res.Plan.Warnings, res.Plan.Notes)
	}

	res, err = put(extraDoc, false)
	if err != nil || !putsExtra(res) {
		t.Fatalf("a clean document: %v", err)
	}
	for _, l := range append(res.Plan.Warnings, res.Plan.Notes...) {
		if strings.Contains(l, "inline policy extra (") {
			t.Errorf("a clean document has a finding: %s", l)
		}
	}
}

func TestWritesCountsSandboxWrites(t *testing.T) {
	acct := newSandbox(t)
	if err := acct.AttachRolePolicy(context.Background(), research, readOnlyS3); err != nil {
		t.Fatal(err)
	}
	if n := writes(acct.Calls()); n != 1 {
		t.Fatalf("writes() = %d after one attach; the bad-input test would prove nothing", n)
	}
}

func TestPlanNotesWhatChangesNothing(t *testing.T) {
	acct := newSandbox(t)
	res, err := Plan(context.Background(), acct, Input{Role: research, FixTrust: true, Attach: []string{"full"}}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Plan.Steps) != 0 {
		t.Fatalf("want no step, got %+v", res.Plan.Steps)
	}
	notes := strings.Join(res.Plan.Notes, "\n")
	for _, want := range []string{"already lets sagemaker.amazonaws.com assume it", "is already attached"} {
		if !strings.Contains(notes, want) {
			t.Errorf("notes lack %q:\n%s", want, notes)
		}
	}
}

func TestPlanWarnsAndShowsTheBlastRadius(t *testing.T) {
	acct := newSandbox(t)
	in := Input{Role: "mlops-pipeline-PipelineExecutionRole-7QX2M9KD4B1Z", Attach: []string{"arn:aws:iam::aws:policy/AdministratorAccess"},
		PutInline: []Inline{{Name: "wide", File: "w.json", Document: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:*","Resource":"*"}]}`}}}
	res, err := Plan(context.Background(), acct, in, Options{Uses: AccountUses(find.NewSession(acct, nil))})
	if err != nil {
		t.Fatal(err)
	}
	warnings := strings.Join(res.Plan.Warnings, "\n")
	for _, want := range []string{"role mlops-pipeline-PipelineExecutionRole-7QX2M9KD4B1Z is managed by CloudFormation stack mlops-pipeline", "sagerole export mlops-pipeline-PipelineExecutionRole-7QX2M9KD4B1Z --format cloudformation writes the role as CloudFormation", "attaching AdministratorAccess grants every action on every resource", "inline policy wide allows iam:*"} {
		if !strings.Contains(warnings, want) {
			t.Errorf("warnings lack %q:\n%s", want, warnings)
		}
	}
	if len(res.Broadening) != 2 {
		t.Errorf("want 2 broadening warnings, got %q", res.Broadening)
	}
	if len(res.UsedBy) == 0 {
		t.Error("the mlops pipeline role is used in the seed; the blast radius is empty")
	}
	if !strings.Contains(strings.Join(res.Plan.Notes, "\n"), "run as mlops-pipeline-PipelineExecutionRole-7QX2M9KD4B1Z and get this change") {
		t.Errorf("notes lack the blast radius: %q", res.Plan.Notes)
	}
}

func TestBlastRadiusOfResearchRole(t *testing.T) {
	acct := newSandbox(t)
	d, err := Show(context.Background(), acct, research, Options{Uses: AccountUses(find.NewSession(acct, nil))})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, u := range d.UsedBy {
		got = append(got, string(u.Kind)+":"+u.Name)
	}
	// The seed: research's default user role, alice (inherits), carol (own),
	// alice's private space, and a stopped notebook instance.
	want := []string{"domain-default-user-role:", "user-profile:alice", "user-profile:carol", "space:alice-lab", "notebook-instance:legacy-xgboost-training"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("used by %v, want %v", got, want)
	}
	if !d.TrustsSageMaker || len(d.AttachedPolicies) != 1 || len(d.InlinePolicies) != 1 || d.Usage.AttachedPoliciesQuota != 10 {
		t.Errorf("details %+v", d)
	}
	// The seed's unresolved shared space (another domain, another role) is
	// not this role's business.
	if w := strings.Join(d.Warnings, "\n"); strings.Contains(w, "platform-shared") {
		t.Errorf("the blast radius carries the account's unrelated warnings:\n%s", w)
	}
}

func TestShowFlagsAProblemTrust(t *testing.T) {
	acct := newSandbox(t)
	d, err := Show(context.Background(), acct, lambda, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if d.TrustsSageMaker || !strings.Contains(strings.Join(d.Warnings, "\n"), "--fix-trust") {
		t.Errorf("want the trust flagged with the fix: %+v", d)
	}
}

func TestParseInlineSpec(t *testing.T) {
	tests := []struct {
		spec, name, file string
		bad              bool
	}{
		{"extra=extra.json", "extra", "extra.json", false},
		{"a=dir/with=equals.json", "a", "dir/with=equals.json", false},
		{"noequals", "", "", true},
		{"=file.json", "", "", true},
		{"name=", "", "", true},
		{"bad name=file.json", "", "", true},
	}
	for _, tt := range tests {
		name, file, err := ParseInlineSpec(tt.spec)
		if (err != nil) != tt.bad || name != tt.name || file != tt.file {
			t.Errorf("ParseInlineSpec(%q) = %q, %q, %v", tt.spec, name, file, err)
		}
		if err != nil && !rules.IsInput(err) {
			t.Errorf("ParseInlineSpec(%q): %v is not an input error", tt.spec, err)
		}
	}
}
