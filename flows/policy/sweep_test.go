package policy_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/sagerole/sagerole/awsops/rules"
	"github.com/sagerole/sagerole/flows/policy"
	"github.com/sagerole/sagerole/flows/policy/lint"
)

// option is one way a scope can be narrowed or extended, with realistic
// values.
type option struct {
	name  string
	apply func(*policy.Scope)
}

var sweepOptions = []option{
	{"none", func(*policy.Scope) {}},
	{"buckets", func(s *policy.Scope) {
		s.Buckets = []policy.BucketGrant{{Bucket: "team-a-data"}, {Bucket: "shared-lake", Prefix: "projects/churn"}}
	}},
	{"buckets read-only", func(s *policy.Scope) {
		s.Buckets, s.ReadOnly = []policy.BucketGrant{{Bucket: "team-a-data"}, {Bucket: "shared-lake", Prefix: "curated"}}, true
	}},
	{"ecr", func(s *policy.Scope) {
		s.ECRRepos = []string{"trainer", "arn:aws:ecr:eu-west-1:210987654321:repository/team/shared-image"}
	}},
	{"log groups", func(s *policy.Scope) { s.LogGroups = true }},
	{"vpc", func(s *policy.Scope) { s.VPC = true }},
	{"kms", func(s *policy.Scope) { s.KMSKeys = []string{keyARN, otherKey} }},
	{"pass role", func(s *policy.Scope) { s.PassRoles = []string{"arn:aws:iam::111122223333:role/training-jobs"} }},
}

// withGuardrail turns on guardrail g with realistic parameters.
func withGuardrail(s *policy.Scope, g string) {
	s.Guardrails = append(s.Guardrails, g)
	switch g {
	case policy.InstanceTypes:
		s.InstanceTypes = []string{"ml.m5.*", "ml.g5.xlarge"}
	case policy.VPCOnly:
		s.Subnets, s.SecurityGroups = []string{"subnet-0a1b2c3d", "subnet-0a1b2c3d4e5f6a7b8"}, []string{"sg-0a1b2c3d"}
	case policy.VolumeKMS:
		s.KMSKeys = append(s.KMSKeys, keyARN)
	case policy.SourceIP:
		s.SourceIPs = []string{"203.0.113.0/24", "2001:db8::/32"}
	case policy.SourceVPCE:
		s.SourceVPCEs = []string{"vpce-1a2b3c4d"}
	case policy.TagAccess:
		s.ResourceTagKey, s.ResourceTagValue = "team", "research"
	}
}

// sweepScopes is every scope sagerole can generate, by name: each activity
// and persona with each option and each guardrail (alone, and all of them
// that go together), and combined scopes; and the guardrails as added to a
// role with AmazonSageMakerFullAccess.
func sweepScopes() map[string]policy.Scope {
	out := map[string]policy.Scope{}
	var bases []policy.Scope
	var names []string
	for _, a := range policy.Activities() {
		bases, names = append(bases, policy.Scope{Activities: []string{a.Name}}), append(names, "activity "+a.Name)
	}
	for _, p := range policy.Personas() {
		bases, names = append(bases, policy.Scope{Persona: p.Name}), append(names, "persona "+p.Name)
	}
	bases = append(bases, policy.Scope{Persona: policy.MLOps, Activities: []string{policy.Training, policy.AutoML}},
		policy.Scope{Persona: policy.DataScientist, Activities: []string{policy.Images, policy.DomainKMS}})
	names = append(names, "mlops with training and automl", "data-scientist with images and domain-kms")
	guards := []string{""}
	for _, g := range policy.Guardrails() {
		guards = append(guards, g.Name)
	}
	for i, base := range bases {
		for _, o := range sweepOptions {
			for _, g := range guards {
				s := base
				s.Activities = append([]string(nil), base.Activities...)
				o.apply(&s)
				if g != "" {
					withGuardrail(&s, g)
				}
				if len(s.KMSKeys) == 0 && strings.Contains(strings.Join(s.Activities, ","), policy.DomainKMS) {
					s.KMSKeys = []string{keyARN}
				}
				out[fmt.Sprintf("%s, %s, guardrail %q", names[i], o.name, g)] = s
			}
		}
		all := base
		for _, g := range policy.Guardrails() {
			if g.Name != policy.SourceVPCE { // cannot be combined with source-ip
				withGuardrail(&all, g.Name)
			}
		}
		out[names[i]+", every guardrail"] = all
	}
	for _, g := range guards[1:] {
		s := policy.Scope{Allowed: []string{"sagemaker:*"}}
		withGuardrail(&s, g)
		out["FullAccess role, guardrail "+g] = s
	}
	return out
}

// restrictsNothing reports whether err is the refusal of a guardrail that
// would restrict nothing, and an option that changes nothing: what a scope
// that makes no sense is refused with.
func refusedAsMeaningless(err error) bool {
	var ie *rules.InputError
	if !errors.As(err, &ie) {
		return false
	}
	return strings.Contains(ie.Msg, "would restrict nothing") || strings.Contains(ie.Msg, "none of the chosen activities")
}

// TestSweepLintsClean: every document sagerole can generate passes the
// validator with no error and no warning. A scope is allowed to be refused
// only as meaningless (a guardrail with nothing to restrict, an option with
// nothing to narrow) — and the personas and activities that call SageMaker
// take every guardrail.
func TestSweepLintsClean(t *testing.T) {
	ref, err := policy.Reference()
	if err != nil {
		t.Fatal(err)
	}
	checked, refused := 0, 0
	for name, s := range sweepScopes() {
		s.Account, s.Region, s.RoleARN = acct, region, roleARN
		named, err := policy.Assemble(s, policy.DefaultLimits())
		if err != nil {
			if !refusedAsMeaningless(err) {
				t.Errorf("%s: %v", name, err)
			}
			callsSageMaker := s.Persona == policy.DataScientist || strings.Contains(strings.Join(s.Activities, ","), "notebook")
			if callsSageMaker && strings.Contains(err.Error(), "would restrict nothing") {
				t.Errorf("%s: a scope that calls SageMaker refused a guardrail: %v", name, err)
			}
			refused++
			continue
		}
		for _, p := range named {
			for _, f := range lint.Lint(ref, p.Document, lint.Options{Kind: lint.Identity}) {
				if f.Level >= lint.Warning {
					t.Errorf("%s, %s: %s [%s]", name, p.Name, f, f.Code)
				}
			}
			checked++
		}
	}
	for _, grants := range [][]policy.BucketGrant{{{Bucket: "team-a-data"}}, {{Bucket: "team-a-data"}, {Bucket: "shared-lake", Prefix: "projects/churn"}, {Bucket: "shared-lake", Prefix: "x/y"}}} {
		for _, ro := range []bool{false, true} {
			for _, partition := range []string{"", "aws-cn"} {
				d, err := policy.S3Policy(partition, grants, ro)
				if err != nil {
					t.Fatal(err)
				}
				for _, f := range lint.Lint(ref, d, lint.Options{Kind: lint.Identity}) {
					if f.Level >= lint.Warning {
						t.Errorf("S3 policy %v read-only=%v %q: %s [%s]", grants, ro, partition, f, f.Code)
					}
				}
				checked++
			}
		}
	}
	for _, f := range lint.Lint(ref, policy.TrustDocument(), lint.Options{Kind: lint.Trust}) {
		if f.Level >= lint.Warning {
			t.Errorf("trust policy: %s", f)
		}
	}
	if checked < 500 {
		t.Errorf("only %d documents checked (%d scopes refused): the sweep lost its cases", checked, refused)
	}
	t.Logf("%d documents linted clean, %d scopes refused as meaningless", checked, refused)
}
