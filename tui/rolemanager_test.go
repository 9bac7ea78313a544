package tui

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/sagerole/sagerole/awsops/sandbox"
	"github.com/sagerole/sagerole/flows/policy/eval"
	"github.com/sagerole/sagerole/flows/policy/rolemanager/rmtest"
)

// seedRoleManagerRole puts the fixture of a role SageMaker Role Manager's
// CDK library made into a sandbox account, and returns its name and its
// policies' names.
func seedRoleManagerRole(t *testing.T, acct *sandbox.Account) (string, []string) {
	t.Helper()
	name, policies, err := rmtest.Seed(context.Background(), acct)
	if err != nil {
		t.Fatal(err)
	}
	return name, policies
}

// The role view recognises a role Role Manager made: who made it, what it
// is in sagerole's activities, each policy and what does not match (r),
// the role as code (e); "adopt it" fills in the changes the command line's
// roleManager command makes, and the role then decides as Role Manager's
// VPC customization did.
func TestModifyRoleManagerRole(t *testing.T) {
	h := newHarness(t)
	name, rmPolicies := seedRoleManagerRole(t, h.acct)
	h.press("5")
	h.waitFor("Which role?", name)
	h.press("/")
	h.typeText("ds-team")
	h.press("enter") // the one role the filter leaves
	f := h.golden("role", "Made by SageMaker Role Manager (its CDK library) from its Data Scientist",
		"adopt it: sagerole's activities instead of Role Manager's policies", "r Role Manager's policies")
	for _, w := range []string{"studio-apps, ml-jobs, models, experiments,", "guardrail vpc-only", "6 of Role Manager's"} {
		if !strings.Contains(f, w) {
			t.Errorf("the role view lacks %q:\n%s", w, f)
		}
	}
	h.press("r")
	h.golden("policies", "Its policies in sagerole's activities:", "Manage ML Jobs → ml-jobs: matches")
	h.press("G")
	h.golden("policies-end", "“adopt it” in the list of changes", "Its policies name buckets team-raw-data; subnets subnet-0a1b2c3d")
	h.press("esc")
	h.waitFor("What to change in " + name)
	h.press("e")
	h.waitFor(name+" as CloudFormation (YAML)", "RoleName: "+name)
	h.press("esc")
	h.waitFor("What to change in " + name)

	h.press("x", "enter") // adopt it
	h.waitFor("Buckets to add", "✓ team-raw-data")
	h.press("enter", "enter")
	h.waitFor("Activities to add")
	h.press("enter")
	h.waitFor("KMS keys")
	h.press("enter", "enter", "enter")
	h.waitFor("Guardrails to add")
	h.press("enter")
	h.waitFor("Subnets jobs may use", "> subnet-0a1b2c3d", "> sg-0a1b2c3d")
	h.press("enter", "enter")
	f = h.golden("review", "modify "+name+": 9 steps")
	h.press("y")
	h.waitFor("✓ modify " + name + ": 9 steps done")

	left, err := h.acct.ListRolePolicies(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range rmPolicies {
		if slices.Contains(left, p) {
			t.Errorf("Role Manager's %s is still there: %v", p, left)
		}
	}
	job := "arn:aws:sagemaker:us-east-1:111122223333:training-job/churn"
	inVPC := func(subnet string) map[string][]string {
		return map[string][]string{"sagemaker:VpcSubnets": {subnet}, "sagemaker:VpcSecurityGroupIds": {"sg-0a1b2c3d"}}
	}
	h.decide(name,
		decision{"a training job in the subnet Role Manager named", "sagemaker:CreateTrainingJob", job, inVPC("subnet-0a1b2c3d"), eval.Allow},
		decision{"a training job outside any VPC", "sagemaker:CreateTrainingJob", job, nil, eval.ExplicitDeny},
		decision{"a training job in another subnet", "sagemaker:CreateTrainingJob", job, inVPC("subnet-9999aaaa"), eval.ExplicitDeny},
		decision{"reading the bucket Role Manager named", "s3:GetObject", "arn:aws:s3:::team-raw-data/x.csv", nil, eval.Allow},
		decision{"reading another team's bucket", "s3:GetObject", "arn:aws:s3:::ml-models-prod/x.csv", nil, eval.ImplicitDeny},
		decision{"passing itself to SageMaker", "iam:PassRole", "arn:aws:iam::111122223333:role/" + name, toSageMaker, eval.Allow},
		decision{"passing another role", "iam:PassRole", "arn:aws:iam::111122223333:role/Admin", toSageMaker, eval.ImplicitDeny},
	)
}

// Find's tree offers the selected row's role as code, as results do.
func TestFindExportsRole(t *testing.T) {
	h := newHarness(t)
	h.press("3")
	h.waitFor("default user role", "AmazonSageMaker-E")
	h.press("down")
	h.waitFor("›├ default user role")
	h.press("e")
	h.waitFor("as CloudFormation (YAML)", "RoleName: AmazonSageMaker-ExecutionRole-20240918T143027")
	h.press("esc")
	h.waitFor("identity", "effective role")
}
