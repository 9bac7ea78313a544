package opstest

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sagerole/sagerole/awsops"
	"github.com/sagerole/sagerole/awsops/rules"
)

// What the suite leaves out, because moto (the emulator the aws backend is
// checked against) cannot show AWS's behaviour; the aws backend's httptest
// tests cover the request and response shapes instead:
//   - SageMaker user profiles, spaces, apps, UpdateDomain,
//     UpdateNotebookInstance: not implemented by moto.
//   - Validation moto does not do but AWS does: role names and paths, a
//     trust policy that is not JSON (AWS: MalformedPolicyDocument), a
//     Principal in an inline policy (AWS: MalformedPolicyDocument), role
//     names unique regardless of case (AWS: EntityAlreadyExists for "ROLE"
//     when "role" exists), bucket names (moto accepts "Bad_Name").
//   - iam:ListInstanceProfilesForRole of a role that does not exist: AWS
//     answers NoSuchEntity, moto an empty list.
//   - IAM quotas moto does not enforce but AWS does, each LimitExceeded: an
//     11th managed policy on a role ("Cannot exceed quota for
//     PoliciesPerRole: 10"), inline policies over 10,240 characters
//     together, a trust policy over 2,048 ("ACLSizePerRole"), more than 50
//     tags on a role over several TagRole calls.
//   - SageMaker names, role ARNs, duplicate domain names (moto reuses the ID
//     d-NAME); AWS's domain IDs are d- and 12 random characters.
//   - Notebook status transitions: moto stops and starts at once, AWS goes
//     through Stopping and Pending (the cases accept both).

// FullAccessARN is the AWS managed policy every suite run attaches.
const FullAccessARN = "arn:aws:iam::aws:policy/AmazonSageMakerFullAccess"

// sageMakerTrust is the trust policy of an execution role, formatted with
// whitespace so that a byte-for-byte round trip is a real check.
const sageMakerTrust = `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Principal": {"Service": "sagemaker.amazonaws.com"},
      "Action": "sts:AssumeRole"
    }
  ]
}`

// Run runs every case against the backends newHarness returns; it is
// called once per case, so a harness may start each case from a clean
// account. Cases do not assume an empty account: they use unique names and
// look only at what they created.
func Run(t *testing.T, newHarness func(t *testing.T) Harness) {
	cases := []struct {
		name string
		run  func(s *suite)
	}{
		{"CallerIdentity", testCallerIdentity},
		{"IAM/Role", testRole},
		{"IAM/ListRoles", testListRoles},
		{"IAM/TrustPolicy", testTrustPolicy},
		{"IAM/ManagedPolicies", testManagedPolicies},
		{"IAM/InlinePolicies", testInlinePolicies},
		{"IAM/Tags", testTags},
		{"IAM/DeleteRole", testDeleteRole},
		{"IAM/InstanceProfiles", testInstanceProfiles},
		{"IAM/GetPolicyDocument", testGetPolicyDocument},
		{"IAM/Quotas", testQuotas},
		{"S3/Buckets", testBuckets},
		{"S3/BucketInOtherRegion", testBucketInOtherRegion},
		{"Policies/Reads", testPolicyReads},
		{"SageMaker/Domain", testDomain},
		{"SageMaker/NotebookInstance", testNotebookInstance},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.run(newSuite(t, newHarness(t)))
		})
	}
}

// suite is one case's view of a backend.
type suite struct {
	t         *testing.T
	ctx       context.Context
	b         awsops.Backend
	fx        Fixture
	account   string
	partition string
}

func newSuite(t *testing.T, h Harness) *suite {
	t.Helper()
	if h.Backend == nil {
		t.Fatal("harness has no backend")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	s := &suite{t: t, ctx: ctx, b: h.Backend, fx: h.Fixture}
	id, err := h.Backend.CallerIdentity(ctx)
	if err != nil {
		t.Fatalf("CallerIdentity: %v", err)
	}
	s.account = id.Account
	s.partition = "aws"
	if p := strings.SplitN(id.ARN, ":", 3); len(p) == 3 && p[0] == "arn" {
		s.partition = p[1]
	}
	return s
}

// name returns a name no other run has used: prefix, then random hex.
// Lower case, so that it is also a valid bucket name.
func name(prefix string) string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return fmt.Sprintf("%s-%x", prefix, b)
}

func (s *suite) roleARN(path, name string) string {
	return fmt.Sprintf("arn:%s:iam::%s:role%s%s", s.partition, s.account, path, name)
}

// createRole creates a role with the SageMaker trust policy and deletes it
// (with whatever policies are left on it) when the case ends.
func (s *suite) createRole(in awsops.CreateRoleInput) awsops.Role {
	s.t.Helper()
	if in.TrustPolicy == "" {
		in.TrustPolicy = sageMakerTrust
	}
	r, err := s.b.CreateRole(s.ctx, in)
	if err != nil {
		s.t.Fatalf("CreateRole %s: %v", in.Name, err)
	}
	s.t.Cleanup(func() { s.deleteRole(in.Name) })
	return r
}

// deleteRole removes a role and its policies, best effort: the case may
// have deleted it already.
func (s *suite) deleteRole(role string) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if pols, err := s.b.ListAttachedRolePolicies(ctx, role); err == nil {
		for _, p := range pols {
			_ = s.b.DetachRolePolicy(ctx, role, p.ARN)
		}
	}
	if names, err := s.b.ListRolePolicies(ctx, role); err == nil {
		for _, n := range names {
			_ = s.b.DeleteRolePolicy(ctx, role, n)
		}
	}
	if err := s.b.DeleteRole(ctx, role); err != nil && !awsops.IsNotFound(err) {
		s.t.Errorf("cleanup: DeleteRole %s: %v", role, err)
	}
}

// errCase is one call that must fail the way AWS fails.
type errCase struct {
	name string
	call func() error
	kind awsops.Kind
	code string // AWS's error code; "" where moto and AWS differ
	api  string
}

func (s *suite) wantErrors(cases []errCase) {
	s.t.Helper()
	for _, c := range cases {
		s.t.Run(c.name, func(t *testing.T) {
			t.Helper()
			wantErr(t, c.call(), c.kind, c.code, c.api)
		})
	}
}

// wantErr checks that err is an *awsops.Error of kind, code (unless "")
// and api.
func wantErr(t *testing.T, err error, kind awsops.Kind, code, api string) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want %s (%s)", kind, code)
	}
	var e *awsops.Error
	if !errors.As(err, &e) {
		t.Fatalf("got %T %v, want an *awsops.Error", err, err)
	}
	if e.Kind != kind {
		t.Errorf("kind = %s, want %s (error: %v)", e.Kind, kind, err)
	}
	if code != "" && e.Code != code {
		t.Errorf("code = %q, want %q (error: %v)", e.Code, code, err)
	}
	if e.API != api {
		t.Errorf("API = %q, want %q (error: %v)", e.API, api, err)
	}
}

func jsonEqual(t *testing.T, got, want string) bool {
	t.Helper()
	var g, w any
	if err := json.Unmarshal([]byte(got), &g); err != nil {
		t.Errorf("document is not JSON: %v\n%s", err, got)
		return false
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("test document is not JSON: %v", err)
	}
	return reflect.DeepEqual(g, w)
}

func tagMap(tags []awsops.Tag) map[string]string {
	m := map[string]string{}
	for _, t := range tags {
		m[t.Key] = t.Value
	}
	return m
}

var accountRE = regexp.MustCompile(`^\d{12}$`)

func testCallerIdentity(s *suite) {
	t := s.t
	id, err := s.b.CallerIdentity(s.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !accountRE.MatchString(id.Account) {
		t.Errorf("Account = %q, want 12 digits", id.Account)
	}
	if !strings.HasPrefix(id.ARN, "arn:aws") || rules.AccountFromARN(id.ARN) != id.Account {
		t.Errorf("ARN = %q, want an ARN in account %s", id.ARN, id.Account)
	}
	if id.UserID == "" {
		t.Error("UserID is empty")
	}
	if strings.Contains(id.ARN, ":assumed-role/") && id.RoleName == "" {
		t.Errorf("RoleName is empty for assumed role %s", id.ARN)
	}
}

func testRole(s *suite) {
	t := s.t
	n := name("sr-role")
	tags := []awsops.Tag{{Key: "team", Value: "ml"}, {Key: "env", Value: "test"}}
	created := s.createRole(awsops.CreateRoleInput{Name: n, Path: "/service-role/", Description: "suite role", Tags: tags})

	wantARN := s.roleARN("/service-role/", n)
	if created.Name != n || created.Path != "/service-role/" || created.ARN != wantARN {
		t.Errorf("CreateRole = {Name:%q Path:%q ARN:%q}, want {%q /service-role/ %q}", created.Name, created.Path, created.ARN, n, wantARN)
	}
	if rules.RoleNameFromARN(created.ARN) != n {
		t.Errorf("name from ARN %s = %q, want %q", created.ARN, rules.RoleNameFromARN(created.ARN), n)
	}
	if created.RoleID == "" || created.CreateDate.IsZero() {
		t.Errorf("CreateRole: RoleID %q, CreateDate %v: want both set", created.RoleID, created.CreateDate)
	}

	got, err := s.b.GetRole(s.ctx, n)
	if err != nil {
		t.Fatalf("GetRole: %v", err)
	}
	if got.Name != n || got.Path != "/service-role/" || got.ARN != wantARN || got.RoleID != created.RoleID {
		t.Errorf("GetRole = %+v, want name %s, path /service-role/, ARN %s, id %s", got, n, wantARN, created.RoleID)
	}
	if got.Description != "suite role" {
		t.Errorf("Description = %q, want %q", got.Description, "suite role")
	}
	if !jsonEqual(t, got.TrustPolicy, sageMakerTrust) {
		t.Errorf("TrustPolicy = %s, want (as JSON) %s", got.TrustPolicy, sageMakerTrust)
	}
	if !reflect.DeepEqual(tagMap(got.Tags), tagMap(tags)) {
		t.Errorf("Tags = %v, want %v", got.Tags, tags)
	}

	s.wantErrors([]errCase{
		{"CreateRole again", func() error {
			_, err := s.b.CreateRole(s.ctx, awsops.CreateRoleInput{Name: n, TrustPolicy: sageMakerTrust})
			return err
		}, awsops.KindAlreadyExists, "EntityAlreadyExists", awsops.APICreateRole},
		{"GetRole unknown", func() error {
			_, err := s.b.GetRole(s.ctx, name("sr-none"))
			return err
		}, awsops.KindNotFound, "NoSuchEntity", "iam:GetRole"},
	})
}

func testListRoles(s *suite) {
	t := s.t
	n := name("sr-list")
	path := "/" + name("sr-path") + "/"
	s.createRole(awsops.CreateRoleInput{Name: n, Path: path, Description: "listed", Tags: []awsops.Tag{{Key: "team", Value: "ml"}}})
	other := name("sr-list-root")
	s.createRole(awsops.CreateRoleInput{Name: other})

	find := func(roles []awsops.Role, n string) (awsops.Role, bool) {
		i := slices.IndexFunc(roles, func(r awsops.Role) bool { return r.Name == n })
		if i < 0 {
			return awsops.Role{}, false
		}
		return roles[i], true
	}
	cases := []struct {
		prefix      string
		has, hasNot []string
	}{
		{"", []string{n, other}, nil},
		{"/", []string{n, other}, nil},
		{path, []string{n}, []string{other}},
		{path[:len(path)-3], []string{n}, []string{other}}, // a prefix, not a whole path
		{"/" + name("sr-nopath") + "/", nil, []string{n, other}},
	}
	for _, c := range cases {
		roles, err := s.b.ListRoles(s.ctx, c.prefix)
		if err != nil {
			t.Fatalf("ListRoles(%q): %v", c.prefix, err)
		}
		for _, want := range c.has {
			r, ok := find(roles, want)
			if !ok {
				t.Errorf("ListRoles(%q) lacks %s", c.prefix, want)
				continue
			}
			if r.ARN == "" || r.Path == "" || !jsonEqual(t, r.TrustPolicy, sageMakerTrust) {
				t.Errorf("ListRoles(%q): %s = %+v, want ARN, path and decoded trust policy", c.prefix, want, r)
			}
			// AWS's ListRoles leaves tags out (GetRole has them): a
			// caller that needs them must not get them from a list.
			if len(r.Tags) != 0 {
				t.Errorf("ListRoles(%q): %s has tags %v; AWS lists roles without tags", c.prefix, want, r.Tags)
			}
		}
		for _, not := range c.hasNot {
			if _, ok := find(roles, not); ok {
				t.Errorf("ListRoles(%q) has %s", c.prefix, not)
			}
		}
	}
	roles, err := s.b.ListRoles(s.ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if r, ok := find(roles, n); ok && (r.Path != path || r.ARN != s.roleARN(path, n) || r.Description != "listed") {
		t.Errorf("ListRoles(%q): path %q ARN %q description %q, want %q %q %q", path, r.Path, r.ARN, r.Description, path, s.roleARN(path, n), "listed")
	}
}

func testTrustPolicy(s *suite) {
	t := s.t
	n := name("sr-trust")
	s.createRole(awsops.CreateRoleInput{Name: n})
	updated := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":["sagemaker.amazonaws.com","events.amazonaws.com"]},"Action":"sts:AssumeRole"}]}`
	if err := s.b.UpdateTrustPolicy(s.ctx, n, updated); err != nil {
		t.Fatalf("UpdateTrustPolicy: %v", err)
	}
	got, err := s.b.GetRole(s.ctx, n)
	if err != nil {
		t.Fatal(err)
	}
	if !jsonEqual(t, got.TrustPolicy, updated) {
		t.Errorf("TrustPolicy = %s, want (as JSON) %s", got.TrustPolicy, updated)
	}
	s.wantErrors([]errCase{
		{"not JSON", func() error { return s.b.UpdateTrustPolicy(s.ctx, n, "not json") },
			awsops.KindMalformedPolicy, "MalformedPolicyDocument", awsops.APIUpdateAssumeRolePolicy},
		{"unknown role", func() error { return s.b.UpdateTrustPolicy(s.ctx, name("sr-none"), updated) },
			awsops.KindNotFound, "NoSuchEntity", awsops.APIUpdateAssumeRolePolicy},
	})
}

func testManagedPolicies(s *suite) {
	t := s.t
	n := name("sr-attach")
	s.createRole(awsops.CreateRoleInput{Name: n})
	attached := func() []awsops.AttachedPolicy {
		t.Helper()
		pols, err := s.b.ListAttachedRolePolicies(s.ctx, n)
		if err != nil {
			t.Fatalf("ListAttachedRolePolicies: %v", err)
		}
		return pols
	}
	if pols := attached(); len(pols) != 0 {
		t.Errorf("new role has attached policies %v", pols)
	}
	if err := s.b.AttachRolePolicy(s.ctx, n, FullAccessARN); err != nil {
		t.Fatalf("AttachRolePolicy: %v", err)
	}
	want := []awsops.AttachedPolicy{{Name: "AmazonSageMakerFullAccess", ARN: FullAccessARN}}
	if pols := attached(); !reflect.DeepEqual(pols, want) {
		t.Errorf("attached = %v, want %v", pols, want)
	}
	// Attaching what is attached already is no error in AWS, and no change.
	if err := s.b.AttachRolePolicy(s.ctx, n, FullAccessARN); err != nil {
		t.Errorf("AttachRolePolicy again: %v", err)
	}
	if pols := attached(); !reflect.DeepEqual(pols, want) {
		t.Errorf("attached after attaching twice = %v, want %v", pols, want)
	}
	if err := s.b.DetachRolePolicy(s.ctx, n, FullAccessARN); err != nil {
		t.Fatalf("DetachRolePolicy: %v", err)
	}
	if pols := attached(); len(pols) != 0 {
		t.Errorf("attached after detach = %v, want none", pols)
	}
	unknownPolicy := "arn:aws:iam::aws:policy/" + name("NoSuchPolicy")
	s.wantErrors([]errCase{
		{"detach not attached", func() error { return s.b.DetachRolePolicy(s.ctx, n, FullAccessARN) },
			awsops.KindNotFound, "NoSuchEntity", awsops.APIDetachRolePolicy},
		{"attach unknown policy", func() error { return s.b.AttachRolePolicy(s.ctx, n, unknownPolicy) },
			awsops.KindNotFound, "NoSuchEntity", awsops.APIAttachRolePolicy},
		{"attach to unknown role", func() error { return s.b.AttachRolePolicy(s.ctx, name("sr-none"), FullAccessARN) },
			awsops.KindNotFound, "NoSuchEntity", awsops.APIAttachRolePolicy},
		{"detach from unknown role", func() error { return s.b.DetachRolePolicy(s.ctx, name("sr-none"), FullAccessARN) },
			awsops.KindNotFound, "NoSuchEntity", awsops.APIDetachRolePolicy},
		{"list of unknown role", func() error {
			_, err := s.b.ListAttachedRolePolicies(s.ctx, name("sr-none"))
			return err
		}, awsops.KindNotFound, "NoSuchEntity", "iam:ListAttachedRolePolicies"},
	})
}

func testInlinePolicies(s *suite) {
	t := s.t
	n := name("sr-inline")
	s.createRole(awsops.CreateRoleInput{Name: n})
	// Whitespace and key order as a person would write them: AWS keeps the
	// document exactly as sent, and undo relies on getting it back.
	doc := "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [{\"Effect\": \"Allow\", \"Action\": [\"s3:GetObject\", \"s3:PutObject\"],\n    \"Resource\": \"arn:aws:s3:::my+bucket/*\"}]\n}"
	doc2 := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::b"}]}`

	if names, err := s.b.ListRolePolicies(s.ctx, n); err != nil || len(names) != 0 {
		t.Errorf("ListRolePolicies of a new role = %v, %v; want none", names, err)
	}
	if err := s.b.PutRolePolicy(s.ctx, n, "s3-access", doc); err != nil {
		t.Fatalf("PutRolePolicy: %v", err)
	}
	got, err := s.b.GetRolePolicy(s.ctx, n, "s3-access")
	if err != nil {
		t.Fatalf("GetRolePolicy: %v", err)
	}
	if got != doc {
		t.Errorf("GetRolePolicy = %q, want exactly what was put: %q", got, doc)
	}
	if err := s.b.PutRolePolicy(s.ctx, n, "list", doc2); err != nil {
		t.Fatalf("PutRolePolicy: %v", err)
	}
	names, err := s.b.ListRolePolicies(s.ctx, n)
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(names)
	if !reflect.DeepEqual(names, []string{"list", "s3-access"}) {
		t.Errorf("ListRolePolicies = %v, want [list s3-access]", names)
	}
	// Put on an existing name replaces the document.
	if err := s.b.PutRolePolicy(s.ctx, n, "s3-access", doc2); err != nil {
		t.Fatalf("PutRolePolicy replace: %v", err)
	}
	if got, err := s.b.GetRolePolicy(s.ctx, n, "s3-access"); err != nil || got != doc2 {
		t.Errorf("GetRolePolicy after replace = %q, %v; want %q", got, err, doc2)
	}
	if err := s.b.DeleteRolePolicy(s.ctx, n, "list"); err != nil {
		t.Fatalf("DeleteRolePolicy: %v", err)
	}
	if names, err := s.b.ListRolePolicies(s.ctx, n); err != nil || !reflect.DeepEqual(names, []string{"s3-access"}) {
		t.Errorf("ListRolePolicies after delete = %v, %v; want [s3-access]", names, err)
	}
	s.wantErrors([]errCase{
		{"put not JSON", func() error { return s.b.PutRolePolicy(s.ctx, n, "bad", "not json") },
			awsops.KindMalformedPolicy, "MalformedPolicyDocument", awsops.APIPutRolePolicy},
		{"put without Resource", func() error {
			return s.b.PutRolePolicy(s.ctx, n, "bad", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*"}]}`)
		}, awsops.KindMalformedPolicy, "MalformedPolicyDocument", awsops.APIPutRolePolicy},
		{"get unknown", func() error {
			_, err := s.b.GetRolePolicy(s.ctx, n, "list")
			return err
		}, awsops.KindNotFound, "NoSuchEntity", "iam:GetRolePolicy"},
		{"delete unknown", func() error { return s.b.DeleteRolePolicy(s.ctx, n, "list") },
			awsops.KindNotFound, "NoSuchEntity", awsops.APIDeleteRolePolicy},
		{"put on unknown role", func() error { return s.b.PutRolePolicy(s.ctx, name("sr-none"), "p", doc2) },
			awsops.KindNotFound, "NoSuchEntity", awsops.APIPutRolePolicy},
		{"get on unknown role", func() error {
			_, err := s.b.GetRolePolicy(s.ctx, name("sr-none"), "p")
			return err
		}, awsops.KindNotFound, "NoSuchEntity", "iam:GetRolePolicy"},
		{"list on unknown role", func() error {
			_, err := s.b.ListRolePolicies(s.ctx, name("sr-none"))
			return err
		}, awsops.KindNotFound, "NoSuchEntity", "iam:ListRolePolicies"},
	})
	if names, err := s.b.ListRolePolicies(s.ctx, n); err != nil || slices.Contains(names, "bad") {
		t.Errorf("ListRolePolicies after refused puts = %v, %v; want no policy named bad", names, err)
	}
}

func testTags(s *suite) {
	t := s.t
	n := name("sr-tags")
	s.createRole(awsops.CreateRoleInput{Name: n, Tags: []awsops.Tag{{Key: "team", Value: "ml"}, {Key: "env", Value: "test"}}})
	tags := func() map[string]string {
		t.Helper()
		r, err := s.b.GetRole(s.ctx, n)
		if err != nil {
			t.Fatal(err)
		}
		return tagMap(r.Tags)
	}
	// TagRole adds new keys and overwrites existing ones.
	if err := s.b.TagRole(s.ctx, n, []awsops.Tag{{Key: "team", Value: "ai"}, {Key: "owner", Value: "alice"}}); err != nil {
		t.Fatalf("TagRole: %v", err)
	}
	if got, want := tags(), map[string]string{"team": "ai", "env": "test", "owner": "alice"}; !reflect.DeepEqual(got, want) {
		t.Errorf("tags after TagRole = %v, want %v", got, want)
	}
	// Untagging a key the role does not have is no error in AWS.
	if err := s.b.UntagRole(s.ctx, n, []string{"env", "no-such-key"}); err != nil {
		t.Fatalf("UntagRole: %v", err)
	}
	if got, want := tags(), map[string]string{"team": "ai", "owner": "alice"}; !reflect.DeepEqual(got, want) {
		t.Errorf("tags after UntagRole = %v, want %v", got, want)
	}
	s.wantErrors([]errCase{
		{"tag unknown role", func() error { return s.b.TagRole(s.ctx, name("sr-none"), []awsops.Tag{{Key: "a", Value: "b"}}) },
			awsops.KindNotFound, "NoSuchEntity", awsops.APITagRole},
		{"untag unknown role", func() error { return s.b.UntagRole(s.ctx, name("sr-none"), []string{"a"}) },
			awsops.KindNotFound, "NoSuchEntity", awsops.APIUntagRole},
	})
}

func testDeleteRole(s *suite) {
	t := s.t
	n := name("sr-delete")
	s.createRole(awsops.CreateRoleInput{Name: n})
	inline := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::b"}]}`
	deleteConflict := errCase{"delete with policies", func() error { return s.b.DeleteRole(s.ctx, n) },
		awsops.KindConflict, "DeleteConflict", awsops.APIDeleteRole}

	if err := s.b.AttachRolePolicy(s.ctx, n, FullAccessARN); err != nil {
		t.Fatal(err)
	}
	deleteConflict.name = "with a managed policy attached"
	s.wantErrors([]errCase{deleteConflict})
	if err := s.b.DetachRolePolicy(s.ctx, n, FullAccessARN); err != nil {
		t.Fatal(err)
	}
	if err := s.b.PutRolePolicy(s.ctx, n, "p", inline); err != nil {
		t.Fatal(err)
	}
	deleteConflict.name = "with an inline policy"
	s.wantErrors([]errCase{deleteConflict})
	if _, err := s.b.GetRole(s.ctx, n); err != nil {
		t.Fatalf("role is gone after a refused delete: %v", err)
	}
	if err := s.b.DeleteRolePolicy(s.ctx, n, "p"); err != nil {
		t.Fatal(err)
	}
	if err := s.b.DeleteRole(s.ctx, n); err != nil {
		t.Fatalf("DeleteRole: %v", err)
	}
	s.wantErrors([]errCase{
		{"get deleted", func() error {
			_, err := s.b.GetRole(s.ctx, n)
			return err
		}, awsops.KindNotFound, "NoSuchEntity", "iam:GetRole"},
		{"delete again", func() error { return s.b.DeleteRole(s.ctx, n) },
			awsops.KindNotFound, "NoSuchEntity", awsops.APIDeleteRole},
	})
	roles, err := s.b.ListRoles(s.ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if slices.ContainsFunc(roles, func(r awsops.Role) bool { return r.Name == n }) {
		t.Errorf("ListRoles still has deleted role %s", n)
	}
}

// testInstanceProfiles checks the read undo needs before it deletes a role:
// a role in an instance profile cannot be deleted, and the list says which.
func testInstanceProfiles(s *suite) {
	t := s.t
	n := name("sr-profile")
	s.createRole(awsops.CreateRoleInput{Name: n})
	got, err := s.b.ListInstanceProfilesForRole(s.ctx, n)
	if err != nil || len(got) != 0 {
		t.Fatalf("a new role is in instance profiles %v (%v); want none", got, err)
	}
	s.needFixture()
	profile := name("sr-ip")
	if err := s.fx.AddRoleToInstanceProfile(s.ctx, profile, n); err != nil {
		t.Fatal(err)
	}
	if got, err := s.b.ListInstanceProfilesForRole(s.ctx, n); err != nil || !slices.Equal(got, []string{profile}) {
		t.Fatalf("ListInstanceProfilesForRole = %v (%v); want [%s]", got, err, profile)
	}
	s.wantErrors([]errCase{
		{"delete a role in an instance profile", func() error { return s.b.DeleteRole(s.ctx, n) },
			awsops.KindConflict, "DeleteConflict", awsops.APIDeleteRole},
	})
	if _, err := s.b.GetRole(s.ctx, n); err != nil {
		t.Fatalf("role is gone after a refused delete: %v", err)
	}
	if err := s.fx.RemoveRoleFromInstanceProfile(s.ctx, profile, n); err != nil {
		t.Fatal(err)
	}
	if got, err := s.b.ListInstanceProfilesForRole(s.ctx, n); err != nil || len(got) != 0 {
		t.Fatalf("after removing it the role is in %v (%v); want none", got, err)
	}
	if err := s.b.DeleteRole(s.ctx, n); err != nil {
		t.Fatalf("DeleteRole once out of the instance profile: %v", err)
	}
}

func testGetPolicyDocument(s *suite) {
	t := s.t
	doc, err := s.b.GetPolicyDocument(s.ctx, FullAccessARN)
	if err != nil {
		t.Fatalf("GetPolicyDocument: %v", err)
	}
	var v struct {
		Version   string
		Statement []json.RawMessage
	}
	if err := json.Unmarshal([]byte(doc), &v); err != nil || v.Version != "2012-10-17" || len(v.Statement) == 0 {
		t.Errorf("document is not a decoded policy (%v): %.200s", err, doc)
	}
	if !strings.Contains(doc, `"sagemaker:*"`) {
		t.Errorf("AmazonSageMakerFullAccess does not grant sagemaker:*: %.200s", doc)
	}
	s.wantErrors([]errCase{
		{"unknown policy", func() error {
			_, err := s.b.GetPolicyDocument(s.ctx, "arn:aws:iam::aws:policy/"+name("NoSuchPolicy"))
			return err
		}, awsops.KindNotFound, "NoSuchEntity", "iam:GetPolicy"},
	})
}

func testQuotas(s *suite) {
	q, err := s.b.Quotas(s.ctx)
	if err != nil {
		s.t.Fatalf("Quotas: %v", err)
	}
	for field, v := range map[string]int{
		"AttachedPoliciesPerRole": q.AttachedPoliciesPerRole, "RolePolicySize": q.RolePolicySize,
		"PolicySize": q.PolicySize, "TrustPolicySize": q.TrustPolicySize, "TagsPerRole": q.TagsPerRole,
	} {
		if v <= 0 {
			s.t.Errorf("Quotas.%s = %d, want > 0", field, v)
		}
	}
}

// createBucket creates a bucket and deletes it when the case ends.
func (s *suite) createBucket(bucket, region string) {
	s.t.Helper()
	if err := s.b.CreateBucket(s.ctx, bucket, region); err != nil {
		s.t.Fatalf("CreateBucket %s in %s: %v", bucket, region, err)
	}
	s.t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := s.b.DeleteBucket(ctx, bucket); err != nil && !awsops.IsNotFound(err) {
			s.t.Errorf("cleanup: DeleteBucket %s: %v", bucket, err)
		}
	})
}

func (s *suite) hasBucket(bucket string) bool {
	s.t.Helper()
	buckets, err := s.b.ListBuckets(s.ctx)
	if err != nil {
		s.t.Fatalf("ListBuckets: %v", err)
	}
	return slices.ContainsFunc(buckets, func(b awsops.Bucket) bool { return b.Name == bucket && !b.CreationDate.IsZero() })
}

func testBuckets(s *suite) {
	t := s.t
	region := s.b.Region()
	bucket := name("sagerole-suite")
	s.createBucket(bucket, region)
	if !s.hasBucket(bucket) {
		t.Errorf("ListBuckets lacks %s (with its creation date)", bucket)
	}
	if got, err := s.b.BucketRegion(s.ctx, bucket); err != nil || got != region {
		t.Errorf("BucketRegion = %q, %v; want %q", got, err, region)
	}
	// Creating a bucket you own again: us-east-1 answers 200 OK, for
	// legacy compatibility; every other region BucketAlreadyOwnedByYou.
	err := s.b.CreateBucket(s.ctx, bucket, region)
	if region == "us-east-1" {
		if err != nil {
			t.Errorf("CreateBucket again in us-east-1 = %v, want success (S3's legacy behaviour there)", err)
		}
	} else {
		t.Run("CreateBucket again", func(t *testing.T) {
			wantErr(t, err, awsops.KindAlreadyExists, "BucketAlreadyOwnedByYou", awsops.APICreateBucket)
		})
	}
	if err := s.b.DeleteBucket(s.ctx, bucket); err != nil {
		t.Fatalf("DeleteBucket: %v", err)
	}
	if s.hasBucket(bucket) {
		t.Errorf("ListBuckets still has deleted bucket %s", bucket)
	}
	s.wantErrors([]errCase{
		// HeadBucket's 404 has no body, so there is no code to compare.
		{"region of deleted", func() error {
			_, err := s.b.BucketRegion(s.ctx, bucket)
			return err
		}, awsops.KindNotFound, "", "s3:HeadBucket"},
		{"delete again", func() error { return s.b.DeleteBucket(s.ctx, bucket) },
			awsops.KindNotFound, "NoSuchBucket", awsops.APIDeleteBucket},
	})
}

func testBucketInOtherRegion(s *suite) {
	t := s.t
	other := "eu-west-1"
	if s.b.Region() == other {
		other = "us-west-2"
	}
	bucket := name("sagerole-suite-far")
	s.createBucket(bucket, other)
	if !s.hasBucket(bucket) {
		t.Errorf("ListBuckets lacks %s, a bucket in %s", bucket, other)
	}
	if got, err := s.b.BucketRegion(s.ctx, bucket); err != nil || got != other {
		t.Errorf("BucketRegion = %q, %v; want %q", got, err, other)
	}
	// Created again, from anywhere: the owner is told it has it already.
	t.Run("CreateBucket again", func(t *testing.T) {
		wantErr(t, s.b.CreateBucket(s.ctx, bucket, other), awsops.KindAlreadyExists, "BucketAlreadyOwnedByYou", awsops.APICreateBucket)
	})
	if err := s.b.DeleteBucket(s.ctx, bucket); err != nil {
		t.Fatalf("DeleteBucket of a bucket in %s: %v", other, err)
	}
	if s.hasBucket(bucket) {
		t.Errorf("ListBuckets still has deleted bucket %s", bucket)
	}
}

func (s *suite) needFixture() {
	if s.fx == nil {
		s.t.Skip("harness has no Fixture")
	}
}

func testDomain(s *suite) {
	t := s.t
	s.needFixture()
	userRole := s.createRole(awsops.CreateRoleInput{Name: name("sr-dom-user"), Path: "/service-role/"})
	spaceRole := s.createRole(awsops.CreateRoleInput{Name: name("sr-dom-space")})

	cases := []struct {
		name            string
		user, space     string
		wantUserDefault string
	}{
		{"with a default space role", userRole.ARN, spaceRole.ARN, userRole.ARN},
		{"without a default space role", spaceRole.ARN, "", spaceRole.ARN},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dname := name("sr-domain")
			id, err := s.fx.CreateDomain(s.ctx, dname, c.user, c.space)
			if err != nil {
				t.Fatalf("fixture CreateDomain: %v", err)
			}
			domains, err := s.b.ListDomains(s.ctx)
			if err != nil {
				t.Fatalf("ListDomains: %v", err)
			}
			i := slices.IndexFunc(domains, func(d awsops.DomainSummary) bool { return d.ID == id })
			if i < 0 {
				t.Fatalf("ListDomains lacks %s", id)
			}
			if d := domains[i]; d.Name != dname || d.Status == "" || !strings.HasSuffix(d.ARN, ":domain/"+id) {
				t.Errorf("ListDomains item = %+v, want name %s, a status, ARN ending in domain/%s", d, dname, id)
			}
			d, err := s.b.DescribeDomain(s.ctx, id)
			if err != nil {
				t.Fatalf("DescribeDomain: %v", err)
			}
			if d.ID != id || d.Name != dname || !strings.HasSuffix(d.ARN, ":domain/"+id) || d.Status == "" {
				t.Errorf("DescribeDomain = %+v, want id %s, name %s", d, id, dname)
			}
			if d.DefaultUserRole != c.wantUserDefault || d.DefaultSpaceRole != c.space {
				t.Errorf("DescribeDomain roles = user %q, space %q; want %q, %q", d.DefaultUserRole, d.DefaultSpaceRole, c.wantUserDefault, c.space)
			}
		})
	}
	// AWS answers ResourceNotFound; moto ValidationException "Could not find
	// domain": only the kind is common.
	s.wantErrors([]errCase{
		{"unknown domain", func() error {
			_, err := s.b.DescribeDomain(s.ctx, "d-"+strings.ReplaceAll(name("x"), "-", "")[:12])
			return err
		}, awsops.KindNotFound, "", "sagemaker:DescribeDomain"},
	})
}

// waitStatus polls a status until it is want, failing on any status not in
// passing; AWS takes minutes, moto and the sandbox may take no time at all.
func (s *suite) waitStatus(what string, get func() (string, error), want string, passing ...string) {
	s.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		st, err := get()
		if err != nil {
			s.t.Fatalf("%s: %v", what, err)
		}
		if st == want {
			return
		}
		if !slices.Contains(passing, st) {
			s.t.Fatalf("%s: status %q, want %q (or on the way: %v)", what, st, want, passing)
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("%s: still %q after 30s, want %q", what, st, want)
		}
		select {
		case <-s.ctx.Done():
			s.t.Fatalf("%s: %v", what, s.ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func testNotebookInstance(s *suite) {
	t := s.t
	s.needFixture()
	role := s.createRole(awsops.CreateRoleInput{Name: name("sr-nb"), Path: "/service-role/"})
	nb := name("sr-notebook")
	if err := s.fx.CreateNotebookInstance(s.ctx, nb, role.ARN); err != nil {
		t.Fatalf("fixture CreateNotebookInstance: %v", err)
	}
	status := func() (string, error) {
		d, err := s.b.DescribeNotebookInstance(s.ctx, nb)
		return d.Status, err
	}
	s.waitStatus("new instance", status, awsops.StatusInService, awsops.StatusPending)

	list, err := s.b.ListNotebookInstances(s.ctx)
	if err != nil {
		t.Fatalf("ListNotebookInstances: %v", err)
	}
	i := slices.IndexFunc(list, func(n awsops.NotebookInstance) bool { return n.Name == nb })
	if i < 0 {
		t.Fatalf("ListNotebookInstances lacks %s", nb)
	}
	// AWS's list has no role (NotebookInstanceSummary): callers must
	// describe, so a backend that fills it in would hide that.
	if it := list[i]; it.Status != awsops.StatusInService || it.RoleARN != "" || !strings.HasSuffix(it.ARN, ":notebook-instance/"+nb) {
		t.Errorf("ListNotebookInstances item = %+v, want InService, an ARN, and no role (AWS lists none)", it)
	}
	d, err := s.b.DescribeNotebookInstance(s.ctx, nb)
	if err != nil {
		t.Fatalf("DescribeNotebookInstance: %v", err)
	}
	if d.Name != nb || d.RoleARN != role.ARN || !strings.HasSuffix(d.ARN, ":notebook-instance/"+nb) {
		t.Errorf("DescribeNotebookInstance = %+v, want name %s, role %s", d, nb, role.ARN)
	}

	if err := s.b.StopNotebookInstance(s.ctx, nb); err != nil {
		t.Fatalf("StopNotebookInstance: %v", err)
	}
	s.waitStatus("after stop", status, awsops.StatusStopped, awsops.StatusStopping)
	if err := s.b.StartNotebookInstance(s.ctx, nb); err != nil {
		t.Fatalf("StartNotebookInstance: %v", err)
	}
	s.waitStatus("after start", status, awsops.StatusInService, awsops.StatusPending)

	// AWS (and moto) answer ValidationException "RecordNotFound" for an
	// unknown notebook instance; backends report it as not found.
	s.wantErrors([]errCase{
		{"describe unknown", func() error {
			_, err := s.b.DescribeNotebookInstance(s.ctx, name("sr-none"))
			return err
		}, awsops.KindNotFound, "ValidationException", "sagemaker:DescribeNotebookInstance"},
		{"stop unknown", func() error { return s.b.StopNotebookInstance(s.ctx, name("sr-none")) },
			awsops.KindNotFound, "ValidationException", awsops.APIStopNotebookInstance},
	})
}
