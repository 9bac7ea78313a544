package export_test

import (
	"context"
	"strings"
	"testing"

	"github.com/sagerole/sagerole/awsops"
	"github.com/sagerole/sagerole/awsops/sandbox"
	"github.com/sagerole/sagerole/flows/createrole"
	"github.com/sagerole/sagerole/flows/export"
	"github.com/sagerole/sagerole/flows/export/exporttest"
	"github.com/sagerole/sagerole/flows/policy"
)

const account = "111122223333"

func newSandbox(t *testing.T) *sandbox.Account {
	t.Helper()
	a, err := sandbox.New(sandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// sandboxRoles reads every role of the sandbox's seed account as export
// reads a role.
func sandboxRoles(t *testing.T, a *sandbox.Account) []export.Role {
	t.Helper()
	ctx := context.Background()
	list, err := a.ListRoles(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	var out []export.Role
	for _, r := range list {
		if strings.HasPrefix(r.Path, "/aws-service-role/") {
			continue
		}
		role, err := export.Read(ctx, a, r.Name)
		if err != nil {
			t.Fatalf("Read(%s): %v", r.Name, err)
		}
		out = append(out, role)
	}
	if len(out) < 5 {
		t.Fatalf("the seed has %d roles: the test lost its cases", len(out))
	}
	return append(out, handRole(t))
}

// handRole has what the seed lacks: a permissions boundary (of this
// account), IAM policy variables that neither Fn::Sub nor Terraform may
// take for theirs, a description with ${ in it, and an AWS-reserved tag.
func handRole(t *testing.T) export.Role {
	t.Helper()
	doc := func(s string) policy.Document {
		d, err := policy.Parse(s)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	return export.Role{Name: "home-dirs", Path: "/teams/ml/", Description: "per-user ${prefix} home directories",
		Trust:    policy.TrustDocument(),
		Boundary: "arn:aws:iam::" + account + ":policy/boundaries/ml-boundary",
		Managed:  []string{"arn:aws:iam::aws:policy/AmazonSageMakerFullAccess", "arn:aws:iam::" + account + ":policy/team-extra"},
		Inline: []export.Inline{{Name: "home", Document: doc(`{"Version":"2012-10-17","Statement":[
			{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::home","Condition":{"StringLike":{"s3:prefix":"${aws:username}/*"}}},
			{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::home/${aws:username}/*"},
			{"Effect":"Allow","Action":"iam:PassRole","Resource":"arn:aws:iam::` + account + `:role/teams/ml/home-dirs"},
			{"Effect":"Allow","Action":"logs:PutLogEvents","Resource":"arn:aws:logs:us-east-1:` + account + `:log-group:/aws/sagemaker/${aws:PrincipalTag/team}*"}]}`)}},
		Tags:      []awsops.Tag{{Key: "team", Value: "ml"}, {Key: "aws:cloudformation:logical-id", Value: "Role"}},
		ARN:       "arn:aws:iam::" + account + ":role/teams/ml/home-dirs",
		Partition: "aws", Account: account, Region: "us-east-1", Exists: true}
}

type variant struct {
	name string
	o    export.Options
}

var variants = []variant{
	{"cloudformation yaml", export.Options{Format: export.CloudFormation}},
	{"cloudformation json", export.Options{Format: export.CloudFormation, JSON: true}},
	{"stackset yaml", export.Options{Format: export.CloudFormation, StackSet: true}},
	{"stackset json", export.Options{Format: export.CloudFormation, StackSet: true, JSON: true}},
	{"terraform", export.Options{Format: export.Terraform}},
}

func readBack(t *testing.T, c export.Code, env exporttest.Env) exporttest.Role {
	t.Helper()
	var got exporttest.Role
	var err error
	if c.Format == export.Terraform {
		got, err = exporttest.ReadTerraform(c.Code, env)
	} else {
		got, err = exporttest.ReadCloudFormation(c.Code, env)
	}
	if err != nil {
		t.Fatalf("reading the %s code back: %v\n%s", c.Format, err, c.Code)
	}
	return got
}

// TestRolesReadBack: every role of the seed account, in every format, reads
// back (YAML and JSON through a YAML parser with the intrinsic functions
// resolved, HCL through HCL's parser with jsonencode evaluated) as the
// documents, path, description, tags, boundary and attachments the account
// holds.
func TestRolesReadBack(t *testing.T) {
	a := newSandbox(t)
	env := exporttest.Env{Partition: "aws", Account: account, Region: "us-east-1"}
	for _, r := range sandboxRoles(t, a) {
		for _, v := range variants {
			c, err := export.RoleCode(r, v.o)
			if err != nil {
				t.Fatalf("%s, %s: %v", r.Name, v.name, err)
			}
			if d := exporttest.Diff(readBack(t, c, env), exporttest.Want(r)); d != "" {
				t.Errorf("%s, %s: the code does not declare the role:\n%s", r.Name, v.name, d)
			}
		}
	}
}

// TestStackSetBakesInNoAccount: a StackSet template names no account ID of
// its own, and deployed in another account under another role name it
// declares the role with that account's ARNs and that name.
func TestStackSetBakesInNoAccount(t *testing.T) {
	a := newSandbox(t)
	const other, otherName = "444455556666", "team-exec"
	for _, r := range sandboxRoles(t, a) {
		for _, json := range []bool{false, true} {
			c, err := export.RoleCode(r, export.Options{Format: export.CloudFormation, StackSet: true, JSON: json})
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(c.Code, account) {
				t.Errorf("%s: the StackSet template names account %s:\n%s", r.Name, account, c.Code)
			}
			got := readBack(t, c, exporttest.Env{Partition: "aws", Account: other, Region: "eu-west-1",
				Params: map[string]string{"RoleName": otherName}})
			// What the same role is in the other account: its own ARN
			// renamed, this account's ARN fields and this region's moved.
			moved := r
			moved.Name = otherName
			roleARN := "arn:aws:iam::" + account + ":role" + r.Path + r.Name
			rewrite := func(d policy.Document) policy.Document {
				s := strings.ReplaceAll(d.String(), `"`+roleARN+`"`, `"arn:aws:iam::`+other+`:role`+r.Path+otherName+`"`)
				s = strings.ReplaceAll(s, ":us-east-1:"+account+":", ":eu-west-1:"+other+":")
				s = strings.ReplaceAll(s, "::"+account+":", "::"+other+":")
				s = strings.ReplaceAll(s, `"`+account+`"`, `"`+other+`"`) // aws:SourceAccount
				doc, err := policy.Parse(s)
				if err != nil {
					t.Fatal(err)
				}
				return doc
			}
			moved.Trust = rewrite(r.Trust)
			moved.Inline = nil
			for _, p := range r.Inline {
				moved.Inline = append(moved.Inline, export.Inline{Name: p.Name, Document: rewrite(p.Document)})
			}
			moved.Boundary = strings.ReplaceAll(r.Boundary, "::"+account+":", "::"+other+":")
			moved.Managed = nil
			for _, m := range r.Managed {
				moved.Managed = append(moved.Managed, strings.ReplaceAll(m, "::"+account+":", "::"+other+":"))
			}
			if d := exporttest.Diff(got, exporttest.Want(moved)); d != "" {
				t.Errorf("%s (json %v): deployed in account %s:\n%s", r.Name, json, other, d)
			}
		}
	}
}

// planInput is a create-role input with most of what a plan can hold.
var planInputs = []createrole.Input{
	{Name: "ds-full", Path: "/service-role/", Description: "FullAccess and a bucket", Tags: []awsops.Tag{{Key: "team", Value: "ml"}},
		Buckets: []policy.BucketGrant{{Bucket: "research-datasets"}}},
	{Name: "ml-train", Custom: policy.Scope{Persona: policy.DataScientist, Activities: []string{policy.Training}, Guardrails: []string{policy.NetworkIsolation},
		LogGroups: true, PassRoles: []string{"arn:aws:iam::111122223333:role/service-role/AmazonSageMaker-ExecutionRole-Research"}},
		Buckets: []policy.BucketGrant{{Bucket: "team-raw-data", Prefix: "curated"}}},
	{Name: "jobs", Custom: policy.Scope{Persona: policy.Compute}, Buckets: []policy.BucketGrant{{Bucket: "ml-models-prod"}}, ReadOnly: true},
}

// TestPlanCodeIsThePlan: code written from a plan made with no AWS call
// holds none of the stand-ins, and deployed in the sandbox's account and
// region declares exactly the documents of the same plan made against
// that account.
func TestPlanCodeIsThePlan(t *testing.T) {
	ctx := context.Background()
	a := newSandbox(t)
	for _, in := range planInputs {
		offline := export.NewOffline(in.Name, "", in.Custom.PassRoles...)
		plan, err := createrole.Plan(ctx, offline, in)
		if err != nil {
			t.Fatalf("%s offline: %v", in.Name, err)
		}
		r, err := export.FromPlan(plan, offline.Region())
		if err != nil {
			t.Fatal(err)
		}
		online, err := createrole.Plan(ctx, a, in)
		if err != nil {
			t.Fatalf("%s against the sandbox: %v", in.Name, err)
		}
		want, err := export.FromPlan(online, a.Region())
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range variants {
			if v.o.StackSet {
				continue
			}
			c, err := export.RoleCode(r, v.o)
			if err != nil {
				t.Fatal(err)
			}
			if c.Kind != export.KindPlan || len(c.Commands) == 0 {
				t.Errorf("%s, %s: kind %s, commands %q", in.Name, v.name, c.Kind, c.Commands)
			}
			for _, standIn := range []string{export.OfflineAccount, export.OfflineRegion} {
				if strings.Contains(c.Code, standIn) {
					t.Errorf("%s, %s: the code holds the stand-in %s:\n%s", in.Name, v.name, standIn, c.Code)
				}
			}
			got := readBack(t, c, exporttest.Env{Partition: "aws", Account: account, Region: a.Region()})
			if d := exporttest.Diff(got, exporttest.Want(want)); d != "" {
				t.Errorf("%s, %s: the code is not the plan:\n%s", in.Name, v.name, d)
			}
			if len(got.Imports) != 0 {
				t.Errorf("%s, %s: a role that does not exist has import blocks %v", in.Name, v.name, got.Imports)
			}
		}
	}
}

// TestTerraformImportsAdoptEverything: a role that exists gets one import
// block per resource, each naming a declared resource with the provider's
// import ID (role name; role:policy; role/arn).
func TestTerraformImportsAdoptEverything(t *testing.T) {
	a := newSandbox(t)
	for _, r := range sandboxRoles(t, a) {
		c, err := export.RoleCode(r, export.Options{Format: export.Terraform})
		if err != nil {
			t.Fatal(err)
		}
		got := readBack(t, c, exporttest.Env{Partition: "aws", Account: account, Region: "us-east-1"})
		addrs, err := exporttest.Addresses(c.Code)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]bool{r.Name: true}
		for _, p := range r.Inline {
			want[r.Name+":"+p.Name] = true
		}
		for _, m := range r.Managed {
			want[r.Name+"/"+m] = true
		}
		if len(got.Imports) != len(addrs) || len(got.Imports) != len(want) {
			t.Errorf("%s: %d import blocks, %d resources, %d to adopt", r.Name, len(got.Imports), len(addrs), len(want))
		}
		for to, id := range got.Imports {
			if !addrs[to] {
				t.Errorf("%s: import block to %s names no resource", r.Name, to)
			}
			if !want[id] {
				t.Errorf("%s: import id %q adopts nothing of the role", r.Name, id)
			}
		}
	}
}
