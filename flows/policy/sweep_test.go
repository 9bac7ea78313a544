package policy_test

import (
	"strings"
	"testing"

	"github.com/sagerole/sagerole/flows/policy"
	"github.com/sagerole/sagerole/flows/policy/lint"
	"github.com/sagerole/sagerole/flows/policy/sweep"
)

// The sweep's enumeration lives in flows/policy/sweep, so that other
// checks over generated documents (cfn-lint over exported templates) walk
// the same cases; these are its names in this package's tests.
type option struct {
	name  string
	apply func(*policy.Scope)
}

var sweepOptions = func() []option {
	var out []option
	for _, o := range sweep.Options() {
		out = append(out, option{o.Name, o.Apply})
	}
	return out
}()

func withGuardrail(s *policy.Scope, g string) { sweep.WithGuardrail(s, g) }

func sweepScopes() map[string]policy.Scope { return sweep.Scopes() }

// refusedAsMeaningless: what a scope that makes no sense is refused with.
func refusedAsMeaningless(err error) bool { return sweep.Meaningless(err) }

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
