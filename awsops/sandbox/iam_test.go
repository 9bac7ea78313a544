package sandbox

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/sagerole/sagerole/awsops"
)

func TestCreateRoleValidation(t *testing.T) {
	tags := func(n int) []awsops.Tag {
		out := make([]awsops.Tag, n)
		for i := range out {
			out[i] = awsops.Tag{Key: fmt.Sprintf("k%d", i), Value: "v"}
		}
		return out
	}
	bigTrust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"sagemaker.amazonaws.com"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"aws:SourceArn":"` +
		strings.Repeat("x", 2000) + `"}}}]}`
	spacedTrust := strings.ReplaceAll(sageMakerTrust, ",", ",      \n\t      ") // whitespace does not count
	cases := []struct {
		name     string
		in       awsops.CreateRoleInput
		code     string
		contains string
	}{
		{"ok", awsops.CreateRoleInput{Name: "NewRole", TrustPolicy: sageMakerTrust}, "", ""},
		{"ok with path and tags", awsops.CreateRoleInput{Name: "NewRole", Path: "/team/ml/", Description: "for tests", TrustPolicy: sageMakerTrust, Tags: tags(50)}, "", ""},
		{"whitespace not counted", awsops.CreateRoleInput{Name: "NewRole", TrustPolicy: spacedTrust}, "", ""},
		{"exists", awsops.CreateRoleInput{Name: "LambdaBasic", TrustPolicy: sageMakerTrust}, "EntityAlreadyExists", "Role with name LambdaBasic already exists."},
		{"exists case-insensitively", awsops.CreateRoleInput{Name: "lambdabasic", TrustPolicy: sageMakerTrust}, "EntityAlreadyExists", "Role with name lambdabasic already exists."},
		{"empty name", awsops.CreateRoleInput{TrustPolicy: sageMakerTrust}, "ValidationError", "at 'roleName'"},
		{"long name", awsops.CreateRoleInput{Name: strings.Repeat("a", 65), TrustPolicy: sageMakerTrust}, "ValidationError", "less than or equal to 64"},
		{"bad name char", awsops.CreateRoleInput{Name: "my role", TrustPolicy: sageMakerTrust}, "ValidationError", "regular expression pattern"},
		{"path without slashes", awsops.CreateRoleInput{Name: "R", Path: "team", TrustPolicy: sageMakerTrust}, "ValidationError", "path is invalid"},
		{"path double slash", awsops.CreateRoleInput{Name: "R", Path: "//", TrustPolicy: sageMakerTrust}, "ValidationError", "path is invalid"},
		{"path with space", awsops.CreateRoleInput{Name: "R", Path: "/my team/", TrustPolicy: sageMakerTrust}, "ValidationError", "path is invalid"},
		{"path too long", awsops.CreateRoleInput{Name: "R", Path: "/" + strings.Repeat("a", 511) + "/", TrustPolicy: sageMakerTrust}, "ValidationError", "512"},
		{"service-linked path", awsops.CreateRoleInput{Name: "R", Path: "/aws-service-role/x/", TrustPolicy: sageMakerTrust}, "InvalidInput", "service-linked"},
		{"description too long", awsops.CreateRoleInput{Name: "R", Description: strings.Repeat("d", 1001), TrustPolicy: sageMakerTrust}, "ValidationError", "1000"},
		{"description emoji", awsops.CreateRoleInput{Name: "R", Description: "ML 🚀", TrustPolicy: sageMakerTrust}, "ValidationError", "at 'description'"},
		{"no trust policy", awsops.CreateRoleInput{Name: "R"}, "ValidationError", "assumeRolePolicyDocument"},
		{"trust not JSON", awsops.CreateRoleInput{Name: "R", TrustPolicy: "{"}, "MalformedPolicyDocument", "This policy contains invalid Json"},
		{"trust no statement", awsops.CreateRoleInput{Name: "R", TrustPolicy: `{"Version":"2012-10-17"}`}, "MalformedPolicyDocument", "no Statement"},
		{"trust bad effect", awsops.CreateRoleInput{Name: "R", TrustPolicy: `{"Statement":{"Effect":"Maybe","Principal":"*","Action":"sts:AssumeRole"}}`}, "MalformedPolicyDocument", "Effect"},
		{"trust bad version", awsops.CreateRoleInput{Name: "R", TrustPolicy: `{"Version":"2024-01-01","Statement":{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole"}}`}, "MalformedPolicyDocument", "legacy parsing"},
		{"trust with resource", awsops.CreateRoleInput{Name: "R", TrustPolicy: `{"Statement":{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole","Resource":"*"}}`}, "MalformedPolicyDocument", "Has prohibited field Resource"},
		{"trust without principal", awsops.CreateRoleInput{Name: "R", TrustPolicy: `{"Statement":{"Effect":"Allow","Action":"sts:AssumeRole"}}`}, "MalformedPolicyDocument", "Missing required field Principal"},
		{"trust without action", awsops.CreateRoleInput{Name: "R", TrustPolicy: `{"Statement":{"Effect":"Allow","Principal":"*"}}`}, "MalformedPolicyDocument", "Missing required field Action"},
		{"trust too big", awsops.CreateRoleInput{Name: "R", TrustPolicy: bigTrust}, "LimitExceeded", "Cannot exceed quota for ACLSizePerRole: 2048"},
		{"51 tags", awsops.CreateRoleInput{Name: "R", TrustPolicy: sageMakerTrust, Tags: tags(51)}, "ValidationError", "50"},
		{"empty tag key", awsops.CreateRoleInput{Name: "R", TrustPolicy: sageMakerTrust, Tags: []awsops.Tag{{Key: "", Value: "v"}}}, "ValidationError", ".key"},
		{"long tag key", awsops.CreateRoleInput{Name: "R", TrustPolicy: sageMakerTrust, Tags: []awsops.Tag{{Key: strings.Repeat("k", 129)}}}, "ValidationError", "128"},
		{"long tag value", awsops.CreateRoleInput{Name: "R", TrustPolicy: sageMakerTrust, Tags: []awsops.Tag{{Key: "k", Value: strings.Repeat("v", 257)}}}, "ValidationError", "256"},
		{"bad tag char", awsops.CreateRoleInput{Name: "R", TrustPolicy: sageMakerTrust, Tags: []awsops.Tag{{Key: "team", Value: "a&b"}}}, "ValidationError", ".value"},
		{"aws: tag", awsops.CreateRoleInput{Name: "R", TrustPolicy: sageMakerTrust, Tags: []awsops.Tag{{Key: "aws:team", Value: "x"}}}, "InvalidInput", "aws:"},
		{"duplicate tag keys", awsops.CreateRoleInput{Name: "R", TrustPolicy: sageMakerTrust, Tags: []awsops.Tag{{Key: "Team", Value: "a"}, {Key: "team", Value: "b"}}}, "InvalidInput", "Duplicate tag keys"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := newAccount(t)
			r, err := a.CreateRole(context.Background(), c.in)
			wantErr(t, err, c.code, c.contains)
			if c.code != "" {
				if _, err := a.GetRole(context.Background(), "R"); !awsops.IsNotFound(err) {
					t.Fatalf("a refused CreateRole left a role behind: %v", err)
				}
				return
			}
			got, err := a.GetRole(context.Background(), c.in.Name)
			if err != nil {
				t.Fatal(err)
			}
			if got.ARN != r.ARN || got.TrustPolicy != c.in.TrustPolicy || len(got.Tags) != len(c.in.Tags) {
				t.Fatalf("GetRole = %+v, CreateRole = %+v", got, r)
			}
		})
	}
}

func TestCreateRoleShape(t *testing.T) {
	a := newAccount(t)
	ctx := context.Background()
	r, err := a.CreateRole(ctx, awsops.CreateRoleInput{Name: "DS", Path: "/service-role/", TrustPolicy: sageMakerTrust})
	if err != nil {
		t.Fatal(err)
	}
	if r.ARN != "arn:aws:iam::111122223333:role/service-role/DS" || r.Path != "/service-role/" {
		t.Fatalf("ARN %s path %s: the path must be kept", r.ARN, r.Path)
	}
	if len(r.RoleID) != 21 || !strings.HasPrefix(r.RoleID, "AROA") || strings.ToUpper(r.RoleID) != r.RoleID {
		t.Fatalf("role ID %q", r.RoleID)
	}
	if want := defaultClockStart; !r.CreateDate.Equal(want) {
		t.Fatalf("create date %v, want %v", r.CreateDate, want)
	}
	r2, _ := a.CreateRole(ctx, awsops.CreateRoleInput{Name: "DS2", TrustPolicy: sageMakerTrust})
	if r2.CreateDate.Sub(r.CreateDate) != 1e9 {
		t.Fatalf("second write at %v, first at %v: the clock advances a second per write", r2.CreateDate, r.CreateDate)
	}

	// Same inputs, same output: demos are reproducible.
	b := newAccount(t)
	rb, _ := b.CreateRole(ctx, awsops.CreateRoleInput{Name: "DS", Path: "/service-role/", TrustPolicy: sageMakerTrust})
	if rb.RoleID != r.RoleID {
		t.Fatalf("role IDs differ between runs: %s, %s", r.RoleID, rb.RoleID)
	}
	// A role recreated later is a different principal, with a new ID.
	if err := a.DeleteRole(ctx, "DS"); err != nil {
		t.Fatal(err)
	}
	again, _ := a.CreateRole(ctx, awsops.CreateRoleInput{Name: "DS", Path: "/service-role/", TrustPolicy: sageMakerTrust})
	if again.RoleID == r.RoleID {
		t.Fatal("a recreated role kept its old ID")
	}

	fixed := newAccountWith(t, Options{Now: func() time.Time { return time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC) }})
	rf, _ := fixed.CreateRole(ctx, awsops.CreateRoleInput{Name: "DS", TrustPolicy: sageMakerTrust})
	if rf.CreateDate.Year() != 2030 {
		t.Fatalf("Options.Now ignored: %v", rf.CreateDate)
	}
}

func TestGetRole(t *testing.T) {
	a := newAccount(t)
	ctx := context.Background()
	r, err := a.GetRole(ctx, "amazonsagemaker-executionrole-research")
	if err != nil {
		t.Fatalf("IAM finds roles case-insensitively: %v", err)
	}
	if r.Name != "AmazonSageMaker-ExecutionRole-Research" || r.ARN != researchRole || r.Description == "" {
		t.Fatalf("role = %+v", r)
	}
	_, err = a.GetRole(ctx, "Nope")
	wantErr(t, err, "NoSuchEntity", "The role with name Nope cannot be found.")
	_, err = a.GetRole(ctx, "bad name")
	wantErr(t, err, "ValidationError", "roleName")
}

func TestListRoles(t *testing.T) {
	a := newAccount(t)
	ctx := context.Background()
	all, err := a.ListRoles(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	slash, _ := a.ListRoles(ctx, "/")
	if len(all) != len(slash) || len(all) < 9 {
		t.Fatalf("%d roles for \"\", %d for /", len(all), len(slash))
	}
	for i := 1; i < len(all); i++ {
		if strings.ToLower(all[i-1].Name) > strings.ToLower(all[i].Name) {
			t.Fatalf("not in name order: %s before %s", all[i-1].Name, all[i].Name)
		}
	}
	for _, r := range all {
		if len(r.Tags) != 0 {
			t.Fatalf("ListRoles returned tags for %s; IAM's list does not", r.Name)
		}
	}
	sr, _ := a.ListRoles(ctx, "/service-role")
	for _, r := range sr {
		if !strings.HasPrefix(r.Path, "/service-role/") {
			t.Fatalf("prefix /service-role matched %s", r.ARN)
		}
	}
	_, err = a.ListRoles(ctx, "service-role/")
	wantErr(t, err, "ValidationError", "pathPrefix")
}

func TestInlinePolicies(t *testing.T) {
	ctx := context.Background()
	// A policy document whose size without whitespace is n.
	sized := func(n int) string {
		base := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::"}]}`
		pad := n - len(base)
		return strings.Replace(base, ":::", ":::"+strings.Repeat("b", pad), 1)
	}
	if got := len(sized(5000)); got != 5000 {
		t.Fatalf("sized(5000) is %d", got)
	}
	cases := []struct {
		name, role, policy, doc string
		code, contains          string
	}{
		{"ok", "LambdaBasic", "s3", s3Policy, "", ""},
		{"replace", "DataScientistRestricted", "studio-apps", s3Policy, "", ""},
		{"unknown role", "Nope", "s3", s3Policy, "NoSuchEntity", "The role with name Nope cannot be found."},
		{"bad policy name", "LambdaBasic", "s3 access", s3Policy, "ValidationError", "policyName"},
		{"long policy name", "LambdaBasic", strings.Repeat("p", 129), s3Policy, "ValidationError", "128"},
		{"empty document", "LambdaBasic", "s3", "", "ValidationError", "policyDocument"},
		{"not JSON", "LambdaBasic", "s3", `{"Statement":`, "MalformedPolicyDocument", "invalid Json"},
		{"no resource", "LambdaBasic", "s3", `{"Statement":{"Effect":"Allow","Action":"s3:*"}}`, "MalformedPolicyDocument", "must contain resources"},
		{"no action", "LambdaBasic", "s3", `{"Statement":{"Effect":"Allow","Resource":"*"}}`, "MalformedPolicyDocument", "must contain actions"},
		{"principal", "LambdaBasic", "s3", `{"Statement":{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}}`, "MalformedPolicyDocument", "should not specify a principal"},
		{"exactly the limit", "LambdaBasic", "big", sized(10240), "", ""},
		{"over the limit alone", "LambdaBasic", "big", sized(10241), "LimitExceeded", "Maximum policy size of 10240 bytes exceeded for role LambdaBasic"},
		{"whitespace not counted", "LambdaBasic", "big", strings.ReplaceAll(sized(10240), ",", ",\n    "), "", ""},
		{"service-linked role", "AWSServiceRoleForAmazonSageMakerNotebooks", "s3", s3Policy, "UnmodifiableEntity", "protected role"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := newAccount(t)
			err := a.PutRolePolicy(ctx, c.role, c.policy, c.doc)
			wantErr(t, err, c.code, c.contains)
			if c.code != "" {
				return
			}
			got, err := a.GetRolePolicy(ctx, c.role, c.policy)
			if err != nil || got != c.doc {
				t.Fatalf("GetRolePolicy = %q, %v; want the document as put", got, err)
			}
		})
	}

	t.Run("total of all inline policies", func(t *testing.T) {
		a := newAccount(t)
		if err := a.PutRolePolicy(ctx, "LambdaBasic", "one", sized(6000)); err != nil {
			t.Fatal(err)
		}
		err := a.PutRolePolicy(ctx, "LambdaBasic", "two", sized(4241))
		wantErr(t, err, "LimitExceeded", "Maximum policy size of 10240 bytes")
		if err := a.PutRolePolicy(ctx, "LambdaBasic", "two", sized(4240)); err != nil {
			t.Fatalf("6000+4240 is within the limit: %v", err)
		}
		// Replacing a policy counts its new size, not old plus new.
		if err := a.PutRolePolicy(ctx, "LambdaBasic", "one", sized(6000)); err != nil {
			t.Fatalf("replacing a policy with one of the same size: %v", err)
		}
	})

	t.Run("list, get, delete", func(t *testing.T) {
		a := newAccount(t)
		for _, n := range []string{"zeta", "alpha"} {
			if err := a.PutRolePolicy(ctx, "LambdaBasic", n, s3Policy); err != nil {
				t.Fatal(err)
			}
		}
		names, _ := a.ListRolePolicies(ctx, "LambdaBasic")
		if strings.Join(names, ",") != "alpha,zeta" {
			t.Fatalf("names = %v", names)
		}
		_, err := a.GetRolePolicy(ctx, "LambdaBasic", "beta")
		wantErr(t, err, "NoSuchEntity", "The role policy with name beta cannot be found.")
		wantErr(t, a.DeleteRolePolicy(ctx, "LambdaBasic", "beta"), "NoSuchEntity", "The role policy with name beta cannot be found.")
		wantErr(t, a.DeleteRolePolicy(ctx, "Nope", "alpha"), "NoSuchEntity", "The role with name Nope cannot be found.")
		if err := a.DeleteRolePolicy(ctx, "LambdaBasic", "alpha"); err != nil {
			t.Fatal(err)
		}
		names, _ = a.ListRolePolicies(ctx, "LambdaBasic")
		if strings.Join(names, ",") != "zeta" {
			t.Fatalf("after delete: %v", names)
		}
		_, err = a.ListRolePolicies(ctx, "Nope")
		wantErr(t, err, "NoSuchEntity", "Nope")
	})
}

func TestManagedPolicies(t *testing.T) {
	ctx := context.Background()
	a := newAccount(t)
	const s3ro = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"

	wantErr(t, a.AttachRolePolicy(ctx, "LambdaBasic", "arn:aws:iam::aws:policy/NoSuchPolicy"),
		"NoSuchEntity", "Policy arn:aws:iam::aws:policy/NoSuchPolicy does not exist or is not attachable.")
	wantErr(t, a.AttachRolePolicy(ctx, "LambdaBasic", "AmazonS3ReadOnlyAccess"), "InvalidInput", "ARN AmazonS3ReadOnlyAccess is not valid.")
	wantErr(t, a.AttachRolePolicy(ctx, "Nope", s3ro), "NoSuchEntity", "The role with name Nope cannot be found.")
	wantErr(t, a.AttachRolePolicy(ctx, "AWSServiceRoleForAmazonSageMakerNotebooks", s3ro), "UnmodifiableEntity", "only modifiable by AWS")

	if err := a.AttachRolePolicy(ctx, "LambdaBasic", s3ro); err != nil {
		t.Fatal(err)
	}
	if err := a.AttachRolePolicy(ctx, "LambdaBasic", s3ro); err != nil {
		t.Fatalf("attaching twice is a no-op in IAM: %v", err)
	}
	att, _ := a.ListAttachedRolePolicies(ctx, "LambdaBasic")
	if len(att) != 2 || att[1].ARN != s3ro || att[1].Name != "AmazonS3ReadOnlyAccess" {
		t.Fatalf("attached = %+v", att)
	}
	if att[0].Name != "AWSLambdaBasicExecutionRole" {
		t.Fatalf("a policy with a path is named after its last segment: %+v", att[0])
	}

	wantErr(t, a.DetachRolePolicy(ctx, "LambdaBasic", fullAccess), "NoSuchEntity", "Policy "+fullAccess+" was not found.")
	if err := a.DetachRolePolicy(ctx, "LambdaBasic", s3ro); err != nil {
		t.Fatal(err)
	}

	// Ten per role.
	var arns []string
	for arn := range a.st.policies {
		if arn != "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole" {
			arns = append(arns, arn)
		}
	}
	if len(arns) < 10 {
		t.Fatalf("the seed needs at least 11 managed policies to test the limit, has %d", len(arns)+1)
	}
	for _, arn := range arns[:9] {
		if err := a.AttachRolePolicy(ctx, "LambdaBasic", arn); err != nil {
			t.Fatalf("attach %s: %v", arn, err)
		}
	}
	wantErr(t, a.AttachRolePolicy(ctx, "LambdaBasic", arns[9]), "LimitExceeded", "Cannot exceed quota for PoliciesPerRole: 10")
	if err := a.AttachRolePolicy(ctx, "LambdaBasic", arns[0]); err != nil {
		t.Fatalf("re-attaching at the limit changes nothing and succeeds: %v", err)
	}

	_, err := a.GetPolicyDocument(ctx, "arn:aws:iam::aws:policy/NoSuchPolicy")
	wantErr(t, err, "NoSuchEntity", "does not exist")
	_, err = a.GetPolicyDocument(ctx, "not-an-arn")
	wantErr(t, err, "InvalidInput", "not valid")
	q, _ := a.Quotas(ctx)
	if q != awsops.DefaultQuotas() {
		t.Fatalf("quotas = %+v", q)
	}
}

func TestDeleteRole(t *testing.T) {
	ctx := context.Background()
	a := newAccount(t)
	wantErr(t, a.DeleteRole(ctx, "Nope"), "NoSuchEntity", "The role with name Nope cannot be found.")
	wantErr(t, a.DeleteRole(ctx, "LambdaBasic"), "DeleteConflict", "Cannot delete entity, must detach all policies first.")
	wantErr(t, a.DeleteRole(ctx, "AWSServiceRoleForAmazonSageMakerNotebooks"), "UnmodifiableEntity", "protected role")
	if _, err := a.CreateRole(ctx, awsops.CreateRoleInput{Name: "Tmp", TrustPolicy: sageMakerTrust}); err != nil {
		t.Fatal(err)
	}
	if err := a.PutRolePolicy(ctx, "Tmp", "p", s3Policy); err != nil {
		t.Fatal(err)
	}
	wantErr(t, a.DeleteRole(ctx, "Tmp"), "DeleteConflict", "Cannot delete entity, must delete policies first.")
	if err := a.DeleteRolePolicy(ctx, "Tmp", "p"); err != nil {
		t.Fatal(err)
	}
	if err := a.DeleteRole(ctx, "tmp"); err != nil {
		t.Fatal(err)
	}
	if _, err := a.GetRole(ctx, "Tmp"); !awsops.IsNotFound(err) {
		t.Fatalf("role still there: %v", err)
	}
}

func TestUpdateTrustPolicy(t *testing.T) {
	ctx := context.Background()
	a := newAccount(t)
	wantErr(t, a.UpdateTrustPolicy(ctx, "Nope", sageMakerTrust), "NoSuchEntity", "Nope")
	wantErr(t, a.UpdateTrustPolicy(ctx, "LambdaBasic", "nope"), "MalformedPolicyDocument", "invalid Json")
	wantErr(t, a.UpdateTrustPolicy(ctx, "LambdaBasic", s3Policy), "MalformedPolicyDocument", "Has prohibited field Resource")
	wantErr(t, a.UpdateTrustPolicy(ctx, "AWSServiceRoleForAmazonSageMakerNotebooks", sageMakerTrust), "UnmodifiableEntity", "protected")
	if err := a.UpdateTrustPolicy(ctx, "LambdaBasic", sageMakerTrust); err != nil {
		t.Fatal(err)
	}
	r, _ := a.GetRole(ctx, "LambdaBasic")
	if r.TrustPolicy != sageMakerTrust {
		t.Fatalf("trust policy = %s", r.TrustPolicy)
	}
}

func TestTags(t *testing.T) {
	ctx := context.Background()
	a := newAccount(t)
	wantErr(t, a.TagRole(ctx, "Nope", []awsops.Tag{{Key: "a", Value: "b"}}), "NoSuchEntity", "Nope")
	wantErr(t, a.TagRole(ctx, "LambdaBasic", nil), "ValidationError", "tags")
	wantErr(t, a.TagRole(ctx, "LambdaBasic", []awsops.Tag{{Key: "aws:x", Value: "b"}}), "InvalidInput", "aws:")
	if err := a.TagRole(ctx, "LambdaBasic", []awsops.Tag{{Key: "team", Value: "data"}, {Key: "env", Value: "prod"}}); err != nil {
		t.Fatal(err)
	}
	if err := a.TagRole(ctx, "LambdaBasic", []awsops.Tag{{Key: "Team", Value: "ml"}}); err != nil {
		t.Fatal(err)
	}
	r, _ := a.GetRole(ctx, "LambdaBasic")
	if len(r.Tags) != 2 || !hasTag(r.Tags, "Team", "ml") || !hasTag(r.Tags, "env", "prod") {
		t.Fatalf("tags = %+v; a key that differs only in case overwrites", r.Tags)
	}
	many := make([]awsops.Tag, 49)
	for i := range many {
		many[i] = awsops.Tag{Key: fmt.Sprintf("k%d", i)}
	}
	wantErr(t, a.TagRole(ctx, "LambdaBasic", many), "LimitExceeded", "TagsPerRole: 50")
	if err := a.TagRole(ctx, "LambdaBasic", many[:48]); err != nil {
		t.Fatalf("2+48 tags is the limit: %v", err)
	}
	if err := a.UntagRole(ctx, "LambdaBasic", []string{"team", "absent"}); err != nil {
		t.Fatal(err)
	}
	r, _ = a.GetRole(ctx, "LambdaBasic")
	if len(r.Tags) != 49 || hasTag(r.Tags, "Team", "ml") {
		t.Fatalf("after untag: %d tags", len(r.Tags))
	}
	wantErr(t, a.UntagRole(ctx, "LambdaBasic", nil), "ValidationError", "tagKeys")
	wantErr(t, a.UntagRole(ctx, "Nope", []string{"x"}), "NoSuchEntity", "Nope")
}

// AWS answers NoSuchEntity for the instance profiles of a role that does
// not exist (moto answers an empty list, so the shared suite leaves it out).
func TestListInstanceProfilesForMissingRole(t *testing.T) {
	acct, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = acct.ListInstanceProfilesForRole(context.Background(), "no-such-role")
	if !awsops.IsNotFound(err) {
		t.Errorf("got %v, want NoSuchEntity", err)
	}
}
