package main

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"sort"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/sagerole/sagerole/flows/export"
	"github.com/sagerole/sagerole/flows/export/exporttest"
)

// boto3Role reads a role back from moto with boto3 (another client than
// sagerole's), printing its documents as boto3 decodes them.
const boto3Role = `
import boto3, json, sys
iam = boto3.client("iam")
name = sys.argv[1]
r = iam.get_role(RoleName=name)["Role"]
out = {"name": r["RoleName"], "path": r["Path"], "description": r.get("Description", ""),
       "trust": r["AssumeRolePolicyDocument"],
       "boundary": r.get("PermissionsBoundary", {}).get("PermissionsBoundaryArn", ""),
       "tags": {t["Key"]: t["Value"] for t in iam.list_role_tags(RoleName=name)["Tags"]},
       "managed": [p["PolicyArn"] for p in iam.list_attached_role_policies(RoleName=name)["AttachedPolicies"]],
       "inline": {p: iam.get_role_policy(RoleName=name, PolicyName=p)["PolicyDocument"]
                  for p in iam.list_role_policies(RoleName=name)["PolicyNames"]}}
json.dump(out, sys.stdout)
`

// readWithBoto3 is the role as boto3 reads it from moto, documents
// canonicalised.
func readWithBoto3(t *testing.T, endpoint, role string) exporttest.Role {
	t.Helper()
	cmd := exec.Command("python3", "-c", boto3Role, role)
	cmd.Env = append(os.Environ(), "AWS_ENDPOINT_URL="+endpoint, "AWS_DEFAULT_REGION=us-east-1")
	out, err := cmd.Output()
	if err != nil {
		var stderr []byte
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = ee.Stderr
		}
		t.Fatalf("boto3 reading %s: %v\n%s", role, err, stderr)
	}
	var raw struct {
		Name, Path, Description, Boundary string
		Trust                             json.RawMessage
		Tags                              map[string]string
		Managed                           []string
		Inline                            map[string]json.RawMessage
	}
	if err := json.Unmarshal(out, &raw); err != nil {
		t.Fatal(err)
	}
	r := exporttest.Role{Name: raw.Name, Path: raw.Path, Description: raw.Description, Boundary: raw.Boundary,
		Tags: raw.Tags, Managed: raw.Managed, Inline: map[string]string{}}
	if r.Trust, err = exporttest.Canonical(string(raw.Trust)); err != nil {
		t.Fatal(err)
	}
	for n, d := range raw.Inline {
		if r.Inline[n], err = exporttest.Canonical(string(d)); err != nil {
			t.Fatal(err)
		}
	}
	sort.Strings(r.Managed)
	return r
}

// TestExportRoundTripOnMoto: a role sagerole creates on moto (custom scope,
// buckets, a guardrail, path, description, tags; FullAccess attached with
// modify; a permissions boundary set by another client) is exported in
// each format, and the code, read back with its own format's parser,
// declares exactly what boto3 reads from moto.
func TestExportRoundTripOnMoto(t *testing.T) {
	isolate(t)
	args := motoArgs(t)
	endpoint := args[1]
	run := func(extra ...string) string {
		t.Helper()
		code, out, errOut := runCLI(t, append(append([]string(nil), args...), extra...)...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", extra, code, errOut)
		}
		return out
	}
	run("--yes", "create-role", "ds-export", "--path", "/service-role/", "--description", "round trip",
		"--tag", "team=ml", "--tag", "cost-center=cc-1", "--persona", "data-scientist", "--activity", "training", "--bucket", "team-raw-data/curated",
		"--guardrail", "network-isolation", "--log-groups")
	run("--yes", "modify", "ds-export", "--attach", "full")

	ctx := context.Background()
	cfg, err := config.LoadDefaultConfig(ctx, config.WithRegion("us-east-1"), config.WithBaseEndpoint(endpoint))
	if err != nil {
		t.Fatal(err)
	}
	ic := iam.NewFromConfig(cfg)
	pol, err := ic.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("ml-boundary"), Path: aws.String("/boundaries/"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sagemaker:*","s3:*","logs:*"],"Resource":"*"}]}`)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ic.PutRolePermissionsBoundary(ctx, &iam.PutRolePermissionsBoundaryInput{RoleName: aws.String("ds-export"),
		PermissionsBoundary: pol.Policy.Arn}); err != nil {
		t.Fatal(err)
	}

	want := readWithBoto3(t, endpoint, "ds-export")
	if want.Boundary == "" || len(want.Inline) < 2 || len(want.Managed) != 1 {
		t.Fatalf("moto does not hold the role the test made: %+v", want)
	}
	env := exporttest.Env{Partition: "aws", Account: "123456789012", Region: "us-east-1"}
	for _, flags := range [][]string{
		{"--format", "cloudformation"}, {"--format", "cloudformation", "--json"}, {"--format", "terraform"},
	} {
		var c export.Code
		if err := json.Unmarshal([]byte(run(append([]string{"--output", "json", "export", "ds-export"}, flags...)...)), &c); err != nil {
			t.Fatalf("%v: --output json: %v", flags, err)
		}
		var got exporttest.Role
		if c.Format == export.Terraform {
			got, err = exporttest.ReadTerraform(c.Code, env)
		} else {
			got, err = exporttest.ReadCloudFormation(c.Code, env)
		}
		if err != nil {
			t.Fatalf("%v: reading the code back: %v\n%s", flags, err, c.Code)
		}
		if d := exporttest.Diff(got, want); d != "" {
			t.Errorf("%v: the code and the account differ:\n%s", flags, d)
		}
	}
}
