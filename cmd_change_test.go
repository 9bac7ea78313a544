package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// runCLIQuick runs the command line with polls and retries that do not
// sleep, counting the waits they asked for.
func runCLIQuick(t *testing.T, args ...string) (code int, stdout, stderr string, slept time.Duration) {
	t.Helper()
	var out, errb bytes.Buffer
	ctx := context.WithValue(context.Background(), sleepKey{}, func(_ context.Context, d time.Duration) error {
		slept += d
		return nil
	})
	code = run(ctx, args, strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String(), slept
}

func TestChangeUserRunsAndUndoes(t *testing.T) {
	dir := isolate(t)
	state := filepath.Join(dir, "account.json")
	sb := []string{"--sandbox-state", state}

	code, out, errOut, _ := runCLIQuick(t, append(sb, "--yes", "change", "--domain", "d-research1", "--user", "alice", "--role", "DataScientistRestricted")...)
	if code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	for _, want := range []string{
		"Change user profile alice in domain research (d-research1)",
		"(inherited from the domain default)",
		"✓ its trust policy lets sagemaker.amazonaws.com call sts:AssumeRole",
		"space alice-lab", "JupyterLab/default  space alice-lab  InService  ml.t3.medium",
		"Ran change --domain d-research1 --user alice --role DataScientistRestricted (journal entry ",
		"no known way to make a profile inherit again",
		"user profile alice in domain research (d-research1) is InService; its role is now arn:aws:iam::111122223333:role/sagemaker/DataScientistRestricted",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}

	code, out, _, _ = runCLIQuick(t, append(sb, "find", "--domain", "d-research1", "--user", "alice")...)
	if code != 0 || !strings.Contains(out, "sagemaker/DataScientistRestricted") || !strings.Contains(out, "its own") {
		t.Fatalf("find after the change (exit %d):\n%s", code, out)
	}

	code, out, errOut, _ = runCLIQuick(t, append(sb, "--yes", "undo")...)
	if code != 0 {
		t.Fatalf("undo: exit %d\n%s\n%s", code, out, errOut)
	}
	code, out, _, _ = runCLIQuick(t, append(sb, "--output", "json", "find", "--domain", "d-research1", "--user", "alice")...)
	var got struct {
		User struct{ Role, Source string }
	}
	if err := json.Unmarshal([]byte(out), &got); code != 0 || err != nil {
		t.Fatalf("find: exit %d, %v\n%s", code, err, out)
	}
	// Undo is honest: alice gets her previous role back, set explicitly.
	if got.User.Role != "arn:aws:iam::111122223333:role/service-role/AmazonSageMaker-ExecutionRole-Research" || got.User.Source != "own" {
		t.Errorf("after undo alice = %+v", got.User)
	}
}

func TestChangeNotebookRestart(t *testing.T) {
	dir := isolate(t)
	state := filepath.Join(dir, "account.json")
	code, out, errOut, slept := runCLIQuick(t, "--sandbox-state", state, "--yes", "change", "--notebook", "churn-prediction", "--restart",
		"--role", "arn:aws:iam::111122223333:role/service-role/AmazonSageMaker-ExecutionRole-Research")
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	if slept == 0 || !strings.Contains(errOut, "notebook instance churn-prediction is Stopping: waiting") {
		t.Errorf("did not wait for the instance to stop (slept %s):\n%s", slept, errOut)
	}
	for _, want := range []string{"1. sagemaker:StopNotebookInstance churn-prediction  ✓ done", "2. sagemaker:UpdateNotebookInstance churn-prediction  ✓ done",
		"3. sagemaker:StartNotebookInstance churn-prediction  ✓ done", "notebook instance churn-prediction is InService; its role is now"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestChangeWithoutTerminalOnlyPreviews(t *testing.T) {
	dir := isolate(t)
	state := filepath.Join(dir, "account.json")
	code, out, errOut, _ := runCLIQuick(t, "--sandbox-state", state, "change", "--domain", "d-research1", "--space", "team-notebooks", "--role", "DataScientistRestricted")
	if code != exitBadUsage {
		t.Fatalf("exit %d, want %d", code, exitBadUsage)
	}
	if out != "" {
		t.Errorf("stdout = %q, want nothing", out)
	}
	// The resolution comes before anything else.
	if !strings.HasPrefix(errOut, "space team-notebooks is shared: a shared space runs as the domain's default space role") {
		t.Errorf("stderr does not start with the resolution:\n%s", errOut)
	}
	for _, want := range []string{"space forecasting-demo", "Running apps of the identities that move", "left running: keeps the old role until restarted", "aws sagemaker update-domain --domain-id d-research1 --default-space-settings",
		"nothing was changed: pass --yes"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
	code, out, _, _ = runCLIQuick(t, "--sandbox-state", state, "find", "--domain", "d-research1")
	if code != 0 || !strings.Contains(out, "role/SageMakerSharedSpaceRole") {
		t.Errorf("the account changed:\n%s", out)
	}
}

func TestChangeDryRunJSON(t *testing.T) {
	isolate(t)
	code, out, errOut, _ := runCLIQuick(t, "--sandbox", "--dry-run", "--output", "json", "change", "--domain", "d-mlplatform", "--user", "grace",
		"--role", "AmazonSageMaker-ExecutionRole-Research")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var v struct {
		DryRun bool
		Steps  []struct{ API, CLI, Undo string }
		Notes  []string
		Warns  []string `json:"warnings"`
	}
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if !v.DryRun || len(v.Steps) != 1 || v.Steps[0].API != "sagemaker:UpdateUserProfile" ||
		v.Steps[0].CLI != `aws sagemaker update-user-profile --domain-id d-mlplatform --user-profile-name grace --user-settings '{"ExecutionRole":"arn:aws:iam::111122223333:role/service-role/AmazonSageMaker-ExecutionRole-Research"}'` {
		t.Errorf("plan = %+v", v)
	}
	if !strings.Contains(strings.Join(v.Warns, "\n"), "CloudFormation stack mlops-pipeline") || !strings.Contains(strings.Join(v.Notes, "\n"), "moves: space grace-sandbox") {
		t.Errorf("notes %q, warnings %q", v.Notes, v.Warns)
	}
}

func TestChangeBadInput(t *testing.T) {
	dir := isolate(t)
	state := filepath.Join(dir, "account.json")
	// Seed the state file, then check that no bad input changes it.
	if code, _, errOut, _ := runCLIQuick(t, "--sandbox-state", state, "find", "--whoami"); code != 0 {
		t.Fatal(errOut)
	}
	before, err := os.ReadFile(state)
	if err != nil {
		t.Fatal(err)
	}
	role := []string{"--role", "DataScientistRestricted"}
	cases := []struct {
		args []string
		want string
	}{
		{role, "change needs one target"},
		{append([]string{"--domain", "d-research1", "--user", "alice", "--space", "alice-lab"}, role...), "one target at a time, not --user and --space"},
		{append([]string{"--domain", "d-research1", "--default-user", "--default-space"}, role...), "one target at a time"},
		{append([]string{"--user", "alice"}, role...), "--user needs --domain ID"},
		{append([]string{"--domain", "d-research1", "--notebook", "churn-prediction"}, role...), "--notebook takes no --domain"},
		{append([]string{"--domain", "d-research1", "--user", "alice", "--restart"}, role...), "--restart is for --notebook"},
		{[]string{"--domain", "d-research1", "--user", "alice"}, "change needs --role ROLE"},
		{append([]string{"--domain", "d-nosuchdomain", "--default-user"}, role...), "domain d-nosuchdomain does not exist in region us-east-1"},
		{append([]string{"--domain", "d-research1", "--user", "zoe"}, role...), "user profile zoe does not exist in domain d-research1"},
		{append([]string{"--domain", "d-research1", "--space", "nope"}, role...), "space nope does not exist in domain d-research1"},
		{append([]string{"--notebook", "nope"}, role...), "notebook instance nope does not exist"},
		{append([]string{"--notebook", "churn-prediction"}, role...), "pass --restart"},
		{[]string{"--domain", "d-research1", "--user", "alice", "--role", "arn:aws:iam::111122223333:user/alice"}, "is not of the form arn:aws:iam::123456789012:role/PATH/NAME"},
		{[]string{"--domain", "d-research1", "--user", "alice", "--role", "arn:aws:iam::111122223333:role/DataScientistRestricted"}, "the role named DataScientistRestricted is arn:aws:iam::111122223333:role/sagemaker/DataScientistRestricted"},
		{[]string{"--domain", "d-research1", "--user", "alice", "--role", "NoSuchRole"}, "create it with: sagerole create-role NoSuchRole"},
		{[]string{"--domain", "d-research1", "--user", "alice", "--role", "LambdaBasic"}, "sagerole modify LambdaBasic --fix-trust"},
	}
	for _, c := range cases {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			code, out, errOut, _ := runCLIQuick(t, append([]string{"--sandbox-state", state, "--yes", "change"}, c.args...)...)
			if code != exitBadUsage {
				t.Fatalf("exit %d, want %d; stderr %q", code, exitBadUsage, errOut)
			}
			if out != "" || !strings.Contains(errOut, c.want) || strings.Count(strings.TrimSpace(errOut), "\n") > 0 {
				t.Errorf("stdout %q, stderr %q; want one line mentioning %q", out, errOut, c.want)
			}
		})
	}
	after, err := os.ReadFile(state)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(before, after) {
		t.Error("bad input changed the account")
	}
}
