package main

import (
	"encoding/json"
	"strings"
	"testing"
)

func decodeJSON(t *testing.T, out string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(out), &m); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, out)
	}
	return m
}

func TestFindTreeOnSandbox(t *testing.T) {
	isolate(t)
	code, out, errOut := runCLI(t, "--sandbox", "find")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"Account 111122223333 · us-east-1", "research (d-research1)", "user alice", "domain default",
		"space team-notebooks (shared)", "notebook churn-prediction", "⚠ role does not exist", "Warnings:"} {
		if !strings.Contains(out, want) {
			t.Errorf("tree lacks %q:\n%s", want, out)
		}
	}

	code, out, errOut = runCLI(t, "--sandbox", "--output", "json", "find", "--concurrency", "3")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	got := decodeJSON(t, out)
	for _, k := range []string{"account", "region", "domains", "notebooks", "warnings"} {
		if _, ok := got[k]; !ok {
			t.Errorf("JSON lacks %q", k)
		}
	}
	domains := got["domains"].([]any)
	d := domains[1].(map[string]any)
	for _, k := range []string{"id", "name", "status", "defaultUserRole", "defaultSpaceRole", "users", "spaces"} {
		if _, ok := d[k]; !ok {
			t.Errorf("domain JSON lacks %q: %v", k, d)
		}
	}
	u := d["users"].([]any)[0].(map[string]any)
	if u["name"] != "alice" || u["source"] != "domain-default" || !strings.HasPrefix(u["role"].(string), "arn:aws:iam::111122223333:role/service-role/") {
		t.Errorf("first user = %v", u)
	}
	s := d["spaces"].([]any)[0].(map[string]any)
	for _, k := range []string{"name", "sharing", "owner", "role", "source", "apps"} {
		if _, ok := s[k]; !ok {
			t.Errorf("space JSON lacks %q: %v", k, s)
		}
	}
}

func TestFindSelectors(t *testing.T) {
	isolate(t)
	cases := []struct {
		args []string
		text []string // in the text output
		keys []string // top-level JSON keys
	}{
		{[]string{"--domain", "d-research1"},
			[]string{"default user role", "arn:aws:iam::111122223333:role/service-role/AmazonSageMaker-ExecutionRole-Research", "arn:aws:iam::111122223333:role/SageMakerSharedSpaceRole"},
			[]string{"account", "region", "domain", "warnings"}},
		{[]string{"--domain", "d-research1", "--user", "alice"},
			[]string{"inherited from the domain's default user role", "alice-lab"},
			[]string{"domain", "user", "spaces"}},
		{[]string{"--domain", "d-research1", "--user", "bob"},
			[]string{"its own", "Canvas/default · InService", "sagemaker/DataScientistRestricted"},
			[]string{"user"}},
		{[]string{"--domain", "d-research1", "--space", "alice-lab"},
			[]string{"private space runs as its owner's role: alice's"},
			[]string{"space", "owner"}},
		{[]string{"--domain", "d-mlplatform", "--space", "platform-shared"},
			[]string{"(unresolved)", "has none (not guessed)", "Warnings:"},
			[]string{"space"}},
		{[]string{"--role", "arn:aws:iam::111122223333:role/SageMakerSharedSpaceRole"},
			[]string{"domain default space role", "forecasting-demo", "team-notebooks", "JupyterLab/default"},
			[]string{"role", "usedBy"}},
		{[]string{"--role", "LambdaBasic", "--domain", "d-mlplatform"},
			[]string{"⚠ role does not trust sagemaker.amazonaws.com", "dave"},
			[]string{"role", "usedBy"}},
	}
	for _, c := range cases {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			code, out, errOut := runCLI(t, append([]string{"--sandbox", "find"}, c.args...)...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			for _, want := range c.text {
				if !strings.Contains(out, want) {
					t.Errorf("output lacks %q:\n%s", want, out)
				}
			}
			code, out, errOut = runCLI(t, append([]string{"--sandbox", "--output", "json", "find"}, c.args...)...)
			if code != 0 {
				t.Fatalf("json: exit %d: %s", code, errOut)
			}
			got := decodeJSON(t, out)
			for _, k := range c.keys {
				if _, ok := got[k]; !ok {
					t.Errorf("JSON lacks %q:\n%s", k, out)
				}
			}
		})
	}
}

func TestFindBadInput(t *testing.T) {
	isolate(t)
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"--user", "alice"}, "need --domain ID"},
		{[]string{"--domain", "d-research1", "--user", "alice", "--space", "alice-lab"}, "--user or --space, not both"},
		{[]string{"--whoami", "--domain", "d-research1"}, "takes no other selector"},
		{[]string{"--role", "X", "--domain", "d-research1", "--user", "alice"}, "not --user or --space"},
		{[]string{"--concurrency", "0"}, "--concurrency must be between 1 and 64"},
		{[]string{"--concurrency", "65"}, "--concurrency must be between 1 and 64, not 65"},
		{[]string{"--domain", "research"}, "is not of the form d-"},
		{[]string{"--domain", "d-nosuchdomain"}, "domain d-nosuchdomain does not exist in region us-east-1"},
		{[]string{"--role", "LambdaBasic", "--domain", "d-nosuchdomain"}, "domain d-nosuchdomain does not exist in region us-east-1"},
		{[]string{"--domain", "d-research1", "--user", "zoe"}, "user profile zoe does not exist in domain d-research1"},
		{[]string{"--domain", "d-research1", "--space", "nope"}, "space nope does not exist in domain d-research1"},
		{[]string{"--role", "arn:aws:iam::1234:role/X"}, "is not of the form arn:aws:iam::123456789012:role/PATH/NAME"},
		{[]string{"--role", "bad role name"}, "role name"},
	}
	for _, c := range cases {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			code, out, errOut := runCLI(t, append([]string{"--sandbox", "find"}, c.args...)...)
			if code != exitBadUsage {
				t.Fatalf("exit %d, want %d; stderr %q", code, exitBadUsage, errOut)
			}
			if out != "" || !strings.Contains(errOut, c.want) || strings.Count(strings.TrimSpace(errOut), "\n") > 0 {
				t.Errorf("stdout %q, stderr %q; want one line mentioning %q", out, errOut, c.want)
			}
		})
	}
}

// TestConcurrencyIsGlobal: --concurrency is one setting for every command,
// given before or after the command's name.
func TestConcurrencyIsGlobal(t *testing.T) {
	isolate(t)
	if code, _, errOut := runCLI(t, "--sandbox", "--concurrency", "2", "find", "--domain", "d-research1", "--user", "alice"); code != exitOK {
		t.Errorf("find with a global --concurrency: exit %d, %s", code, errOut)
	}
	code, out, errOut := runCLI(t, "--sandbox", "change", "--concurrency", "99", "--domain", "d-research1", "--user", "alice", "--role", "DataScientistRestricted")
	if code != exitBadUsage || out != "" || !strings.Contains(errOut, "--concurrency must be between 1 and 64, not 99") {
		t.Errorf("change --concurrency 99: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
}
