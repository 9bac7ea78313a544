package sandbox

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/sagerole/sagerole/awsops"
	"github.com/sagerole/sagerole/awsops/opstest"
)

var (
	_ awsops.Backend  = (*Account)(nil)
	_ opstest.Fixture = (*Account)(nil)
)

const (
	acct           = "111122223333"
	researchRole   = "arn:aws:iam::111122223333:role/service-role/AmazonSageMaker-ExecutionRole-Research"
	sharedRole     = "arn:aws:iam::111122223333:role/SageMakerSharedSpaceRole"
	bobRole        = "arn:aws:iam::111122223333:role/sagemaker/DataScientistRestricted"
	platformRole   = "arn:aws:iam::111122223333:role/service-role/AmazonSageMaker-ExecutionRole-20240918T143027"
	notebooksRole  = "arn:aws:iam::111122223333:role/service-role/AmazonSageMaker-ExecutionRole-Notebooks"
	lambdaRole     = "arn:aws:iam::111122223333:role/LambdaBasic"
	danglingRole   = "arn:aws:iam::111122223333:role/service-role/AmazonSageMaker-ExecutionRole-20230607T120000"
	fullAccess     = "arn:aws:iam::aws:policy/AmazonSageMakerFullAccess"
	sageMakerTrust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"sagemaker.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	lambdaTrust    = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	s3Policy       = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::research-datasets/*"}]}`
)

func newAccount(t *testing.T) *Account {
	t.Helper()
	return newAccountWith(t, Options{})
}

func newAccountWith(t *testing.T, opts Options) *Account {
	t.Helper()
	a, err := New(opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return a
}

// wantErr checks that err is an *awsops.Error with code (and the kind the
// code implies, or kind when given) whose message contains msg.
func wantErr(t *testing.T, err error, code string, msg string) {
	t.Helper()
	if code == "" {
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		return
	}
	var e *awsops.Error
	if !errors.As(err, &e) {
		t.Fatalf("error = %v, want an *awsops.Error with code %s", err, code)
	}
	if e.Code != code {
		t.Fatalf("code = %s (%v), want %s", e.Code, err, code)
	}
	if code != "ValidationException" || msg != "RecordNotFound" {
		if want := awsops.KindForCode(code); e.Kind != want {
			t.Fatalf("kind = %v, want %v", e.Kind, want)
		}
	}
	if !strings.Contains(e.Message, msg) {
		t.Fatalf("message = %q, want it to contain %q", e.Message, msg)
	}
}

func TestCallerIdentity(t *testing.T) {
	a := newAccount(t)
	id, err := a.CallerIdentity(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	admin, err := a.GetRole(context.Background(), "Admin")
	if err != nil {
		t.Fatal(err)
	}
	want := awsops.Identity{Account: acct, ARN: "arn:aws:sts::111122223333:assumed-role/Admin/sandbox-session",
		UserID: admin.RoleID + ":sandbox-session", RoleName: "Admin"}
	if id != want {
		t.Fatalf("identity = %+v, want %+v", id, want)
	}
	if a.Region() != "us-east-1" {
		t.Fatalf("region = %s", a.Region())
	}
	b, err := New(Options{Region: "eu-west-1"})
	if err != nil {
		t.Fatal(err)
	}
	if b.Region() != "eu-west-1" {
		t.Fatalf("overridden region = %s", b.Region())
	}
}

// TestSeed pins the seed facts that other packages' tests, docs and demos
// are written against.
func TestSeed(t *testing.T) {
	ctx := context.Background()
	a := newAccount(t)

	doms, err := a.ListDomains(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(doms) != 2 || doms[0].ID != "d-mlplatform" || doms[1].ID != "d-research1" {
		t.Fatalf("domains = %+v", doms)
	}
	res, _ := a.DescribeDomain(ctx, "d-research1")
	if res.Name != "research" || res.DefaultUserRole != researchRole || res.DefaultSpaceRole != sharedRole || res.Status != awsops.StatusInService {
		t.Fatalf("d-research1 = %+v", res)
	}
	mlp, _ := a.DescribeDomain(ctx, "d-mlplatform")
	if mlp.Name != "ml-platform" || mlp.DefaultUserRole != platformRole || mlp.DefaultSpaceRole != "" {
		t.Fatalf("d-mlplatform = %+v", mlp)
	}

	users := map[string]string{ // domain/user → own role ("" inherits)
		"d-research1/alice":  "",
		"d-research1/bob":    bobRole,
		"d-research1/carol":  researchRole,
		"d-mlplatform/dave":  lambdaRole,
		"d-mlplatform/erin":  danglingRole,
		"d-mlplatform/frank": "",
		"d-mlplatform/grace": "arn:aws:iam::111122223333:role/mlops-pipeline-PipelineExecutionRole-7QX2M9KD4B1Z",
	}
	for k, role := range users {
		d, u, _ := strings.Cut(k, "/")
		p, err := a.DescribeUserProfile(ctx, d, u)
		if err != nil || p.ExecutionRole != role {
			t.Errorf("%s: role %q, err %v; want %q", k, p.ExecutionRole, err, role)
		}
	}
	if _, err := a.GetRole(ctx, "AmazonSageMaker-ExecutionRole-20230607T120000"); !awsops.IsNotFound(err) {
		t.Errorf("erin's role should not exist: %v", err)
	}
	lambda, _ := a.GetRole(ctx, "LambdaBasic")
	if trustsService(lambda.TrustPolicy, sageMakerService) {
		t.Error("LambdaBasic must not trust SageMaker")
	}

	spaces := map[string][2]string{ // domain/space → sharing, owner
		"d-research1/alice-lab":        {"Private", "alice"},
		"d-research1/bob-experiments":  {"Private", "bob"},
		"d-research1/team-notebooks":   {"Shared", "alice"},
		"d-research1/forecasting-demo": {"Shared", "carol"},
		"d-mlplatform/frank-workspace": {"Private", "frank"},
		"d-mlplatform/grace-sandbox":   {"Private", "grace"},
		"d-mlplatform/platform-shared": {"Shared", "dave"},
	}
	for k, w := range spaces {
		d, s, _ := strings.Cut(k, "/")
		sp, err := a.DescribeSpace(ctx, d, s)
		if err != nil || sp.SharingType != w[0] || sp.Owner != w[1] {
			t.Errorf("%s = %+v, %v; want %v", k, sp, err, w)
		}
	}
	apps, _ := a.ListApps(ctx, "d-research1")
	var canvas, jupyter, deleted bool
	for _, ap := range apps {
		canvas = canvas || ap.AppType == "Canvas" && ap.UserProfile == "bob" && ap.Status == awsops.StatusInService
		jupyter = jupyter || ap.AppType == "JupyterLab" && ap.SpaceName == "alice-lab" && ap.Status == awsops.StatusInService
		deleted = deleted || ap.Status == "Deleted"
	}
	if !canvas || !jupyter || !deleted {
		t.Errorf("research apps = %+v", apps)
	}

	roles, _ := a.ListRoles(ctx, "/service-role/")
	if len(roles) != 3 {
		t.Errorf("service-role roles = %+v", roles)
	}
	att, _ := a.ListAttachedRolePolicies(ctx, "AmazonSageMaker-ExecutionRole-Research")
	if len(att) != 1 || att[0].ARN != fullAccess || att[0].Name != "AmazonSageMakerFullAccess" {
		t.Errorf("research role attached = %+v", att)
	}
	inl, _ := a.ListRolePolicies(ctx, "DataScientistRestricted")
	if strings.Join(inl, ",") != "sagemaker-training-and-processing,studio-apps" {
		t.Errorf("bob's inline policies = %v", inl)
	}
	cfn, _ := a.GetRole(ctx, "mlops-pipeline-PipelineExecutionRole-7QX2M9KD4B1Z")
	if !hasTag(cfn.Tags, "aws:cloudformation:stack-name", "mlops-pipeline") {
		t.Errorf("CloudFormation role tags = %+v", cfn.Tags)
	}

	doc, err := a.GetPolicyDocument(ctx, fullAccess)
	if err != nil || !strings.Contains(doc, `"arn:aws:s3:::*sagemaker*"`) || !strings.Contains(doc, `"s3:ExistingObjectTag/SageMaker"`) {
		t.Errorf("FullAccess document: %v\n%s", err, doc)
	}

	buckets, _ := a.ListBuckets(ctx)
	var names []string
	for _, b := range buckets {
		names = append(names, b.Name)
	}
	for _, want := range []string{"sagemaker-us-east-1-111122223333", "research-datasets", "ml-models-prod", "team-raw-data"} {
		if !strings.Contains(strings.Join(names, " "), want) {
			t.Errorf("bucket %s missing from %v", want, names)
		}
	}

	nbs, _ := a.ListNotebookInstances(ctx)
	if len(nbs) != 2 || nbs[0].Name != "churn-prediction" || nbs[0].Status != awsops.StatusInService ||
		nbs[1].Name != "legacy-xgboost-training" || nbs[1].Status != awsops.StatusStopped {
		t.Errorf("notebooks = %+v", nbs)
	}
}

func hasTag(tags []awsops.Tag, k, v string) bool {
	for _, t := range tags {
		if t.Key == k && t.Value == v {
			return true
		}
	}
	return false
}

// TestSeedIsValid checks every seed document the way IAM would, so that a
// hand edit of the seed cannot slip in something AWS would refuse.
func TestSeedIsValid(t *testing.T) {
	a := newAccount(t)
	quota := awsops.DefaultQuotas()
	for _, r := range a.st.roles {
		if err := checkTrustPolicy("seed", string(r.TrustPolicy)); err != nil {
			t.Errorf("role %s trust policy: %v", r.Name, err)
		}
		total := 0
		for n, d := range r.inline {
			if msg := policyProblem("policy", d, false); msg != "" {
				t.Errorf("role %s inline %s: %s", r.Name, n, msg)
			}
			total += len(strings.Join(strings.Fields(d), ""))
		}
		if total > quota.RolePolicySize || len(r.AttachedPolicies) > quota.AttachedPoliciesPerRole {
			t.Errorf("role %s is over a limit", r.Name)
		}
	}
	// Every reference resolves, except the one dangling role on purpose.
	roleOK := func(where, arn string) {
		if _, ok := a.roleByARN(arn); !ok && arn != danglingRole {
			t.Errorf("%s: role %s does not exist", where, arn)
		}
	}
	for _, d := range a.st.domains {
		roleOK(d.ID, d.DefaultUserRole)
		if d.DefaultSpaceRole != "" {
			roleOK(d.ID, d.DefaultSpaceRole)
		}
		for _, p := range d.profiles {
			if p.ExecutionRole != "" {
				roleOK(d.ID+"/"+p.Name, p.ExecutionRole)
			}
		}
		for _, s := range d.spaces {
			if _, ok := d.profiles[s.Owner]; !ok {
				t.Errorf("%s/%s: owner %q is not a user profile", d.ID, s.Name, s.Owner)
			}
		}
		for _, ap := range d.apps {
			_, space := d.spaces[ap.SpaceName]
			_, user := d.profiles[ap.UserProfile]
			if !space && !user {
				t.Errorf("%s: app %+v belongs to nothing", d.ID, *ap)
			}
		}
	}
	for _, n := range a.st.notebooks {
		roleOK(n.Name, n.RoleARN)
	}
	for arn, p := range a.st.policies {
		if msg := policyProblem("policy", string(p.Document), false); msg != "" {
			t.Errorf("%s: %s", arn, msg)
		}
		if n := len(strings.Join(strings.Fields(string(p.Document)), "")); n > quota.PolicySize {
			t.Errorf("%s is %d characters, over %d", arn, n, quota.PolicySize)
		}
	}
}
