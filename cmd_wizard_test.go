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
