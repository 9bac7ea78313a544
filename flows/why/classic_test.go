package why

import (
	"context"
	"strings"
	"testing"

	"github.com/sagerole/sagerole/awsops"
	"github.com/sagerole/sagerole/awsops/sandbox"
	"github.com/sagerole/sagerole/flows/policy/eval"
)

// These tests reproduce each classic on a role of the seeded sandbox
// account, check that the explanation names the right statement and says
// the right sentence, run the offered fix through the executor, and then
// decide the request and its neighbours again on the changed account: the
// request is allowed, nothing else changed. They test decisions.

const (
	acct          = "111122223333"
	researchARN   = "arn:aws:iam::111122223333:role/service-role/AmazonSageMaker-ExecutionRole-Research"
	notebooksRole = "AmazonSageMaker-ExecutionRole-Notebooks"
	modelsKey     = "arn:aws:kms:us-east-1:111122223333:key/7c1e3d2a-5b4f-4e1a-9c3d-2f6b8a0e4d11"
	otherKey      = "arn:aws:kms:us-east-1:111122223333:key/0987dcba-09fe-47dc-a5ba-ab0987654321"
)

func newAccount(t *testing.T) *sandbox.Account { return newAccountB(t) }

func newAccountB(t testing.TB) *sandbox.Account {
	t.Helper()
	a, err := sandbox.New(sandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	UseEvaluator(a)
	return a
}

func explain(t *testing.T, a *sandbox.Account, in Input) *Result {
	t.Helper()
	r, err := Explain(context.Background(), a, in, Options{})
	if err != nil {
		t.Fatalf("Explain(%+v): %v", in, err)
	}
	return r
}

// decide is the decision on the account as it is now, of one request.
func decide(t *testing.T, a *sandbox.Account, role, action, resource string, ctx ...string) eval.Decision {
	t.Helper()
	c, err := ParseContext(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return explain(t, a, Input{Role: role, Action: action, Resource: resource, Context: c}).Decision
}

// runFix runs the offered fix's plan on the account.
func runFix(t *testing.T, a *sandbox.Account, r *Result) {
	t.Helper()
	if r.Fix == nil || !r.Fix.Offered || r.Fix.Modify == nil {
		t.Fatalf("no fix offered: %+v", r.Fix)
	}
	x := &awsops.Executor{Backend: a, Account: acct}
	if _, err := x.Run(context.Background(), r.Fix.Modify.Plan); err != nil {
		t.Fatalf("running the fix: %v", err)
	}
}

// req is one neighbouring request and its decision, the same before the
// fix and after.
type req struct {
	role, action, resource string
	ctx                    []string
}

func decisions(t *testing.T, a *sandbox.Account, reqs []req) []eval.Decision {
	t.Helper()
	out := make([]eval.Decision, len(reqs))
	for i, q := range reqs {
		out[i] = decide(t, a, q.role, q.action, q.resource, q.ctx...)
	}
	return out
}

func sameDecisions(t *testing.T, reqs []req, before, after []eval.Decision) {
	t.Helper()
	for i := range reqs {
		if (before[i] == eval.Allow) != (after[i] == eval.Allow) {
			t.Errorf("the fix changed %s %s on %s %v: %s before, %s after", reqs[i].role, reqs[i].action, reqs[i].resource, reqs[i].ctx, before[i], after[i])
		}
	}
}

func hasRef(sts []Statement, policy, sid string) bool {
	for _, s := range sts {
		if s.Policy == policy && s.Sid == sid && s.Lines != "" && strings.Contains(s.Lines, sid) {
			return true
		}
	}
	return false
}

func TestClassicFullAccessBucket(t *testing.T) {
	a := newAccount(t)
	in := Input{Message: `An error occurred (AccessDenied) when calling the GetObject operation: Access Denied`,
		Role: "AmazonSageMaker-ExecutionRole-Research", Resource: "s3://team-raw-data/curated/part-0001.parquet"}
	r := explain(t, a, in)
	if r.Decision != eval.ImplicitDeny || r.Classic != ClassicFullAccessBucket {
		t.Fatalf("decision %s, classic %q; want implicit deny, %s", r.Decision, r.Classic, ClassicFullAccessBucket)
	}
	if !hasRef(r.NearMisses, "AmazonSageMakerFullAccess", "AllowS3ObjectActions") {
		t.Errorf("FullAccess's AllowS3ObjectActions is not among the nearest statements: %+v", r.NearMisses)
	}
	for _, want := range []string{"AmazonSageMakerFullAccess", "sagemaker, SageMaker, Sagemaker or aws-glue"} {
		if !strings.Contains(r.Reason, want) {
			t.Errorf("reason lacks %q: %s", want, r.Reason)
		}
	}
	if r.Fix.Command != "sagerole add-buckets AmazonSageMaker-ExecutionRole-Research team-raw-data --read-only" {
		t.Errorf("fix command = %q (%s)", r.Fix.Command, r.Fix.Reason)
	}
	neighbours := []req{
		{"AmazonSageMaker-ExecutionRole-Research", "s3:PutObject", "s3://team-raw-data/curated/part-0001.parquet", nil},
		{"AmazonSageMaker-ExecutionRole-Research", "s3:DeleteObject", "s3://team-raw-data/curated/part-0001.parquet", nil},
		{"AmazonSageMaker-ExecutionRole-Research", "s3:GetObject", "s3://ml-models-prod/churn/model.tar.gz", nil},
		{"AmazonSageMaker-ExecutionRole-Research", "s3:GetObject", "s3://research-datasets/raw/a.csv", nil},
		{"AmazonSageMaker-ExecutionRole-Research", "s3:PutBucketPolicy", "arn:aws:s3:::team-raw-data", nil},
		{"AmazonSageMaker-ExecutionRole-Research", "iam:PassRole", researchARN, []string{"iam:PassedToService=ec2.amazonaws.com"}},
		{"SageMakerSharedSpaceRole", "s3:GetObject", "s3://team-raw-data/curated/part-0001.parquet", nil},
	}
	before := decisions(t, a, neighbours)
	runFix(t, a, r)
	if d := explain(t, a, in).Decision; d != eval.Allow {
		t.Fatalf("after the fix the request is %s", d)
	}
	sameDecisions(t, neighbours, before, decisions(t, a, neighbours))
}

func TestClassicPassRoleIsTheCallers(t *testing.T) {
	a := newAccount(t)
	in := Input{Message: `An error occurred (AccessDeniedException) when calling the CreateTrainingJob operation: User: arn:aws:sts::111122223333:assumed-role/DataScientistRestricted/bob is not authorized to perform: iam:PassRole on resource: ` + researchARN + ` because no identity-based policy allows the iam:PassRole action`}
	r := explain(t, a, in)
	if r.Decision != eval.ImplicitDeny || r.Classic != ClassicPassRole || r.Agrees == nil || !*r.Agrees {
		t.Fatalf("decision %s, classic %q, agrees %v", r.Decision, r.Classic, r.Agrees)
	}
	if !hasRef(r.NearMisses, "sagemaker-training-and-processing", "PassSelf") {
		t.Errorf("PassSelf is not among the nearest statements: %+v", r.NearMisses)
	}
	if !strings.Contains(r.Reason, "the caller's permission") || !strings.Contains(r.Reason, "own policies play no part") {
		t.Errorf("reason: %s", r.Reason)
	}
	var assumed bool
	for _, k := range r.Request.Context {
		assumed = assumed || k.Key == "iam:PassedToService" && k.Source == Assumed && k.Values[0] == "sagemaker.amazonaws.com"
	}
	if !assumed {
		t.Errorf("iam:PassedToService is not assumed as sagemaker.amazonaws.com: %+v", r.Request.Context)
	}
	// The classic confusion: the role being passed may pass itself; that
	// decides nothing.
	if d := decide(t, a, "AmazonSageMaker-ExecutionRole-Research", "iam:PassRole", researchARN); d != eval.Allow {
		t.Errorf("the passed role itself: %s, want allow (FullAccess lets it pass roles to SageMaker)", d)
	}
	neighbours := []req{
		{"DataScientistRestricted", "iam:PassRole", researchARN, []string{"iam:PassedToService=ec2.amazonaws.com"}},
		{"DataScientistRestricted", "iam:PassRole", "arn:aws:iam::111122223333:role/SageMakerSharedSpaceRole", nil},
		{"DataScientistRestricted", "iam:PassRole", "arn:aws:iam::111122223333:role/sagemaker/DataScientistRestricted", nil},
		{"DataScientistRestricted", "iam:CreateRole", "arn:aws:iam::111122223333:role/x", nil},
		{"DataScientistRestricted", "s3:GetObject", "s3://team-raw-data/a.csv", nil},
	}
	before := decisions(t, a, neighbours)
	runFix(t, a, r)
	if d := explain(t, a, in).Decision; d != eval.Allow {
		t.Fatalf("after the fix the request is %s", d)
	}
	sameDecisions(t, neighbours, before, decisions(t, a, neighbours))
}

func TestClassicStudioAddTags(t *testing.T) {
	a := newAccount(t)
	space := "arn:aws:sagemaker:us-east-1:111122223333:space/d-mlplatform/erin-notebooks"
	in := Input{Message: `AccessDeniedException: User: arn:aws:sts::111122223333:assumed-role/StudioSpacesGuarded/SageMaker is not authorized to perform: sagemaker:AddTags on resource: ` + space + ` because no identity-based policy allows the sagemaker:AddTags action`}
	r := explain(t, a, in)
	if r.Decision != eval.ImplicitDeny || r.Classic != ClassicStudioAddTags {
		t.Fatalf("decision %s, classic %q", r.Decision, r.Classic)
	}
	if !strings.Contains(r.Reason, "sagemaker:TaggingAction=CreateSpace") || !strings.Contains(r.Reason, "allowing CreateSpace alone is not enough") {
		t.Errorf("reason: %s", r.Reason)
	}
	if d := decide(t, a, "StudioSpacesGuarded", "sagemaker:CreateSpace", space); d != eval.Allow {
		t.Errorf("CreateSpace itself is %s; the classic is a role that may create but not tag", d)
	}
	if r.Fix.Command != "sagerole modify StudioSpacesGuarded --add-guardrail addtags-on-create" {
		t.Errorf("fix = %q (%s)", r.Fix.Command, r.Fix.Reason)
	}
	neighbours := []req{
		// Tagging an existing space (no TaggingAction) stays denied.
		{"StudioSpacesGuarded", "sagemaker:AddTags", space, []string{"sagemaker:TaggingAction="}},
		{"StudioSpacesGuarded", "sagemaker:DeleteSpace", space, nil},
		{"StudioSpacesGuarded", "sagemaker:CreateSpace", space, nil},
		{"StudioSpacesGuarded", "sagemaker:DeleteDomain", "arn:aws:sagemaker:us-east-1:111122223333:domain/d-mlplatform", nil},
		{"StudioSpacesGuarded", "s3:GetObject", "s3://team-raw-data/a.csv", nil},
	}
	before := decisions(t, a, neighbours)
	runFix(t, a, r)
	if d := explain(t, a, in).Decision; d != eval.Allow {
		t.Fatalf("after the fix the request is %s", d)
	}
	sameDecisions(t, neighbours, before, decisions(t, a, neighbours))
}

func TestClassicKMSOnEncryptedBucket(t *testing.T) {
	a := newAccount(t)
	// The S3 read itself: the role's S3 policy allows it, the bucket's key
	// is the cause.
	s3r := explain(t, a, Input{Role: notebooksRole, Action: "s3:GetObject", Resource: "s3://ml-models-prod/churn/model.tar.gz"})
	if s3r.Decision != eval.Allow || s3r.Classic != ClassicKMS || !strings.Contains(s3r.Reason, "encrypts objects with KMS key "+modelsKey) {
		t.Errorf("S3 read: decision %s, classic %q, reason %s", s3r.Decision, s3r.Classic, s3r.Reason)
	}
	// S3 reports the key's refusal of an SSE-KMS read as the GetObject
	// call's: the KMS request is S3's (kms:ViaService), which is the only
	// way sagerole's --kms-key lets the role use a key (as Role Manager's
	// data keys).
	in := Input{Message: `An error occurred (AccessDenied) when calling the GetObject operation: User: arn:aws:sts::111122223333:assumed-role/AmazonSageMaker-ExecutionRole-Notebooks/SageMaker is not authorized to perform: kms:Decrypt on resource: ` + modelsKey + ` because no identity-based policy allows the kms:Decrypt action`}
	r := explain(t, a, in)
	if r.Decision != eval.ImplicitDeny || r.Classic != ClassicKMS {
		t.Fatalf("decision %s, classic %q", r.Decision, r.Classic)
	}
	var keyPolicy *Unseen
	for i := range r.Unseen {
		if r.Unseen[i].Layer == "key-policy" {
			keyPolicy = &r.Unseen[i]
		}
	}
	if keyPolicy == nil || keyPolicy.Status != "read" || !strings.Contains(keyPolicy.Says, "lets IAM policies decide") {
		t.Errorf("key policy: %+v", keyPolicy)
	}
	if r.Fix.Command != "sagerole modify "+notebooksRole+" --kms-key "+modelsKey {
		t.Errorf("fix = %q (%s)", r.Fix.Command, r.Fix.Reason)
	}
	neighbours := []req{
		{notebooksRole, "kms:Decrypt", otherKey, nil},
		{notebooksRole, "kms:ScheduleKeyDeletion", modelsKey, nil},
		{notebooksRole, "kms:PutKeyPolicy", modelsKey, nil},
		{notebooksRole, "s3:PutObject", "s3://ml-models-prod/churn/model.tar.gz", nil},
		{"AmazonSageMaker-ExecutionRole-Research", "kms:Decrypt", modelsKey, nil},
	}
	before := decisions(t, a, neighbours)
	runFix(t, a, r)
	if d := explain(t, a, in).Decision; d != eval.Allow {
		t.Fatalf("after the fix the request is %s", d)
	}
	sameDecisions(t, neighbours, before, decisions(t, a, neighbours))
	// And the S3 read no longer points at the key.
	if r2 := explain(t, a, Input{Role: notebooksRole, Action: "s3:GetObject", Resource: "s3://ml-models-prod/churn/model.tar.gz"}); r2.Classic == ClassicKMS {
		t.Errorf("after the fix the S3 read still blames the key: %s", r2.Reason)
	}
}

func TestClassicGuardrailNamesTheProperty(t *testing.T) {
	a := newAccount(t)
	job := "arn:aws:sagemaker:us-east-1:111122223333:training-job/xgb-1"
	r := explain(t, a, Input{Role: "StudioSpacesGuarded", Action: "sagemaker:CreateTrainingJob", Resource: job})
	if r.Decision != eval.ExplicitDeny || r.Classic != ClassicGuardrail {
		t.Fatalf("decision %s, classic %q", r.Decision, r.Classic)
	}
	if len(r.Deciding) != 1 || r.Deciding[0].Sid != "DenyWithoutNetworkIsolation" || r.Deciding[0].Policy != "training-isolated" {
		t.Errorf("deciding = %+v", r.Deciding)
	}
	for _, want := range []string{"EnableNetworkIsolation", "sagemaker:NetworkIsolation was absent", "does not know sagemaker:NetworkIsolation"} {
		if !strings.Contains(r.Reason, want) {
			t.Errorf("reason lacks %q: %s", want, r.Reason)
		}
	}
	if r.Fix.Offered || !strings.Contains(r.Fix.Reason, "EnableNetworkIsolation") {
		t.Errorf("fix: %+v", r.Fix)
	}
	if d := decide(t, a, "StudioSpacesGuarded", "sagemaker:CreateTrainingJob", job, "sagemaker:NetworkIsolation=true"); d != eval.Allow {
		t.Errorf("with network isolation the job is %s", d)
	}
	if d := decide(t, a, "StudioSpacesGuarded", "sagemaker:CreateTrainingJob", job, "sagemaker:NetworkIsolation=false"); d != eval.ExplicitDeny {
		t.Errorf("without network isolation the job is %s", d)
	}
}
