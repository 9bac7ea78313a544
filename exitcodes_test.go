//go:build linux

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestExitCodes runs the built binary through the whole exit-status
// contract (sagerole help exit-codes): 0 done, 1 an AWS operation failed,
// 2 bad input or usage (a bad value, an unknown command, a stray argument,
// a plan without --yes), 3 an incomplete answer, 130 interrupted — by
// SIGINT during a slow call, and by ctrl+c at the [y/N] question in a
// terminal. Each case also checks what stderr says.
func TestExitCodes(t *testing.T) {
	isolate(t)
	state := filepath.Join(t.TempDir(), "acct.json")
	if code, _, errOut := runCLI(t, "--sandbox-state", state, "find", "--whoami"); code != exitOK {
		t.Fatalf("seeding the state file: %s", errOut)
	}
	plain := func(env []string, args ...string) func(t *testing.T) (int, string) {
		return func(t *testing.T) (int, string) {
			p := start(t, cliEnv(env...), args...)
			code := p.exit(t)
			return code, p.stderr.String()
		}
	}
	cases := []struct {
		name string
		run  func(t *testing.T) (int, string)
		code int
		says []string
	}{
		{"done", plain(nil, "--sandbox", "find", "--whoami"), exitOK, nil},
		{"an AWS operation failed", plain([]string{sandboxFaultsEnv + "=sts:GetCallerIdentity=AccessDenied"}, "--sandbox", "find", "--whoami"),
			exitFailed, []string{"sts:GetCallerIdentity: AccessDenied", "nothing was changed"}},
		{"bad input", plain(nil, "--sandbox", "create-role", "bad name!"), exitBadUsage, []string{"role name"}},
		{"unknown command", plain(nil, "creat-role", "x"), exitBadUsage, []string{`unknown command "creat-role" for "sagerole": did you mean create-role?`}},
		{"unknown command before a flag", plain(nil, "fnd", "--whoami"), exitBadUsage, []string{"did you mean find"}},
		{"unknown subcommand of policy's", plain(nil, "policy", "lnt"), exitBadUsage, []string{"policy"}},
		{"stray argument", plain(nil, "--sandbox", "find", "extra-arg"), exitBadUsage, []string{`sagerole find takes no arguments, but was given "extra-arg"`}},
		{"stray second argument", plain(nil, "--sandbox", "undo", "a", "b"), exitBadUsage, []string{"sagerole undo: accepts at most 1 arg"}},
		{"unknown flag", plain(nil, "find", "--bogus"), exitBadUsage, []string{"unknown flag: --bogus"}},
		{"unknown help topic", plain(nil, "help", "environmnt"), exitBadUsage, []string{"no command or help topic"}},
		{"a plan without --yes and no terminal", plain(nil, "--sandbox", "create-role", "x"), exitBadUsage, []string{"pass --yes"}},
		{"a plan with --output json and no --yes", plain(nil, "--sandbox", "--output", "json", "create-role", "x"), exitBadUsage, []string{"--output json needs --yes"}},
		{"a bad environment default", plain([]string{"SAGEROLE_OUTPUT=yaml"}, "--sandbox", "find", "--whoami"), exitBadUsage, []string{`SAGEROLE_OUTPUT="yaml" must be text or json`}},
		{"an incomplete inventory", plain([]string{sandboxFaultsEnv + "=sagemaker:DescribeUserProfile=AccessDeniedException"}, "--sandbox", "find"),
			exitIncomplete, []string{"sagerole: warning: user profile alice in domain d-research1 could not be read", "the answer is incomplete"}},
		{"an incomplete reverse lookup", plain([]string{sandboxFaultsEnv + "=sagemaker:DescribeUserProfile=AccessDeniedException*2"}, "--sandbox", "find", "--role", "AmazonSageMaker-ExecutionRole-Research"),
			exitIncomplete, []string{"could not be read", "the answer is incomplete"}},
		{"SIGINT during a slow read", func(t *testing.T) (int, string) {
			// --debug's first line comes after the handler is installed and
			// before the first (3 s) call: a fixed sleep raced the process's
			// start on a loaded machine, and SIGINT killed it before main.
			p := start(t, cliEnv(sandboxLatencyEnv+"=3s"), "--sandbox", "--debug", "find")
			waitFor(t, 60*time.Second, "the first call", func() bool {
				return strings.Contains(p.stderr.String(), "the sandbox answers every call")
			})
			if err := p.cmd.Process.Signal(os.Interrupt); err != nil {
				t.Fatal(err)
			}
			code := p.exit(t)
			return code, p.stderr.String()
		}, exitInterrupt, []string{"sagerole: interrupted: nothing was changed"}},
		{"SIGINT during a write of a plan", func(t *testing.T) (int, string) {
			p := start(t, cliEnv(sandboxLatencyEnv+"=1s"), "--sandbox-state", state, "--yes", "create-role", "slow-role", "--bucket", "team-raw-data")
			waitFor(t, 60*time.Second, "a write in flight", func() bool { return journalSending(os.Getenv("XDG_STATE_HOME")) })
			if err := p.cmd.Process.Signal(os.Interrupt); err != nil {
				t.Fatal(err)
			}
			code := p.exit(t)
			return code, p.stderr.String()
		}, exitInterrupt, []string{"step 1 of 3 (iam:CreateRole slow-role)", "not run: 2 iam:AttachRolePolicy slow-role; 3 iam:PutRolePolicy slow-role", "interrupted"}},
		{"ctrl+c at the question in a terminal", func(t *testing.T) (int, string) {
			p, ptmx, screen := inPTY(t, cliEnv("TERM=xterm-256color"), nil, "--sandbox-state", state, "create-role", "never-role")
			waitFor(t, 20*time.Second, "the question", func() bool { return strings.Contains(screen.String(), "[y/N]") })
			_, _ = ptmx.Write([]byte{3}) // the terminal turns ctrl+c into SIGINT
			code := p.exit(t)
			waitFor(t, 5*time.Second, "the last words", func() bool { return strings.Contains(screen.String(), "nothing was changed") })
			return code, screen.String()
		}, exitInterrupt, []string{"interrupted at the prompt: nothing was changed"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, errOut := c.run(t)
			if code != c.code {
				t.Errorf("exit %d, want %d\n%s", code, c.code, errOut)
			}
			for _, s := range c.says {
				if !strings.Contains(errOut, s) {
					t.Errorf("stderr lacks %q:\n%s", s, errOut)
				}
			}
		})
	}
	// Neither interrupted plan left a role behind.
	for _, role := range []string{"slow-role", "never-role"} {
		if _, out, _ := runCLI(t, "--sandbox-state", state, "find", "--role", role); strings.Contains(out, "· exists") {
			t.Errorf("the interrupted plan created %s:\n%s", role, out)
		}
	}
}
