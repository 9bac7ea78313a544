package policy

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/sagerole/sagerole/awsops/rules"
)

func TestBadInput(t *testing.T) {
	training := []string{Training}
	tests := []struct {
		name  string
		scope Scope
		field string
		says  string // a part of the sentence
	}{
		{"unknown activity", Scope{Activities: []string{"fishing"}}, "activity", `activity "fishing" is unknown; choose one of aws-services, studio-apps, ml-jobs`},
		{"s3-buckets without buckets", Scope{Activities: []string{S3Buckets}}, "bucket", "none is named"},
		{"glue database of no glue-tables", Scope{Activities: []string{MLJobs}, GlueDatabases: []string{"churn"}}, "glue database", "add glue-tables"},
		{"bad glue database", Scope{Activities: []string{GlueTables}, GlueDatabases: []string{"a b"}}, "glue database", "not a database name"},
		{"athena workgroup of no athena", Scope{Activities: []string{MLJobs}, AthenaWorkgroups: []string{"analysts"}}, "athena workgroup", "add athena"},
		{"bad athena workgroup", Scope{Activities: []string{Athena}, AthenaWorkgroups: []string{"a/b"}}, "athena workgroup", "not a workgroup name"},
		{"unknown guardrail", Scope{Activities: training, Guardrails: []string{"no-fun"}}, "guardrail", `guardrail "no-fun" is unknown; choose one of instance-types`},
		{"unknown persona", Scope{Persona: "wizard"}, "persona", `persona "wizard" is unknown; choose one of data-scientist, mlops, compute`},
		{"malformed KMS ARN", Scope{Activities: training, KMSKeys: []string{"arn:aws:kms:us-east-1:123:key/x"}}, "KMS key", "is not an ARN of the form arn:aws:kms:REGION:123456789012:key/ID"},
		{"KMS key ID not ARN", Scope{Activities: training, KMSKeys: []string{"1234abcd-12ab-34cd-56ef-1234567890ab"}}, "KMS key", "is not an ARN"},
		{"bucket uppercase", Scope{Activities: training, Buckets: []BucketGrant{{Bucket: "MyBucket"}}}, "bucket", "must be lowercase letters"},
		{"bucket too short", Scope{Activities: training, Buckets: []BucketGrant{{Bucket: "ab"}}}, "bucket", "S3 needs 3 to 63"},
		{"bucket as IP", Scope{Activities: training, Buckets: []BucketGrant{{Bucket: "192.168.5.4"}}}, "bucket", "formatted as an IP address"},
		{"bucket reserved prefix", Scope{Activities: training, Buckets: []BucketGrant{{Bucket: "xn--data"}}}, "bucket", "starts with xn--"},
		{"prefix with wildcard", Scope{Activities: training, Buckets: []BucketGrant{{Bucket: "data", Prefix: "a/*"}}}, "prefix", "wildcard"},
		{"invalid CIDR", Scope{Activities: training, SourceIPs: []string{"10.0.0.0/33"}}, "source IP", "is not a CIDR block"},
		{"bare IP is not a CIDR", Scope{Activities: training, SourceIPs: []string{"203.0.113.7"}}, "source IP", "is not a CIDR block"},
		{"bad VPC endpoint", Scope{Activities: training, SourceVPCEs: []string{"vpc-123"}}, "VPC endpoint", "vpce-"},
		{"bad instance type", Scope{Activities: training, InstanceTypes: []string{"m5.large"}}, "instance type", "ml.FAMILY.SIZE"},
		{"bad ECR repository", Scope{Activities: training, ECRRepos: []string{"My_Repo"}}, "ECR repository", "lowercase"},
		{"bad ECR ARN", Scope{Activities: training, ECRRepos: []string{"arn:aws:s3:::x"}}, "ECR repository", "arn:aws:ecr:"},
		{"bad account", Scope{Activities: training, Account: "12345"}, "account", "12-digit"},
		{"bad region", Scope{Activities: training, Region: "mars"}, "region", "us-east-1"},
		{"bad tag key", Scope{Activities: training, ResourceTagKey: "aws:team", ResourceTagValue: "a"}, "tag", "aws:"},
		{"empty scope", Scope{}, "scope", "custom scope is empty"},
		{"domain-kms without key", Scope{Activities: []string{DomainKMS}}, "KMS key", "domain-kms needs"},
		{"instance-types without types", Scope{Guardrails: []string{InstanceTypes}}, "instance type", "needs at least one allowed instance type"},
		{"source-ip without ranges", Scope{Guardrails: []string{SourceIP}}, "source IP", "needs at least one CIDR"},
		{"source-vpce without IDs", Scope{Guardrails: []string{SourceVPCE}}, "VPC endpoint", "needs at least one VPC endpoint"},
		{"tag-access without key", Scope{Guardrails: []string{TagAccess}}, "tag", "needs a tag key"},
		{"source-ip with source-vpce", Scope{SourceIPs: []string{"192.0.2.0/24"}, SourceVPCEs: []string{"vpce-1a2b3c4d"}}, "guardrail", "cannot be combined"},
		{"buckets with no S3 activity", Scope{Activities: []string{Images}, Buckets: []BucketGrant{{Bucket: "data"}}}, "bucket", "none of the chosen activities uses S3"},
		{"read-only with no S3 activity", Scope{Activities: []string{Images}, ReadOnly: true}, "read-only", "none of the chosen activities uses S3"},
		{"ECR with no image activity", Scope{VPC: true, ECRRepos: []string{"repo"}}, "ECR repository", "none of the chosen activities pulls images"},
		{"KMS keys with no data activity", Scope{Activities: []string{Images}, KMSKeys: []string{testKey}}, "KMS key", "none of the chosen activities is one"},
		{"log groups with no logging activity", Scope{Activities: []string{Images}, LogGroups: true}, "log groups", "none of the chosen activities writes logs"},
		{"a guardrail on a persona without SageMaker actions", Scope{Persona: Compute, Guardrails: []string{NetworkIsolation}}, "guardrail", "guardrail network-isolation would restrict nothing"},
		{"instance types on images only", Scope{Activities: []string{Images}, InstanceTypes: []string{"ml.m5.large"}}, "guardrail", "carries sagemaker:InstanceTypes"},
		{"a guardrail alone", Scope{Guardrails: []string{VolumeKMS}}, "guardrail", "volume-kms would restrict nothing"},
		{"bad subnet", Scope{Activities: []string{Notebook}, Subnets: []string{"subnet-xyz"}}, "subnet", "subnet-0a1b2c3d"},
		{"bad security group", Scope{Activities: []string{Notebook}, SecurityGroups: []string{"sg_1"}}, "security group", "sg-0a1b2c3d"},
		{"a KMS alias", Scope{Activities: training, KMSKeys: []string{"arn:aws:kms:us-east-1:123456789012:alias/ml"}}, "KMS key", "give the key ARN"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Build(tc.scope)
			var ie *rules.InputError
			if !errors.As(err, &ie) {
				t.Fatalf("got %v, want an *rules.InputError", err)
			}
			if ie.Field != tc.field {
				t.Errorf("field %q, want %q", ie.Field, tc.field)
			}
			if !strings.Contains(ie.Msg, tc.says) {
				t.Errorf("message %q does not say %q", ie.Msg, tc.says)
			}
			if oneSentenceRE.MatchString(ie.Msg) || strings.Contains(ie.Msg, "\n") {
				t.Errorf("message %q is more than one sentence", ie.Msg)
			}
			if _, err := Assemble(tc.scope, DefaultLimits()); !rules.IsInput(err) {
				t.Errorf("Assemble: %v", err)
			}
		})
	}
}

// oneSentenceRE finds the start of a second sentence.
var oneSentenceRE = regexp.MustCompile(`[.!?] [A-Z]`)

func TestParametersImplyGuardrails(t *testing.T) {
	d, err := Build(Scope{Activities: []string{Notebook}, InstanceTypes: []string{"ml.m5.large"}, SourceIPs: []string{"192.0.2.0/24"}, ResourceTagKey: "team", ResourceTagValue: "x",
		Subnets: []string{"subnet-0a1b2c3d"}})
	if err != nil {
		t.Fatal(err)
	}
	js := d.String()
	for _, sid := range []string{"DenyInstanceTypesNotAllowed", "DenySageMakerOutsideSourceIps", "DenyResourcesOfOtherTagValues", "DenyWithoutVpcSubnets", "DenyOtherVpcSubnets"} {
		if !strings.Contains(js, sid) {
			t.Errorf("%s missing:\n%s", sid, js)
		}
	}
}

func TestPersonas(t *testing.T) {
	// Role Manager's personas (role-manager-personas.html), with what
	// issue 11 adds to the data scientist.
	want := map[string][]string{
		DataScientist: {StudioApps, MLJobs, Models, GlueTables, Canvas, MLflow, EMRServerless, S3Buckets},
		MLOps:         {StudioApps, Models, Endpoints, Pipelines, SearchExperiments, Monitoring},
		Compute:       {AWSServices},
	}
	buckets := []BucketGrant{{Bucket: "ml-input"}}
	for _, p := range Personas() {
		got, err := PersonaActivities(p.Name)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Join(got, ",") != strings.Join(want[p.Name], ",") {
			t.Errorf("%s: %v, want %v", p.Name, got, want[p.Name])
		}
		// A persona is the same as naming its activities.
		a, err := Build(Scope{Persona: p.Name, Buckets: buckets})
		if err != nil && p.Name != MLOps {
			t.Fatal(err)
		}
		b, _ := Build(Scope{Activities: got, Buckets: buckets})
		if a.String() != b.String() {
			t.Errorf("persona %s differs from its activities", p.Name)
		}
	}
	// Combined with extra activities.
	a, _ := Build(Scope{Persona: MLOps, Activities: []string{Training}})
	b, _ := Build(Scope{Activities: []string{StudioApps, Models, Endpoints, Pipelines, SearchExperiments, Monitoring, Training}})
	if a.String() != b.String() {
		t.Error("persona plus activity differs from the activities")
	}
	// Without buckets, the data scientist leaves S3 bucket access out
	// (and says so in the review); named on its own, it is refused.
	a, err := Build(Scope{Persona: DataScientist})
	if err != nil {
		t.Fatal(err)
	}
	b, _ = Build(Scope{Activities: []string{StudioApps, MLJobs, Models, GlueTables, Canvas, MLflow, EMRServerless}})
	if a.String() != b.String() {
		t.Error("data-scientist without buckets is not its activities but s3-buckets")
	}
	lines, _ := Summarize(Scope{Persona: DataScientist})
	if !slices.ContainsFunc(lines, func(l string) bool {
		return strings.HasPrefix(l, "Left out: S3 bucket access (s3-buckets), because no bucket is named")
	}) {
		t.Errorf("the review does not say s3-buckets is left out: %q", lines)
	}
	if _, err := Build(Scope{Activities: []string{S3Buckets}}); !rules.IsInput(err) {
		t.Errorf("s3-buckets without a bucket: %v", err)
	}
}

func TestNamesAreKebabAndDescribed(t *testing.T) {
	for _, l := range [][]Choice{Activities(), Guardrails(), Personas()} {
		for _, c := range l {
			if c.Name != strings.ToLower(c.Name) || strings.ContainsAny(c.Name, " _") {
				t.Errorf("%q is not kebab-case", c.Name)
			}
			if c.Description == "" || strings.Contains(c.Description, "\n") {
				t.Errorf("%q needs a one-line description", c.Name)
			}
		}
	}
}

func TestActivitiesCarrySeedPassRole(t *testing.T) {
	// Seed 000 gives iam:PassRole (conditioned on iam:PassedToService) to
	// CreateAutoMLJob and CreateNotebookInstance only; Role Manager to the
	// activities that take rolesToPass (src/activity.ts: manageJobs,
	// manageModels, managePipelines, monitorModels, runStudioApps v1 — v2
	// dropped it, and so does studio-apps), and sagerole to those whose
	// APIs take a role: MLflow's tracking server, Canvas's AutoML jobs, and
	// the services that run as the role (Glue sessions, EMR Serverless).
	passes := map[string]string{
		AutoML: SageMakerService, Notebook: SageMakerService, MLJobs: SageMakerService, Models: SageMakerService,
		Pipelines: SageMakerService, Monitoring: SageMakerService, MLflow: SageMakerService, Canvas: SageMakerService,
		GlueSessions: "glue.amazonaws.com", EMRServerless: "emr-serverless.amazonaws.com",
	}
	for _, a := range Activities() {
		s := Scope{Activities: []string{a.Name}}
		switch a.Name {
		case DomainKMS:
			s.KMSKeys = []string{testKey}
		case S3Buckets:
			s.Buckets = []BucketGrant{{Bucket: "ml-input"}}
		}
		d, err := Build(s)
		if err != nil {
			t.Fatal(err)
		}
		has := false
		for _, st := range d.Statement {
			if !slices.Contains(st.Action, "iam:PassRole") {
				continue
			}
			has = true
			if to := st.Condition["StringEquals"]["iam:PassedToService"]; !slices.Contains(to, passes[a.Name]) {
				t.Errorf("%s: PassRole to %v, want %s among them", a.Name, to, passes[a.Name])
			}
			if !slices.Equal(st.Resource, []string{"arn:aws:iam::*:role/" + RolePlaceholder}) {
				t.Errorf("%s: PassRole on %v, not only the role itself", a.Name, st.Resource)
			}
		}
		if want := passes[a.Name] != ""; has != want {
			t.Errorf("%s: PassRole present = %v, want %v", a.Name, has, want)
		}
	}
}

func TestSplitAndLimits(t *testing.T) {
	doc, err := Build(everything())
	if err != nil {
		t.Fatal(err)
	}
	size := doc.Size()

	t.Run("fits in one", func(t *testing.T) {
		ps, err := Assemble(narrowed(Scope{Activities: []string{Training, MLJobs}, Guardrails: []string{NetworkIsolation, VPCOnly}}), DefaultLimits())
		if err != nil {
			t.Fatal(err)
		}
		if len(ps) != 1 || ps[0].Name != ScopePolicyName {
			t.Errorf("got %d policies", len(ps))
		}
	})

	t.Run("split across named policies", func(t *testing.T) {
		limit := size/3 + 100
		ps, err := Assemble(everything(), Limits{InlinePolicySize: limit})
		if err != nil {
			t.Fatal(err)
		}
		if len(ps) < 3 {
			t.Fatalf("%d policies for %d characters at %d each", len(ps), size, limit)
		}
		var docs []Document
		for i, p := range ps {
			want := ScopePolicyName
			if i > 0 {
				want = ScopePolicyName + "-" + string(rune('1'+i))
			}
			if p.Name != want {
				t.Errorf("policy %d named %s, want %s", i, p.Name, want)
			}
			if p.Size() > limit {
				t.Errorf("%s is %d characters, over %d", p.Name, p.Size(), limit)
			}
			assertUniqueSids(t, p.Document)
			docs = append(docs, p.Document)
		}
		if MergeDocuments(docs...).String() != doc.String() {
			t.Error("the split policies together differ from the whole")
		}
	})

	t.Run("a statement larger than a policy is cut", func(t *testing.T) {
		ps, err := Assemble(everything(), Limits{InlinePolicySize: 700})
		if err != nil {
			t.Fatal(err)
		}
		var docs []Document
		for _, p := range ps {
			if p.Size() > 700 {
				t.Errorf("%s is %d characters", p.Name, p.Size())
			}
			docs = append(docs, p.Document)
		}
		if MergeDocuments(docs...).String() != doc.String() {
			t.Error("the split policies together differ from the whole")
		}
	})

	t.Run("refused over the role's total", func(t *testing.T) {
		// What would be sent: the document split to fit 3,000 per policy.
		parts, err := Split(doc, 3000)
		if err != nil {
			t.Fatal(err)
		}
		sent := 0
		for _, p := range parts {
			sent += p.Size()
		}
		_, err = Assemble(everything(), Limits{RolePolicySize: 3000})
		var ie *rules.InputError
		if !errors.As(err, &ie) {
			t.Fatalf("got %v", err)
		}
		for _, s := range []string{"at most 3,000", "RolePolicySizeQuota", Thousands(sent) + " characters"} {
			if !strings.Contains(ie.Msg, s) {
				t.Errorf("%q does not name %s", ie.Msg, s)
			}
		}
	})

	t.Run("refused over the default 10,240", func(t *testing.T) {
		s := Scope{Activities: []string{Training}}
		for i := range 300 {
			s.Buckets = append(s.Buckets, BucketGrant{Bucket: fmt.Sprintf("bucket-number-%03d", i)})
		}
		_, err := Assemble(s, DefaultLimits())
		if err == nil || !strings.Contains(err.Error(), "at most 10,240 characters for all inline policies of a role") {
			t.Errorf("got %v", err)
		}
	})

	t.Run("other inline policies count", func(t *testing.T) {
		_, err := Assemble(everything(), Limits{InUse: DefaultRolePolicySize - size + 1})
		if err == nil || !strings.Contains(err.Error(), "the role's other inline policies use") {
			t.Errorf("got %v", err)
		}
	})

	t.Run("one action on one resource too large", func(t *testing.T) {
		_, err := Split(doc, 50)
		if !rules.IsInput(err) {
			t.Errorf("got %v", err)
		}
	})
}

func TestLimits(t *testing.T) {
	d := DefaultLimits()
	if d.RolePolicySize != 10240 || d.ManagedPolicySize != 6144 || d.TrustPolicySize != 2048 || d.InlinePolicySize != 6144 {
		t.Errorf("defaults %+v", d)
	}
	l := LimitsFromSummary(map[string]int32{"RolePolicySizeQuota": 20480, "PolicySizeQuota": 6144, "Roles": 3})
	if l.RolePolicySize != 20480 || l.TrustPolicySize != 2048 {
		t.Errorf("from summary %+v", l)
	}
	big := TrustDocument()
	for range 40 {
		big.Statement = append(big.Statement, Statement{Effect: "Allow", Principal: Principal{"AWS": {"arn:aws:iam::123456789012:role/some-long-role-name"}}, Action: []string{"sts:AssumeRole"}})
	}
	if err := d.CheckTrust(big); err == nil || !strings.Contains(err.Error(), "2,048") {
		t.Errorf("CheckTrust: %v", err)
	}
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 10240: "10,240", 1234567: "1,234,567", -6144: "-6,144"} {
		if got := Thousands(n); got != want {
			t.Errorf("Thousands(%d) = %s", n, got)
		}
	}
}
