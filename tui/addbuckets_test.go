package tui

import (
	"strings"
	"testing"

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
