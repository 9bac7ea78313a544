package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// Without a terminal the wizard cannot run: a usage error, exit 2, one
// sentence that says what to do instead.
func TestWizardNeedsTerminal(t *testing.T) {
	isolate(t)
	t.Setenv("TERM", "xterm-256color") // TERM=dumb gets the plain prompts instead
	code, out, errOut := runCLI(t, "--sandbox")
	if code != exitBadUsage || out != "" {
		t.Fatalf("exit %d, stdout %q", code, out)
	}
	want := "sagerole: the wizard needs a terminal: use a subcommand (sagerole --help), or --accessible to answer prompts line by line\n"
	if errOut != want {
		t.Errorf("stderr = %q, want %q", errOut, want)
	}
}

// --accessible runs the same flows line by line from stdin, through the
// command line's backend, journal and dry run.
func TestWizardAccessibleCLI(t *testing.T) {
	dir := isolate(t)
	state := filepath.Join(dir, "account.json")
	answers := "1\ncli-role\n\n\n\n1\n0\n\n\n\ny\n"
	var out, errb bytes.Buffer
	code := run(context.Background(), []string{"--sandbox-state", state, "--accessible"}, strings.NewReader(answers), &out, &errb)
	if code != exitOK {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out.String(), errb.String())
	}
	if !strings.Contains(out.String(), "role ARN: arn:aws:iam::111122223333:role/cli-role") {
		t.Errorf("stdout:\n%s", out.String())
	}
	code, got, _ := runCLI(t, "--sandbox-state", state, "find", "--role", "cli-role")
	if code != exitOK || !strings.Contains(got, "role/cli-role · exists") {
		t.Errorf("find --role cli-role: exit %d\n%s", code, got)
	}
	code, got, _ = runCLI(t, "journal")
	if code != exitOK || !strings.Contains(got, "create-role cli-role") {
		t.Errorf("the run is not journaled: exit %d\n%s", code, got)
	}

	// In a dry run the plan is shown and nothing is sent.
	out.Reset()
	code = run(context.Background(), []string{"--sandbox-state", state, "--dry-run", "--accessible"},
		strings.NewReader("1\ndry-role\n\n\n\n1\n0\n\n\n\n"), &out, &errb)
	if code != exitOK || !strings.Contains(out.String(), "dry run: nothing was sent") {
		t.Fatalf("exit %d\n%s", code, out.String())
	}
	if code, _, _ := runCLI(t, "--sandbox-state", state, "find", "--role", "dry-role"); code == exitOK {
		if _, got, _ := runCLI(t, "--sandbox-state", state, "find", "--role", "dry-role"); strings.Contains(got, "· exists") {
			t.Errorf("a dry run created dry-role:\n%s", got)
		}
	}
}

// TERM=dumb cannot take the full-screen program (alternate screen, cursor
// addressing, the background query): it gets the line-by-line prompts, as
// huh gives them, without --accessible.
func TestWizardDumbTerminalIsAccessible(t *testing.T) {
	isolate(t)
	t.Setenv("TERM", "dumb")
	var out, errb bytes.Buffer
	code := run(context.Background(), []string{"--sandbox"}, strings.NewReader("8\n"), &out, &errb)
	if code != exitOK {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out.String(), errb.String())
	}
	if !strings.Contains(out.String(), "Enter a number between 1 and 8") || strings.Contains(out.String(), "\x1b[") {
		t.Errorf("not the plain prompts:\n%q", out.String())
	}
}

// The header says where the credentials really come from, in the SDK's
// order, and the endpoint.
func TestCredentialsShown(t *testing.T) {
	tests := []struct {
		name     string
		g        globals
		env      map[string]string
		want     string
		endpoint string
	}{
		{"sandbox", globals{sandbox: true}, map[string]string{"AWS_ACCESS_KEY_ID": "AKIA", "AWS_SECRET_ACCESS_KEY": "s"}, "", ""},
		{"--profile wins over the environment's keys", globals{profile: "prod"}, map[string]string{"AWS_ACCESS_KEY_ID": "AKIA", "AWS_SECRET_ACCESS_KEY": "s"}, "profile prod", ""},
		{"the environment's keys win over AWS_PROFILE", globals{}, map[string]string{"AWS_ACCESS_KEY_ID": "AKIA", "AWS_SECRET_ACCESS_KEY": "s", "AWS_PROFILE": "dev"}, "environment credentials", ""},
		{"AWS_PROFILE", globals{}, map[string]string{"AWS_PROFILE": "dev"}, "profile dev", ""},
		{"nothing set", globals{}, nil, "profile default", ""},
		{"an endpoint", globals{endpointURL: "http://127.0.0.1:5000"}, nil, "profile default", "http://127.0.0.1:5000"},
		{"AWS_ENDPOINT_URL", globals{}, map[string]string{"AWS_ENDPOINT_URL": "http://127.0.0.1:6000"}, "profile default", "http://127.0.0.1:6000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, k := range []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_PROFILE", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ENDPOINT_URL"} {
				t.Setenv(k, tt.env[k])
			}
			a := &app{g: tt.g}
			if got := a.credentialsShown(); got != tt.want {
				t.Errorf("credentials = %q, want %q", got, tt.want)
			}
			if got := a.endpointShown(); got != tt.endpoint {
				t.Errorf("endpoint = %q, want %q", got, tt.endpoint)
			}
		})
	}
}
