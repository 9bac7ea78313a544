package policy_test

import (
	"sync"
	"testing"

	"github.com/sagerole/sagerole/flows/policy"
	"github.com/sagerole/sagerole/flows/policy/lint"
)

// largest is the largest scope sagerole generates: of every scope of the
// sweep, the one whose policies come to the most characters and still fit
// a role (found once).
var largest = sync.OnceValue(func() policy.Scope {
	var best policy.Scope
	size := 0
	for _, s := range sweepScopes() {
		s.Account, s.Region, s.RoleARN = acct, region, roleARN
		named, err := policy.Assemble(s, policy.DefaultLimits())
		if err != nil {
			continue
		}
		n := 0
		for _, p := range named {
			n += p.Size()
		}
		if n > size {
			best, size = s, n
		}
	}
	return best
})

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

// BenchmarkReachesPersona is what the wizard pays to decide which options
// to ask for a persona (once per Options screen it draws).
func BenchmarkReachesPersona(b *testing.B) {
	s := policy.Scope{Persona: policy.DataScientist}
	for b.Loop() {
		if _, err := s.Reaches(); err != nil {
			b.Fatal(err)
		}
	}
}
