package tui

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/sagerole/sagerole/awsops/sandbox"
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

// A Role Manager role in accessible mode: what the role view shows, and
// what r shows on the screen, said before the changes are asked; "adopt it"
// offered among them and filled in as on the screen.
func TestAccessibleRoleManagerRole(t *testing.T) {
	acct, err := sandbox.New(sandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	name, rmPolicies := seedRoleManagerRole(t, acct)
	out, err := accessibleRunOn(t, acct, strings.Join([]string{
		"5", "6", // modify SageMaker-ds-team
		"1", "0", // adopt it
		"0", "", // buckets: team-raw-data picked by adopting; none typed
		"0",        // activities: those of adopting
		"", "", "", // KMS keys, roles to pass, VPC actions: as they are
		"0",    // guardrails: vpc-only, from adopting
		"", "", // subnets, security groups: kept
		"y",
	}, "\n")+"\n")
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	for _, w := range []string{
		"What to change in " + name,
		"Made by SageMaker Role Manager (its CDK library) from its Data Scientist persona; in sagerole's terms studio-apps, ml-jobs, models",
		"(each is said next)",
		"Run Studio Applications → studio-apps: matches partly",
		"adopt it: sagerole's activities instead of Role Manager's policies",
		"Subnets jobs may use (optional) — comma-separated subnet IDs; empty: any subnet, as long as it is in a VPC; empty keeps subnet-0a1b2c3d",
		"Done.",
	} {
		if !strings.Contains(out, w) {
			t.Errorf("output lacks %q:\n%s", w, out)
		}
	}
	if strings.Contains(out, "r shows each") {
		t.Errorf("accessible mode names a key it has not:\n%s", out)
	}
	left, _ := acct.ListRolePolicies(context.Background(), name)
	for _, p := range rmPolicies {
		if slices.Contains(left, p) {
			t.Errorf("Role Manager's %s is still there: %v", p, left)
		}
	}
	h := &harness{t: t, acct: acct}
	h.decide(name, decision{"a training job outside any VPC", "sagemaker:CreateTrainingJob",
		"arn:aws:sagemaker:us-east-1:111122223333:training-job/churn", nil, eval.ExplicitDeny})
}
