package tui

import (
	"context"
	"strings"
	"testing"
)

const (
	whyPassRoleText = `User: arn:aws:sts::111122223333:assumed-role/DataScientistRestricted/bob is not authorized to perform: iam:PassRole on resource: arn:aws:iam::111122223333:role/service-role/AmazonSageMaker-ExecutionRole-Research because no identity-based policy allows the iam:PassRole action`
	researchARN     = "arn:aws:iam::111122223333:role/service-role/AmazonSageMaker-ExecutionRole-Research"
)

// "Why was I denied?" from the menu: a message pasted, the three fields it
// fills, the explanation, the fix reviewed and run; the role can then pass
// the role it could not.
func TestWhyFlow(t *testing.T) {
	h := newHarness(t)
	h.press("7")
	h.golden("message", "Why was I denied? › Message", "The AccessDenied message (optional)")
	h.typeText(whyPassRoleText)
	h.press("enter")
	h.golden("request", "Why was I denied? › Request", "DataScientistRestricted", "iam:PassRole")
	h.press("enter", "enter", "enter", "enter")
	f := h.golden("explanation", "Why was DataScientistRestricted denied iam:PassRole", "f review the fix")
	for _, bad := range []string{"--role", "--context", "--fix", "sagerole modify"} {
		if strings.Contains(f, bad) {
			t.Errorf("the wizard names %q:\n%s", bad, f)
		}
	}
	h.press("G")
	h.golden("explanation-end", "The change: an iam:PassRole statement for", "sagerole-passrole policy.")
	h.press("f")
	h.golden("review", "iam:PutRolePolicy DataScientistRestricted", "sagerole-passrole")
	h.press("y")
	h.golden("result", "1 step done", "explain the request again")
	doc := h.inline("DataScientistRestricted", "sagerole-passrole")
	if !strings.Contains(doc, researchARN) || !strings.Contains(doc, "sagemaker.amazonaws.com") {
		t.Fatalf("sagerole-passrole = %q", doc)
	}
	// w explains it again, with the answers kept: now allowed.
	h.press("w")
	h.waitFor("Why was I denied? › Message")
	h.press("enter", "enter", "enter", "enter", "enter")
	h.waitFor("Decision: allowed by the role's own policies.", "sagerole-passrole")
}

// From Find: y on an identity opens the flow with its role; a bad
// resource is refused as it is typed, in the flow's own words.
func TestWhyFromFind(t *testing.T) {
	h := newHarness(t)
	h.press("3")
	h.waitFor("2 domains · 2 notebook instances")
	h.press("/")
	h.typeText("bob-exp")
	h.press("enter")
	h.waitFor("space bob-experiments in d-research1")
	h.press("y")
	h.waitFor("Why was I denied? › Message")
	h.press("enter")
	h.golden("request", "Why was I denied? › Request", "arn:aws:iam::111122223333:role/sagemaker/DataScientistRestricted")
	h.press("enter")
	h.typeText("s3:PutObject")
	h.press("enter")
	h.typeText("team-raw-data/out.csv")
	h.golden("bad-resource", "the resource is an ARN")
	for range len("team-raw-data/out.csv") {
		h.press("backspace")
	}
	h.typeText("s3://team-raw-data/out.csv")
	h.press("enter", "enter")
	h.golden("explanation", "Why was DataScientistRestricted denied s3:PutObject", "f review the fix")
	h.press("G")
	h.golden("fix", "The change: adding bucket team-raw-data to", "S3 actions on bucket team-raw-data")
	h.press("esc")
	h.waitFor("Why was I denied? › Request")
}

// Accessible mode asks the same questions — the message, then the role,
// the action and the resource (and the context) — says the explanation,
// and reviews the fix like every plan.
func TestAccessibleWhy(t *testing.T) {
	answers := strings.Join([]string{
		"7",                   // why was I denied?
		"",                    // no message
		"StudioSpacesGuarded", // role
		"sagemaker:AddTags",   // action
		"arn:aws:sagemaker:us-east-1:111122223333:space/d-mlplatform/erin-notebooks", // resource
		"",  // context
		"y", // run the fix
	}, "\n") + "\n"
	out, acct, err := accessibleRun(t, answers)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	for _, want := range []string{
		"The AccessDenied message (optional) — paste the text AWS printed",
		"Role — the role that was denied: its name or ARN",
		"Action — service:Action",
		"Resource — an ARN, s3://BUCKET/KEY, or *",
		"Context (optional) — condition keys the request carried",
		"SageMaker tags what it creates: CreateSpace sends its tags through sagemaker:AddTags",
		"The change: the addtags-on-create guardrail on StudioSpacesGuarded.",
		"The fix, as a plan:",
		"$ aws iam put-role-policy --role-name StudioSpacesGuarded --policy-name sagerole-scope",
		"The input ended: quitting.",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "\x1b[") || strings.Contains(out, "--add-guardrail") {
		t.Errorf("escape codes or a flag in the accessible output:\n%q", out)
	}
	doc, _ := acct.GetRolePolicy(context.Background(), "StudioSpacesGuarded", "sagerole-scope")
	if !strings.Contains(doc, "AllowAddTagsForCreateOperations") {
		t.Errorf("the fix did not run: sagerole-scope = %q\n%s", doc, out)
	}
}
