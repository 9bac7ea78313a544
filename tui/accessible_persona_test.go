package tui

import (
	"fmt"
	"strings"
	"testing"

	"github.com/sagerole/sagerole/flows/policy"
	"github.com/sagerole/sagerole/flows/policy/eval"
)

// The persona screen in accessible mode offers the same choices: every
// persona, each with its activities by name and what each does, said
// before the question; the options the persona reaches asked as on the
// screen; the role the flows build from it.
func TestAccessiblePersona(t *testing.T) {
	answers := strings.Join([]string{
		"1", "acc-ds", "", "", "", // create, name, description, path, tags
		"2",                           // a custom scope from a persona
		"1",                           // Data Scientist
		"",                            // KMS keys: none
		"Nobody",                      // a role to pass the account lacks: refused
		"",                            // none
		"churn",                       // Glue databases
		"n",                           // VPC actions: no
		"0",                           // no guardrail
		"0", "team-raw-data", "n", "", // buckets: none picked, one typed; read-write
		"y",
	}, "\n") + "\n"
	out, acct, err := accessibleRun(t, answers)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	var want []string
	for i, p := range policy.Personas() {
		want = append(want, fmt.Sprintf("%d. %s: %s.", i+1, p.Label(), p.Description))
		for _, a := range p.Activities {
			c, _ := policy.ActivityChoice(a)
			want = append(want, "   "+a+" "+c.Title)
		}
	}
	want = append(want, "Other roles it may pass (optional)", "role to pass Nobody does not exist in this account",
		"Glue databases (optional)", "role ARN: arn:aws:iam::111122223333:role/acc-ds")
	for _, w := range want {
		if !strings.Contains(out, w) {
			t.Errorf("output lacks %q:\n%s", w, out)
		}
	}
	// Said before the question, and the question offers the same three.
	if i, j := strings.Index(out, "The personas, as SageMaker Role Manager defines them"), strings.Index(out, "Persona —"); i < 0 || j < i {
		t.Errorf("the personas' activities are not said before the persona is asked:\n%s", out)
	}
	if strings.Contains(out, "ECR repositories") || strings.Contains(out, "\x1b[") {
		t.Errorf("an option the persona does not reach is asked, or escape codes:\n%s", out)
	}
	h := &harness{t: t, acct: acct}
	h.decide("acc-ds",
		decision{"a table of the database named", "glue:GetTable", "arn:aws:glue:us-east-1:111122223333:table/churn/events", nil, eval.Allow},
		decision{"reading the bucket named", "s3:GetObject", "arn:aws:s3:::team-raw-data/x.csv", nil, eval.Allow},
		decision{"passing another role", "iam:PassRole", "arn:aws:iam::111122223333:role/Admin", toSageMaker, eval.ImplicitDeny},
	)
}

// The activity list in accessible mode offers every activity of the
// catalogue, each with its group and what it does, in full.
func TestAccessibleActivities(t *testing.T) {
	c := newProgramContext(Options{Accessible: true})
	opts := activityOptions(c)
	if len(opts) != len(policy.Activities()) {
		t.Fatalf("%d options for %d activities", len(opts), len(policy.Activities()))
	}
	seen := map[string]bool{}
	for _, o := range opts {
		a, ok := policy.ActivityChoice(o.Value)
		if !ok || seen[o.Value] {
			t.Fatalf("option %q: not an activity, or twice", o.Value)
		}
		seen[o.Value] = true
		if !strings.Contains(o.Key, a.Name+" — "+a.Title+": "+plainDescription(a)) {
			t.Errorf("option %q does not say %s in full", o.Key, a.Name)
		}
	}
	// On the screen the same activities, one line each, cut to the width.
	c = newProgramContext(Options{})
	for i, o := range activityOptions(c) {
		if o.Value != opts[i].Value || len([]rune(o.Key)) > c.Width-8 {
			t.Errorf("screen option %d = %q (%s), accessible %s", i, o.Key, o.Value, opts[i].Value)
		}
	}
}
