package lint

import (
	"testing"

	"github.com/sagerole/sagerole/flows/policy"
)

// largestScope is the biggest scope sagerole builds: every persona's and
// activity's actions, every option, every guardrail that can be combined
// (source-vpce cannot go with source-ip), with buckets and prefixes.
func largestScope() policy.Scope {
	s := policy.Scope{Persona: policy.DataScientist, VPC: true, LogGroups: true,
		Buckets:        []policy.BucketGrant{{Bucket: "team-raw-data"}, {Bucket: "ml-models-prod", Prefix: "curated"}, {Bucket: "research-datasets"}},
		ECRRepos:       []string{"team/train", "arn:aws:ecr:us-east-1:111122223333:repository/team/serve"},
		KMSKeys:        []string{"arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"},
		InstanceTypes:  []string{"ml.m5.xlarge", "ml.c5.*", "ml.g5.2xlarge"},
		SourceIPs:      []string{"203.0.113.0/24", "198.51.100.0/24"},
		ResourceTagKey: "team", ResourceTagValue: "research",
		Partition: "aws", Account: "111122223333", Region: "us-east-1"}
	for _, a := range policy.Activities() {
		s.Activities = append(s.Activities, a.Name)
	}
	for _, g := range policy.Guardrails() {
		if g.Name != policy.SourceVPCE {
			s.Guardrails = append(s.Guardrails, g.Name)
		}
	}
	return s
}

func largestDocument(b *testing.B) policy.Document {
	d, err := policy.Build(largestScope())
	if err != nil {
		b.Fatal(err)
	}
	return d
}

// BenchmarkLintLargestScope lints the largest generated scope from its
// text, as the wizard's editor and policy lint do (the reference loaded
// and its services decoded before, as in a running program).
func BenchmarkLintLargestScope(b *testing.B) {
	r := ref(b)
	text := largestDocument(b).String()
	Text(r, text, Options{})
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		if _, err := Text(r, text, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLintLargestScopeParsed is Lint on the parsed document, as a
// flow that already holds it does.
func BenchmarkLintLargestScopeParsed(b *testing.B) {
	r := ref(b)
	d := largestDocument(b)
	Lint(r, d, Options{})
	for b.Loop() {
		Lint(r, d, Options{})
	}
}
