package eval

import (
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/sagerole/sagerole/flows/policy"
)

// FuzzMatch compares the wildcard matcher with a regular expression built
// from the same pattern: * is .*, ? is one character, the rest literal.
func FuzzMatch(f *testing.F) {
	for _, s := range [][2]string{
		{"arn:aws:s3:::b/*", "arn:aws:s3:::b/k"}, {"*a*b?c", "xxaybzc"}, {"??", "é"}, {"*", ""},
		{"a*", "a"}, {"*x*x*x*", "xxxxxxxxy"}, {"s3:?etObject", "s3:GetObject"}, {"", ""},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, pat, s string) {
		if !utf8.ValidString(pat) || !utf8.ValidString(s) {
			t.Skip() // policies and ARNs are JSON text; the oracle needs UTF-8
		}
		var re strings.Builder
		re.WriteString(`(?s)^`)
		for _, r := range pat {
			switch r {
			case '*':
				re.WriteString(`.*`)
			case '?':
				re.WriteString(`.`)
			default:
				re.WriteString(regexp.QuoteMeta(string(r)))
			}
		}
		re.WriteString(`$`)
		rx, err := regexp.Compile(re.String())
		if err != nil {
			t.Skip()
		}
		p, _ := vars{}.compile(pat, true)
		if got, want := p.match(s), rx.MatchString(s); got != want {
			t.Fatalf("match(%q, %q) = %v, regexp says %v", pat, s, got, want)
		}
	})
}

// FuzzEvaluate runs any document that parses against a few requests: no
// panic, and the decision agrees with the statements it reports — a Deny
// that applies means explicit deny, an Allow that applies and no Deny means
// allow — and a Deny of everything added to the role always denies.
func FuzzEvaluate(f *testing.F) {
	for _, s := range []string{
		`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/${aws:username}/*"}}`,
		`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","NotAction":"s3:Get*","NotResource":"arn:aws:s3:::b/*","Condition":{"ForAnyValue:StringNotLike":{"aws:TagKeys":"a*"}}}]}`,
		`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"},"DateLessThan":{"aws:CurrentTime":"2030-01-01"},"Null":{"k":"true"}}}}`,
	} {
		f.Add(s, "s3:GetObject", "arn:aws:s3:::b/alice/k", "alice")
	}
	f.Fuzz(func(t *testing.T, doc, action, resource, user string) {
		d, err := policy.Parse(doc)
		if err != nil {
			return
		}
		r := Request{Action: action, Resource: resource, Context: map[string][]string{
			"aws:username": {user}, "aws:SourceIp": {"10.1.2.3"}, "aws:CurrentTime": {"2026-12-01T00:00:00Z"}, "aws:TagKeys": {"ab", user},
		}}
		role := Role{Policies: []Policy{{Name: "p", Document: d}}}
		res, err := Evaluate(role, r)
		if err != nil {
			return
		}
		deny, allow := false, false
		for _, s := range res.Statements {
			if s.Applies {
				deny = deny || s.Effect == "Deny"
				allow = allow || s.Effect == "Allow"
			}
		}
		want := ImplicitDeny
		switch {
		case deny:
			want = ExplicitDeny
		case allow:
			want = Allow
		}
		if res.Decision != want || (want == ImplicitDeny) != (len(res.Deciding) == 0) {
			t.Fatalf("decision %v with %d deciding, statements say %v", res.Decision, len(res.Deciding), want)
		}
		_ = res.Explain()
		denyAll := Policy{Name: "deny", Document: policy.Document{Version: policy.Version, Statement: []policy.Statement{
			{Effect: "Deny", Action: []string{"*"}, Resource: []string{"*"}}}}}
		role.Policies = append(role.Policies, denyAll)
		if res, err := Evaluate(role, r); err != nil || res.Decision != ExplicitDeny {
			t.Fatalf("with a Deny of everything: %v, %v", res.Decision, err)
		}
	})
}
