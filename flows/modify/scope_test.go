package modify

import (
	"context"
	"testing"

	"github.com/sagerole/sagerole/awsops"
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
