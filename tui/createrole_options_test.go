package tui

import (
	"strings"
	"testing"

	"github.com/sagerole/sagerole/flows/policy"
	"github.com/sagerole/sagerole/flows/policy/eval"
)

// The options only some activities take, asked only when the activities
// picked reach them and refused as they are typed with the command line's
// rules (one sentence naming the field): a role to pass (and one the
// account lacks), Glue databases, Athena workgroups, vpc-only's subnets.
// The role made decides what they say.
func TestCreateRoleOptions(t *testing.T) {
	h := newHarness(t)
	h.press("1")
	h.waitFor("Role name")
	h.typeText("opt-role")
	h.press("enter", "enter", "enter", "enter")
	h.waitFor("What may the role do?")
	h.press("down", "down", "enter")
	h.waitFor("ML activities")
	for _, a := range []string{"ml-jobs", "glue-tables", "athena"} {
		h.press("/")
		h.typeText(a)
		h.press("enter", "x")
		h.waitFor("✓ ")
		h.press("esc")
		h.waitFor("ML activities", "studio-apps")
	}
	h.press("enter")
	f := h.golden("options", "Other roles it may pass", "Glue databases", "Athena workgroups")
	if strings.Contains(f, "ECR repositories") || strings.Contains(f, "CloudWatch Logs") {
		t.Errorf("ECR or log options asked, which none of ml-jobs, glue-tables, athena reaches:\n%s", f)
	}
	h.press("enter") // no KMS key

	h.typeText("arn:aws:s3:::bucket")
	h.waitForWords(policy.CheckPassRole("arn:aws:s3:::bucket").Error())
	clear := func(s string) {
		for range len(s) {
			h.press("backspace")
		}
	}
	clear("arn:aws:s3:::bucket")
	h.typeText("Nobody")
	h.golden("pass-role-missing", "role to pass Nobody does not exist in this account")
	h.press("enter") // refused: stays
	h.waitFor("> Nobody")
	clear("Nobody")
	h.typeText("SageMakerSharedSpaceRole")
	h.press("enter")

	h.typeText("churn, bad.db")
	h.waitForWords(policy.CheckGlueDatabase("bad.db").Error()) // each name is checked
	clear(", bad.db")
	h.press("enter")
	h.typeText("analysts!")
	h.waitForWords(policy.CheckAthenaWorkgroup("analysts!").Error())
	h.press("backspace", "enter", "enter") // and no VPC actions
	h.waitFor("Guardrails (optional)")
	h.press("down", "down", "x", "enter") // vpc-only
	h.golden("settings", "Subnets jobs may use (optional)", "Security groups jobs may use (optional)")
	h.typeText("subnet-1")
	h.waitForWords(policy.CheckSubnet("subnet-1").Error())
	h.press("backspace")
	h.typeText("0a1b2c3d")
	h.press("enter", "enter")
	h.waitFor("S3 buckets the role may use")
	h.press("down", "down", "down", "down", "x", "enter", "enter", "enter", "enter") // research-datasets
	h.waitFor("create-role opt-role")
	h.press("y")
	h.waitFor("✓ create-role opt-role")

	own := "arn:aws:iam::111122223333:role/opt-role"
	job := "arn:aws:sagemaker:us-east-1:111122223333:training-job/churn"
	glue := "arn:aws:glue:us-east-1:111122223333:"
	h.decide("opt-role",
		decision{"passing itself to SageMaker", "iam:PassRole", own, toSageMaker, eval.Allow},
		decision{"passing the role named", "iam:PassRole", "arn:aws:iam::111122223333:role/SageMakerSharedSpaceRole", toSageMaker, eval.Allow},
		decision{"passing another role", "iam:PassRole", "arn:aws:iam::111122223333:role/Admin", toSageMaker, eval.ImplicitDeny},
		decision{"a table of the database named", "glue:GetTable", glue + "table/churn/events", nil, eval.Allow},
		decision{"a table of another database", "glue:GetTable", glue + "table/finance/ledger", nil, eval.ImplicitDeny},
		decision{"a query in the workgroup named", "athena:StartQueryExecution", "arn:aws:athena:us-east-1:111122223333:workgroup/analysts", nil, eval.Allow},
		decision{"a query in primary, not named", "athena:StartQueryExecution", "arn:aws:athena:us-east-1:111122223333:workgroup/primary", nil, eval.ImplicitDeny},
		decision{"a training job in the subnet named", "sagemaker:CreateTrainingJob", job,
			map[string][]string{"sagemaker:VpcSubnets": {"subnet-0a1b2c3d"}, "sagemaker:VpcSecurityGroupIds": {"sg-0a1b2c3d"}}, eval.Allow},
		decision{"a training job in another subnet", "sagemaker:CreateTrainingJob", job,
			map[string][]string{"sagemaker:VpcSubnets": {"subnet-9999aaaa"}, "sagemaker:VpcSecurityGroupIds": {"sg-0a1b2c3d"}}, eval.ExplicitDeny},
	)
}

// modify's add-activity asks the options of the activities added, and only
// those: athena's workgroups, not ECR repositories.
func TestModifyActivityOptions(t *testing.T) {
	h := newHarness(t)
	h.press("5")
	h.waitFor("Which role?")
	h.press("down", "down", "down", "enter") // sagemaker/DataScientistRestricted
	h.waitFor("What to change in DataScientistRestricted")
	h.press("/")
	h.typeText("activities")
	h.press("enter", "x", "enter")
	h.waitFor("Activities to add")
	h.press("/")
	h.typeText("athena")
	h.press("enter", "x", "enter")
	f := h.waitFor("Athena workgroups (optional)")
	if strings.Contains(f, "ECR repositories") || strings.Contains(f, "Glue databases") || strings.Contains(f, "Other roles it may pass") {
		t.Errorf("modify asks for options athena does not reach:\n%s", f)
	}
	h.press("enter") // no KMS key
	h.typeText("analysts")
	h.press("enter", "enter")
	h.waitFor("modify DataScientistRestricted")
	h.press("y")
	h.waitFor("✓ modify DataScientistRestricted")
	wg := "arn:aws:athena:us-east-1:111122223333:workgroup/"
	h.decide("DataScientistRestricted",
		decision{"a query in the workgroup named", "athena:StartQueryExecution", wg + "analysts", nil, eval.Allow},
		decision{"a query in primary, not named", "athena:StartQueryExecution", wg + "primary", nil, eval.ImplicitDeny},
	)
}
