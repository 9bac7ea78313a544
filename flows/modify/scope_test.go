package modify

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/sagerole/sagerole/awsops"
	"github.com/sagerole/sagerole/awsops/rules"
	"github.com/sagerole/sagerole/flows/policy"
	"github.com/sagerole/sagerole/flows/policy/eval"
)

// Adding the notebook activity lets the role pass itself — its ARN with
// its path, as modify read it — and the roles named, and no other.
func TestAddActivityPassesTheRoleItself(t *testing.T) {
	acct := newSandbox(t)
	ctx := context.Background()
	role, err := acct.GetRole(ctx, research)
	if err != nil {
		t.Fatal(err)
	}
	res, err := Plan(ctx, acct, Input{Role: research, Scope: policy.Scope{Activities: []string{policy.Notebook}, PassRoles: []string{restricted}}}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	other, err := acct.GetRole(ctx, restricted)
	if err != nil {
		t.Fatal(err)
	}
	var docs eval.Role
	for _, s := range res.Plan.Steps {
		if s.API != awsops.APIPutRolePolicy {
			continue
		}
		d, err := policy.Parse(s.Documents[awsops.DocPolicy])
		if err != nil {
			t.Fatal(err)
		}
		docs.Policies = append(docs.Policies, eval.Policy{Name: s.Args[awsops.ArgPolicyName], Document: d})
	}
	if len(docs.Policies) == 0 {
		t.Fatal("no policy put")
	}
	toSageMaker := map[string][]string{"iam:PassedToService": {"sagemaker.amazonaws.com"}}
	for arn, want := range map[string]eval.Decision{
		role.ARN:                               eval.Allow,
		other.ARN:                              eval.Allow,
		"arn:aws:iam::111122223333:role/Admin": eval.ImplicitDeny,
	} {
		r, err := eval.Evaluate(docs, eval.Request{Action: "iam:PassRole", Resource: arn, Context: toSageMaker})
		if err != nil || r.Decision != want {
			t.Errorf("PassRole %s: %v (%v), want %v", arn, r.Decision, err, want)
		}
	}
}

// Adding an activity whose service runs as the role (pipelines' schedules)
// puts that service into the trust policy in the same plan, first, with
// the sentence that says why, and keeps every other statement byte for
// byte; applied and read back, the role trusts it. --fix-trust on a role
// whose inline policies already pass it to a service does the same.
func TestAddActivityTrustsItsService(t *testing.T) {
	acct := newSandbox(t)
	ctx := context.Background()
	before, err := acct.GetRole(ctx, research)
	if err != nil {
		t.Fatal(err)
	}
	res, err := Plan(ctx, acct, Input{Role: research, Scope: policy.Scope{Activities: []string{policy.Pipelines}}}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	steps := res.Plan.Steps
	if len(steps) == 0 || steps[0].API != awsops.APIUpdateAssumeRolePolicy {
		t.Fatalf("first step is not the trust policy: %v", apiNames(steps))
	}
	if !slices.ContainsFunc(res.Plan.Notes, func(n string) bool {
		return strings.HasPrefix(n, "Trust: scheduler.amazonaws.com may assume the role too: EventBridge Scheduler runs the pipelines' schedules")
	}) {
		t.Errorf("the review does not say why: %q", res.Plan.Notes)
	}
	fixed := steps[0].Documents[awsops.DocTrustPolicy]
	if !strings.HasPrefix(fixed, strings.TrimSuffix(strings.TrimSpace(before.TrustPolicy), "]}")) {
		t.Errorf("the statements already there changed:\nwas %s\nnow %s", before.TrustPolicy, fixed)
	}
	if res.Diffs[0].Document != "trust-policy" {
		t.Errorf("first diff %s", res.Diffs[0].Document)
	}
	for _, op := range steps {
		if err := awsops.Apply(ctx, acct, op); err != nil {
			t.Fatal(err)
		}
	}
	after, _ := acct.GetRole(ctx, research)
	trust, err := policy.Parse(after.TrustPolicy)
	if err != nil || !policy.Trusts(trust, "scheduler.amazonaws.com") || !policy.TrustsSageMaker(trust) {
		t.Fatalf("trust after the run: %v\n%s", err, after.TrustPolicy)
	}
	// Again: nothing more to trust.
	res, err = Plan(ctx, acct, Input{Role: research, Scope: policy.Scope{Activities: []string{policy.Pipelines}}}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if slices.Contains(apiNames(res.Plan.Steps), awsops.APIUpdateAssumeRolePolicy) {
		t.Error("the trust policy is changed again")
	}

	// --fix-trust knows the services too: a role whose inline policy
	// passes itself to Glue, with a trust policy that lets nobody in.
	lb, _ := acct.GetRole(ctx, lambda)
	glue := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:PassRole","Resource":"` + lb.ARN +
		`","Condition":{"StringEquals":{"iam:PassedToService":["sagemaker.amazonaws.com","glue.amazonaws.com"]}}}]}`
	if err := acct.PutRolePolicy(ctx, lambda, "glue-sessions", glue); err != nil {
		t.Fatal(err)
	}
	res, err = Plan(ctx, acct, Input{Role: lambda, FixTrust: true}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	trust, err = policy.Parse(res.Plan.Steps[0].Documents[awsops.DocTrustPolicy])
	if err != nil || !policy.TrustsSageMaker(trust) || !policy.Trusts(trust, "glue.amazonaws.com") || policy.Trusts(trust, "scheduler.amazonaws.com") {
		t.Errorf("--fix-trust: %v\n%s", err, res.Plan.Steps[0].Documents[awsops.DocTrustPolicy])
	}
}

// --add-activity s3-buckets takes its buckets from --add-bucket, and the
// activities that reach S3 are narrowed to them, as create-role's --bucket
// narrows them.
func TestAddBucketsNarrowTheAddedActivities(t *testing.T) {
	acct := newSandbox(t)
	ctx := context.Background()
	res, err := Plan(ctx, acct, Input{Role: research, AddBuckets: []string{"team-raw-data"},
		Scope: policy.Scope{Activities: []string{policy.S3Buckets, policy.AWSServices}}}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var role eval.Role
	for _, s := range res.Plan.Steps {
		if s.API == awsops.APIPutRolePolicy && strings.HasPrefix(s.Args[awsops.ArgPolicyName], policy.ScopePolicyName) {
			d, _ := policy.Parse(s.Documents[awsops.DocPolicy])
			role.Policies = append(role.Policies, eval.Policy{Name: s.Args[awsops.ArgPolicyName], Document: d})
		}
	}
	for obj, want := range map[string]eval.Decision{
		"arn:aws:s3:::team-raw-data/x":      eval.Allow,
		"arn:aws:s3:::another-teams-data/x": eval.ImplicitDeny,
	} {
		r, err := eval.Evaluate(role, eval.Request{Action: "s3:PutObject", Resource: obj})
		if err != nil || r.Decision != want {
			t.Errorf("PutObject %s in sagerole-scope: %v (%v), want %v", obj, r.Decision, err, want)
		}
	}
	if _, err := Plan(ctx, acct, Input{Role: research, Scope: policy.Scope{Activities: []string{policy.S3Buckets}}}, Options{}); !rules.IsInput(err) {
		t.Errorf("s3-buckets with no --add-bucket: %v", err)
	}
}

func apiNames(ops []awsops.Op) []string {
	var out []string
	for _, o := range ops {
		out = append(out, o.API)
	}
	return out
}
