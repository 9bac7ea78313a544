package policy_test

import (
	"strings"
	"testing"

	"github.com/sagerole/sagerole/awsops/rules"
	"github.com/sagerole/sagerole/flows/policy"
	"github.com/sagerole/sagerole/flows/policy/eval"
)

// These tests decide requests against the documents sagerole generates, as
// the person who asked for them means them: what they named is allowed,
// their neighbours are not. They test decisions, not strings.

const (
	acct     = "111122223333"
	region   = "us-east-1"
	roleARN  = "arn:aws:iam::111122223333:role/service-role/ds-role"
	adminARN = "arn:aws:iam::111122223333:role/Admin"
	keyARN   = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
	otherKey = "arn:aws:kms:us-east-1:111122223333:key/0987dcba-09fe-87dc-65ba-ab0987654321"
)

// roleWith is a role carrying the scope's policies and, for buckets, the
// bucket policy, as create-role writes them.
func roleWith(t *testing.T, s policy.Scope) eval.Role {
	t.Helper()
	s.Account, s.Region = acct, region
	if s.RoleARN == "" {
		s.RoleARN = roleARN
	}
	named, err := policy.Assemble(s, policy.DefaultLimits())
	if err != nil {
		t.Fatalf("assembling %+v: %v", s, err)
	}
	var role eval.Role
	for _, p := range named {
		role.Policies = append(role.Policies, eval.Policy{Name: p.Name, Kind: eval.Inline, Document: p.Document})
	}
	if len(s.Buckets) > 0 {
		d, err := policy.S3Policy("", s.Buckets, s.ReadOnly)
		if err != nil {
			t.Fatal(err)
		}
		role.Policies = append(role.Policies, eval.Policy{Name: policy.BucketPolicyName, Kind: eval.Inline, Document: d})
	}
	return role
}

// check is one request and the decision the user expects.
type check struct {
	what     string
	action   string
	resource string
	ctx      map[string][]string
	want     eval.Decision
	sid      string // for an explicit deny: the Sid that must be the only one deciding
}

func (c check) run(t *testing.T, role eval.Role) {
	t.Helper()
	res, err := eval.Evaluate(role, eval.Request{Action: c.action, Resource: c.resource, Context: c.ctx,
		MultiValued: []string{"sagemaker:InstanceTypes", "sagemaker:VpcSubnets", "sagemaker:VpcSecurityGroupIds"}})
	if err != nil {
		t.Fatalf("%s: %v", c.what, err)
	}
	if res.Decision != c.want {
		t.Errorf("%s: %s on %s is %v, want %v\n%s", c.what, c.action, c.resource, res.Decision, c.want, strings.Join(res.Explain(), "\n"))
		return
	}
	if c.sid != "" {
		var sids []string
		for _, d := range res.Deciding {
			sids = append(sids, d.Sid)
		}
		if len(sids) != 1 || sids[0] != c.sid {
			t.Errorf("%s: denied by %v, want exactly %s", c.what, sids, c.sid)
		}
	}
}

func s3obj(bucket, key string) string { return "arn:aws:s3:::" + bucket + "/" + key }
func s3bucket(bucket string) string   { return "arn:aws:s3:::" + bucket }
func prefix(p string) map[string][]string {
	return map[string][]string{"s3:prefix": {p}}
}

// TestBucketsAsNamed: the named bucket and prefix are readable, writable
// and listable; another team's bucket is neither listable nor writable, nor
// can its settings change; the rest of a prefix's bucket stays closed.
func TestBucketsAsNamed(t *testing.T) {
	// The personas that reach S3 (MLOps reaches none: its buckets are the
	// bucket policy's, TestBucketPolicyAlone).
	for _, persona := range []string{policy.DataScientist, policy.Compute} {
		t.Run(persona, func(t *testing.T) {
			role := roleWith(t, policy.Scope{Persona: persona, Buckets: []policy.BucketGrant{
				{Bucket: "team-a-data"}, {Bucket: "shared-lake", Prefix: "projects/churn"}}})
			for _, c := range []check{
				{what: "read the named bucket", action: "s3:GetObject", resource: s3obj("team-a-data", "train/part-0.csv"), want: eval.Allow},
				{what: "write the named bucket", action: "s3:PutObject", resource: s3obj("team-a-data", "out/model.tar.gz"), want: eval.Allow},
				{what: "list the named bucket", action: "s3:ListBucket", resource: s3bucket("team-a-data"), ctx: prefix(""), want: eval.Allow},
				{what: "read the named prefix", action: "s3:GetObject", resource: s3obj("shared-lake", "projects/churn/x.parquet"), want: eval.Allow},
				{what: "write the named prefix", action: "s3:PutObject", resource: s3obj("shared-lake", "projects/churn/out/y"), want: eval.Allow},
				{what: "list the named prefix", action: "s3:ListBucket", resource: s3bucket("shared-lake"), ctx: prefix("projects/churn/"), want: eval.Allow},
				{what: "list the prefix as an SDK names it", action: "s3:ListBucket", resource: s3bucket("shared-lake"), ctx: prefix("projects/churn"), want: eval.Allow},
				{what: "list the rest of the prefix's bucket", action: "s3:ListBucket", resource: s3bucket("shared-lake"), ctx: prefix("projects/fraud/"), want: eval.ImplicitDeny},
				{what: "list the prefix's bucket from the top", action: "s3:ListBucket", resource: s3bucket("shared-lake"), ctx: prefix(""), want: eval.ImplicitDeny},
				{what: "list a sibling that shares the prefix's letters", action: "s3:ListBucket", resource: s3bucket("shared-lake"), ctx: prefix("projects/churn-secret/"), want: eval.ImplicitDeny},
				{what: "read outside the prefix", action: "s3:GetObject", resource: s3obj("shared-lake", "projects/fraud/x"), want: eval.ImplicitDeny},
				{what: "reconfigure the prefix's bucket", action: "s3:PutBucketCORS", resource: s3bucket("shared-lake"), want: eval.ImplicitDeny},
				{what: "read another team's bucket", action: "s3:GetObject", resource: s3obj("team-b-data", "x"), want: eval.ImplicitDeny},
				{what: "write another team's bucket", action: "s3:PutObject", resource: s3obj("team-b-data", "x"), want: eval.ImplicitDeny},
				{what: "list another team's bucket", action: "s3:ListBucket", resource: s3bucket("team-b-data"), ctx: prefix(""), want: eval.ImplicitDeny},
				{what: "reconfigure another team's bucket", action: "s3:PutBucketCORS", resource: s3bucket("team-b-data"), want: eval.ImplicitDeny},
				{what: "create buckets at will", action: "s3:CreateBucket", resource: s3bucket("anything-new"), want: eval.ImplicitDeny},
				{what: "change another team's object ACL", action: "s3:PutObjectAcl", resource: s3obj("team-b-data", "x"), want: eval.ImplicitDeny},
			} {
				c.run(t, role)
			}
		})
	}
	t.Run("read-only", func(t *testing.T) {
		role := roleWith(t, policy.Scope{Persona: policy.Compute, ReadOnly: true, Buckets: []policy.BucketGrant{{Bucket: "team-a-data"}}})
		for _, c := range []check{
			{what: "read", action: "s3:GetObject", resource: s3obj("team-a-data", "x"), want: eval.Allow},
			{what: "list", action: "s3:ListBucket", resource: s3bucket("team-a-data"), ctx: prefix(""), want: eval.Allow},
			{what: "write", action: "s3:PutObject", resource: s3obj("team-a-data", "x"), want: eval.ImplicitDeny},
			{what: "delete", action: "s3:DeleteObject", resource: s3obj("team-a-data", "x"), want: eval.ImplicitDeny},
		} {
			c.run(t, role)
		}
	})
}

// TestBucketPolicyAlone: the policy add-buckets merges into a role (with
// or without AmazonSageMakerFullAccess) grants the named bucket, object
// ACLs on its objects, and nothing on other buckets.
func TestBucketPolicyAlone(t *testing.T) {
	d, err := policy.S3Policy("", []policy.BucketGrant{{Bucket: "research-datasets"}}, false)
	if err != nil {
		t.Fatal(err)
	}
	role := eval.Role{Policies: []eval.Policy{{Name: policy.BucketPolicyName, Document: d}}}
	for _, c := range []check{
		{what: "object ACL on the bucket's objects", action: "s3:PutObjectAcl", resource: s3obj("research-datasets", "x"), want: eval.Allow},
		{what: "CORS of the bucket", action: "s3:PutBucketCORS", resource: s3bucket("research-datasets"), want: eval.Allow},
		{what: "list the bucket", action: "s3:ListBucket", resource: s3bucket("research-datasets"), want: eval.Allow},
		{what: "list another bucket", action: "s3:ListBucket", resource: s3bucket("payroll"), want: eval.ImplicitDeny},
		{what: "CORS of another bucket", action: "s3:PutBucketCORS", resource: s3bucket("payroll"), want: eval.ImplicitDeny},
		{what: "create another bucket", action: "s3:CreateBucket", resource: s3bucket("payroll-copy"), want: eval.ImplicitDeny},
	} {
		c.run(t, role)
	}
}

// TestPassRoleOnlyItself: a persona passes its own role to SageMaker and
// nothing else: not an admin role, not to another service; a role the user
// names with PassRoles is passable too.
func TestPassRoleOnlyItself(t *testing.T) {
	toSageMaker := map[string][]string{"iam:PassedToService": {"sagemaker.amazonaws.com"}}
	for _, scope := range []policy.Scope{{Persona: policy.DataScientist}, {Activities: []string{policy.AutoML}}, {Activities: []string{policy.Notebook}}} {
		role := roleWith(t, scope)
		for _, c := range []check{
			{what: "pass itself to SageMaker", action: "iam:PassRole", resource: roleARN, ctx: toSageMaker, want: eval.Allow},
			{what: "pass an admin role", action: "iam:PassRole", resource: adminARN, ctx: toSageMaker, want: eval.ImplicitDeny},
			{what: "pass itself to EC2", action: "iam:PassRole", resource: roleARN, ctx: map[string][]string{"iam:PassedToService": {"ec2.amazonaws.com"}}, want: eval.ImplicitDeny},
			{what: "pass itself without saying to whom", action: "iam:PassRole", resource: roleARN, want: eval.ImplicitDeny},
		} {
			c.run(t, role)
		}
	}
	named := "arn:aws:iam::111122223333:role/training-jobs"
	role := roleWith(t, policy.Scope{Persona: policy.DataScientist, PassRoles: []string{named}})
	check{what: "pass a role the user named", action: "iam:PassRole", resource: named, ctx: toSageMaker, want: eval.Allow}.run(t, role)
	check{what: "still not an admin role", action: "iam:PassRole", resource: adminARN, ctx: toSageMaker, want: eval.ImplicitDeny}.run(t, role)

	// A name is a role of the account at path / (the flows resolve names
	// to the role's real ARN before they build).
	role = roleWith(t, policy.Scope{Persona: policy.DataScientist, PassRoles: []string{"training-jobs"}})
	check{what: "pass a role named by name", action: "iam:PassRole", resource: named, ctx: toSageMaker, want: eval.Allow}.run(t, role)
	for _, bad := range []string{"arn:aws:s3:::bucket", "two words", ""} {
		if _, err := policy.Build(policy.Scope{Persona: policy.DataScientist, PassRoles: []string{bad}}); !rules.IsInput(err) {
			t.Errorf("--pass-role %q: %v", bad, err)
		}
	}
	if _, err := policy.Build(policy.Scope{Activities: []string{policy.Training}, PassRoles: []string{named}}); !rules.IsInput(err) {
		t.Errorf("--pass-role with no activity that passes a role: %v", err)
	}
}

// TestKMSOnKeyARNs: the KMS option works on the key given, for SSE-KMS
// reads and writes and for grants SageMaker makes; not on other keys, and
// not for grants made outside an AWS service. An alias is refused.
func TestKMSOnKeyARNs(t *testing.T) {
	// As Role Manager scopes its data and volume keys (kms:ViaService
	// s3.REGION / sagemaker.REGION in its *Kms templates): through S3 and
	// through SageMaker, never called directly.
	viaS3 := map[string][]string{"kms:ViaService": {"s3.us-east-1.amazonaws.com"}}
	forAWS := map[string][]string{"kms:GrantIsForAWSResource": {"true"}, "kms:ViaService": {"sagemaker.us-east-1.amazonaws.com"}}
	for _, scope := range []policy.Scope{{Activities: []string{policy.Training}, KMSKeys: []string{keyARN}}, {Activities: []string{policy.DomainKMS}, KMSKeys: []string{keyARN}}} {
		role := roleWith(t, scope)
		cases := []check{
			{what: "grant for a volume", action: "kms:CreateGrant", resource: keyARN, ctx: forAWS, want: eval.Allow},
			{what: "grant outside an AWS service", action: "kms:CreateGrant", resource: keyARN, want: eval.ImplicitDeny},
			{what: "grant on another key", action: "kms:CreateGrant", resource: otherKey, ctx: forAWS, want: eval.ImplicitDeny},
		}
		if scope.Activities[0] == policy.Training {
			cases = append(cases,
				check{what: "read SSE-KMS data", action: "kms:Decrypt", resource: keyARN, ctx: viaS3, want: eval.Allow},
				check{what: "write SSE-KMS data", action: "kms:GenerateDataKey", resource: keyARN, ctx: viaS3, want: eval.Allow},
				check{what: "encrypt output", action: "kms:Encrypt", resource: keyARN, ctx: viaS3, want: eval.Allow},
				check{what: "decrypt with another key", action: "kms:Decrypt", resource: otherKey, ctx: viaS3, want: eval.ImplicitDeny},
				check{what: "decrypt directly, not through S3", action: "kms:Decrypt", resource: keyARN, want: eval.ImplicitDeny},
				check{what: "a grant made through another service", action: "kms:CreateGrant", resource: keyARN,
					ctx: map[string][]string{"kms:GrantIsForAWSResource": {"true"}, "kms:ViaService": {"ec2.us-east-1.amazonaws.com"}}, want: eval.ImplicitDeny})
		} else {
			cases = append(cases, check{what: "describe the domain's key", action: "kms:DescribeKey", resource: keyARN, want: eval.Allow})
		}
		for _, c := range cases {
			c.run(t, role)
		}
	}
	_, err := policy.Build(policy.Scope{Activities: []string{policy.Training}, KMSKeys: []string{"arn:aws:kms:us-east-1:111122223333:alias/ml"}})
	if !rules.IsInput(err) || !strings.Contains(err.Error(), "give the key ARN") {
		t.Errorf("an alias: %v", err)
	}
}

// TestCompliantJob: with the job guardrails on, a training job that is
// isolated, in the VPC, on an allowed instance type and with a volume key
// is allowed; each missing property is denied by exactly the guardrail
// that names it.
func TestCompliantJob(t *testing.T) {
	role := roleWith(t, policy.Scope{Persona: policy.DataScientist, KMSKeys: []string{keyARN},
		Guardrails:    []string{policy.NetworkIsolation, policy.VPCOnly, policy.VolumeKMS, policy.InstanceTypes},
		InstanceTypes: []string{"ml.m5.*", "ml.g5.xlarge"}})
	compliant := func() map[string][]string {
		return map[string][]string{
			"sagemaker:InstanceTypes":                   {"ml.m5.xlarge"},
			"sagemaker:NetworkIsolation":                {"true"},
			"sagemaker:VpcSubnets":                      {"subnet-0a1b2c3d"},
			"sagemaker:VpcSecurityGroupIds":             {"sg-0a1b2c3d"},
			"sagemaker:VolumeKmsKeyArn":                 {keyARN},
			"aws:RequestTag/project":                    {"churn"},
			"sagemaker:InterContainerTrafficEncryption": {"true"},
		}
	}
	without := func(key string) map[string][]string { c := compliant(); delete(c, key); return c }
	with := func(key string, v ...string) map[string][]string { c := compliant(); c[key] = v; return c }
	job := "arn:aws:sagemaker:us-east-1:111122223333:training-job/churn-7"
	for _, c := range []check{
		{what: "a compliant job", ctx: compliant(), want: eval.Allow},
		{what: "without network isolation", ctx: with("sagemaker:NetworkIsolation", "false"), want: eval.ExplicitDeny, sid: "DenyWithoutNetworkIsolation"},
		{what: "outside a VPC (no subnets)", ctx: without("sagemaker:VpcSubnets"), want: eval.ExplicitDeny, sid: "DenyWithoutVpcSubnets"},
		{what: "outside a VPC (no security groups)", ctx: without("sagemaker:VpcSecurityGroupIds"), want: eval.ExplicitDeny, sid: "DenyWithoutVpcSecurityGroups"},
		{what: "without a volume key", ctx: without("sagemaker:VolumeKmsKeyArn"), want: eval.ExplicitDeny, sid: "DenyWithoutVolumeKmsKey"},
		{what: "on a GPU giant", ctx: with("sagemaker:InstanceTypes", "ml.p4d.24xlarge"), want: eval.ExplicitDeny, sid: "DenyInstanceTypesNotAllowed"},
		{what: "on an allowed GPU", ctx: with("sagemaker:InstanceTypes", "ml.g5.xlarge"), want: eval.Allow},
	} {
		c.action, c.resource = "sagemaker:CreateTrainingJob", job
		c.run(t, role)
	}
}
