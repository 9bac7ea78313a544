package main

import (
	"encoding/json"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

const (
	whyPassRoleMessage = `An error occurred (AccessDeniedException) when calling the CreateTrainingJob operation: User: arn:aws:sts::111122223333:assumed-role/DataScientistRestricted/bob is not authorized to perform: iam:PassRole on resource: arn:aws:iam::111122223333:role/service-role/AmazonSageMaker-ExecutionRole-Research because no identity-based policy allows the iam:PassRole action`
	rawObject          = "s3://team-raw-data/curated/part-0001.parquet"
)

// The --output json shape the README documents.
func TestWhyJSONShape(t *testing.T) {
	isolate(t)
	code, out, errOut := runCLI(t, "--sandbox", "--output", "json", "why", researchRole, "s3:GetObject", rawObject)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var got map[string]json.RawMessage
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	for _, k := range []string{"request", "decision", "deciding", "nearMisses", "reason", "classic", "explanation", "unseen", "reads", "simulator", "fix"} {
		if _, ok := got[k]; !ok {
			t.Errorf("no %q in %s", k, out)
		}
	}
	var r struct {
		Decision string `json:"decision"`
		Classic  string `json:"classic"`
		Deciding []any  `json:"deciding"`
		Near     []struct {
			Policy string `json:"policy"`
			Index  int    `json:"statementIndex"`
			Sid    string `json:"sid"`
			Effect string `json:"effect"`
		} `json:"nearMisses"`
		Unseen []struct {
			Layer, Status string
		} `json:"unseen"`
		Simulator struct {
			Called   bool   `json:"called"`
			Decision string `json:"decision"`
			Agrees   bool   `json:"agrees"`
		} `json:"simulator"`
		Fix struct {
			Offered bool   `json:"offered"`
			Command string `json:"command"`
			Plan    struct {
				DryRun bool `json:"dryRun"`
				Steps  []struct {
					API string `json:"api"`
					CLI string `json:"cli"`
				} `json:"steps"`
				Notes []string `json:"notes"`
			} `json:"plan"`
		} `json:"fix"`
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	if r.Decision != "implicitDeny" || r.Classic != "fullaccess-bucket" || r.Deciding == nil || len(r.Deciding) != 0 {
		t.Errorf("decision %q classic %q deciding %v", r.Decision, r.Classic, r.Deciding)
	}
	if len(r.Near) == 0 || r.Near[0].Policy != "AmazonSageMakerFullAccess" || r.Near[0].Sid != "AllowS3ObjectActions" || r.Near[0].Effect != "Allow" || r.Near[0].Index != 5 {
		t.Errorf("nearest statements: %+v", r.Near)
	}
	if !r.Simulator.Called || r.Simulator.Decision != "implicitDeny" || !r.Simulator.Agrees {
		t.Errorf("simulator: %+v", r.Simulator)
	}
	if !r.Fix.Offered || !r.Fix.Plan.DryRun || len(r.Fix.Plan.Steps) != 1 || r.Fix.Plan.Steps[0].API != "iam:PutRolePolicy" ||
		!strings.Contains(r.Fix.Plan.Steps[0].CLI, "aws iam put-role-policy") {
		t.Errorf("fix: %+v", r.Fix)
	}
	diff := false
	for _, n := range r.Fix.Plan.Notes {
		diff = diff || strings.HasPrefix(n, "--- ")
	}
	if !diff {
		t.Errorf("the fix's plan carries no diff in its notes: %v", r.Fix.Plan.Notes)
	}
}

// The message on standard input, explained in text.
func TestWhyMessageOnStdin(t *testing.T) {
	isolate(t)
	code, out, errOut := runCLIStdin(t, whyPassRoleMessage+"\n", "--sandbox", "why")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"iam:PassRole is the caller's permission", "AWS said: no identity-based policy allows it — sagerole agrees",
		"statement 2 (Sid PassSelf) of inline policy sagemaker-training-and-processing", "iam:PassedToService = sagemaker.amazonaws.com  (assumed",
		"Nothing was changed. Run this fix with the same why command and --fix."} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestWhyBadInput(t *testing.T) {
	isolate(t)
	cases := []struct {
		name  string
		stdin string
		args  []string
		says  string
	}{
		{"unparseable", "", []string{"why", "--message", "something went wrong"}, "not an AWS access denied message"},
		{"empty message", "", []string{"why", "--message", ""}, "empty"},
		{"empty stdin", "  \n", []string{"why"}, "empty"},
		{"two arguments", "", []string{"why", researchRole, "s3:GetObject"}, "ROLE ACTION RESOURCE"},
		{"both forms", "", []string{"why", researchRole, "s3:GetObject", rawObject, "--message", whyPassRoleMessage}, "either"},
		{"bad context", "", []string{"why", researchRole, "s3:GetObject", rawObject, "--context", "nokey"}, "KEY=VALUE"},
		{"empty resource flag", "", []string{"why", "--message", whyPassRoleMessage, "--resource", ""}, "--resource"},
		{"fix with nothing to fix", "", []string{"--yes", "why", "DataScientistRestricted", "s3:GetObject", "s3://team-raw-data/a.csv", "--fix"}, "no fix is offered"},
		{"json fix without yes", "", []string{"--output", "json", "why", researchRole, "s3:GetObject", rawObject, "--fix"}, "--yes"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, _, errOut := runCLIStdin(t, c.stdin, append([]string{"--sandbox"}, c.args...)...)
			lines := strings.Split(strings.TrimSpace(errOut), "\n")
			if code != exitBadUsage || !strings.Contains(errOut, c.says) || len(lines) != 1 {
				t.Errorf("exit %d, stderr %q; want 2 and one line saying %q", code, errOut, c.says)
			}
		})
	}
}

// --fix runs the plan like every other: without a terminal it needs --yes
// (and changes nothing without), --dry-run sends nothing, and undo puts the
// role back.
func TestWhyFixRunsThenUndoes(t *testing.T) {
	dir := isolate(t)
	state := filepath.Join(dir, "acct.json")
	before := sortedSnapshot(t, state, researchRole)
	args := []string{"--sandbox-state", state, "why", researchRole, "s3:GetObject", rawObject, "--fix"}

	code, _, errOut := runCLI(t, args...)
	if code != exitBadUsage || !strings.Contains(errOut, "--yes") {
		t.Fatalf("without --yes: exit %d, %s", code, errOut)
	}
	if got := sortedSnapshot(t, state, researchRole); !reflect.DeepEqual(got, before) {
		t.Fatalf("the role changed without --yes")
	}
	code, out, errOut := runCLI(t, append([]string{"--dry-run"}, args...)...)
	if code != 0 || !strings.Contains(out, "iam:PutRolePolicy") {
		t.Fatalf("--dry-run: exit %d: %s\n%s", code, errOut, out)
	}
	if got := sortedSnapshot(t, state, researchRole); !reflect.DeepEqual(got, before) {
		t.Fatalf("the role changed in a dry run")
	}
	code, out, errOut = runCLI(t, append([]string{"--yes"}, args...)...)
	if code != 0 || !strings.Contains(out, "Undo it with: sagerole undo") {
		t.Fatalf("--yes: exit %d: %s\n%s", code, errOut, out)
	}
	after := sortedSnapshot(t, state, researchRole)
	if _, ok := after.Inline["sagerole-buckets"]; !ok || reflect.DeepEqual(after, before) {
		t.Fatalf("the fix did not put sagerole-buckets: %+v", after.Inline)
	}
	code, out, _ = runCLI(t, "--sandbox-state", state, "why", researchRole, "s3:GetObject", rawObject)
	if code != 0 || !strings.Contains(out, "Decision: allowed by the role's own policies.") {
		t.Errorf("after the fix:\n%s", out)
	}
	if code, _, errOut := runCLI(t, "--sandbox-state", state, "--yes", "undo"); code != 0 {
		t.Fatalf("undo: exit %d: %s", code, errOut)
	}
	if got := sortedSnapshot(t, state, researchRole); !reflect.DeepEqual(got, before) {
		t.Errorf("undo did not put the role back:\n got %+v\nwant %+v", got, before)
	}
}
