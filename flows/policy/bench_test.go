package policy_test

import (
	"testing"

	"github.com/sagerole/sagerole/flows/policy"
	"github.com/sagerole/sagerole/flows/policy/lint"
)

// largest is the largest scope sagerole generates: the data scientist with
// every option and every guardrail that go together.
func largest() policy.Scope {
	s := policy.Scope{Persona: policy.DataScientist, Activities: []string{policy.Images, policy.DomainKMS}, Account: acct, Region: region, RoleARN: roleARN}
	for _, o := range sweepOptions {
		if o.name != "buckets read-only" {
			o.apply(&s)
		}
	}
	for _, g := range policy.Guardrails() {
		if g.Name != policy.SourceVPCE && g.Name != policy.TagAccess {
			withGuardrail(&s, g.Name)
		}
	}
	return s
}

// BenchmarkBuildLargest assembles the largest scope, guardrails computed
// from the reference.
func BenchmarkBuildLargest(b *testing.B) {
	s := largest()
	for b.Loop() {
		if _, err := policy.Assemble(s, policy.DefaultLimits()); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLintLargest lints the largest scope's policies.
func BenchmarkLintLargest(b *testing.B) {
	ref, err := policy.Reference()
	if err != nil {
		b.Fatal(err)
	}
	named, err := policy.Assemble(largest(), policy.DefaultLimits())
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		for _, p := range named {
			lint.Lint(ref, p.Document, lint.Options{Kind: lint.Identity})
		}
	}
}
