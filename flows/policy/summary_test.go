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
	s := Scope{Persona: DataScientist, Buckets: []BucketGrant{{Bucket: "ml-input"}, {Bucket: "lake", Prefix: "churn"}},
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
	denied := map[string][]string{}
	for _, st := range d.Statement {
		if st.Effect == "Deny" {
			g := VPCOnly
			if strings.Contains(st.Sid, "Notebook") {
				g = NotebookNoRoot
			}
			denied[g] = append(denied[g], st.Action...)
		}
	}
	for _, want := range []string{
		"Persona data-scientist: training, processing, tuning, hosting, automl and notebook.",
		"S3, read-write: ml-input and lake/churn (that prefix only)",
		"It can pass only arn:aws:iam::123456789012:role/ds, and only to SageMaker.",
		fmt.Sprintf("Guardrail vpc-only restricts %d actions", len(slices.Compact(slices.Sorted(slices.Values(denied[VPCOnly]))))),
		"or in subnets other than subnet-0a1b2c3d",
		"Guardrail notebook-no-root restricts 2 actions (sagemaker:CreateNotebookInstance, sagemaker:UpdateNotebookInstance): it refuses them with root access.",
		"Broad: ECR images of every repository",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("summary lacks %q:\n%s", want, text)
		}
	}
	for _, l := range lines {
		if oneSentenceRE.MatchString(l) || !strings.HasSuffix(l, ".") {
			t.Errorf("not one sentence: %q", l)
		}
	}
}
