//go:build linux

package main

import (
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"
)

// inPTY starts the binary with stdin and stderr on a new pseudo-terminal —
// the session's controlling terminal, the process in its foreground — so
// that ctrl+c typed into it is a SIGINT, as in a shell. stdout goes to the
// terminal too, or to out (a pipe, as in `sagerole … | jq`) when given.
func inPTY(t *testing.T, env []string, out io.Writer, args ...string) (*proc, *os.File, *syncBuffer) {
	t.Helper()
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Fatalf("openpty: %v", err)
	}
	t.Cleanup(func() { ptmx.Close() })
	if err := pty.Setsize(ptmx, &pty.Winsize{Rows: 30, Cols: 100}); err != nil {
		t.Fatal(err)
	}
	p := &proc{cmd: exec.Command(sageroleBinary(t), args...), stdout: &syncBuffer{}, stderr: &syncBuffer{}, done: make(chan struct{})}
	p.cmd.Env = env
	p.cmd.Stdin, p.cmd.Stderr = tty, tty
	p.cmd.Stdout = tty
	if out != nil {
		p.cmd.Stdout = out
	}
	p.cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	tty.Close()
	screen := &syncBuffer{}
	go func() { _, _ = io.Copy(screen, ptmx) }()
	go p.wait()
	t.Cleanup(func() { p.kill() })
	return p, ptmx, screen
}

// pipe is a pipe whose reading end is collected: a process's stdout as a
// script reading it sees it.
func pipe(t *testing.T) (*os.File, *syncBuffer, func()) {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	got := &syncBuffer{}
	copied := make(chan struct{})
	go func() { _, _ = io.Copy(got, r); close(copied) }()
	// done closes the parent's writing end (the child has its own) and
	// waits for everything the child wrote.
	return w, got, func() { w.Close(); <-copied; r.Close() }
}

func ptyEnv(t *testing.T) []string {
	t.Helper()
	isolate(t)
	return cliEnv("TERM=xterm-256color", "NO_COLOR=1")
}

// `sagerole --output json create-role … | jq` typed in a terminal: stdin
// is the terminal, so the command could ask — but the plan and the
// question must not go into the pipe, and with --output json it refuses
// (exit 2) rather than ask at all. Standard output holds JSON or nothing.
func TestJSONWithoutYesInATerminalWritesOnlyJSON(t *testing.T) {
	env := ptyEnv(t)
	state := filepath.Join(t.TempDir(), "acct.json")
	for _, c := range []struct {
		name string
		args []string
		code int
	}{
		{"a plan without --yes is refused", []string{"--sandbox-state", state, "--output", "json", "create-role", "piped-role"}, exitBadUsage},
		{"a dry run is its JSON", []string{"--sandbox-state", state, "--output", "json", "--dry-run", "create-role", "piped-role"}, exitOK},
		{"--yes runs it and says so in JSON", []string{"--sandbox-state", state, "--output", "json", "--yes", "create-role", "yes-role"}, exitOK},
		{"find is its JSON", []string{"--sandbox-state", state, "--output", "json", "find", "--role", "piped-role"}, exitOK},
	} {
		t.Run(c.name, func(t *testing.T) {
			w, stdout, done := pipe(t)
			p, ptmx, screen := inPTY(t, env, w, c.args...)
			// A blind "y" typed ahead, as in the issue: it must not be read
			// as a confirmation.
			_, _ = ptmx.WriteString("y\r")
			code := p.exit(t)
			done()
			out := stdout.String()
			if code != c.code {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nterminal:\n%s", code, c.code, out, screen)
			}
			if strings.TrimSpace(out) != "" && !json.Valid([]byte(out)) {
				t.Errorf("stdout is not JSON alone:\n%s", out)
			}
			if strings.Contains(out, "[y/N]") || strings.Contains(out, "Run this") {
				t.Errorf("the question went to stdout:\n%s", out)
			}
		})
	}
	// The refused plan sent nothing: the role does not exist.
	code, out, _ := runCLI(t, "--sandbox-state", state, "find", "--role", "piped-role")
	if code != exitOK || !strings.Contains(out, "does not exist") && !strings.Contains(out, "no role named") {
		t.Errorf("after the refusal, find --role piped-role: exit %d\n%s", code, out)
	}
}

// In text mode the plan and the question go to the terminal (stderr), the
// outcome to stdout: `sagerole create-role x > log` still asks on screen.
func TestConfirmationOnTheTerminalNotInStdout(t *testing.T) {
	env := ptyEnv(t)
	state := filepath.Join(t.TempDir(), "acct.json")
	for _, answer := range []string{"n", "y"} {
		t.Run(answer, func(t *testing.T) {
			w, stdout, done := pipe(t)
			p, ptmx, screen := inPTY(t, env, w, "--sandbox-state", state, "create-role", "asked-role-"+answer)
			waitFor(t, 20*time.Second, "the question", func() bool { return strings.Contains(screen.String(), "[y/N]") })
			_, _ = ptmx.WriteString(answer + "\r")
			code := p.exit(t)
			done()
			out := stdout.String()
			if code != exitOK {
				t.Fatalf("exit %d\nstdout:\n%s\nterminal:\n%s", code, out, screen)
			}
			if strings.Contains(out, "[y/N]") || strings.Contains(out, "Nothing was changed") {
				t.Errorf("the question or its answer went to stdout:\n%s", out)
			}
			if !strings.Contains(screen.String(), "iam:CreateRole") {
				t.Errorf("the plan was not shown on the terminal:\n%s", screen)
			}
			switch answer {
			case "n":
				// The terminal's side is read as it comes: wait for the last words.
				waitFor(t, 5*time.Second, "Nothing was changed on the terminal", func() bool {
					return strings.Contains(screen.String(), "Nothing was changed.")
				})
				if out != "" {
					t.Errorf("declined: stdout %q", out)
				}
			case "y":
				if !strings.Contains(out, "role/asked-role-y") {
					t.Errorf("the outcome is not on stdout:\n%s", out)
				}
			}
		})
	}
}

// ctrl+c in the wizard (a key: the terminal is raw) and at one of the
// line-by-line prompts (a SIGINT: the terminal is in line mode) is exit
// 130; q on the wizard's menu is 0.
func TestWizardInterruptIs130(t *testing.T) {
	env := ptyEnv(t)
	for _, c := range []struct {
		name  string
		args  []string
		ready string
		key   []byte
		code  int
	}{
		{"ctrl+c in the wizard", []string{"--sandbox"}, "Create an execution role", []byte{3}, exitInterrupt},
		{"q in the wizard", []string{"--sandbox"}, "Create an execution role", []byte("q"), exitOK},
		{"ctrl+c at an accessible prompt", []string{"--sandbox", "--accessible"}, "What do you want to do?", []byte{3}, exitInterrupt},
	} {
		t.Run(c.name, func(t *testing.T) {
			p, ptmx, screen := inPTY(t, env, nil, c.args...)
			waitFor(t, 20*time.Second, "the menu", func() bool { return strings.Contains(screen.String(), c.ready) })
			time.Sleep(200 * time.Millisecond) // the first frame drawn, the input read
			_, _ = ptmx.Write(c.key)
			if code := p.exit(t); code != c.code {
				t.Fatalf("exit %d, want %d\n%s", code, c.code, screen)
			}
		})
	}
}
