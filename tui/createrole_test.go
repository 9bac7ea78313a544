package tui

import (
	"context"
	"strings"
	"testing"

	"github.com/sagerole/sagerole/awsops"
	"github.com/sagerole/sagerole/awsops/rules"
	"github.com/sagerole/sagerole/flows/policy"
	"github.com/sagerole/sagerole/flows/policy/eval"
)

// The create-role flow as a person goes through it: a bad name refused as
// it is typed (with the command line's sentence), FullAccess, a bucket
// picked from the account's, the plan reviewed and scrolled, run, and the
// result with what to do next.
func TestCreateRoleFlow(t *testing.T) {
	h := newHarness(t)
	h.golden("menu", "Main menu", "1  Create an execution role")
	h.press("enter")
	h.golden("name", "Role name", "Tags (optional)")

	h.typeText("ds role")
	f := h.golden("bad-name", `role name "ds role"`)
	want := rules.RoleName("ds role").Error()
	if !strings.Contains(strings.Join(strings.Fields(f), " "), want) {
		t.Errorf("the wizard does not refuse with the command line's sentence %q:\n%s", want, f)
	}
	h.press("enter") // refused: huh stays on the field
	h.waitFor("> ds role")
	h.press("backspace", "backspace", "backspace", "backspace", "backspace")
	h.typeText("-role")
	h.waitFor("> ds-role")
	h.press("enter", "enter", "enter", "enter")
	h.golden("scope", "What may the role do?")

	h.press("enter")
	h.golden("buckets", "S3 buckets the role may use", "team-raw-data")
	h.press("down", "down", "down", "down", "x") // research-datasets
	h.waitFor("✓ research-datasets")
	h.press("enter", "enter", "enter", "enter")
	h.golden("review", "create-role ds-role: 3 steps", "Run these 3 steps")
	h.press("pgdown")
	h.golden("review-scrolled", "3. iam:PutRolePolicy ds-role · sagerole-buckets", "Run these 3 steps")
	h.press("enter")
	h.golden("result", "✓ create-role ds-role: 3 steps done", "What exists now")
	h.press("c")
	h.golden("copied", "copied to the clipboard")

	r := h.mustRole("ds-role")
	if r.ARN != "arn:aws:iam::111122223333:role/ds-role" {
		t.Errorf("role ARN = %s", r.ARN)
	}
	doc := h.inline("ds-role", policy.BucketPolicyName)
	if !strings.Contains(doc, "arn:aws:s3:::research-datasets/*") {
		t.Errorf("bucket policy does not grant research-datasets:\n%s", doc)
	}
	attached, _ := h.acct.ListAttachedRolePolicies(context.Background(), "ds-role")
	if len(attached) != 1 || attached[0].ARN != policy.FullAccessARN {
		t.Errorf("attached = %v, want FullAccess", attached)
	}
	h.press("m")
	h.waitFor("Main menu")
}

// A custom scope: a persona, a guardrail whose setting is asked for, and
// esc going back a step with the answers kept.
func TestCreateRoleCustomScope(t *testing.T) {
	h := newHarness(t)
	h.press("1")
	h.waitFor("Role name")
	h.typeText("ml-train")
	h.press("enter", "enter", "enter", "enter")
	h.waitFor("What may the role do?")
	h.press("down", "enter")
	// Each persona's activities are shown by name, as it is highlighted,
	// before anything else is asked: the activities the scope is built of.
	for i, p := range policy.Personas() {
		f := h.waitFor(p.Label() + " includes")
		if i == 0 {
			f = h.golden("persona", p.Label()+" includes")
		}
		for _, a := range p.Activities {
			if !strings.Contains(f, "  "+a+" ") {
				t.Errorf("the persona screen does not name %s's activity %s:\n%s", p.Name, a, f)
			}
		}
		h.press("down")
	}
	h.waitFor("> " + policy.Personas()[0].Label())
	h.press("esc")
	h.golden("back-to-scope", "> A custom scope from a persona")
	h.press("enter", "enter")
	// Only the options the persona's activities reach: it pulls no image
	// and writes no log itself, and it passes roles and reads Glue tables.
	f := h.golden("options", "KMS keys", "Other roles it may pass", "Glue databases", "Will jobs run in a VPC")
	if strings.Contains(f, "ECR repositories") || strings.Contains(f, "CloudWatch Logs") || strings.Contains(f, "Athena") {
		t.Errorf("the options screen asks for an option the persona does not reach:\n%s", f)
	}
	h.press("enter", "enter", "enter", "enter")
	h.golden("guardrails", "Guardrails (optional)")
	h.press("x") // instance-types
	h.waitFor("✓ instance-types")
	h.press("enter")
	h.golden("settings", "Allowed instance types")
	// Empty is refused here, when the field is left, not after the buckets.
	h.press("enter")
	h.waitFor("guardrail instance-types needs at least one allowed instance type")
	if f := h.frame(); strings.Contains(f, "S3 buckets") || strings.Contains(f, "--instance-type") {
		t.Errorf("an empty instance type list was let through, or refused with a flag:\n%s", f)
	}
	h.typeText("m5.xlarge")
	h.golden("bad-instance-type", `instance type "m5.xlarge"`)
	for range len("m5.xlarge") {
		h.press("backspace")
	}
	h.typeText("ml.m5.xlarge")
	h.press("enter")
	h.waitFor("S3 buckets the role may use")
	h.press("down", "down", "down", "x", "enter", "enter", "enter", "enter")
	h.golden("review", "create-role ml-train: 3 steps")
	h.press("pgdown")
	h.golden("review-scrolled", "iam:PutRolePolicy ml-train · sagerole-scope")
	h.press("enter")
	h.waitFor("✓ create-role ml-train")
	job := "arn:aws:sagemaker:us-east-1:111122223333:training-job/churn"
	h.decide("ml-train",
		decision{"a training job on an allowed instance type", "sagemaker:CreateTrainingJob", job,
			map[string][]string{"sagemaker:InstanceTypes": {"ml.m5.xlarge"}}, eval.Allow},
		decision{"a training job on another instance type", "sagemaker:CreateTrainingJob", job,
			map[string][]string{"sagemaker:InstanceTypes": {"ml.p4d.24xlarge"}}, eval.ExplicitDeny},
		decision{"reading the bucket picked", "s3:GetObject", "arn:aws:s3:::ml-models-prod/data.csv", nil, eval.Allow},
		decision{"reading another bucket", "s3:GetObject", "arn:aws:s3:::team-raw-data/data.csv", nil, eval.ImplicitDeny},
	)
}

// A name that is taken is refused as it is typed, whatever its case (IAM's
// role names are unique case-insensitively), from the roles read when the
// flow opened: not after two more screens. Enter does not leave the field.
func TestCreateRoleNameTaken(t *testing.T) {
	h := newHarness(t)
	h.press("1")
	h.waitFor("Role name")
	h.typeText("admin")
	h.golden("refused", "role name admin is taken: role Admin exists", "Role name")
	h.press("enter")
	h.waitFor("> admin")
	if f := h.frame(); strings.Contains(f, "What may the role do?") || strings.Contains(f, "sagerole modify") {
		t.Errorf("a taken name was let through, or refused with a command line:\n%s", f)
	}
	// The plan refuses it too, if it gets there (a role made meanwhile):
	// the same fact, and the wizard's own way out.
	h.press("ctrl+u")
	h.typeText("fresh-name")
	h.waitFor("> fresh-name")
	if _, err := h.acct.CreateRole(context.Background(), awsops.CreateRoleInput{Name: "Fresh-Name", Path: "/",
		TrustPolicy: policy.TrustDocument().String()}); err != nil {
		t.Fatal(err)
	}
	h.press("enter", "enter", "enter", "enter", "enter")
	h.waitFor("S3 buckets the role may use")
	h.press("enter", "enter", "enter", "enter")
	f := h.golden("refused-by-plan", "already exists", "ctrl+o modify fresh-name")
	if strings.Contains(f, "sagerole modify") {
		t.Errorf("the wizard names a command line:\n%s", f)
	}
	if n := h.acct.Calls()["iam:CreateRole"]; n != 1 {
		t.Errorf("CreateRole was called %d times (once by the test)", n)
	}
}

// A custom scope from activities: the activities picked through the
// list's filter (the list is longer than the screen), the domain-kms
// activity asking for its key.
func TestCreateRoleActivities(t *testing.T) {
	h := newHarness(t)
	h.press("1")
	h.waitFor("Role name")
	h.typeText("act-role")
	h.press("enter", "enter", "enter", "enter")
	h.waitFor("What may the role do?")
	h.press("down", "down", "enter")
	f := h.golden("activities", "ML activities", "studio-apps", "Run Studio applications (studio-apps): JupyterLab")
	if strings.Contains(f, "domain-kms") {
		t.Errorf("the whole list fits at 80×24? It was to scroll:\n%s", f)
	}
	h.press("/")
	h.typeText("train")
	h.waitFor("/train", "training")
	h.press("enter", "x") // keep the filter, pick training
	h.golden("filtered", "✓ Per API   training", "Training jobs (training): run training jobs")
	h.press("esc") // clears the filter, stays on the screen
	h.waitFor("ML activities", "studio-apps")
	h.press("G", "x") // the last: domain-kms
	h.waitFor("✓ Per API   domain-kms", "Domain KMS key (domain-kms)")
	h.press("enter", "enter") // no ECR repository
	h.golden("kms-key", "the ARN of the domain's KMS key (domain-kms needs it)")
	h.press("enter") // empty: refused at once, not after the buckets
	h.golden("kms-key-empty", "domain-kms needs the ARN of the domain's KMS key")
	h.typeText("arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab")
	h.press("enter", "enter", "enter")
	h.waitFor("Guardrails (optional)")
	h.press("enter") // no guardrail
	h.waitFor("S3 buckets the role may use")
	h.press("enter", "enter", "enter", "enter")
	h.golden("review", "create-role act-role: 2 steps")
}
