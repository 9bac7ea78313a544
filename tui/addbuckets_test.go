package tui

import (
	"context"
	"strings"
	"testing"

	"github.com/sagerole/sagerole/flows/buckets"
	"github.com/sagerole/sagerole/flows/policy"
)

// Add buckets: roles that trust SageMaker offered first, buckets from the
// account in a filterable multi-select (the filter applied), the blast
// radius in the review, the run, the result.
func TestAddBucketsFlow(t *testing.T) {
	h := newHarness(t)
	h.press("2")
	h.golden("roles", "Which role gets the buckets?", "LambdaBasic")
	h.press("down", "down", "enter") // AmazonSageMaker-ExecutionRole-Research
	h.waitFor("Buckets to give AmazonSageMaker-ExecutionRole-Research")
	h.press("/")
	h.typeText("team")
	h.golden("filtered", "team-raw-data")
	h.press("enter") // keep the filter
	h.press("x")
	h.waitFor("✓ team-raw-data")
	h.press("esc") // clears the filter, stays in the flow
	h.golden("picked", "✓ team-raw-data", "research-datasets")
	h.press("enter", "enter", "enter", "enter", "enter")
	h.golden("review", "add-buckets AmazonSageMaker-ExecutionRole-Research team-raw-data")
	h.press("G")
	h.golden("blast-radius", "Impact", "user alice")
	h.press("y")
	h.golden("result", "✓ add-buckets")
	doc := h.inline("AmazonSageMaker-ExecutionRole-Research", policy.BucketPolicyName)
	if !strings.Contains(doc, "arn:aws:s3:::team-raw-data/*") {
		t.Errorf("bucket policy lacks team-raw-data:\n%s", doc)
	}
}

// A role the list does not show is typed, checked as it is typed with the
// command line's sentence.
func TestAddBucketsTypedRole(t *testing.T) {
	h := newHarness(t)
	h.press("2")
	h.waitFor("Which role gets the buckets?")
	h.press("G", "enter")
	h.waitFor("Role name or ARN")
	h.typeText("arn:aws:iam::111122223333:role/no such")
	h.golden("bad-arn", "is not")
	for range len("no such") {
		h.press("backspace")
	}
	h.typeText("sagemaker/DataScientistRestricted")
	h.press("enter")
	h.golden("buckets", "arn:aws:iam::111122223333:role/sagemaker/DataScientistRestricted", "x or space picks")
}

// A typed bucket that does not exist is refused in the wizard's words
// (the question that creates it), not "pass --create-missing"; answering
// Yes creates it.
func TestAddBucketsMissingBucket(t *testing.T) {
	h := newHarness(t)
	h.press("2")
	h.waitFor("Which role gets the buckets?")
	h.press("down", "down", "enter") // AmazonSageMaker-ExecutionRole-Research
	h.waitFor("Buckets to give AmazonSageMaker-ExecutionRole-Research")
	h.press("enter") // no bucket picked
	h.typeText("not-here-yet")
	h.press("enter", "enter", "enter", "enter")
	f := h.golden("refused", "bucket not-here-yet does not exist in this account; answer Yes to")
	if strings.Contains(f, "--create-missing") {
		t.Errorf("the wizard names a flag:\n%s", f)
	}
	h.press("enter", "enter", "enter", "enter", "y", "enter") // to “Create typed buckets…”: Yes
	h.waitFor("s3:CreateBucket not-here-yet")
	h.press("y")
	h.waitFor("✓ add-buckets")
	if _, err := h.acct.BucketRegion(context.Background(), "not-here-yet"); err != nil {
		t.Errorf("the bucket was not created: %v", err)
	}
}

// The picker marks the buckets the role already has.
func TestAddBucketsMarksGranted(t *testing.T) {
	h := newHarness(t)
	h.waitFor("account 111122223333")
	res, err := buckets.Plan(context.Background(), h.acct, nil, buckets.Input{Role: "DataScientistRestricted", Buckets: []string{"ml-models-prod"}})
	if err != nil {
		t.Fatal(err)
	}
	runPlan(t, h, res.Plan)
	h.press("2")
	h.waitFor("Which role gets the buckets?")
	h.press("down", "down", "down", "enter") // sagemaker/DataScientistRestricted
	f := h.golden("marked", "ml-models-prod  (already granted)")
	if strings.Contains(f, "team-raw-data  (already") {
		t.Errorf("a bucket the role does not have is marked:\n%s", f)
	}
}
