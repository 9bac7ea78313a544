package policy

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/sagerole/sagerole/awsops/rules"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

const (
	testAccount = "123456789012"
	testRegion  = "us-east-1"
	testKey     = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
)

// goldenCase is one generated document set: a name (the golden file) and
// the policies it gives.
type goldenCase struct {
	name string
	kind string // "inline", "trust" or "s3": which limits apply
	gen  func() ([]NamedPolicy, error)
}

func scopeCase(name string, s Scope) goldenCase {
	return goldenCase{name: name, kind: "inline", gen: func() ([]NamedPolicy, error) { return Assemble(s, DefaultLimits()) }}
}

// narrowed is every narrowing option at once.
func narrowed(s Scope) Scope {
	s.Buckets = []BucketGrant{{Bucket: "ml-input"}, {Bucket: "ml-output", Prefix: "models/"}}
	s.ECRRepos = []string{"trainer", "arn:aws:ecr:eu-west-1:210987654321:repository/team/shared-image"}
	s.LogGroups = true
	s.Account, s.Region = testAccount, testRegion
	s.RoleARN = "arn:aws:iam::" + testAccount + ":role/service-role/ml-role"
	return s
}

// narrowedWhereItApplies is narrowed(s) with only the options the
// activity has something to narrow with; ok is false when it has none
// (and the account, region and role alone are not worth a golden file).
func narrowedWhereItApplies(s Scope) (Scope, bool) {
	all := narrowed(s)
	out := s
	out.Account, out.Region, out.RoleARN = all.Account, all.Region, all.RoleARN
	found := false
	for _, apply := range []func(*Scope){
		func(x *Scope) { x.Buckets = all.Buckets },
		func(x *Scope) { x.ECRRepos = all.ECRRepos },
		func(x *Scope) { x.LogGroups = all.LogGroups },
	} {
		try := out
		apply(&try)
		if _, err := Build(try); err == nil {
			out, found = try, true
		}
	}
	return out, found
}

// guardrailScope turns on guardrail g for a role its other policies allow
// every SageMaker action (as sagerole policy guardrail NAME shows it).
func guardrailScope(g string) Scope {
	s := Scope{Guardrails: []string{g}, Allowed: []string{"sagemaker:*"}}
	switch g {
	case InstanceTypes:
		s.InstanceTypes = []string{"ml.m5.xlarge", "ml.c5.*"}
	case SourceIP:
		s.SourceIPs = []string{"192.0.2.0/24", "203.0.113.0/24"}
	case SourceVPCE:
		s.SourceVPCEs = []string{"vpce-111bbccc", "vpce-111bbddd"}
	case TagAccess:
		s.ResourceTagKey, s.ResourceTagValue = "Project", "A"
	}
	return s
}

func everything() Scope {
	s := narrowed(Scope{Activities: []string{Training, Processing, Tuning, Hosting, AutoML, Notebook, Images, DomainKMS}, VPC: true, KMSKeys: []string{testKey}})
	for _, g := range Guardrails() {
		if g.Name == SourceVPCE {
			continue // cannot be combined with source-ip
		}
		if g.Name == TagAccess {
			continue // its Deny names every action that carries the tag: the scope would pass the role's quota
		}
		gs := guardrailScope(g.Name)
		s.Guardrails = append(s.Guardrails, g.Name)
		s.InstanceTypes = append(s.InstanceTypes, gs.InstanceTypes...)
		s.SourceIPs = append(s.SourceIPs, gs.SourceIPs...)
		if gs.ResourceTagKey != "" {
			s.ResourceTagKey, s.ResourceTagValue = gs.ResourceTagKey, gs.ResourceTagValue
		}
	}
	return s
}

func goldenCases() []goldenCase {
	cases := []goldenCase{
		{name: "trust", kind: "trust", gen: func() ([]NamedPolicy, error) {
			return []NamedPolicy{{Name: "trust", Document: TrustDocument()}}, nil
		}},
		{name: "s3", kind: "s3", gen: func() ([]NamedPolicy, error) {
			d, err := S3Policy("", []BucketGrant{{Bucket: "amzn-s3-bucket1"}, {Bucket: "team-data", Prefix: "train/images"}}, false)
			return []NamedPolicy{{Name: BucketPolicyName, Document: d}}, err
		}},
		{name: "s3-read-only", kind: "s3", gen: func() ([]NamedPolicy, error) {
			d, err := S3Policy("", []BucketGrant{{Bucket: "amzn-s3-bucket1"}, {Bucket: "team-data", Prefix: "train/images"}}, true)
			return []NamedPolicy{{Name: BucketPolicyName, Document: d}}, err
		}},
		{name: "s3-china", kind: "s3", gen: func() ([]NamedPolicy, error) {
			d, err := S3Policy("aws-cn", []BucketGrant{{Bucket: "data-cn"}}, false)
			return []NamedPolicy{{Name: BucketPolicyName, Document: d}}, err
		}},
	}
	for _, a := range Activities() {
		s := Scope{Activities: []string{a.Name}}
		switch a.Name {
		case DomainKMS:
			s.KMSKeys = []string{testKey}
		case S3Buckets:
			s.Buckets = []BucketGrant{{Bucket: "ml-input"}}
		case GlueTables:
			s.GlueDatabases = []string{"churn"}
		case Athena:
			s.AthenaWorkgroups = []string{"analysts"}
		}
		cases = append(cases, scopeCase("activity-"+a.Name, s))
		switch a.Name {
		case Images:
			cases = append(cases, scopeCase("activity-images-narrowed", Scope{Activities: []string{Images}, ECRRepos: []string{"studio-image"}, Account: testAccount, Region: testRegion}))
		case DomainKMS:
		default:
			if n, ok := narrowedWhereItApplies(s); ok {
				cases = append(cases, scopeCase("activity-"+a.Name+"-narrowed", n))
			}
		}
	}
	cases = append(cases,
		scopeCase("option-vpc", Scope{VPC: true}),
		scopeCase("option-kms", Scope{KMSKeys: []string{testKey, "arn:aws:kms:us-east-1:123456789012:key/0987dcba-09fe-87dc-65ba-ab0987654321"}}),
		scopeCase("option-buckets", Scope{Activities: []string{Training}, Buckets: []BucketGrant{{Bucket: "ml-input"}, {Bucket: "ml-output"}}}),
		scopeCase("option-prefix", Scope{Activities: []string{Training}, Buckets: []BucketGrant{{Bucket: "ml-data", Prefix: "/projects/churn/"}}}),
		scopeCase("option-read-only", Scope{Activities: []string{Training, Notebook}, Buckets: []BucketGrant{{Bucket: "ml-input"}}, ReadOnly: true}),
		scopeCase("option-ecr", Scope{Activities: []string{Training}, ECRRepos: []string{"trainer"}}),
		scopeCase("option-log-groups", Scope{Activities: []string{Training}, LogGroups: true}),
		scopeCase("option-vpc-kms-training", Scope{Activities: []string{Training}, VPC: true, KMSKeys: []string{testKey}}),
	)
	for _, g := range Guardrails() {
		cases = append(cases, scopeCase("guardrail-"+g.Name, guardrailScope(g.Name)))
	}
	for _, p := range Personas() {
		cases = append(cases, scopeCase("persona-"+p.Name, Scope{Persona: p.Name}))
	}
	cases = append(cases,
		scopeCase("persona-data-scientist-buckets", Scope{Persona: DataScientist, Buckets: []BucketGrant{{Bucket: "ml-input"}, {Bucket: "ml-output"}}}),
		scopeCase("persona-mlops-plus-training", Scope{Persona: MLOps, Activities: []string{Training}, Buckets: []BucketGrant{{Bucket: "ml-models"}}}),
		scopeCase("persona-data-scientist-vpc-kms", Scope{Persona: DataScientist, Buckets: []BucketGrant{{Bucket: "ml-input"}}, VPC: true, KMSKeys: []string{testKey},
			Guardrails: []string{VPCOnly, VolumeKMS}, Subnets: []string{"subnet-0a1b2c3d"}, SecurityGroups: []string{"sg-0a1b2c3d"},
			Account: testAccount, Region: testRegion, RoleARN: "arn:aws:iam::" + testAccount + ":role/sagemaker-ds"}),
		scopeCase("persona-mlops-vpc-kms", Scope{Persona: MLOps, VPC: true, KMSKeys: []string{testKey},
			Guardrails: []string{VPCOnly, VolumeKMS}, Subnets: []string{"subnet-0a1b2c3d"}, SecurityGroups: []string{"sg-0a1b2c3d"},
			Account: testAccount, Region: testRegion, RoleARN: "arn:aws:iam::" + testAccount + ":role/sagemaker-mlops"}),
		scopeCase("persona-data-scientist-guarded", Scope{Persona: DataScientist, Buckets: []BucketGrant{{Bucket: "ml-input"}}, Guardrails: []string{NetworkIsolation, VolumeKMS}, InstanceTypes: []string{"ml.m5.large"},
			KMSKeys: []string{testKey}, Subnets: []string{"subnet-0a1b2c3d"}, SecurityGroups: []string{"sg-0a1b2c3d", "sg-1a2b3c4d"}}),
		scopeCase("everything", everything()),
		goldenCase{name: "everything-split", kind: "inline", gen: func() ([]NamedPolicy, error) {
			return Assemble(everything(), Limits{InlinePolicySize: 2000})
		}},
	)
	return cases
}

func render(ps []NamedPolicy) string {
	var b strings.Builder
	for _, p := range ps {
		fmt.Fprintf(&b, "# %s (%d characters)\n%s\n", p.Name, p.Size(), p.JSON())
	}
	return b.String()
}

func TestGolden(t *testing.T) {
	for _, c := range goldenCases() {
		t.Run(c.name, func(t *testing.T) {
			ps, err := c.gen()
			if err != nil {
				t.Fatal(err)
			}
			got := render(ps)
			path := filepath.Join("testdata", c.name+".golden")
			if *update {
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if got != string(want) {
				t.Errorf("%s differs from the golden file (go test -update rewrites it)\ngot:\n%s\nwant:\n%s", c.name, got, want)
			}
		})
	}
}

// TestGoldenFilesHaveCases catches a golden file left behind by a renamed case.
func TestGoldenFilesHaveCases(t *testing.T) {
	known := map[string]bool{}
	for _, c := range goldenCases() {
		known[c.name+".golden"] = true
	}
	files, _ := filepath.Glob(filepath.Join("testdata", "*.golden"))
	for _, f := range files {
		if !known[filepath.Base(f)] {
			t.Errorf("%s has no test case", f)
		}
	}
}

var leftoverRE = regexp.MustCompile(`\$\{[A-Za-z][A-Za-z0-9]*\}`)

// TestGeneratedDocumentsValid: every generated document is valid JSON that
// IAM would parse, within IAM's limits, with no placeholder left, and reads
// back as itself.
func TestGeneratedDocumentsValid(t *testing.T) {
	limits := DefaultLimits()
	for _, c := range goldenCases() {
		t.Run(c.name, func(t *testing.T) {
			ps, err := c.gen()
			if err != nil {
				t.Fatal(err)
			}
			total := 0
			for _, p := range ps {
				js := p.JSON()
				if !json.Valid([]byte(js)) {
					t.Fatalf("%s is not valid JSON:\n%s", p.Name, js)
				}
				if err := rules.PolicyDocument(p.Name, js); err != nil {
					t.Errorf("%s: %v", p.Name, err)
				}
				if err := rules.PolicyName(p.Name); err != nil {
					t.Errorf("%v", err)
				}
				if m := leftoverRE.FindString(js); m != "" {
					t.Errorf("%s still has placeholder %s", p.Name, m)
				}
				back, err := Parse(js)
				if err != nil {
					t.Fatalf("%s does not parse back: %v", p.Name, err)
				}
				if back.String() != js {
					t.Errorf("%s changes when read back", p.Name)
				}
				if again := MergeDocuments(back); again.String() != js {
					t.Errorf("%s is not in merged form:\n%s", p.Name, again)
				}
				assertUniqueSids(t, p.Document)
				switch c.kind {
				case "trust":
					if err := limits.CheckTrust(p.Document); err != nil {
						t.Error(err)
					}
				default:
					if err := limits.CheckManaged(p.Document); err != nil {
						t.Error(err)
					}
				}
				total += p.Size()
			}
			if c.kind != "trust" && total > limits.RolePolicySize {
				t.Errorf("%d characters together, over the role's %d", total, limits.RolePolicySize)
			}
		})
	}
}

func assertUniqueSids(t *testing.T, d Document) {
	t.Helper()
	seen := map[string]bool{}
	for _, s := range d.Statement {
		if s.Sid == "" {
			continue
		}
		if seen[s.Sid] {
			t.Errorf("Sid %s appears twice", s.Sid)
		}
		seen[s.Sid] = true
	}
}

// TestEveryTemplateIsUsed keeps assets/policies free of files no code reads.
func TestEveryTemplateIsUsed(t *testing.T) {
	names, err := templateNames()
	if err != nil {
		t.Fatal(err)
	}
	used := map[string]bool{"trust": true, "s3": true, "s3-read-only": true, "options/vpc": true, "options/kms": true,
		"pins/vpc-subnets": true, "pins/vpc-security-groups": true, "pins/volume-kms-keys": true}
	for _, ts := range TrustServices() {
		used[trustTemplate(ts.Principal)] = true
	}
	for _, a := range Activities() {
		used[activityTemplate(a.Name)] = true
	}
	for _, g := range Guardrails() {
		used[guardrailTemplate(g.Name)] = true
	}
	for _, n := range names {
		if !used[n] {
			t.Errorf("template %s is not used", n)
		}
		if _, err := template(n); err != nil {
			t.Error(err)
		}
		delete(used, n)
	}
	for n := range used {
		t.Errorf("template %s is missing", n)
	}
}
