package tui

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/sagerole/sagerole/awsops"
	"github.com/sagerole/sagerole/awsops/rules"
	"github.com/sagerole/sagerole/awsops/sandbox"
	"github.com/sagerole/sagerole/flows/policy"
)

func accessibleRun(t *testing.T, answers string) (string, *sandbox.Account, error) {
	t.Helper()
	acct, err := sandbox.New(sandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	out, err := accessibleRunOn(t, acct, answers)
	return out, acct, err
}

// accessibleRunOn answers the wizard in accessible mode on acct.
func accessibleRunOn(t *testing.T, acct *sandbox.Account, answers string) (string, error) {
	t.Helper()
	j := &awsops.Journal{Dir: filepath.Join(t.TempDir(), "journal")}
	var out bytes.Buffer
	err := RunAccessible(Options{Backend: acct, BackendName: "sandbox", Mode: ModeSandbox, Journal: j, History: j,
		In: iotest.OneByteReader(strings.NewReader(answers)), Out: &out, Sleep: instantSleep})
	return out.String(), err
}

// create-role in accessible mode, answered by a script on stdin: a bad name
// refused with the command line's sentence, then the flow to its end.
func TestAccessibleCreateRole(t *testing.T) {
	answers := strings.Join([]string{
		"1",                // create an execution role
		"bad name",         // refused
		"acc-role",         // role name
		"made by a script", // description
		"",                 // path: keeps /
		"team=ml",          // tags
		"1",                // FullAccess
		"5", "0",           // research-datasets, done
		"",  // other buckets: none
		"n", // read-only: no
		"",  // create missing buckets: keeps No
		"y", // run it
	}, "\n") + "\n"
	out, acct, err := accessibleRun(t, answers)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	for _, want := range []string{
		rules.RoleName("bad name").Error(),
		// Each field's rule and default, said with its question.
		"Role name — 1 to 64 letters, digits and + = , . @ _ -",
		"Path — / or /a/b/; empty keeps /",
		"Tags (optional) — KEY=VALUE, comma-separated",
		"What may the role do? — empty keeps 1",
		"Create typed buckets that do not exist? — empty keeps No",
		"Plan for create-role acc-role",
		"$ aws iam create-role --role-name acc-role",
		// How each step would be undone, before it runs.
		"undo: aws iam delete-role --role-name acc-role",
		"undo: aws iam detach-role-policy --role-name acc-role --policy-arn arn:aws:iam::aws:policy/AmazonSageMakerFullAccess",
		"undo: aws iam delete-role-policy --role-name acc-role --policy-name sagerole-buckets",
		"✓ 3. iam:PutRolePolicy acc-role · sagerole-buckets",
		"role ARN: arn:aws:iam::111122223333:role/acc-role",
		"The input ended: quitting.",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "\x1b[") {
		t.Errorf("accessible output has escape codes:\n%q", out)
	}
	r, err := acct.GetRole(context.Background(), "acc-role")
	if err != nil || r.Description != "made by a script" || len(r.Tags) != 1 {
		t.Fatalf("role = %+v, %v", r, err)
	}
	doc, _ := acct.GetRolePolicy(context.Background(), "acc-role", policy.BucketPolicyName)
	if !strings.Contains(doc, "research-datasets") {
		t.Errorf("bucket policy = %s", doc)
	}
}

// add-buckets in accessible mode.
func TestAccessibleAddBuckets(t *testing.T) {
	answers := strings.Join([]string{
		"2",      // add S3 buckets
		"3",      // service-role/AmazonSageMaker-ExecutionRole-Research
		"8", "0", // team-raw-data
		"", "", "n", "n", // other buckets, prefix, read-only, create missing
		"y",
	}, "\n") + "\n"
	out, acct, err := accessibleRun(t, answers)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if !strings.Contains(out, "identities run as AmazonSageMaker-ExecutionRole-Research") {
		t.Errorf("the blast radius is not said:\n%s", out)
	}
	doc, _ := acct.GetRolePolicy(context.Background(), "AmazonSageMaker-ExecutionRole-Research", policy.BucketPolicyName)
	if !strings.Contains(doc, "team-raw-data") {
		t.Errorf("bucket policy = %s\n%s", doc, out)
	}
}

// Input that ends in the middle of a flow sends nothing.
func TestAccessibleInputEnds(t *testing.T) {
	out, acct, err := accessibleRun(t, "1\nhalf-role\n")
	if err == nil || !strings.Contains(err.Error(), "nothing was sent") {
		t.Fatalf("err = %v\n%s", err, out)
	}
	if _, err := acct.GetRole(context.Background(), "half-role"); err == nil {
		t.Error("half-role was created")
	}
}

// find and undo in accessible mode: the tree as text, then a run undone.
func TestAccessibleFindAndUndo(t *testing.T) {
	answers := strings.Join([]string{
		"3", "1", // find: the whole account
		"1", "undo-me", "", "", "", "1", "0", "", "n", "n", "y", // create a role
		"6", "1", "y", // undo it
	}, "\n") + "\n"
	out, acct, err := accessibleRun(t, answers)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	for _, want := range []string{"user alice", "domain default", "Plan for undo", "Done.",
		// The undo's own steps say how they would be undone in turn.
		"undo: aws iam attach-role-policy --role-name undo-me --policy-arn arn:aws:iam::aws:policy/AmazonSageMakerFullAccess"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if _, err := acct.GetRole(context.Background(), "undo-me"); !awsops.IsNotFound(err) {
		t.Errorf("undo-me still exists: %v\n%s", err, out)
	}
}

// change in accessible mode: the pickers say each identity's role, a
// private space says whose role it really is before the role is asked,
// and no choice opens a flow inside the flow (it cannot, line by line).
// (after the role: leave the running app running; its activity is old by the wall clock)
func TestAccessibleChangeSpace(t *testing.T) {
	out, acct, err := accessibleRun(t, strings.Join([]string{"4", "2", "2", "1", "4", "1", "y"}, "\n")+"\n")
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	for _, want := range []string{
		"1. alice-lab · private → alice's role: service-role/AmazonSageMaker-ExecutionRole-Research",
		"Space alice-lab is private: it runs as its owner alice's role, so this changes user alice's role",
		"New execution role for user alice (owner of private space alice-lab)",
		"service-role/AmazonSageMaker-ExecutionRole-Research  ← current",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "create a new role") || strings.Contains(out, "\x1b[") {
		t.Errorf("a nested flow is offered, or escape codes are written:\n%q", out)
	}
	u, err := acct.DescribeUserProfile(context.Background(), "d-research1", "alice")
	if err != nil || u.ExecutionRole != "arn:aws:iam::111122223333:role/sagemaker/DataScientistRestricted" {
		t.Errorf("alice = %+v, %v", u, err)
	}
}
