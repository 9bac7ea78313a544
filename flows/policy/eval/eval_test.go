package eval

import (
	"strings"
	"testing"

	"github.com/sagerole/sagerole/flows/policy"
)

// mustDoc parses a policy document written in a test.
func mustDoc(t testing.TB, js string) policy.Document {
	t.Helper()
	d, err := policy.Parse(js)
	if err != nil {
		t.Fatalf("test policy does not parse: %v\n%s", err, js)
	}
	return d
}

// stmts wraps statements into a 2012-10-17 document.
func stmts(s ...string) string {
	return `{"Version":"2012-10-17","Statement":[` + strings.Join(s, ",") + `]}`
}

func inline(t testing.TB, name string, statements ...string) Policy {
	return Policy{Name: name, Kind: Inline, Document: mustDoc(t, stmts(statements...))}
}

func req(action, resource string, kv ...string) Request {
	r := Request{Action: action, Resource: resource, Context: map[string][]string{}}
	for i := 0; i+1 < len(kv); i += 2 {
		r.Context[kv[i]] = append(r.Context[kv[i]], kv[i+1])
	}
	return r
}

func decide(t testing.TB, role Role, r Request) Result {
	t.Helper()
	res, err := Evaluate(role, r)
	if err != nil {
		t.Fatalf("Evaluate(%s on %s): %v", r.Action, r.Resource, err)
	}
	return res
}

// TestDecisionLogic follows "Determining whether a request is allowed or
// denied within an account" (IAM User Guide,
// reference_policies_evaluation-logic.html#policy-eval-denyallow): by
// default a request is implicitly denied; an Allow in an identity-based
// policy overrides that; a permissions boundary can take it back with an
// implicit deny (it must allow too); an explicit Deny in any policy wins.
func TestDecisionLogic(t *testing.T) {
	const (
		allowGet = `{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::data/*"}`
		denyGet  = `{"Sid":"NoData","Effect":"Deny","Action":"s3:*","Resource":"arn:aws:s3:::data/*"}`
		allowAll = `{"Effect":"Allow","Action":"*","Resource":"*"}`
		allowS3  = `{"Effect":"Allow","Action":"s3:*","Resource":"*"}`
	)
	get := req("s3:GetObject", "arn:aws:s3:::data/train.csv")
	bound := func(s ...string) *Policy {
		p := Policy{Name: "Boundary", Document: mustDoc(t, stmts(s...))}
		return &p
	}
	cases := []struct {
		name     string
		role     Role
		want     Decision
		notBy    Kind
		deciding []string // Ref.String() of Deciding
	}{
		{"no policy at all: implicit deny", Role{}, ImplicitDeny, Inline, nil},
		{"an Allow that applies", Role{Policies: []Policy{inline(t, "p", allowGet)}}, Allow, "",
			[]string{"statement 1 of inline policy p"}},
		{"an Allow of another action only", Role{Policies: []Policy{inline(t, "p", `{"Effect":"Allow","Action":"s3:PutObject","Resource":"*"}`)}},
			ImplicitDeny, Inline, nil},
		{"a Deny beside the Allow wins", Role{Policies: []Policy{inline(t, "p", allowGet, denyGet)}}, ExplicitDeny, "",
			[]string{"statement 2 (Sid NoData) of inline policy p"}},
		{"a Deny in another policy wins over AdministratorAccess", Role{Policies: []Policy{
			{Name: "arn:aws:iam::aws:policy/AdministratorAccess", Kind: Managed, Document: mustDoc(t, stmts(allowAll))},
			inline(t, "guard", denyGet)}}, ExplicitDeny, "",
			[]string{"statement 1 (Sid NoData) of inline policy guard"}},
		{"two Allows both decide", Role{Policies: []Policy{inline(t, "a", allowGet),
			{Name: "S3", Kind: Managed, Document: mustDoc(t, stmts(allowS3))}}}, Allow, "",
			[]string{"statement 1 of inline policy a", "statement 1 of managed policy S3"}},
		{"boundary allows too: allow", Role{Policies: []Policy{inline(t, "p", allowGet)}, Boundary: bound(allowS3)}, Allow, "",
			[]string{"statement 1 of inline policy p", "statement 1 of permissions boundary Boundary"}},
		{"boundary does not allow: implicit deny", Role{Policies: []Policy{inline(t, "p", allowGet)},
			Boundary: bound(`{"Effect":"Allow","Action":"ec2:*","Resource":"*"}`)}, ImplicitDeny, Boundary, nil},
		{"boundary alone grants nothing", Role{Boundary: bound(allowAll)}, ImplicitDeny, Inline, nil},
		{"a Deny in the boundary wins", Role{Policies: []Policy{inline(t, "p", allowAll)}, Boundary: bound(allowAll, denyGet)},
			ExplicitDeny, "", []string{"statement 2 (Sid NoData) of permissions boundary Boundary"}},
		{"a Deny whose condition does not hold does not deny", Role{Policies: []Policy{inline(t, "p", allowGet,
			`{"Effect":"Deny","Action":"s3:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}`)}}, Allow, "",
			[]string{"statement 1 of inline policy p"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := get
			r.Context = map[string][]string{"aws:SecureTransport": {"true"}}
			res := decide(t, c.role, r)
			if res.Decision != c.want || res.NotAllowedBy != c.notBy {
				t.Fatalf("decision %v (not allowed by %q), want %v (%q): %s", res.Decision, res.NotAllowedBy, c.want, c.notBy, res)
			}
			var got []string
			for _, d := range res.Deciding {
				got = append(got, d.String())
			}
			if strings.Join(got, "|") != strings.Join(c.deciding, "|") {
				t.Errorf("deciding %q, want %q", got, c.deciding)
			}
			if res.Allowed() != (c.want == Allow) {
				t.Errorf("Allowed() = %v with decision %v", res.Allowed(), res.Decision)
			}
		})
	}
}

// TestActionAndResourceElements covers Action/NotAction and
// Resource/NotResource with their wildcards.
func TestActionAndResourceElements(t *testing.T) {
	cases := []struct {
		name      string
		statement string
		req       Request
		want      Decision
	}{
		// reference_policies_elements_action.html: "The prefix and the
		// action name are case insensitive".
		{"action case-insensitive", `{"Effect":"Allow","Action":"S3:getobject","Resource":"*"}`,
			req("s3:GetObject", "arn:aws:s3:::b/k"), Allow},
		{"action * in the middle (iam:*AccessKey*)", `{"Effect":"Allow","Action":"iam:*AccessKey*","Resource":"*"}`,
			req("iam:UpdateAccessKey", "arn:aws:iam::111122223333:user/Bob"), Allow},
		{"action ? is one character", `{"Effect":"Allow","Action":"s3:?etObject","Resource":"*"}`,
			req("s3:GetObject", "arn:aws:s3:::b/k"), Allow},
		{"action ? is not two characters", `{"Effect":"Allow","Action":"s3:?tObject","Resource":"*"}`,
			req("s3:GetObject", "arn:aws:s3:::b/k"), ImplicitDeny},
		{"action of another service", `{"Effect":"Allow","Action":"s3:*","Resource":"*"}`,
			req("sagemaker:CreateTrainingJob", "arn:aws:sagemaker:us-east-1:111122223333:training-job/j"), ImplicitDeny},
		{"NotAction allows what it does not name", `{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}`,
			req("s3:GetObject", "arn:aws:s3:::b/k"), Allow},
		{"NotAction does not allow what it names", `{"Effect":"Allow","NotAction":["iam:*","sts:*"],"Resource":"*"}`,
			req("iam:PassRole", "arn:aws:iam::111122223333:role/Admin"), ImplicitDeny},
		// reference_policies_elements_resource.html: wildcards within any
		// ARN segment; resources compare case-sensitively.
		{"resource case-sensitive", `{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::Data/*"}`,
			req("s3:GetObject", "arn:aws:s3:::data/k"), ImplicitDeny},
		{"resource prefix wildcard", `{"Effect":"Allow","Action":"iam:GetUser","Resource":"arn:aws:iam::111122223333:user/accounting/*"}`,
			req("iam:GetUser", "arn:aws:iam::111122223333:user/accounting/alice"), Allow},
		{"resource bucket ARN does not cover its objects", `{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::data"}`,
			req("s3:GetObject", "arn:aws:s3:::data/k"), ImplicitDeny},
		{"resource * within the region segment only", `{"Effect":"Allow","Action":"sns:Publish","Resource":"arn:aws:sns:*:111122223333:topic"}`,
			req("sns:Publish", "arn:aws:sns:us-east-1:999999999999:x:111122223333:topic"), ImplicitDeny},
		{"resource part keeps its colons (log streams)", `{"Effect":"Allow","Action":"logs:PutLogEvents","Resource":"arn:aws:logs:us-east-1:111122223333:log-group:/aws/sagemaker/*"}`,
			req("logs:PutLogEvents", "arn:aws:logs:us-east-1:111122223333:log-group:/aws/sagemaker/TrainingJobs:log-stream:job/algo-1"), Allow},
		{"short ARN stands for its missing parts", `{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3"}`,
			req("s3:GetObject", "arn:aws:s3:::b/k"), Allow},
		{"an action without a resource type needs *", `{"Effect":"Allow","Action":"s3:ListAllMyBuckets","Resource":"arn:aws:s3:::*"}`,
			req("s3:ListAllMyBuckets", "*"), ImplicitDeny},
		{"* matches an action without a resource type", `{"Effect":"Allow","Action":"s3:ListAllMyBuckets","Resource":"*"}`,
			req("s3:ListAllMyBuckets", "*"), Allow},
		{"NotResource allows everything else", `{"Effect":"Allow","Action":"s3:*","NotResource":"arn:aws:s3:::secret/*"}`,
			req("s3:GetObject", "arn:aws:s3:::data/k"), Allow},
		{"NotResource excludes what it names", `{"Effect":"Allow","Action":"s3:*","NotResource":["arn:aws:s3:::secret","arn:aws:s3:::secret/*"]}`,
			req("s3:GetObject", "arn:aws:s3:::secret/k"), ImplicitDeny},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := decide(t, Role{Policies: []Policy{inline(t, "p", c.statement)}}, c.req)
			if res.Decision != c.want {
				t.Fatalf("decision %v, want %v\n%s", res.Decision, c.want, strings.Join(res.Explain(), "\n"))
			}
		})
	}
}

// TestNotElementsWithDeny: a Deny with NotAction/NotResource denies what
// it does not name — the guardrail pattern "deny everything outside X".
func TestNotElementsWithDeny(t *testing.T) {
	role := Role{Policies: []Policy{inline(t, "p",
		`{"Effect":"Allow","Action":"*","Resource":"*"}`,
		`{"Effect":"Deny","NotAction":["s3:GetObject","s3:ListBucket"],"Resource":"*"}`,
		`{"Effect":"Deny","Action":"s3:*","NotResource":["arn:aws:s3:::mine","arn:aws:s3:::mine/*"]}`)}}
	for _, c := range []struct {
		r    Request
		want Decision
	}{
		{req("s3:GetObject", "arn:aws:s3:::mine/k"), Allow},
		{req("s3:ListBucket", "arn:aws:s3:::mine"), Allow},
		{req("s3:PutObject", "arn:aws:s3:::mine/k"), ExplicitDeny},
		{req("s3:GetObject", "arn:aws:s3:::theirs/k"), ExplicitDeny},
		{req("ec2:RunInstances", "*"), ExplicitDeny},
	} {
		if res := decide(t, role, c.r); res.Decision != c.want {
			t.Errorf("%s on %s: %v, want %v", c.r.Action, c.r.Resource, res.Decision, c.want)
		}
	}
}

// TestPolicyVariables follows reference_policies_variables.html.
func TestPolicyVariables(t *testing.T) {
	home := `{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::mybucket/home/${aws:username}/*"}`
	list := `{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::mybucket","Condition":{"StringLike":{"s3:prefix":["","home/","home/${aws:username}/*"]}}}`
	dept := `{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::bucket/${aws:PrincipalTag/department}/*"}`
	star := `{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket/${*}"}`
	def := `{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket/${aws:userid, 'anonymous'}/*"}`
	cases := []struct {
		name      string
		version   string
		statement string
		req       Request
		want      Decision
	}{
		{"own home directory", "2012-10-17", home, req("s3:PutObject", "arn:aws:s3:::mybucket/home/David/notes.txt", "aws:username", "David"), Allow},
		{"another user's home directory", "2012-10-17", home, req("s3:GetObject", "arn:aws:s3:::mybucket/home/Adele/notes.txt", "aws:username", "David"), ImplicitDeny},
		{"no user name in the request: the statement cannot match", "2012-10-17", home, req("s3:GetObject", "arn:aws:s3:::mybucket/home//x"), ImplicitDeny},
		{"a value is literal, never a wildcard", "2012-10-17", home, req("s3:GetObject", "arn:aws:s3:::mybucket/home/bob/x", "aws:username", "*"), ImplicitDeny},
		{"variable in a condition: own prefix", "2012-10-17", list, req("s3:ListBucket", "arn:aws:s3:::mybucket", "s3:prefix", "home/David/photos/", "aws:username", "David"), Allow},
		{"variable in a condition: another prefix", "2012-10-17", list, req("s3:ListBucket", "arn:aws:s3:::mybucket", "s3:prefix", "home/Adele/", "aws:username", "David"), ImplicitDeny},
		{"empty prefix listed by the console", "2012-10-17", list, req("s3:ListBucket", "arn:aws:s3:::mybucket", "s3:prefix", "", "aws:username", "David"), Allow},
		{"principal tag as a variable", "2012-10-17", dept, req("s3:GetObject", "arn:aws:s3:::bucket/hr/payroll.csv", "aws:PrincipalTag/department", "hr"), Allow},
		{"principal tag of another department", "2012-10-17", dept, req("s3:GetObject", "arn:aws:s3:::bucket/finance/x", "aws:PrincipalTag/department", "hr"), ImplicitDeny},
		{"key names are case-insensitive", "2012-10-17", dept, req("s3:GetObject", "arn:aws:s3:::bucket/hr/x", "AWS:principaltag/Department", "hr"), Allow},
		{"${*} is a literal asterisk", "2012-10-17", star, req("s3:GetObject", "arn:aws:s3:::bucket/*"), Allow},
		{"${*} matches nothing else", "2012-10-17", star, req("s3:GetObject", "arn:aws:s3:::bucket/x"), ImplicitDeny},
		{"default value when the key is absent", "2012-10-17", def, req("s3:GetObject", "arn:aws:s3:::bucket/anonymous/x"), Allow},
		{"value over the default when present", "2012-10-17", def, req("s3:GetObject", "arn:aws:s3:::bucket/anonymous/x", "aws:userid", "AIDA1"), ImplicitDeny},
		// Before 2012-10-17 variables are literal text.
		{"2008-10-17 reads ${…} literally", "2008-10-17", home, req("s3:GetObject", "arn:aws:s3:::mybucket/home/${aws:username}/x", "aws:username", "David"), Allow},
		{"2008-10-17 does not substitute", "2008-10-17", home, req("s3:GetObject", "arn:aws:s3:::mybucket/home/David/x", "aws:username", "David"), ImplicitDeny},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := mustDoc(t, `{"Version":"`+c.version+`","Statement":[`+c.statement+`]}`)
			res := decide(t, Role{Policies: []Policy{{Name: "p", Document: d}}}, c.req)
			if res.Decision != c.want {
				t.Fatalf("decision %v, want %v\n%s", res.Decision, c.want, strings.Join(res.Explain(), "\n"))
			}
		})
	}
	// A multivalued key cannot be a variable.
	r := req("s3:GetObject", "arn:aws:s3:::bucket/a/x")
	r.Context["aws:PrincipalTag/department"] = []string{"a", "b"}
	res := decide(t, Role{Policies: []Policy{inline(t, "p", dept)}}, r)
	if res.Decision != ImplicitDeny || len(res.Statements[0].Resource.Unresolved) != 1 {
		t.Errorf("multivalued variable: %v, unresolved %q", res.Decision, res.Statements[0].Resource.Unresolved)
	}
}

// TestExplanation checks the structure `why` reads: which pattern matched,
// the values compared, and what decided.
func TestExplanation(t *testing.T) {
	role := Role{Policies: []Policy{inline(t, "sagerole-scope",
		`{"Effect":"Allow","Action":"sagemaker:CreateTrainingJob","Resource":"arn:aws:sagemaker:*:111122223333:training-job/*"}`,
		`{"Sid":"DenyWithoutVpcSubnets","Effect":"Deny","Action":["sagemaker:CreateTrainingJob","sagemaker:CreateProcessingJob"],"Resource":"*","Condition":{"Null":{"sagemaker:VpcSubnets":"true"}}}`,
		`{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}`)}}
	res := decide(t, role, req("sagemaker:CreateTrainingJob", "arn:aws:sagemaker:us-east-1:111122223333:training-job/churn"))
	if res.Decision != ExplicitDeny || len(res.Deciding) != 1 || res.Deciding[0].Sid != "DenyWithoutVpcSubnets" || res.Deciding[0].Index != 1 {
		t.Fatalf("decision %v by %+v", res.Decision, res.Deciding)
	}
	allow, deny, s3 := res.Statements[0], res.Statements[1], res.Statements[2]
	if !allow.Applies || allow.Action.Pattern != "sagemaker:CreateTrainingJob" || allow.Resource.Pattern != "arn:aws:sagemaker:*:111122223333:training-job/*" {
		t.Errorf("allow statement: %+v", allow)
	}
	if len(deny.Conditions) != 1 || !deny.Conditions[0].Matched || deny.Conditions[0].Present || deny.Conditions[0].Key != "sagemaker:VpcSubnets" {
		t.Errorf("deny condition: %+v", deny.Conditions)
	}
	if s3.Action.Matched || s3.Applies {
		t.Errorf("s3 statement should not speak to the request: %+v", s3)
	}
	lines := res.Explain()
	if len(lines) != 3 { // the sentence and the two statements about CreateTrainingJob
		t.Errorf("Explain gave %d lines:\n%s", len(lines), strings.Join(lines, "\n"))
	}
	if !strings.Contains(lines[0], "Sid DenyWithoutVpcSubnets") || !strings.Contains(lines[2], "sagemaker:VpcSubnets") {
		t.Errorf("explanation does not name the deciding statement and its key:\n%s", strings.Join(lines, "\n"))
	}
}

// TestRefusals: requests and documents that cannot be decided.
func TestRefusals(t *testing.T) {
	ok := Role{Policies: []Policy{inline(t, "p", `{"Effect":"Allow","Action":"*","Resource":"*"}`)}}
	for _, r := range []Request{{Resource: "*"}, {Action: "GetObject", Resource: "*"}, {Action: "s3:Get*", Resource: "*"}, {Action: "s3:GetObject"}} {
		if _, err := Evaluate(ok, r); err == nil {
			t.Errorf("request %+v was evaluated", r)
		}
	}
	for _, s := range []string{
		`{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEqualz":{"k":"v"}}}`,
		`{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"ForSomeValues:StringEquals":{"k":"v"}}}`,
		`{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"NullIfExists":{"k":"true"}}}`,
		`{"Effect":"Allow","Action":"*"}`,
		`{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}`,
	} {
		if _, err := Evaluate(Role{Policies: []Policy{inline(t, "p", s)}}, req("s3:GetObject", "*")); err == nil {
			t.Errorf("statement %s was evaluated", s)
		}
	}
}
