package createrole_test

import (
	"context"
	"fmt"
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
	everything := policy.Scope{Persona: "data-scientist", Activities: []string{"images"}, VPC: true, LogGroups: true,
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
		{name: "custom defaults from a persona", in: createrole.Input{Name: "r3", Custom: policy.Scope{Persona: "mlops"}},
			want: []string{"iam:CreateRole ", "iam:PutRolePolicy sagerole-scope"}},
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
