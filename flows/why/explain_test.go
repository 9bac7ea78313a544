package why

import (
	"context"
	"strings"
	"testing"

	"github.com/sagerole/sagerole/awsops"
	"github.com/sagerole/sagerole/awsops/rules"
	"github.com/sagerole/sagerole/flows/policy/eval"
)

const readOnlyARN = "arn:aws:iam::aws:policy/AmazonSageMakerReadOnly"

// A permissions boundary that does not allow the request: the identity
// policies do, the boundary does not, AWS says so, and no fix is offered
// (sagerole does not widen boundaries).
func TestBoundaryDecides(t *testing.T) {
	a := newAccount(t)
	if err := a.PutRolePermissionsBoundary(context.Background(), "AmazonSageMaker-ExecutionRole-Research", readOnlyARN); err != nil {
		t.Fatal(err)
	}
	r := explain(t, a, Input{Message: `User: arn:aws:sts::111122223333:assumed-role/AmazonSageMaker-ExecutionRole-Research/SageMaker is not authorized to perform: s3:GetObject on resource: "arn:aws:s3:::research-datasets/raw/a.csv" because no permissions boundary allows the s3:GetObject action`})
	if r.Decision != eval.ImplicitDeny || r.Eval.NotAllowedBy != eval.Boundary {
		t.Fatalf("decision %s (%s), want implicit deny by the boundary", r.Decision, r.Eval.NotAllowedBy)
	}
	if r.Agrees == nil || !*r.Agrees {
		t.Errorf("agrees = %v, want true", r.Agrees)
	}
	if !strings.Contains(r.Reason, "permissions boundary AmazonSageMakerReadOnly does not") {
		t.Errorf("reason: %s", r.Reason)
	}
	if r.Fix.Offered || !strings.Contains(r.Fix.Reason, "boundar") {
		t.Errorf("fix: %+v", r.Fix)
	}
	if !strings.Contains(strings.Join(r.Reads, "\n"), readOnlyARN) {
		t.Errorf("the boundary read is not said: %v", r.Reads)
	}
	// The sandbox's simulator answers from the same documents, boundary
	// included.
	if s := r.Simulator; s == nil || s.Error != "" || s.Decision != awsops.SimImplicitDeny || s.BoundaryAllowed == nil || *s.BoundaryAllowed {
		t.Errorf("simulator: %+v", s)
	}
}

// An explicit deny in an SCP, where the role's own policies allow it: the
// layer AWS named is one sagerole cannot see, and says so.
func TestSCPDenyIsUnseen(t *testing.T) {
	a := newAccount(t)
	r := explain(t, a, Input{Message: `User: arn:aws:sts::111122223333:assumed-role/AmazonSageMaker-ExecutionRole-Research/SageMaker is not authorized to perform: s3:GetObject on resource: "arn:aws:s3:::research-datasets/raw/a.csv" with an explicit deny in a service control policy: arn:aws:organizations::999988887777:policy/o-a1b2c3d4e5/service_control_policy/p-examplepolicyid111`})
	if r.Decision != eval.Allow || r.Agrees != nil {
		t.Fatalf("decision %s, agrees %v; want allow, not compared", r.Decision, r.Agrees)
	}
	if !strings.Contains(r.Reason, "a service control policy, which sagerole cannot see") {
		t.Errorf("reason: %s", r.Reason)
	}
	named := false
	for _, u := range r.Unseen {
		named = named || u.Layer == "scp-rcp" && u.NamedByAWS && u.Status == "not-visible"
		if u.Layer == "bucket-policy" && (u.Status != "read" || !strings.Contains(u.Says, "neither allows nor denies")) {
			t.Errorf("bucket policy (DenyInsecureTransport, over HTTPS): %+v", u)
		}
	}
	if !named {
		t.Errorf("the SCP layer is not marked as the one AWS named: %+v", r.Unseen)
	}
	if r.Simulator.Difference == "" || !strings.Contains(r.Simulator.Difference, "SCP") {
		t.Errorf("both allow; the difference should point past them: %+v", r.Simulator)
	}
}

// The bucket policy's Deny decides when the request carries what it
// denies: aws:SecureTransport=false.
func TestBucketPolicyDenyRead(t *testing.T) {
	a := newAccount(t)
	r := explain(t, a, Input{Role: "AmazonSageMaker-ExecutionRole-Research", Action: "s3:GetObject", Resource: "s3://research-datasets/raw/a.csv",
		Context: map[string][]string{"aws:SecureTransport": {"false"}}})
	denied := false
	for _, u := range r.Unseen {
		denied = denied || u.Layer == "bucket-policy" && u.Status == "read" && strings.Contains(u.Says, "denies it") && strings.Contains(u.Says, "DenyInsecureTransport")
	}
	if !denied {
		t.Errorf("the bucket policy's Deny is not said: %+v", r.Unseen)
	}
	given := false
	for _, k := range r.Request.Context {
		given = given || k.Key == "aws:SecureTransport" && k.Source == Given
	}
	if !given {
		t.Errorf("--context did not replace the assumed value: %+v", r.Request.Context)
	}
}

// A change that would allow the request but also much else is not
// offered, and says what else it would allow.
func TestBroadFixRefused(t *testing.T) {
	a := newAccount(t)
	r := explain(t, a, Input{Role: "DataScientistRestricted", Action: "sagemaker:CreateModel", Resource: "arn:aws:sagemaker:us-east-1:111122223333:model/churn"})
	if r.Decision != eval.ImplicitDeny {
		t.Fatalf("decision %s", r.Decision)
	}
	if r.Fix.Offered {
		t.Fatalf("a fix was offered: %s", r.Fix.Reason)
	}
	found := false
	for _, rj := range r.Fix.Rejected {
		found = found || strings.Contains(rj.Command, "--add-activity notebook") && strings.Contains(rj.Why, "would also change")
	}
	if !found {
		t.Errorf("the notebook activity is not rejected for what else it grants: %+v", r.Fix.Rejected)
	}
}

func TestInputRefused(t *testing.T) {
	a := newAccount(t)
	cases := []struct {
		name  string
		in    Input
		field string
		says  string
	}{
		{"IAM user", Input{Message: `User: arn:aws:iam::111122223333:user/deploy-bot is not authorized to perform: s3:GetObject on resource: "arn:aws:s3:::x/y" because no identity-based policy allows the s3:GetObject action`},
			"message", "IAM user deploy-bot"},
		{"other account", Input{Message: corpus[4].text}, "message", "account 994669122466"},
		{"S3 short form without the resource", Input{Message: `An error occurred (AccessDenied) when calling the GetObject operation: Access Denied`, Role: "LambdaBasic"},
			"resource", "--resource"},
		{"S3 short form without the role", Input{Message: `An error occurred (AccessDenied) when calling the GetObject operation: Access Denied`, Resource: "s3://team-raw-data/x"},
			"role", "--role"},
		{"role differs", Input{Message: corpus[len(corpus)-1].text, Role: "LambdaBasic"}, "role", "names role AmazonSageMaker-ExecutionRole-Research"},
		{"unknown role", Input{Role: "NoSuchRole", Action: "s3:GetObject", Resource: "s3://team-raw-data/x"}, "role", "does not exist"},
		{"bad action", Input{Role: "LambdaBasic", Action: "s3:Get*", Resource: "*"}, "action", "one action"},
		{"no such service", Input{Role: "LambdaBasic", Action: "nosuch:Thing", Resource: "*"}, "action", "AWS does not have"},
		{"no such action", Input{Role: "LambdaBasic", Action: "s3:GetObjekt", Resource: "*"}, "action", "no action GetObjekt"},
		{"bad resource", Input{Role: "LambdaBasic", Action: "s3:GetObject", Resource: "team-raw-data/x"}, "resource", "not an ARN"},
		{"empty message", Input{}, "message", "empty"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Explain(context.Background(), a, c.in, Options{})
			var ie *rules.InputError
			if !rules.IsInput(err) {
				t.Fatalf("err = %v, want bad input", err)
			}
			ie = err.(*rules.InputError)
			if ie.Field != c.field || !strings.Contains(ie.Error(), c.says) {
				t.Errorf("%s: %q, want field %s saying %q", ie.Field, ie.Error(), c.field, c.says)
			}
		})
	}
	if calls := a.Calls(); calls["iam:PutRolePolicy"]+calls["iam:AttachRolePolicy"] != 0 {
		t.Errorf("bad input sent writes: %v", calls)
	}
}

// s3://BUCKET/PREFIX for a bucket action is the bucket, with s3:prefix.
func TestS3URIForBucketAction(t *testing.T) {
	a := newAccount(t)
	r := explain(t, a, Input{Role: "DataScientistRestricted", Action: "s3:ListBucket", Resource: "s3://team-raw-data/curated/"})
	if r.Request.Resource != "arn:aws:s3:::team-raw-data" || r.Decision != eval.Allow {
		t.Errorf("resource %s, decision %s", r.Request.Resource, r.Decision)
	}
	prefix := false
	for _, k := range r.Request.Context {
		prefix = prefix || k.Key == "s3:prefix" && k.Values[0] == "curated/"
	}
	if !prefix {
		t.Errorf("no s3:prefix in %+v", r.Request.Context)
	}
}

// A role of IAM Identity Center (the caller of a PassRole, often) is not
// changed: its permission set would put it back.
func TestNoFixOnIdentityCenterRole(t *testing.T) {
	a := newAccount(t)
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::111122223333:saml-provider/AWSSSO_0123456789abcdef_DO_NOT_DELETE"},"Action":["sts:AssumeRoleWithSAML","sts:TagSession"]}]}`
	if _, err := a.CreateRole(context.Background(), awsops.CreateRoleInput{Name: "AWSReservedSSO_DataScience_0123456789abcdef",
		Path: "/aws-reserved/sso.amazonaws.com/", TrustPolicy: trust}); err != nil {
		t.Fatal(err)
	}
	r := explain(t, a, Input{Role: "AWSReservedSSO_DataScience_0123456789abcdef", Action: "iam:PassRole", Resource: researchARN})
	if r.Decision != eval.ImplicitDeny || r.Classic != ClassicPassRole {
		t.Fatalf("decision %s, classic %q", r.Decision, r.Classic)
	}
	if r.Fix.Offered || !strings.Contains(r.Fix.Reason, "permission set") {
		t.Errorf("fix: %+v", r.Fix)
	}
}
