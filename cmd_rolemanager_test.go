package main

import (
	"context"
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/sagerole/sagerole/awsops/sandbox"
	"github.com/sagerole/sagerole/flows/policy"
	"github.com/sagerole/sagerole/flows/policy/eval"
	"github.com/sagerole/sagerole/flows/policy/rolemanager/rmtest"
)

// seedRoleManagerRole puts the fixture of a role SageMaker Role Manager's
// CDK library made (its documents as Role Manager writes them) into the
// sandbox account kept in state.
func seedRoleManagerRole(t *testing.T, state string) (name string) {
	t.Helper()
	acct, err := sandbox.Open(state, sandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	name, _, err = rmtest.Seed(context.Background(), acct)
	if err != nil {
		t.Fatal(err)
	}
	return name
}

// A role Role Manager made is recognized by modify ROLE --output json, with
// the activities and options it maps to; its command, run, puts the role
// in sagerole's terms, and the role then decides Role Manager's VPC
// customization as Role Manager did: a job in the named subnet is
// allowed, one outside it is not.
func TestModifyRecognizesARoleManagerRole(t *testing.T) {
	dir := isolate(t)
	state := filepath.Join(dir, "account.json")
	name := seedRoleManagerRole(t, state)

	code, out, errOut := runCLI(t, "--sandbox-state", state, "--output", "json", "modify", name)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var d struct {
		RoleManager *struct {
			Made               string   `json:"made"`
			RoleManagerPersona string   `json:"roleManagerPersona"`
			Persona            string   `json:"persona"`
			Activities         []string `json:"activities"`
			Options            struct {
				Buckets []string `json:"buckets"`
				Subnets []string `json:"subnets"`
			} `json:"options"`
			Guardrails  []string `json:"guardrails"`
			Policies    []struct{ Name, Activity, Match string }
			Differences []string `json:"differences"`
			Command     string   `json:"command"`
		} `json:"roleManager"`
	}
	if err := json.Unmarshal([]byte(out), &d); err != nil {
		t.Fatal(err)
	}
	m := d.RoleManager
	if m == nil {
		t.Fatalf("not recognized:\n%s", out)
	}
	wantActs := []string{policy.StudioApps, policy.MLJobs, policy.Models, policy.Experiments, policy.SearchExperiments, policy.S3Buckets}
	if m.Made != "cdk" || m.RoleManagerPersona != "Data Scientist" || !slices.Equal(m.Activities, wantActs) ||
		!slices.Equal(m.Options.Buckets, []string{"team-raw-data"}) || !slices.Equal(m.Options.Subnets, []string{"subnet-0a1b2c3d"}) ||
		!slices.Equal(m.Guardrails, []string{policy.VPCOnly}) || len(m.Policies) != 6 || len(m.Differences) == 0 {
		t.Errorf("roleManager: %+v", m)
	}
	// A role sagerole made is not taken for one.
	_, out, _ = runCLI(t, "--sandbox-state", state, "--output", "json", "modify", "AmazonSageMaker-ExecutionRole-Research")
	if strings.Contains(out, `"roleManager"`) {
		t.Error("a role of the seed is said to be Role Manager's")
	}
	// The text view says it too.
	_, text, _ := runCLI(t, "--sandbox-state", state, "modify", name)
	for _, w := range []string{"Made by SageMaker Role Manager (its CDK library) from its Data Scientist persona", "→ ml-jobs", "does not match:", m.Command} {
		if !strings.Contains(text, w) {
			t.Errorf("text lacks %q:\n%s", w, text)
		}
	}

	// Run the command it offers.
	args := strings.Fields(m.Command)[1:]
	if code, _, errOut := runCLI(t, append([]string{"--sandbox-state", state, "--yes"}, args...)...); code != 0 {
		t.Fatalf("%v: exit %d: %s", args, code, errOut)
	}
	acct, _ := sandbox.Open(state, sandbox.Options{})
	ctx := context.Background()
	names, err := acct.ListRolePolicies(ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	var role eval.Role
	for _, n := range names {
		if strings.HasPrefix(n, "SM_") || strings.HasPrefix(n, "SageMakerS3") {
			t.Errorf("Role Manager's %s is still there", n)
		}
		doc, err := acct.GetRolePolicy(ctx, name, n)
		if err != nil {
			t.Fatal(err)
		}
		p, err := policy.Parse(doc)
		if err != nil {
			t.Fatal(err)
		}
		role.Policies = append(role.Policies, eval.Policy{Name: n, Kind: eval.Inline, Document: p})
	}
	job := "arn:aws:sagemaker:us-east-1:111122223333:training-job/churn"
	multi := []string{"sagemaker:VpcSubnets", "sagemaker:VpcSecurityGroupIds"}
	for _, c := range []struct {
		what string
		ctx  map[string][]string
		want eval.Decision
	}{
		{"in the subnet Role Manager named", map[string][]string{"sagemaker:VpcSubnets": {"subnet-0a1b2c3d"}, "sagemaker:VpcSecurityGroupIds": {"sg-0a1b2c3d"}}, eval.Allow},
		{"outside any VPC", nil, eval.ExplicitDeny},
		{"in another subnet", map[string][]string{"sagemaker:VpcSubnets": {"subnet-9999aaaa"}, "sagemaker:VpcSecurityGroupIds": {"sg-0a1b2c3d"}}, eval.ExplicitDeny},
	} {
		r, err := eval.Evaluate(role, eval.Request{Action: "sagemaker:CreateTrainingJob", Resource: job, Context: c.ctx, MultiValued: multi})
		if err != nil || r.Decision != c.want {
			t.Errorf("a training job %s: %v (%v), want %v", c.what, r.Decision, err, c.want)
		}
	}
	// And the role is no longer Role Manager's.
	_, out, _ = runCLI(t, "--sandbox-state", state, "--output", "json", "modify", name)
	if strings.Contains(out, `"roleManager"`) {
		t.Errorf("still recognized after the command:\n%s", out)
	}
}
