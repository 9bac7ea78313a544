package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// isolate keeps the SDK away from the metadata address, real profiles and
// the user's journal.
func isolate(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, f := range []string{"config", "credentials"} {
		if err := os.WriteFile(filepath.Join(dir, f), nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "credentials"))
	t.Setenv("XDG_STATE_HOME", filepath.Join(dir, "state"))
	for _, k := range []string{"AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
		"AWS_SESSION_TOKEN", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL", "NO_COLOR"} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
	return dir
}

func runCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), args, strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

func TestWhoAmIOnSandbox(t *testing.T) {
	isolate(t)
	code, out, errOut := runCLI(t, "--sandbox", "find", "--whoami")
	if code != 0 {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	for _, want := range []string{"Account", "111122223333", "assumed-role/", "Role", "SANDBOX"} {
		if !strings.Contains(out, want) {
			t.Errorf("text output lacks %q:\n%s", want, out)
		}
	}

	code, out, errOut = runCLI(t, "--sandbox", "--output", "json", "find", "--whoami")
	if code != 0 {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	var got map[string]any
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("json output does not parse: %v\n%s", err, out)
	}
	for _, k := range []string{"account", "arn", "userId", "roleName", "region", "mode"} {
		if _, ok := got[k]; !ok {
			t.Errorf("json output lacks key %q: %s", k, out)
		}
	}
	if got["account"] != "111122223333" || got["mode"] != "SANDBOX" {
		t.Errorf("json output = %s", out)
	}
}

func TestBadInputIsOneSentenceExit2(t *testing.T) {
	dir := isolate(t)
	unreadable := filepath.Join(dir, "state.json")
	if err := os.WriteFile(unreadable, []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want string
	}{
		{"invalid output", []string{"--sandbox", "--output", "yaml", "find", "--whoami"}, nil, "--output must be text or json"},
		{"unknown flag", []string{"--sandbox", "--frobnicate", "find"}, nil, "unknown flag"},
		{"unreadable sandbox state", []string{"--sandbox-state", unreadable, "find", "--whoami"}, nil, "sandbox state file"},
		{"sandbox with profile", []string{"--sandbox", "--profile", "x", "find", "--whoami"}, nil, "--sandbox cannot be combined"},
		{"no credentials", []string{"--region", "us-east-1", "find", "--whoami"}, nil, "--sandbox"},
		{"no region", []string{"find", "--whoami"},
			map[string]string{"AWS_ACCESS_KEY_ID": "AKIAEXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret"}, "region"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			code, out, errOut := runCLI(t, tt.args...)
			if code != exitBadUsage {
				t.Fatalf("exit %d, want %d; stderr %q", code, exitBadUsage, errOut)
			}
			if out != "" {
				t.Errorf("stdout should be empty on bad input, got %q", out)
			}
			if !strings.Contains(errOut, tt.want) {
				t.Errorf("stderr %q does not mention %q", errOut, tt.want)
			}
			if n := strings.Count(strings.TrimSpace(errOut), "\n"); n > 0 {
				t.Errorf("want one line on stderr, got %d:\n%s", n+1, errOut)
			}
		})
	}
}

func TestVersion(t *testing.T) {
	isolate(t)
	code, out, _ := runCLI(t, "version")
	if code != 0 || !strings.HasPrefix(out, "sagerole dev") {
		t.Fatalf("exit %d, output %q", code, out)
	}
}

// The same slice through the aws backend, against moto (account 123456789012).
func TestWhoAmIOnMoto(t *testing.T) {
	isolate(t)
	g := motoArgs(t)
	code, out, errOut := runCLI(t, append(g, "--output", "json", "find", "--whoami")...)
	if code != 0 {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	var got map[string]any
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("json: %v\n%s", err, out)
	}
	if got["account"] != "123456789012" || got["mode"] != "LIVE" || got["region"] != "us-east-1" {
		t.Errorf("whoami on moto = %s", out)
	}
}
