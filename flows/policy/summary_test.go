package policy

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// TestSummarize: the review names the persona and its activities, what the
// buckets are, and for each guardrail the number of actions its Deny
// statements name — counted here from the document itself.
func TestSummarize(t *testing.T) {
	s := Scope{Persona: DataScientist, Activities: []string{Notebook}, Buckets: []BucketGrant{{Bucket: "ml-input"}, {Bucket: "lake", Prefix: "churn"}},
		Guardrails: []string{VPCOnly, NotebookNoRoot}, Subnets: []string{"subnet-0a1b2c3d"}, RoleARN: "arn:aws:iam::123456789012:role/ds"}
	lines, err := Summarize(s)
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Join(lines, "\n")
	d, err := Build(s)
	if err != nil {
		t.Fatal(err)
	}
	ref, err := Reference()
	if err != nil {
		t.Fatal(err)
	}
	denied := map[string][]string{}
	for _, st := range d.Statement {
		if st.Effect == "Deny" {
			g := VPCOnly
			if strings.Contains(st.Sid, "Notebook") {
				g = NotebookNoRoot
			}
			for _, p := range st.Action {
				for _, a := range ref.Expand(p) {
					denied[g] = append(denied[g], a.FullName())
				}
			}
		}
	}
	for _, want := range []string{
		"Persona data-scientist (Role Manager's Data Scientist): Run Studio applications (studio-apps), Manage ML jobs (ml-jobs), Manage models (models), Manage AWS Glue tables (glue-tables), SageMaker Canvas core access (canvas), Use MLflow (mlflow), Use EMR Serverless (emr-serverless) and S3 bucket access (s3-buckets), with Notebook instances (notebook).",
		"S3, read-write: ml-input and lake/churn (that prefix only)",
		"It can pass only arn:aws:iam::123456789012:role/ds, and only to emr-serverless.amazonaws.com and sagemaker.amazonaws.com.",
		"Studio: apps and spaces only of the caller's own user profile",
		"Glue: tables of sagemaker_featurestore only.",
		fmt.Sprintf("Guardrail vpc-only restricts %d actions", len(slices.Compact(slices.Sorted(slices.Values(denied[VPCOnly]))))),
		"or in subnets other than subnet-0a1b2c3d",
		"Guardrail notebook-no-root restricts 2 actions (sagemaker:CreateNotebookInstance, sagemaker:UpdateNotebookInstance): it refuses them with root access.",
		"Broad: ECR images of every repository",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("summary lacks %q:\n%s", want, text)
		}
	}
	// What needs "*" is said, with the reference's reason.
	ai, err := Summarize(Scope{Activities: []string{CanvasAIServices}})
	if err != nil {
		t.Fatal(err)
	}
	if want := "Broad: textract:StartDocumentAnalysis and textract:StartExpenseAnalysis on every resource, since the IAM reference gives them no resource type to name."; !slices.Contains(ai, want) {
		t.Errorf("summary lacks %q: %q", want, ai)
	}
	for _, l := range append(lines, ai...) {
		if oneSentenceRE.MatchString(l) || !strings.HasSuffix(l, ".") {
			t.Errorf("not one sentence: %q", l)
		}
	}
}
