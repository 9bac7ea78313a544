package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// The seed's alice-lab app is in use: --restart-apps without --yes is
// refused before anything is sent, naming the app; with --yes the role
// changes and the app restarts; undo restarts it again.
func TestChangeRestartAppsCLI(t *testing.T) {
	dir := isolate(t)
	sb := []string{"--sandbox-state", filepath.Join(dir, "account.json")}
	change := []string{"change", "--domain", "d-research1", "--user", "alice", "--role", "DataScientistRestricted", "--restart-apps"}

	code, out, errOut, _ := runCLIQuick(t, append(sb, change...)...)
	if code != exitBadUsage || !strings.Contains(errOut, "JupyterLab/default in space alice-lab (used 1m ago)") || !strings.Contains(errOut, "pass --yes") {
		t.Fatalf("without --yes: exit %d\n%s\n%s", code, out, errOut)
	}
	code, out, _, _ = runCLIQuick(t, append(sb, "--output", "json", "find", "--domain", "d-research1", "--user", "alice")...)
	if code != 0 || !strings.Contains(out, "AmazonSageMaker-ExecutionRole-Research") {
		t.Fatalf("the refused change changed the account:\n%s", out)
	}

	code, out, errOut, _ = runCLIQuick(t, append(append(sb, "--yes"), change...)...)
	if code != 0 {
		t.Fatalf("with --yes: exit %d\n%s\n%s", code, out, errOut)
	}
	for _, want := range []string{
		"! JupyterLab/default  space alice-lab  InService  ml.t3.medium  used 1m ago  restarted after the change",
		"2. sagemaker:DeleteApp d-research1/alice-lab/JupyterLab/default  ✓ done",
		"3. sagemaker:CreateApp d-research1/alice-lab/JupyterLab/default  ✓ done",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if !strings.Contains(errOut, "is Deleting: waiting") || !strings.Contains(errOut, "is Pending: waiting") {
		t.Errorf("the run did not say it waited for the app:\n%s", errOut)
	}
	code, out, errOut, _ = runCLIQuick(t, append(sb, "--yes", "undo")...)
	if code != 0 || !strings.Contains(out, "sagemaker:CreateApp d-research1/alice-lab/JupyterLab/default  ✓ done") {
		t.Fatalf("undo: exit %d\n%s\n%s", code, out, errOut)
	}
}

// A dry run shows every step, active apps included, and sends nothing.
func TestChangeRestartAppsDryRunJSON(t *testing.T) {
	isolate(t)
	code, out, errOut, _ := runCLIQuick(t, "--sandbox", "--dry-run", "--output", "json", "change", "--domain", "d-research1", "--default-user",
		"--role", "DataScientistRestricted", "--stop-apps")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	var plan struct {
		DryRun bool `json:"dryRun"`
		Steps  []struct{ API, Target, CLI string }
		Notes  []string
		Impact struct {
			Stays []struct{ Kind, Name, Why string }
			Apps  []struct {
				Space, Type, Name, Status, InstanceType, LastUserActivity, Action string
				RecentActivity                                                    bool
			}
		}
	}
	if err := json.Unmarshal([]byte(out), &plan); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	var apis []string
	for _, s := range plan.Steps {
		apis = append(apis, s.API+" "+s.Target)
	}
	want := []string{"sagemaker:UpdateDomain d-research1", "sagemaker:DeleteApp d-research1/alice-lab/JupyterLab/default"}
	if !plan.DryRun || strings.Join(apis, "\n") != strings.Join(want, "\n") {
		t.Errorf("dry run steps\n%s\nwant\n%s", strings.Join(apis, "\n"), strings.Join(want, "\n"))
	}
	if apps := plan.Impact.Apps; len(apps) != 1 || apps[0].Space != "alice-lab" || apps[0].InstanceType != "ml.t3.medium" ||
		!apps[0].RecentActivity || apps[0].LastUserActivity == "" || apps[0].Action != "stop" {
		t.Errorf("impact.apps = %+v", apps)
	}
	if len(plan.Impact.Stays) == 0 {
		t.Errorf("impact.stays is empty")
	}
	if !strings.Contains(strings.Join(plan.Notes, "\n"), "does not move: user bob: sagemaker/DataScientistRestricted (has a role of its own)") {
		t.Errorf("notes lack who does not move: %q", plan.Notes)
	}
}

func TestChangeAppsFlagsBadInput(t *testing.T) {
	isolate(t)
	base := []string{"--sandbox", "--dry-run", "change", "--role", "DataScientistRestricted"}
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--domain", "d-research1", "--user", "alice", "--restart-apps", "--stop-apps"}, "--restart-apps and --stop-apps exclude each other"},
		{[]string{"--notebook", "churn-prediction", "--restart", "--restart-apps"}, "a notebook instance has no Studio apps"},
		{[]string{"--domain", "d-research1", "--user", "alice", "--restart-apps", "--active-within", ""}, "--active-within is empty"},
		{[]string{"--domain", "d-research1", "--user", "alice", "--restart-apps", "--active-within", "soon"}, "active-within"},
		{[]string{"--domain", "d-research1", "--user", "alice", "--restart-apps", "--active-within", "-5m"}, "--active-within must be a duration of 0 or more"},
	}
	for _, tt := range tests {
		code, out, errOut, _ := runCLIQuick(t, append(base, tt.args...)...)
		if code != exitBadUsage || !strings.Contains(errOut, tt.want) || out != "" {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want exit %d and %q", tt.args, code, out, errOut, exitBadUsage, tt.want)
		}
	}
}
