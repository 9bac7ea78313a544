// Package sweep enumerates every scope sagerole can generate, with
// realistic values, so that each check over generated documents (the
// validator's, cfn-lint's over exported templates) walks the same cases.
package sweep

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/sagerole/sagerole/awsops/rules"
	"github.com/sagerole/sagerole/flows/policy"
)

// The account, region and role the sweep's scopes are generated for, and
// the KMS keys its options name.
const (
	Account  = "111122223333"
	Region   = "us-east-1"
	RoleARN  = "arn:aws:iam::111122223333:role/service-role/ds-role"
	KeyARN   = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
	OtherKey = "arn:aws:kms:us-east-1:111122223333:key/0987dcba-09fe-87dc-65ba-ab0987654321"
)

// Option is one way a scope can be narrowed or extended.
type Option struct {
	Name  string
	Apply func(*policy.Scope)
}

// Options are the scope options, each with realistic values; "none" first.
func Options() []Option {
	return []Option{
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
		{"kms", func(s *policy.Scope) { s.KMSKeys = []string{KeyARN, OtherKey} }},
		{"pass role", func(s *policy.Scope) { s.PassRoles = []string{"arn:aws:iam::111122223333:role/training-jobs"} }},
		{"glue databases", func(s *policy.Scope) { s.GlueDatabases = []string{"churn", "customer_360"} }},
		{"athena workgroups", func(s *policy.Scope) { s.AthenaWorkgroups = []string{"analysts", "ml-team"} }},
	}
}

// WithGuardrail turns on guardrail g with realistic parameters.
func WithGuardrail(s *policy.Scope, g string) {
	s.Guardrails = append(s.Guardrails, g)
	switch g {
	case policy.InstanceTypes:
		s.InstanceTypes = []string{"ml.m5.*", "ml.g5.xlarge"}
	case policy.VPCOnly:
		s.Subnets, s.SecurityGroups = []string{"subnet-0a1b2c3d", "subnet-0a1b2c3d4e5f6a7b8"}, []string{"sg-0a1b2c3d"}
	case policy.VolumeKMS:
		s.KMSKeys = append(s.KMSKeys, KeyARN)
	case policy.SourceIP:
		s.SourceIPs = []string{"203.0.113.0/24", "2001:db8::/32"}
	case policy.SourceVPCE:
		s.SourceVPCEs = []string{"vpce-1a2b3c4d"}
	case policy.TagAccess:
		s.ResourceTagKey, s.ResourceTagValue = "team", "research"
	}
}

// Scopes is every scope sagerole can generate, by name: each activity and
// persona with each option and each guardrail (alone, and all of them that
// go together), and combined scopes; and the guardrails as added to a role
// with AmazonSageMakerFullAccess (Allowed: sagemaker:*). Account, region
// and role are left for the caller to set.
func Scopes() map[string]policy.Scope {
	out := map[string]policy.Scope{}
	var bases []policy.Scope
	var names []string
	for _, a := range policy.Activities() {
		bases, names = append(bases, policy.Scope{Activities: []string{a.Name}}), append(names, "activity "+a.Name)
	}
	for _, p := range policy.Personas() {
		bases, names = append(bases, policy.Scope{Persona: p.Name}), append(names, "persona "+p.Name)
	}
	// Combinations a team asks for: MLOps that also manages experiments, a data
	// scientist in a KMS-encrypted domain with Athena, a compute role that
	// also reads Glue tables, and Canvas in full.
	bases = append(bases, policy.Scope{Persona: policy.MLOps, Activities: []string{policy.Experiments}},
		policy.Scope{Persona: policy.DataScientist, Activities: []string{policy.DomainKMS, policy.Athena}},
		policy.Scope{Persona: policy.Compute, Activities: []string{policy.GlueTables}},
		policy.Scope{Activities: []string{policy.StudioApps, policy.Canvas, policy.CanvasMLOps, policy.CanvasAIServices}})
	names = append(names, "mlops with experiments", "data-scientist with domain-kms and athena",
		"compute with glue-tables", "studio-apps with all of canvas")
	guards := []string{""}
	for _, g := range policy.Guardrails() {
		guards = append(guards, g.Name)
	}
	for i, base := range bases {
		for _, o := range Options() {
			for _, g := range guards {
				s := base
				s.Activities = append([]string(nil), base.Activities...)
				o.Apply(&s)
				if g != "" {
					WithGuardrail(&s, g)
				}
				if len(s.KMSKeys) == 0 && slices.Contains(s.Activities, policy.DomainKMS) {
					s.KMSKeys = []string{KeyARN}
				}
				if len(s.Buckets) == 0 && slices.Contains(s.Activities, policy.S3Buckets) {
					s.Buckets = []policy.BucketGrant{{Bucket: "team-a-data"}}
				}
				out[fmt.Sprintf("%s, %s, guardrail %q", names[i], o.Name, g)] = s
			}
		}
		all := base
		if slices.Contains(all.Activities, policy.DomainKMS) {
			all.KMSKeys = []string{KeyARN}
		}
		if slices.Contains(all.Activities, policy.S3Buckets) {
			all.Buckets = []policy.BucketGrant{{Bucket: "team-a-data"}}
		}
		for _, g := range policy.Guardrails() {
			if g.Name != policy.SourceVPCE { // cannot be combined with source-ip
				WithGuardrail(&all, g.Name)
			}
		}
		out[names[i]+", every guardrail"] = all
	}
	for _, g := range guards[1:] {
		s := policy.Scope{Allowed: []string{"sagemaker:*"}}
		WithGuardrail(&s, g)
		out["FullAccess role, guardrail "+g] = s
	}
	return out
}

// Meaningless reports whether err is the refusal of a scope that makes no
// sense: a guardrail that would restrict nothing, an option that narrows
// nothing. Every other error of a sweep scope is a fault.
func Meaningless(err error) bool {
	var ie *rules.InputError
	if !errors.As(err, &ie) {
		return false
	}
	return strings.Contains(ie.Msg, "would restrict nothing") || strings.Contains(ie.Msg, "none of the chosen activities")
}
