package policy_test

import (
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/sagerole/sagerole/assets"

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
// nothing to narrow); TestGuardrailsComputedForEveryActivity proves each
// such refusal of a guardrail right.
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
	var principals []string
	for _, ts := range policy.TrustServices() {
		principals = append(principals, ts.Principal)
	}
	for _, account := range []string{"", acct} {
		all, err := policy.TrustFor(principals, account)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range []policy.Document{policy.TrustDocument(), all} {
			for _, f := range lint.Lint(ref, d, lint.Options{Kind: lint.Trust}) {
				if f.Level >= lint.Warning {
					t.Errorf("trust policy %s: %s", d, f)
				}
			}
			checked++
		}
	}
	if checked < 500 {
		t.Errorf("only %d documents checked (%d scopes refused): the sweep lost its cases", checked, refused)
	}
	t.Logf("%d documents linted clean, %d scopes refused as meaningless", checked, refused)
}

// TestGuardrailsComputedForEveryActivity proves, for every activity and
// persona with every guardrail, that the guardrail is computed from the
// reference rather than hand-listed: each of its Deny statements restricts
// exactly the actions the scope allows (expanded with the reference) that
// the statement's template bounds and that carry every one of its
// condition keys — and a guardrail is refused as restricting nothing
// exactly when that set is empty for all its statements. The expected
// sets are worked out here from the templates and the reference alone.
func TestGuardrailsComputedForEveryActivity(t *testing.T) {
	ref, err := policy.Reference()
	if err != nil {
		t.Fatal(err)
	}
	expand := func(patterns []string) map[string]bool {
		out := map[string]bool{}
		for _, p := range patterns {
			for _, a := range ref.Expand(p) {
				out[a.FullName()] = true
			}
		}
		return out
	}
	// The Deny statements of each guardrail's templates (its pins
	// included), by Sid: the bound (Action) and the keys.
	type deny struct {
		bound map[string]bool
		keys  []string
	}
	denies := map[string]map[string]deny{}
	ownAllows := map[string][]string{} // a guardrail's own Allow (addtags-on-create) is allowed too
	for _, g := range policy.Guardrails() {
		files := []string{"guardrails/" + g.Name}
		switch g.Name {
		case policy.VPCOnly:
			files = append(files, "pins/vpc-subnets", "pins/vpc-security-groups")
		case policy.VolumeKMS:
			files = append(files, "pins/volume-kms-keys")
		}
		denies[g.Name] = map[string]deny{}
		for _, f := range files {
			b, err := assets.Policies.ReadFile("policies/" + f + ".json")
			if err != nil {
				t.Fatal(err)
			}
			d, err := policy.Parse(string(b))
			if err != nil {
				t.Fatal(err)
			}
			for _, st := range d.Statement {
				if st.Effect != "Deny" {
					ownAllows[g.Name] = append(ownAllows[g.Name], st.Action...)
					continue
				}
				var keys []string
				for _, byKey := range st.Condition {
					keys = append(keys, slices.Collect(maps.Keys(byKey))...)
				}
				denies[g.Name][st.Sid] = deny{bound: expand(st.Action), keys: keys}
			}
		}
	}
	var bases []policy.Scope
	for _, a := range policy.Activities() {
		bases = append(bases, policy.Scope{Activities: []string{a.Name}})
	}
	for _, p := range policy.Personas() {
		bases = append(bases, policy.Scope{Persona: p.Name})
	}
	proved, refusedRight := 0, 0
	for _, base := range bases {
		base.Account, base.Region, base.RoleARN = acct, region, roleARN
		base.Buckets = []policy.BucketGrant{{Bucket: "team-a-data"}}
		if slices.Contains(base.Activities, policy.DomainKMS) {
			base.KMSKeys = []string{keyARN}
		}
		grants, err := policy.Build(base)
		if err != nil && sweep.Meaningless(err) {
			base.Buckets = nil // a scope without S3
			grants, err = policy.Build(base)
		}
		if err != nil {
			t.Fatalf("%+v: %v", base, err)
		}
		var allowedPatterns []string
		for _, st := range grants.Statement {
			if st.Effect == "Allow" {
				allowedPatterns = append(allowedPatterns, st.Action...)
			}
		}
		allowed := expand(allowedPatterns)
		name := strings.Join(append([]string{base.Persona}, base.Activities...), " ")
		for _, g := range policy.Guardrails() {
			allowed := maps.Clone(allowed)
			maps.Copy(allowed, expand(ownAllows[g.Name]))
			want := map[string]map[string]bool{}
			for sid, d := range denies[g.Name] {
				want[sid] = map[string]bool{}
				for a := range allowed {
					act, _ := ref.Action(a)
					if d.bound[a] && !slices.ContainsFunc(d.keys, func(k string) bool { return !act.Supports(k) }) {
						want[sid][a] = true
					}
				}
			}
			none := !slices.ContainsFunc(slices.Collect(maps.Values(want)), func(m map[string]bool) bool { return len(m) > 0 })
			s := base
			withGuardrail(&s, g.Name)
			doc, err := policy.Build(s)
			switch {
			case err != nil && strings.Contains(err.Error(), "would restrict nothing"):
				if !none {
					t.Errorf("%s: guardrail %s refused, but it would restrict %v", name, g.Name, want)
				}
				refusedRight++
				continue
			case err != nil:
				t.Errorf("%s, guardrail %s: %v", name, g.Name, err)
				continue
			case none:
				t.Errorf("%s: guardrail %s accepted though no allowed action carries its keys", name, g.Name)
				continue
			}
			got := map[string]map[string]bool{}
			for _, st := range doc.Statement {
				if _, ok := denies[g.Name][st.Sid]; ok && st.Effect == "Deny" {
					got[st.Sid] = map[string]bool{}
					for a := range expand(st.Action) {
						if allowed[a] {
							got[st.Sid][a] = true
						}
					}
					// A wildcard stands only for actions the statement
					// may name: none outside the bound, none without the keys.
					for a := range expand(st.Action) {
						act, _ := ref.Action(a)
						if !denies[g.Name][st.Sid].bound[a] || slices.ContainsFunc(denies[g.Name][st.Sid].keys, func(k string) bool { return !act.Supports(k) }) {
							t.Errorf("%s, %s: %s names %s, which it must not", name, g.Name, st.Sid, a)
						}
					}
				}
			}
			for sid, w := range want {
				if len(w) == 0 {
					if _, ok := got[sid]; ok {
						t.Errorf("%s, %s: statement %s is written though it restricts nothing", name, g.Name, sid)
					}
					continue
				}
				if !maps.Equal(got[sid], w) {
					t.Errorf("%s, %s: %s restricts %v, want %v", name, g.Name, sid, slices.Sorted(maps.Keys(got[sid])), slices.Sorted(maps.Keys(w)))
				}
			}
			proved++
		}
	}
	if proved < 100 || refusedRight < 50 {
		t.Errorf("only %d guardrails proved and %d refusals: the test lost its cases", proved, refusedRight)
	}
	t.Logf("%d guardrails computed as the reference says, %d refused rightly", proved, refusedRight)
}
