package rolemanager_test

import (
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/sagerole/sagerole/flows/policy"
	"github.com/sagerole/sagerole/flows/policy/rolemanager"
)

// fixture reads testdata/NAME.json: a role as Role Manager writes it.
func fixture(t *testing.T, name string) rolemanager.Role {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name + ".json")
	if err != nil {
		t.Fatal(err)
	}
	var f struct {
		Name, ARN string
		Inline    map[string]json.RawMessage
	}
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatal(err)
	}
	r := rolemanager.Role{Name: f.Name, ARN: f.ARN, Inline: map[string]string{}}
	for n, d := range f.Inline {
		r.Inline[n] = string(d)
	}
	return r
}

func TestRecognizeTheCDKDataScientist(t *testing.T) {
	m, err := rolemanager.Recognize(fixture(t, "cdk-data-scientist"))
	if err != nil {
		t.Fatal(err)
	}
	if m == nil {
		t.Fatal("not recognized")
	}
	if m.Made != "cdk" || m.RoleManagerPersona != "Data Scientist" || m.Persona != policy.DataScientist {
		t.Errorf("made %q, persona %q / %q", m.Made, m.RoleManagerPersona, m.Persona)
	}
	want := []string{policy.StudioApps, policy.MLJobs, policy.Models, policy.Experiments, policy.SearchExperiments, policy.S3Buckets}
	if !slices.Equal(m.Activities, want) {
		t.Errorf("activities %v, want %v", m.Activities, want)
	}
	o := m.Options
	if !slices.Equal(o.Buckets, []string{"team-raw-data"}) || !slices.Equal(o.Subnets, []string{"subnet-0a1b2c3d"}) ||
		!slices.Equal(o.SecurityGroups, []string{"sg-0a1b2c3d"}) || len(o.PassRoles) != 0 {
		t.Errorf("options %+v (the role's own ARN is no --pass-role)", o)
	}
	if !slices.Equal(m.Guardrails, []string{policy.VPCOnly}) {
		t.Errorf("guardrails %v: Role Manager's VPC customization is vpc-only", m.Guardrails)
	}
	if len(m.Policies) != 6 {
		t.Fatalf("%d policies", len(m.Policies))
	}
	byName := map[string]rolemanager.PolicyMatch{}
	for _, p := range m.Policies {
		byName[p.Template] = p
	}
	jobs := byName["SM_CommonJobManagement"]
	if !jobs.VPC || jobs.Version != 1 || jobs.Activity != policy.MLJobs || jobs.Kind != "inline" {
		t.Errorf("jobs policy %+v", jobs)
	}
	// Role Manager's Studio policy lets the role administer app image
	// configs of the domain, which studio-apps does not: a partial match,
	// said.
	studio := byName["SM_StudioAppPermissions"]
	if studio.Match != "partial" || !strings.Contains(strings.Join(studio.Differences, " "), "sagemaker:CreateAppImageConfig") {
		t.Errorf("studio %+v", studio)
	}
	for _, p := range m.Policies {
		if p.Activity == policy.MLJobs || p.Activity == policy.Experiments || p.Activity == policy.SearchExperiments || p.Activity == policy.S3Buckets {
			if p.Match != "full" {
				t.Errorf("%s: %s %q, want every action of Role Manager's in sagerole's", p.Name, p.Match, p.Differences)
			}
		}
		if strings.HasPrefix(p.Template, "SM_") && p.Template != "SM_ExperimentsVisualization" &&
			!slices.ContainsFunc(p.Differences, func(d string) bool { return strings.Contains(d, "of every account and region") }) {
			t.Errorf("%s: the reach of arn:aws:sagemaker:*:*:*/* is not said: %q", p.Name, p.Differences)
		}
	}
	for _, w := range []string{"--add-activity studio-apps,ml-jobs,models,experiments,search-experiments,s3-buckets",
		"--add-bucket team-raw-data", "--add-guardrail vpc-only", "--subnet subnet-0a1b2c3d", "--security-group sg-0a1b2c3d",
		"--delete-inline SM_CommonJobManagement_VPC_V1_1681344000000", "--delete-inline SageMakerS3BucketPolicyTemplate_V1_1681344000000"} {
		if !strings.Contains(m.Command, w) {
			t.Errorf("command lacks %q: %s", w, m.Command)
		}
	}
	if len(m.Unmatched) == 0 {
		t.Error("no difference said")
	}
}

func TestRecognizeNothingElse(t *testing.T) {
	for _, r := range []rolemanager.Role{
		{Name: "sagemaker-looks-like-it", ARN: "arn:aws:iam::111122223333:role/sagemaker-looks-like-it",
			Inline: map[string]string{"sagerole-scope": `{"Version":"2012-10-17","Statement":[]}`}},
		{Name: "ds", ARN: "arn:aws:iam::111122223333:role/ds", Managed: []rolemanager.Managed{{Name: "AmazonSageMakerFullAccess", ARN: policy.FullAccessARN}}},
	} {
		m, err := rolemanager.Recognize(r)
		if err != nil || m != nil {
			t.Errorf("%s: %+v, %v", r.Name, m, err)
		}
	}
}

// The console's policies are customer managed (same names); Canvas's are
// AWS managed; S3 Full Access has no sagerole activity; KMS keys by ID
// are said not to match.
func TestRecognizeConsoleManagedPolicies(t *testing.T) {
	all := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject","s3:DeleteObject","s3:ListBucket"],"Resource":["arn:aws:s3:::*"]}]}`
	jobsKMS := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sagemaker:CreateTrainingJob"],"Resource":"arn:aws:sagemaker:*:*:*/*",
		"Condition":{"StringEquals":{"sagemaker:VolumeKmsKey":["1234abcd-12ab-34cd-56ef-1234567890ab"]}}},
		{"Effect":"Allow","Action":"kms:CreateGrant","Resource":["1234abcd-12ab-34cd-56ef-1234567890ab"],"Condition":{"Bool":{"kms:GrantIsForAWSResource":"true"}}}]}`
	r := rolemanager.Role{Name: "sagemaker-analyst", ARN: "arn:aws:iam::111122223333:role/sagemaker-analyst", Managed: []rolemanager.Managed{
		{Name: "SageMakerS3AllResourcesPolicyTemplate_V2_1700000000000", ARN: "arn:aws:iam::111122223333:policy/SageMakerS3AllResourcesPolicyTemplate_V2_1700000000000", Document: all},
		{Name: "SM_CommonJobManagement_KMS_V1_1700000000000", ARN: "arn:aws:iam::111122223333:policy/SM_CommonJobManagement_KMS_V1_1700000000000", Document: jobsKMS},
		{Name: "AmazonSageMakerCanvasAIServicesAccess", ARN: "arn:aws:iam::aws:policy/AmazonSageMakerCanvasAIServicesAccess"},
	}}
	m, err := rolemanager.Recognize(r)
	if err != nil || m == nil {
		t.Fatalf("%+v, %v", m, err)
	}
	if m.Made != "console" || !slices.Equal(m.Activities, []string{policy.MLJobs, policy.CanvasAIServices}) {
		t.Errorf("made %s, activities %v", m.Made, m.Activities)
	}
	text := strings.Join(m.Unmatched, "\n")
	for _, w := range []string{"S3 Full Access has no sagerole activity", "names KMS keys by ID (1234abcd-12ab-34cd-56ef-1234567890ab)"} {
		if !strings.Contains(text, w) {
			t.Errorf("differences lack %q:\n%s", w, text)
		}
	}
	if !slices.Equal(m.Guardrails, []string{policy.VolumeKMS}) {
		t.Errorf("guardrails %v", m.Guardrails)
	}
	if !strings.Contains(m.Command, "--detach arn:aws:iam::111122223333:policy/SM_CommonJobManagement_KMS_V1_1700000000000") || strings.Contains(m.Command, "CanvasAIServicesAccess") {
		t.Errorf("command %s", m.Command)
	}
}
