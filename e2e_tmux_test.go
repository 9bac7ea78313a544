package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// tmuxSession is the real binary running in a private tmux server, driven
// with send-keys and read with capture-pane, as a person would use it.
type tmuxSession struct {
	t      *testing.T
	socket string
}

// requireTmux skips a test without tmux, or fails it under CI=true.
func requireTmux(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("tmux is needed in CI (apt-get install tmux)")
		}
		t.Skip("tmux is not installed")
	}
}

func (s *tmuxSession) tmux(args ...string) (string, error) {
	out, err := exec.Command("tmux", append([]string{"-L", s.socket}, args...)...).CombinedOutput()
	return string(out), err
}

// send sends tmux key names (Enter, Down) or, with literal, text as typed.
func (s *tmuxSession) send(literal bool, keys ...string) error {
	args := []string{"send-keys", "-t", "s"}
	if literal {
		args = append(args, "-l")
	}
	// -- so that text such as "-role" is not read as a flag.
	args = append(args, "--")
	if out, err := s.tmux(append(args, keys...)...); err != nil {
		return fmt.Errorf("tmux send-keys %v: %v: %s", keys, err, out)
	}
	return nil
}

// keys sends keys and gives the wizard time to read them.
func (s *tmuxSession) keys(literal bool, keys ...string) {
	s.t.Helper()
	if err := s.send(literal, keys...); err != nil {
		s.t.Fatal(err)
	}
	// One key at a time, as typed: the wizard reads each before the next.
	time.Sleep(keyPause)
}

// keyPause is the pause after each key sent: an escape followed at once
// by a letter would read as alt+letter.
const keyPause = 60 * time.Millisecond

func (s *tmuxSession) press(keys ...string) {
	for _, k := range keys {
		s.keys(false, k)
	}
}

// capture is the screen as text, each line without its trailing blanks;
// with escapes, with its colours and attributes (capture-pane -e).
func (s *tmuxSession) capture(escapes bool) (string, error) {
	args := []string{"capture-pane", "-p", "-t", "s"}
	if escapes {
		args = append(args, "-e")
	}
	out, err := s.tmux(args...)
	if err != nil {
		return "", fmt.Errorf("tmux capture-pane: %v: %s", err, out)
	}
	if escapes {
		return out, nil
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.Join(lines, "\n"), nil
}

// poll reads the screen until ok says it shows what is awaited, for at
// most timeout; it returns the last screen read and whether it did.
func (s *tmuxSession) poll(timeout time.Duration, ok func(screen string) bool) (string, bool) {
	deadline := time.Now().Add(timeout)
	var screen string
	for {
		if out, err := s.capture(false); err == nil {
			screen = out
			if ok(screen) {
				return screen, true
			}
		}
		if time.Now().After(deadline) {
			return screen, false
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// waitFor polls the screen until it shows text, for at most 15 seconds.
func (s *tmuxSession) waitFor(text string) string {
	s.t.Helper()
	screen, ok := s.poll(15*time.Second, func(screen string) bool { return strings.Contains(screen, text) })
	if !ok {
		s.t.Fatalf("the screen never showed %q; it shows:\n%s", text, screen)
	}
	return screen
}

// waitExit waits until the wizard has exited, and returns what the shell
// that ran it recorded of its exit status.
func (s *tmuxSession) waitExit(codeFile string) string {
	s.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		if b, err := os.ReadFile(codeFile); err == nil && len(b) > 0 {
			return strings.TrimSpace(string(b))
		}
		time.Sleep(100 * time.Millisecond)
	}
	screen, _ := s.tmux("capture-pane", "-p", "-t", "s")
	s.t.Fatalf("the wizard did not exit; the screen shows:\n%s", screen)
	return ""
}

// The wizard end to end in a real terminal, as a person types: create a
// role with two buckets, assign it to a user from the Done screen, see it
// in find, undo both; then read the account back with the command line.
func TestWizardEndToEndInTmux(t *testing.T) {
	requireTmux(t)
	dir := isolate(t)
	bin := filepath.Join(dir, "sagerole")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	state := filepath.Join(dir, "account.json")
	env := []string{
		"XDG_STATE_HOME=" + os.Getenv("XDG_STATE_HOME"),
		"AWS_EC2_METADATA_DISABLED=true",
		"AWS_CONFIG_FILE=" + os.Getenv("AWS_CONFIG_FILE"),
		"AWS_SHARED_CREDENTIALS_FILE=" + os.Getenv("AWS_SHARED_CREDENTIALS_FILE"),
		"TERM=xterm-256color",
		"NO_COLOR=1",
	}
	s := &tmuxSession{t: t, socket: fmt.Sprintf("sagerole-e2e-%d-%d", os.Getpid(), time.Now().UnixNano())}
	t.Cleanup(func() { _, _ = s.tmux("kill-server") })
	// stderr and the exit status go to files: what the wizard says as it
	// exits would be cleared with the screen.
	stderr, codeFile := filepath.Join(dir, "stderr"), filepath.Join(dir, "status")
	cmd := "env " + strings.Join(env, " ") + " " + bin + " --sandbox-state " + state + " 2>" + stderr +
		"; echo $? >" + codeFile
	if out, err := s.tmux("-f", "/dev/null", "new-session", "-d", "-s", "s", "-x", "100", "-y", "30", cmd); err != nil {
		t.Fatalf("tmux new-session: %v: %s", err, out)
	}
	// Keep the pane when the wizard exits, to see its last screen.
	_, _ = s.tmux("set-option", "-t", "s", "remain-on-exit", "on")

	// A data scientist's role: FullAccess and two buckets.
	s.waitFor("Main menu")
	s.press("Enter")
	s.waitFor("Role name")
	s.keys(true, "e2e-role")
	s.waitFor("> e2e-role")
	s.press("Enter", "Enter", "Enter", "Enter")
	s.waitFor("What may the role do?")
	s.press("Enter")
	s.waitFor("team-raw-data")
	s.press("Down", "Down", "Down", "Down", "x") // research-datasets
	s.press("Down", "Down", "Down", "x")         // team-raw-data
	s.waitFor("✓ team-raw-data")
	s.press("Enter", "Enter", "Enter", "Enter")
	s.waitFor("Run these 3 steps")
	s.press("y")
	s.waitFor("3 steps done")

	// Assigned to alice from the Done screen: the new role is picked.
	s.press("a")
	s.waitFor("Who should run as e2e-role?")
	s.press("Enter")
	s.waitFor("Which domain?")
	s.press("Down", "Enter")
	s.waitFor("Which user profile in d-research1?")
	s.press("Enter")
	s.waitFor("> e2e-role")
	s.press("Enter")
	// alice-lab runs: leave it running, and the recently used one too.
	s.waitFor("What should the change do with")
	s.press("Enter", "Enter")
	s.waitFor("Run this step")
	s.press("y")
	if screen := s.waitFor("is InService; its role is now"); !strings.Contains(screen, "role/e2e-role") {
		t.Errorf("alice is not on e2e-role:\n%s", screen)
	}

	// Find shows it.
	s.press("f")
	s.waitFor("2 domains")
	s.keys(true, "/alice")
	s.press("Enter")
	if screen := s.waitFor("user alice in d-research1"); !regexp.MustCompile(`user alice\s+e2e-role\s+own role`).MatchString(screen) {
		t.Errorf("find does not show alice running as e2e-role:\n%s", screen)
	}

	// Both undone, the latest first: the list starts on it each time.
	s.press("Escape", "Escape") // the filter, then back to the menu
	s.waitFor("Main menu")
	s.press("6")
	s.waitFor("entry ")
	s.press("Enter")
	s.waitFor("sagemaker:UpdateUserProfile d-research1/alice")
	s.press("y")
	s.waitFor("1 step done")
	s.press("u")
	s.waitFor("3 runs on")
	s.press("Enter")
	s.waitFor("Run these 3 steps")
	s.press("y")
	s.waitFor("3 steps done")
	s.press("q")
	if code := s.waitExit(codeFile); code != "0" {
		b, _ := os.ReadFile(stderr)
		t.Fatalf("the wizard exited with status %s: %s", code, b)
	}
	if b, _ := os.ReadFile(stderr); len(b) > 0 {
		t.Errorf("the wizard wrote to stderr:\n%s", b)
	}

	run := func(args ...string) string {
		c := exec.Command(bin, append([]string{"--sandbox-state", state}, args...)...)
		c.Env = append(os.Environ(), env...)
		out, err := c.CombinedOutput()
		if err != nil {
			t.Fatalf("sagerole %v: %v\n%s", args, err, out)
		}
		return string(out)
	}
	// The command line reads back what the wizard left: no e2e-role, alice
	// on the role she had (set on her profile: AWS cannot make a profile
	// inherit again), both runs undone.
	if out := run("find", "--role", "e2e-role"); !strings.Contains(out, "does not exist") {
		t.Errorf("find --role e2e-role after the undo:\n%s", out)
	}
	if out := run("find", "--domain", "d-research1", "--user", "alice"); !strings.Contains(out, "role/service-role/AmazonSageMaker-ExecutionRole-Research") {
		t.Errorf("alice after the undo:\n%s", out)
	}
	journal := run("journal")
	if n := strings.Count(journal, "undone"); n < 2 {
		t.Errorf("the journal does not show both runs undone:\n%s", journal)
	}
}
