package createrole_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/sagerole/sagerole/awsops"
	"github.com/sagerole/sagerole/awsops/rules"
	"github.com/sagerole/sagerole/awsops/sandbox"
	"github.com/sagerole/sagerole/flows"
	"github.com/sagerole/sagerole/flows/createrole"
	"github.com/sagerole/sagerole/flows/policy"
	"github.com/sagerole/sagerole/flows/policy/eval"
)

// smallQuota is the sandbox with a lower inline-policy quota, as a real
// account reports it through GetAccountSummary.
type smallQuota struct {
	*sandbox.Account
	q awsops.Quotas
}

func (s smallQuota) Quotas(context.Context) (awsops.Quotas, error) { return s.q, nil }

func apis(p awsops.Plan) []string {
	var out []string
	for _, s := range p.Steps {
		out = append(out, s.API+" "+s.Args[awsops.ArgPolicyName]+s.Args[awsops.ArgPolicyARN])
	}
	return out
}

func TestPlan(t *testing.T) {
	acct, err := sandbox.New(sandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	everything := policy.Scope{Activities: []string{"ml-jobs", "notebook", "images"}, VPC: true, LogGroups: true,
		Guardrails: []string{"network-isolation", "vpc-only", "notebook-no-root", "notebook-no-internet", "addtags-on-create"}}
	tests := []struct {
		name  string
		in    createrole.Input
		quota awsops.Quotas
		want  []string
		split bool   // want CreateRole, then sagerole-scope, -2, -3… each within the quota
		err   string // substring of an input error
	}{
		{name: "full", in: createrole.Input{Name: "r1"},
			want: []string{"iam:CreateRole ", "iam:AttachRolePolicy " + policy.FullAccessARN}},
		{name: "full with buckets", in: createrole.Input{Name: "r2", Buckets: []policy.BucketGrant{{Bucket: "team-raw-data"}}},
			want: []string{"iam:CreateRole ", "iam:AttachRolePolicy " + policy.FullAccessARN, "iam:PutRolePolicy sagerole-buckets"}},
		{name: "custom defaults from a persona", in: createrole.Input{Name: "r3", Custom: policy.Scope{Persona: "compute"}},
			want: []string{"iam:CreateRole ", "iam:PutRolePolicy sagerole-scope"}},
		{name: "a persona larger than one inline policy", in: createrole.Input{Name: "r3b", Custom: policy.Scope{Persona: "mlops"}},
			want: []string{"iam:CreateRole ", "iam:PutRolePolicy sagerole-scope", "iam:PutRolePolicy sagerole-scope-2"}},
		{name: "the data scientist's buckets are its own s3-buckets, not a second policy", in: createrole.Input{Name: "r3c",
			Custom: policy.Scope{Persona: "data-scientist"}, Buckets: []policy.BucketGrant{{Bucket: "team-raw-data"}}},
			want: []string{"iam:CreateRole ", "iam:PutRolePolicy sagerole-scope", "iam:PutRolePolicy sagerole-scope-2"}},
		{name: "s3-buckets named without a bucket", in: createrole.Input{Name: "r3d", Custom: policy.Scope{Activities: []string{"s3-buckets"}}}, err: "none is named"},
		{name: "scope split across inline policies under a small per-policy size", in: createrole.Input{Name: "r4", Custom: everything},
			quota: awsops.Quotas{RolePolicySize: 10240, PolicySize: 2048, TrustPolicySize: 2048},
			split: true},
		{name: "refused past the role's inline total, naming the limit", in: createrole.Input{Name: "r5", Custom: everything},
			quota: awsops.Quotas{RolePolicySize: 3000, PolicySize: 6144, TrustPolicySize: 2048}, err: "3,000"},
		{name: "existing name points to modify", in: createrole.Input{Name: "LambdaBasic"}, err: "sagerole modify LambdaBasic"},
		{name: "existing name differing in case", in: createrole.Input{Name: "lambdabasic"}, err: "already exists"},
		{name: "full with a persona", in: createrole.Input{Name: "r6", Scope: "full", Custom: policy.Scope{Persona: "mlops"}}, err: "--scope full"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var a flows.Account = acct
			if tt.quota.RolePolicySize > 0 {
				a = smallQuota{acct, tt.quota}
			}
			p, err := createrole.Plan(context.Background(), a, tt.in)
			if tt.err != "" {
				if !rules.IsInput(err) || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err = %v, want an input error saying %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tt.split {
				tt.want = []string{"iam:CreateRole ", "iam:PutRolePolicy sagerole-scope"}
				for i := 2; i < len(p.Steps); i++ {
					tt.want = append(tt.want, fmt.Sprintf("iam:PutRolePolicy sagerole-scope-%d", i))
				}
				if len(tt.want) < 4 {
					t.Errorf("split into %d policies, want at least 2", len(tt.want)-1)
				}
				for _, s := range p.Steps[1:] {
					if n := rules.PolicySize(s.Documents[awsops.DocPolicy]); n > tt.quota.PolicySize {
						t.Errorf("%s is %d characters, over %d", s.Args[awsops.ArgPolicyName], n, tt.quota.PolicySize)
					}
				}
			}
			if got := apis(p); strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("steps\n got %q\nwant %q", got, tt.want)
			}
			if !strings.HasSuffix(p.Outputs["roleArn"], ":role/"+tt.in.Name) {
				t.Errorf("roleArn output %q", p.Outputs["roleArn"])
			}
			for _, s := range p.Steps {
				for k, d := range s.Documents {
					if err := rules.PolicyDocument(k, d); err != nil {
						t.Errorf("%s %s: %v", s.API, k, err)
					}
				}
			}
		})
	}
}

// chinaCaller is the sandbox seen from the aws-cn partition.
type chinaCaller struct{ *sandbox.Account }

func (c chinaCaller) CallerIdentity(ctx context.Context) (awsops.Identity, error) {
	id, err := c.Account.CallerIdentity(ctx)
	id.ARN = strings.Replace(id.ARN, "arn:aws:", "arn:aws-cn:", 1)
	return id, err
}

// AWS managed policies have their partition's ARN: attaching the aws one in
// aws-cn would fail.
func TestPlanUsesThePartitionsFullAccess(t *testing.T) {
	acct, err := sandbox.New(sandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	p, err := createrole.Plan(context.Background(), chinaCaller{acct}, createrole.Input{Name: "cn-role"})
	if err != nil {
		t.Fatal(err)
	}
	if got := p.Steps[1].Args[awsops.ArgPolicyARN]; got != "arn:aws-cn:iam::aws:policy/AmazonSageMakerFullAccess" {
		t.Errorf("attached %q", got)
	}
	if got := p.Outputs["roleArn"]; !strings.HasPrefix(got, "arn:aws-cn:iam::") {
		t.Errorf("role ARN %q", got)
	}
}

// A bucket that does not exist is created first when asked (and the run
// leaves it in the account), and only warned about otherwise.
func TestPlanCreatesMissingBuckets(t *testing.T) {
	ctx := context.Background()
	acct, err := sandbox.New(sandbox.Options{Region: "eu-west-1"})
	if err != nil {
		t.Fatal(err)
	}
	in := createrole.Input{Name: "with-new-bucket", Buckets: []policy.BucketGrant{{Bucket: "brand-new-data"}, {Bucket: "team-raw-data"}}}
	plan, err := createrole.Plan(ctx, acct, in)
	if err != nil {
		t.Fatal(err)
	}
	if len(plan.Warnings) != 1 || !strings.Contains(plan.Warnings[0], "brand-new-data does not exist yet") {
		t.Errorf("warnings without CreateMissing = %q", plan.Warnings)
	}
	for _, op := range plan.Steps {
		if op.API == awsops.APICreateBucket {
			t.Errorf("a bucket is created without CreateMissing: %v", op)
		}
	}
	in.CreateMissing = true
	plan, err = createrole.Plan(ctx, acct, in)
	if err != nil {
		t.Fatal(err)
	}
	if len(plan.Warnings) != 0 {
		t.Errorf("warnings = %q", plan.Warnings)
	}
	first := plan.Steps[0]
	if first.API != awsops.APICreateBucket || first.Target != "brand-new-data" || first.Args[awsops.ArgRegion] != "eu-west-1" {
		t.Fatalf("first step = %s %s %v, want the missing bucket created in the account's region", first.API, first.Target, first.Args)
	}
	for _, op := range plan.Steps {
		if err := awsops.Apply(ctx, acct, op); err != nil {
			t.Fatal(err)
		}
	}
	if r, err := acct.BucketRegion(ctx, "brand-new-data"); err != nil || r != "eu-west-1" {
		t.Errorf("brand-new-data after the run: %q, %v", r, err)
	}
}

// The role passes itself, at its own path, and the roles named with
// --pass-role as they exist in the account (path included); nothing else.
func TestPlanPassesTheRoleItself(t *testing.T) {
	acct, err := sandbox.New(sandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	research, err := acct.GetRole(ctx, "AmazonSageMaker-ExecutionRole-Research")
	if err != nil {
		t.Fatal(err)
	}
	in := createrole.Input{Name: "ds-new", Path: "/teams/", Custom: policy.Scope{Persona: policy.DataScientist, PassRoles: []string{research.Name}}}
	p, err := createrole.Plan(ctx, acct, in)
	if err != nil {
		t.Fatal(err)
	}
	var role eval.Role
	for _, s := range p.Steps {
		if s.API == awsops.APIPutRolePolicy {
			d, err := policy.Parse(s.Documents[awsops.DocPolicy])
			if err != nil {
				t.Fatal(err)
			}
			role.Policies = append(role.Policies, eval.Policy{Name: s.Args[awsops.ArgPolicyName], Document: d})
		}
	}
	toSageMaker := map[string][]string{"iam:PassedToService": {"sagemaker.amazonaws.com"}}
	for arn, want := range map[string]eval.Decision{
		p.Outputs["roleArn"]:                              eval.Allow,
		research.ARN:                                      eval.Allow,
		"arn:aws:iam::111122223333:role/Admin":            eval.ImplicitDeny,
		"arn:aws:iam::111122223333:role/ds-new":           eval.ImplicitDeny, // not at its path
		"arn:aws:iam::111122223333:role/" + research.Name: eval.ImplicitDeny, // not at its path
	} {
		res, err := eval.Evaluate(role, eval.Request{Action: "iam:PassRole", Resource: arn, Context: toSageMaker})
		if err != nil || res.Decision != want {
			t.Errorf("PassRole %s: %v (%v), want %v", arn, res.Decision, err, want)
		}
	}
	in.Name, in.Custom.PassRoles = "ds-new2", []string{"Nobody"}
	if _, err := createrole.Plan(ctx, acct, in); !rules.IsInput(err) || !strings.Contains(err.Error(), "--pass-role") {
		t.Errorf("a role that does not exist: %v", err)
	}
}

// trustOf is the trust policy the plan's CreateRole step writes.
func trustOf(t *testing.T, p awsops.Plan) policy.Document {
	t.Helper()
	for _, s := range p.Steps {
		if s.API == awsops.APICreateRole {
			d, err := policy.Parse(s.Documents[awsops.DocTrustPolicy])
			if err != nil {
				t.Fatal(err)
			}
			return d
		}
	}
	t.Fatal("no CreateRole step")
	return policy.Document{}
}

// An activity whose service runs as the role gets that service into the
// trust policy, with the review saying why; the others trust SageMaker
// only. Decided on the trust policy as IAM reads it (Principal, Action,
// aws:SourceAccount).
func TestPlanTrustsTheServicesTheActivitiesNeed(t *testing.T) {
	acct, err := sandbox.New(sandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, tc := range []struct {
		activities []string
		want       []string // service principals besides SageMaker
	}{
		{[]string{"ml-jobs", "models"}, nil},
		{[]string{"pipelines"}, []string{"scheduler.amazonaws.com"}},
		{[]string{"glue-sessions"}, []string{"glue.amazonaws.com"}},
		{[]string{"emr-serverless", "pipelines"}, []string{"scheduler.amazonaws.com", "emr-serverless.amazonaws.com"}},
	} {
		name := "trust-" + strings.Join(tc.activities, "-")
		p, err := createrole.Plan(ctx, acct, createrole.Input{Name: name, Custom: policy.Scope{Activities: tc.activities}})
		if err != nil {
			t.Fatal(err)
		}
		trust := trustOf(t, p)
		if !policy.TrustsSageMaker(trust) {
			t.Errorf("%s: SageMaker cannot assume the role", name)
		}
		for _, ts := range policy.TrustServices() {
			want := slices.Contains(tc.want, ts.Principal)
			if got := policy.Trusts(trust, ts.Principal); got != want {
				t.Errorf("%s: trusts %s = %v, want %v", name, ts.Principal, got, want)
			}
			said := slices.ContainsFunc(p.Notes, func(n string) bool { return strings.HasPrefix(n, "Trust: "+ts.Principal+" may assume the role too: ") })
			if said != want {
				t.Errorf("%s: the review says why %s is trusted: %v, want %v (%q)", name, ts.Principal, said, want, p.Notes)
			}
		}
		// EventBridge Scheduler's and EMR Serverless's statements hold
		// only for this account.
		for _, svc := range []string{"scheduler.amazonaws.com", "emr-serverless.amazonaws.com"} {
			if !slices.Contains(tc.want, svc) {
				continue
			}
			own, err := evalTrust(trust, svc, "111122223333")
			if err != nil {
				t.Fatal(err)
			}
			other, err := evalTrust(trust, svc, "999999999999")
			if err != nil {
				t.Fatal(err)
			}
			if !own || other {
				t.Errorf("%s: %s may assume the role for this account: %v, for another: %v", name, svc, own, other)
			}
		}
	}
}

// evalTrust decides sts:AssumeRole by a service principal acting for an
// account (aws:SourceAccount) against a trust policy: an Allow statement
// naming the service whose conditions hold.
func evalTrust(trust policy.Document, service, sourceAccount string) (bool, error) {
	// The evaluator reads identity policies; a trust statement is one for
	// this purpose once its Principal is matched here.
	var doc policy.Document
	doc.Version = trust.Version
	for _, s := range trust.Statement {
		if slices.Contains(s.Principal["Service"], service) {
			s.Principal = nil
			s.Resource = []string{"*"}
			doc.Statement = append(doc.Statement, s)
		}
	}
	res, err := eval.Evaluate(eval.Role{Policies: []eval.Policy{{Name: "trust", Document: doc}}},
		eval.Request{Action: "sts:AssumeRole", Resource: "*", Context: map[string][]string{"aws:SourceAccount": {sourceAccount}}})
	return res.Allowed(), err
}
