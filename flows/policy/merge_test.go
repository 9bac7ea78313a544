package policy

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// Pools small enough that random statements collide often.
var (
	poolActions   = []string{"s3:GetObject", "s3:getobject", "s3:PutObject", "s3:*", "s3:Get*", "sagemaker:*", "sagemaker:CreateModel", "ecr:BatchGetImage", "kms:Decrypt"}
	poolResources = []string{"*", "arn:aws:s3:::a/*", "arn:aws:s3:::a/x/*", "arn:aws:s3:::b/*", "arn:aws:s3:::a", "arn:aws:s3:::b", "arn:aws:kms:us-east-1:123456789012:key/k"}
	poolSids      = []string{"", "", "", "One", "Two"}
	poolConds     = []Condition{nil, nil, {"StringEquals": {"iam:PassedToService": {"sagemaker.amazonaws.com"}}}, {"Null": {"sagemaker:VpcSubnets": {"true"}}}}
	// Concrete requests to evaluate documents against.
	probeActions   = []string{"s3:GetObject", "s3:PutObject", "s3:DeleteObject", "sagemaker:CreateModel", "sagemaker:ListTags", "ecr:BatchGetImage", "kms:Decrypt", "kms:Encrypt"}
	probeResources = []string{"arn:aws:s3:::a/k", "arn:aws:s3:::a/x/k", "arn:aws:s3:::b/k", "arn:aws:s3:::a", "arn:aws:s3:::c", "arn:aws:kms:us-east-1:123456789012:key/k"}
)

func pick[T any](r *rand.Rand, l []T) T { return l[r.IntN(len(l))] }

func randomStatement(r *rand.Rand) Statement {
	s := Statement{Effect: pick(r, []string{"Allow", "Allow", "Deny"}), Sid: pick(r, poolSids), Condition: pick(r, poolConds)}
	for range 1 + r.IntN(3) {
		s.Action = append(s.Action, pick(r, poolActions))
	}
	for range 1 + r.IntN(3) {
		s.Resource = append(s.Resource, pick(r, poolResources))
	}
	if r.IntN(10) == 0 {
		s.NotAction, s.Action = s.Action, nil
	}
	return s
}

func randomDocs(r *rand.Rand) []Document {
	var docs []Document
	for range 1 + r.IntN(3) {
		d := Document{Version: Version}
		for range 1 + r.IntN(5) {
			d.Statement = append(d.Statement, randomStatement(r))
		}
		docs = append(docs, d)
	}
	return docs
}

// meaning is what a set of documents says about each concrete request: for
// every (action, resource), which effect/condition pairs apply. Sids do not
// change what a policy allows, so they are left out.
func meaning(docs ...Document) map[string]bool {
	out := map[string]bool{}
	for _, d := range docs {
		for _, s := range d.Statement {
			cond := statementKey(Statement{Effect: s.Effect, Condition: canonical(s).Condition})
			for _, a := range probeActions {
				if s.Action != nil && !slices.ContainsFunc(s.Action, func(p string) bool { return globMatch(strings.ToLower(p), strings.ToLower(a)) }) {
					continue
				}
				if s.NotAction != nil && slices.ContainsFunc(s.NotAction, func(p string) bool { return globMatch(strings.ToLower(p), strings.ToLower(a)) }) {
					continue
				}
				for _, res := range probeResources {
					if slices.ContainsFunc(s.Resource, func(p string) bool { return globMatch(p, res) }) {
						out[a+" "+res+" "+cond] = true
					}
				}
			}
		}
	}
	return out
}

func TestMergeProperties(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2)) // seeded: failures reproduce
	for i := range 2000 {
		docs := randomDocs(r)
		merged := MergeDocuments(docs...)
		want := merged.String()

		if again := MergeDocuments(merged).String(); again != want {
			t.Fatalf("case %d: not idempotent\nonce:\n%s\ntwice:\n%s", i, want, again)
		}

		// Any order of the statements, split any way between documents.
		var all []Statement
		for _, d := range docs {
			all = append(all, d.Statement...)
		}
		r.Shuffle(len(all), func(a, b int) { all[a], all[b] = all[b], all[a] })
		var reshaped []Document
		for len(all) > 0 {
			n := 1 + r.IntN(len(all))
			reshaped = append(reshaped, Document{Version: Version, Statement: all[:n]})
			all = all[n:]
		}
		if got := MergeDocuments(reshaped...).String(); got != want {
			t.Fatalf("case %d: order-dependent\nfirst:\n%s\nreordered:\n%s", i, want, got)
		}

		if !mapsEqual(meaning(docs...), meaning(merged)) {
			t.Fatalf("case %d: merging changed what the documents allow\nin: %v\nout:\n%s", i, docs, want)
		}
		assertUniqueSids(t, merged)
	}
}

func mapsEqual(a, b map[string]bool) bool {
	if len(a) != len(b) {
		return false
	}
	for k := range a {
		if !b[k] {
			return false
		}
	}
	return true
}

func TestMergeExamples(t *testing.T) {
	allow := func(actions []string, resources ...string) Statement {
		return Statement{Effect: "Allow", Action: actions, Resource: resources}
	}
	tests := []struct {
		name string
		in   []Statement
		want string
	}{
		{"same resources merge, actions sorted and deduped",
			[]Statement{allow([]string{"s3:PutObject", "s3:GetObject"}, "*"), allow([]string{"s3:GetObject", "ecr:BatchGetImage"}, "*")},
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ecr:BatchGetImage","s3:GetObject","s3:PutObject"],"Resource":"*"}]}`},
		{"narrower resource covered by *",
			[]Statement{allow([]string{"s3:GetObject"}, "arn:aws:s3:::b/*"), allow([]string{"s3:GetObject"}, "*")},
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`},
		{"action covered by service wildcard",
			[]Statement{allow([]string{"sagemaker:CreateModel", "sagemaker:*"}, "*")},
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sagemaker:*","Resource":"*"}]}`},
		{"same actions, resources join",
			[]Statement{allow([]string{"s3:GetObject"}, "arn:aws:s3:::b/*"), allow([]string{"s3:GetObject"}, "arn:aws:s3:::a/*")},
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":["arn:aws:s3:::a/*","arn:aws:s3:::b/*"]}]}`},
		{"different conditions stay apart",
			[]Statement{allow([]string{"iam:PassRole"}, "*"), {Effect: "Allow", Action: []string{"iam:PassRole"}, Resource: []string{"*"}, Condition: Condition{"StringEquals": {"iam:PassedToService": {"sagemaker.amazonaws.com"}}}}},
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:PassRole","Resource":"*"},{"Effect":"Allow","Action":"iam:PassRole","Resource":"*","Condition":{"StringEquals":{"iam:PassedToService":"sagemaker.amazonaws.com"}}}]}`},
		{"Deny after Allow, Sid kept",
			[]Statement{{Sid: "NoDelete", Effect: "Deny", Action: []string{"s3:DeleteObject"}, Resource: []string{"*"}}, allow([]string{"s3:*"}, "*")},
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"},{"Sid":"NoDelete","Effect":"Deny","Action":"s3:DeleteObject","Resource":"*"}]}`},
		{"case-only duplicates keep one",
			[]Statement{allow([]string{"s3:getobject", "s3:GetObject"}, "*")},
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`},
		{"repeated Sid with different content is renamed",
			[]Statement{{Sid: "X", Effect: "Allow", Action: []string{"s3:GetObject"}, Resource: []string{"arn:aws:s3:::a/*"}}, {Sid: "X", Effect: "Allow", Action: []string{"s3:PutObject"}, Resource: []string{"arn:aws:s3:::b/*"}}},
			`{"Version":"2012-10-17","Statement":[{"Sid":"X","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::a/*"},{"Sid":"X2","Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::b/*"}]}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b, _ := MergeDocuments(Document{Version: Version, Statement: tc.in}).MarshalJSON()
			if string(b) != tc.want {
				t.Errorf("got  %s\nwant %s", b, tc.want)
			}
		})
	}
}

func TestGlobCovers(t *testing.T) {
	tests := []struct {
		p, q string
		want bool
	}{
		{"*", "anything", true},
		{"*", "a*b", true},
		{"s3:*", "s3:GetObject", true},
		{"s3:Get*", "s3:GetObject", true},
		{"s3:Get*", "s3:Put*", false},
		{"s3:Get*", "s3:*", false},
		{"arn:aws:s3:::a/*", "arn:aws:s3:::a/x/*", true},
		{"arn:aws:s3:::a/x/*", "arn:aws:s3:::a/*", false},
		{"a?c", "abc", true},
		{"a?c", "a*c", false},
		{"a*c", "a?c", true},
		{"abc", "abc", true},
		{"abc", "ab", false},
	}
	for _, tc := range tests {
		if got := globCovers(tc.p, tc.q); got != tc.want {
			t.Errorf("globCovers(%q, %q) = %v, want %v", tc.p, tc.q, got, tc.want)
		}
	}
}

// TestBuildDeterministic: the same scope, given in any order, gives the same bytes.
func TestBuildDeterministic(t *testing.T) {
	a := everything()
	b := everything()
	slices.Reverse(b.Activities)
	slices.Reverse(b.Guardrails)
	slices.Reverse(b.Buckets)
	slices.Reverse(b.ECRRepos)
	slices.Reverse(b.InstanceTypes)
	slices.Reverse(b.SourceIPs)
	da, err := Build(a)
	if err != nil {
		t.Fatal(err)
	}
	for range 5 {
		db, err := Build(b)
		if err != nil {
			t.Fatal(err)
		}
		if da.String() != db.String() {
			t.Fatalf("order of inputs changed the document:\n%s\n---\n%s", da, db)
		}
	}
}
