package tui

import (
	"context"
	"strings"
	"testing"

	"github.com/sagerole/sagerole/flows/policy"
)

// Modify a role: the role as it is, the changes picked, a bucket added, the
// diff of the policy it changes and who runs as the role, the run.
func TestModifyFlow(t *testing.T) {
	h := newHarness(t)
	h.press("5")
	h.golden("roles", "Which role?")
	h.press("down", "down", "down", "enter") // sagemaker/DataScientistRestricted
	h.golden("changes", "What to change in DataScientistRestricted", "team-raw-data-read")
	h.press("x")                                                                 // attach FullAccess
	h.press("down", "down", "down", "down", "down", "down", "down", "down", "x") // add S3 buckets
	h.waitFor("✓ attach AmazonSageMakerFullAccess", "✓ add S3 buckets")
	h.press("enter")
	h.golden("buckets", "Buckets to add (read-write)")
	h.press("down", "down", "down", "x", "enter", "enter")
	h.golden("review", "modify DataScientistRestricted: 2 steps")
	h.press("G")
	h.golden("impact", "Impact", "user bob")
	h.press("y")
	h.golden("result", "✓ modify DataScientistRestricted: 2 steps done")
	// The result offers the role as code: CloudFormation first, t for the
	// next format, the same code sagerole export writes.
	h.press("e")
	h.waitFor("DataScientistRestricted as CloudFormation (YAML)", "Type: AWS::IAM::Role", "RoleName: DataScientistRestricted")
	h.press("t", "t", "t")
	h.waitFor("DataScientistRestricted as Terraform", `resource "aws_iam_role" "datascientistrestricted"`)
	h.press("esc") // opened from the main menu, as every next action is
	h.waitFor("Main menu")
	attached, _ := h.acct.ListAttachedRolePolicies(context.Background(), "DataScientistRestricted")
	found := false
	for _, p := range attached {
		found = found || p.ARN == policy.FullAccessARN
	}
	if !found {
		t.Errorf("FullAccess not attached: %v", attached)
	}
	if doc := h.inline("DataScientistRestricted", policy.BucketPolicyName); !strings.Contains(doc, "ml-models-prod") {
		t.Errorf("bucket policy lacks ml-models-prod:\n%s", doc)
	}
}

// A role SageMaker cannot assume: fixing its trust policy, with the diff of
// the trust policy in the review.
func TestModifyFixTrust(t *testing.T) {
	h := newHarness(t)
	h.press("5")
	h.waitFor("Which role?")
	h.press("G", "up", "enter") // LambdaBasic, the last role: it does not trust SageMaker
	h.golden("changes", "does not let sagemaker.amazonaws.com assume it", "fix the trust policy")
	h.press("x", "enter")
	h.golden("review", "iam:UpdateAssumeRolePolicy LambdaBasic", "+ ")
	// Nothing picked: refused with a sentence, back on the step.
	h.press("esc")
	h.waitFor("✓ fix the trust policy")
	h.press("x", "enter")
	h.golden("nothing-picked", "no change picked")
}

// Editing an inline policy in place, and attaching a managed policy by
// ARN: an unchanged document is not sent.
func TestModifyEditAndAttach(t *testing.T) {
	h := newHarness(t)
	h.press("5")
	h.waitFor("Which role?")
	h.press("down", "down", "down", "enter") // sagemaker/DataScientistRestricted
	h.waitFor("What to change in DataScientistRestricted")
	h.press("down", "x", "down", "down", "down", "down", "x") // attach by ARN, edit studio-apps
	h.waitFor("✓ attach another managed policy", "✓ edit inline policy studio-apps")
	h.press("enter")
	h.golden("attach-arn", "Managed policy ARN to attach")
	h.typeText("arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess")
	h.press("enter")
	h.golden("edit", "Inline policy studio-apps", "sagemaker:DescribeDomain", "✓ valid JSON")
	h.press("ctrl+s")
	h.golden("review", "modify DataScientistRestricted: 1 step", "AmazonS3ReadOnlyAccess")
}

// The settings of a guardrail added by modify are checked as they are
// typed: a bad CIDR is refused before enter (it was only on submit).
func TestModifyGuardrailSettingsLive(t *testing.T) {
	h := newHarness(t)
	h.press("5")
	h.waitFor("Which role?")
	h.press("down", "down", "down", "enter") // sagemaker/DataScientistRestricted
	h.waitFor("What to change in DataScientistRestricted")
	h.press("G", "x", "enter") // add guardrails
	h.waitFor("Guardrails to add")
	h.press("down", "down", "down", "down", "down", "down", "x", "enter") // source-ip
	h.waitFor("Source IP ranges (CIDR)")
	h.typeText("10.0.0/8")
	h.golden("bad-cidr", "✗", "10.0.0/8")
}

// A new inline policy: its name checked against the role's, then the
// editor: a JSON error at its line and column as it is typed, not kept
// with ctrl+s until it is fixed, then the review and the run.
func TestModifyNewInlinePolicy(t *testing.T) {
	h := newHarness(t)
	h.press("5")
	h.waitFor("Which role?")
	h.press("down", "down", "down", "enter") // sagemaker/DataScientistRestricted
	h.waitFor("What to change in DataScientistRestricted")
	h.press("down", "down", "down", "down", "down", "down", "down", "x", "enter") // create a new inline policy
	h.waitFor("Name of the new inline policy")
	h.typeText("studio-apps")
	h.waitFor("already has an inline policy studio-apps")
	h.press("ctrl+u")
	h.typeText("extra-reads")
	h.press("enter")
	h.golden("editor", "Inline policy extra-reads", "✓ valid JSON")
	h.press("down", "down", "down", "down", "down", "down", "down")
	h.typeText(`"`) // line 8 now has a stray quote
	h.golden("json-error", "✗ 8:")
	h.press("ctrl+s")
	h.waitFor("✗ Not kept: 8:")
	h.press("backspace")
	h.waitFor("✓ valid JSON")
	// The validator's findings as it is typed: an action S3 does not have.
	h.press("up", "end", "left")
	h.typeText("x")
	h.golden("lint", "s3:GetObjectx")
	h.press("ctrl+s")
	h.waitFor("✗ Not kept: 7:", "ctrl+f keeps it anyway")
	h.press("backspace")
	h.waitFor("✓ valid JSON")
	h.press("ctrl+s")
	h.golden("review", "iam:PutRolePolicy DataScientistRestricted · extra-reads")
	h.press("y")
	h.waitFor("✓ modify DataScientistRestricted: 1 step done")
	if doc := h.inline("DataScientistRestricted", "extra-reads"); !strings.Contains(doc, "s3:GetObject") {
		t.Errorf("extra-reads = %q", doc)
	}
}
