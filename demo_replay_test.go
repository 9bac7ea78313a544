package main

import (
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The replay plays a VHS tape in tmux as VHS records it: the tape's
// settings give the terminal's size, its Env the shell's environment, its
// keys are sent as typed, every Wait must match in its time, and each
// Screenshot is a key frame (captured as text, and with its colours for
// the PNG). Sleeps are there for a viewer: the replay waits for the screen
// to settle instead (at most the Sleep), unless it records a cast, which
// keeps the tape's own pace.

// keyFrame is the screen at a Screenshot command.
type keyFrame struct {
	name       string // the screenshot's file name without .png
	text, ansi string // capture-pane -p, and with -e
}

// replayResult is what a replay saw.
type replayResult struct {
	cols, rows int
	waits      int // Wait commands that matched
	frames     []keyFrame
	// final is the wizard's last settled screen, or, in a tape that shows
	// no full-screen program, the terminal's at the end.
	final string
}

// replayOptions say where a replay runs.
type replayOptions struct {
	// dir is private to the replay: the shell's HOME.
	dir string
	// cast, when set, records what the tape shows (after its Hide part)
	// with asciinema into this file, at the tape's own pace.
	cast string
	// bin, when set, stands for the tape's SAGEROLE_DEMO_BIN, where its
	// go build writes sagerole: a directory of the replay's, which
	// seedBin may fill first.
	bin string
}

// demoBinEnv names the directory the tapes build sagerole into, kept
// between recordings so that go build does not link it again.
const demoBinEnv = "SAGEROLE_DEMO_BIN"

// seedBin puts a copy of the tests' build of this tree (sageroleBinary)
// where a tape's go build writes: go build, finding it up to date, does
// not link it again (some seconds each replay on two cores). The tape's
// own go build still runs, and would link a new one were it out of date.
func seedBin(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	b, err := os.ReadFile(sageroleBinary(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "sagerole"), b, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// demoDir is where the tapes keep their files (include/setup.tape); the
// replay moves it to a private directory of its own.
const demoDir = "/tmp/sagerole-demo"

// privateDemoDir makes the replay's own demoDir: a name of the same
// length, so that a screen that shows a path of it (a sandbox state file)
// wraps and pads as the tape's would, and reads the same once renamed.
func privateDemoDir(t *testing.T) (string, error) {
	prefix := "/tmp/sagerole-"
	for range 100 {
		dir := fmt.Sprintf("%s%0*x", prefix, len(demoDir)-len(prefix), rand.Uint32()&0xffff)
		if err := os.Mkdir(dir, 0o700); err == nil {
			t.Cleanup(func() { os.RemoveAll(dir) })
			return dir, nil
		} else if !os.IsExist(err) {
			return "", err
		}
	}
	return "", fmt.Errorf("no free private demo directory under /tmp")
}

// replay is one run of a tape.
type replay struct {
	t      *testing.T
	tape   parsedTape
	o      replayOptions
	s      *tmuxSession
	set    tapeSettings
	hidden bool
	// demoDir is the replay's own demoDir.
	demoDir string
	res     replayResult
}

// replayTape plays tape in a tmux server of its own. An error is the
// tape's failure (a Wait that did not match, a command the replay cannot
// play), with what the replay saw up to it, or trouble with tmux. It only
// reports: it may run in a goroutine of its own, beside other replays.
func replayTape(t *testing.T, tape parsedTape, o replayOptions) (*replayResult, error) {
	if len(tape.Errors) > 0 {
		return nil, fmt.Errorf("%s does not parse:\n%s", tape.File, strings.Join(tape.Errors, "\n"))
	}
	dir, err := privateDemoDir(t)
	if err != nil {
		return nil, err
	}
	r := &replay{t: t, tape: tape, o: o, set: vhsDefaults(), demoDir: dir}
	r.s = &tmuxSession{t: t, socket: fmt.Sprintf("sagerole-tape-%s-%d-%d", tape.name(), os.Getpid(), time.Now().UnixNano())}
	t.Cleanup(func() { _, _ = r.s.tmux("kill-server") })
	rest, err := r.settings()
	if err != nil {
		return nil, err
	}
	if err := r.start(); err != nil {
		return nil, err
	}
	for _, c := range rest {
		if err := r.play(c); err != nil {
			return &r.res, fmt.Errorf("%s: %s: %w", tape.File, c, err)
		}
	}
	if final, ok := r.settle(5*time.Second, 500*time.Millisecond); ok && r.res.final == "" {
		r.res.final = r.private(final)
	}
	if o.cast != "" {
		if err := r.endCast(); err != nil {
			return nil, err
		}
	}
	return &r.res, nil
}

// settings applies the commands VHS applies before it starts the terminal:
// the Set, Output and Require commands at the top, and every Env. It
// returns the commands to play.
func (r *replay) settings() ([]tapeCommand, error) {
	cmds := r.tape.Commands
	i := 0
	for ; i < len(cmds); i++ {
		c := cmds[i]
		switch c.Type {
		case "Set":
			if err := r.set.set(c.Options, c.Args); err != nil {
				return nil, err
			}
		case "Require":
			if _, err := exec.LookPath(c.Args); err != nil {
				return nil, fmt.Errorf("%s: Require %s: not on PATH", r.tape.File, c.Args)
			}
		case "Output":
		default:
			return cmds[i:], nil
		}
	}
	return nil, nil
}

// env is the shell's environment: what a login shell of VHS's gets (its
// prompt), what go needs to build, the tests' isolation from real AWS
// settings, and the tape's Env (its /tmp/sagerole-demo moved into the
// replay's directory).
func (r *replay) env() []string {
	env := []string{`PS1=\[\e[38;2;90;86;224m\]> \[\e[0m\]`, "BASH_SILENCE_DEPRECATION_WARNING=1",
		"TERM=xterm-256color", "COLORTERM=truecolor", "LANG=C.UTF-8", "HOME=" + r.o.dir,
		"ASCIINEMA_CONFIG_HOME=" + filepath.Join(r.o.dir, "asciinema")}
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if k == "PATH" || k == "TMPDIR" || strings.HasPrefix(k, "GO") || strings.HasPrefix(k, "AWS_") || k == "CI" {
			env = append(env, kv)
		}
	}
	// go finds its caches under HOME by default; HOME is the replay's.
	for _, k := range []string{"GOCACHE", "GOMODCACHE", "GOPATH"} {
		if os.Getenv(k) == "" {
			if v, err := exec.Command("go", "env", k).Output(); err == nil {
				env = append(env, k+"="+strings.TrimSpace(string(v)))
			}
		}
	}
	for _, c := range r.tape.Commands {
		switch {
		case c.Type == "Env" && c.Options == demoBinEnv && r.o.bin != "":
			env = append(env, c.Options+"="+r.o.bin)
		case c.Type == "Env":
			env = append(env, c.Options+"="+r.privatePath(c.Args))
		}
	}
	return env
}

// privatePath moves a path of the tapes' directory into the replay's.
func (r *replay) privatePath(v string) string {
	if v == demoDir || strings.HasPrefix(v, demoDir+"/") {
		return r.demoDir + strings.TrimPrefix(v, demoDir)
	}
	return v
}

// private names the replay's directory on a screen as the tape does.
func (r *replay) private(screen string) string {
	return strings.ReplaceAll(screen, r.demoDir, demoDir)
}

// start opens the terminal: the tape's shell, at the tape's size, in the
// repository's root, where VHS is run from.
func (r *replay) start() error {
	if r.set.shell != "bash" {
		return fmt.Errorf("%s: Set Shell %q: the replay plays bash tapes", r.tape.File, r.set.shell)
	}
	cols, rows, err := r.set.size()
	if err != nil {
		return fmt.Errorf("%s: %w", r.tape.File, err)
	}
	r.res.cols, r.res.rows = cols, rows
	root, err := os.Getwd()
	if err != nil {
		return err
	}
	shell := "exec env -i " + shellQuote(r.env()...) + " bash --noprofile --norc --login +o history"
	if out, err := r.s.tmux("-f", "/dev/null", "new-session", "-d", "-s", "s", "-c", root,
		"-x", strconv.Itoa(cols), "-y", strconv.Itoa(rows), shell); err != nil {
		return fmt.Errorf("tmux new-session: %v: %s", err, out)
	}
	// Make sure the shell is at its prompt before anything is typed.
	if screen, ok := r.s.poll(10*time.Second, func(s string) bool { return strings.HasPrefix(s, ">") }); !ok {
		return fmt.Errorf("%s: the shell never showed its prompt:\n%s", r.tape.File, screen)
	}
	return nil
}

func shellQuote(args ...string) string {
	q := make([]string, len(args))
	for i, a := range args {
		q[i] = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
	}
	return strings.Join(q, " ")
}

// full says whether the replay keeps the tape's pace (a cast), or goes as
// fast as the screen follows.
func (r *replay) full() bool { return r.o.cast != "" && !r.hidden }

func (r *replay) play(c tapeCommand) error {
	switch c.Type {
	case "Set":
		if c.Options != "TypingSpeed" {
			return fmt.Errorf("VHS ignores a setting after the first command: move it to the top")
		}
		return r.set.set(c.Options, c.Args)
	case "Env", "Output", "Require":
		// Applied before the terminal started, as VHS does.
		return nil
	case "Hide":
		r.hidden = true
		return nil
	case "Show":
		r.hidden = false
		if r.o.cast != "" {
			return r.startCast()
		}
		return nil
	case "Type":
		return r.typeText(c)
	case "Sleep":
		d, err := time.ParseDuration(c.Args)
		if err != nil {
			return err
		}
		start := time.Now()
		if screen, ok := r.settle(d, min(d, 200*time.Millisecond)); ok {
			r.keep(screen)
		}
		if r.full() {
			time.Sleep(d - time.Since(start))
		}
		return nil
	case "Wait":
		return r.wait(c)
	case "Screenshot":
		return r.screenshot(c)
	case "Ctrl", "Alt", "Shift":
		k, err := modifiedKey(c)
		if err != nil {
			return err
		}
		return r.key(k, c.Options)
	}
	if k, ok := tmuxKeys[c.Type]; ok {
		n := 1
		if c.Args != "" {
			var err error
			if n, err = strconv.Atoi(c.Args); err != nil {
				return fmt.Errorf("repeat count %q", c.Args)
			}
		}
		for range n {
			if err := r.key(k, c.Options); err != nil {
				return err
			}
		}
		return nil
	}
	return fmt.Errorf("the replay cannot play %s (a clipboard, or a command it does not know)", c.Type)
}

// wait is VHS's Wait: the screen (or the cursor's line) must match the
// pattern within the timeout.
func (r *replay) wait(c tapeCommand) error {
	scope, pattern, _ := strings.Cut(c.Args, " ")
	rx := r.set.waitPattern
	if pattern != "" {
		var err error
		if rx, err = regexp.Compile(pattern); err != nil {
			return err
		}
	}
	timeout := r.set.waitTimeout
	if c.Options != "" {
		d, err := time.ParseDuration(c.Options)
		if err != nil {
			return err
		}
		timeout = d
	}
	var last string
	_, ok := r.s.poll(timeout, func(screen string) bool {
		last = screen
		if scope == "Line" {
			last = r.cursorLine(screen)
		}
		return rx.MatchString(last)
	})
	if !ok {
		return fmt.Errorf("/%s/ did not match the %s within %s; it shows:\n%s", rx, strings.ToLower(scope), timeout, r.private(last))
	}
	r.res.waits++
	return nil
}

// cursorLine is the line of screen the cursor is on.
func (r *replay) cursorLine(screen string) string {
	out, err := r.s.tmux("display-message", "-p", "-t", "s", "#{cursor_y}")
	if err != nil {
		return ""
	}
	y, err := strconv.Atoi(strings.TrimSpace(out))
	lines := strings.Split(screen, "\n")
	if err != nil || y < 0 || y >= len(lines) {
		return ""
	}
	return lines[y]
}

// settle waits until the screen has not changed for quiet, or at most
// max; it returns the screen and whether it settled.
func (r *replay) settle(max, quiet time.Duration) (string, bool) {
	var last string
	since := time.Now()
	screen, ok := r.s.poll(max, func(screen string) bool {
		if screen != last {
			last, since = screen, time.Now()
			return false
		}
		return time.Since(since) >= quiet
	})
	return screen, ok
}

// keep notes a settled screen as the final one when it is a program's
// full screen (tmux's alternate screen): a tape ends by quitting the
// wizard, which leaves the shell's screen behind, and its golden is the
// wizard's last screen instead.
func (r *replay) keep(screen string) {
	out, err := r.s.tmux("display-message", "-p", "-t", "s", "#{alternate_on}")
	if err == nil && strings.TrimSpace(out) == "1" {
		r.res.final = r.private(screen)
	}
}

// screenshot keeps the screen as a key frame once it has settled.
func (r *replay) screenshot(c tapeCommand) error {
	name := strings.TrimSuffix(filepath.Base(c.Args), ".png")
	text, ok := r.settle(5*time.Second, 500*time.Millisecond)
	if !ok {
		return fmt.Errorf("the screen did not settle for its key frame:\n%s", text)
	}
	ansi, err := r.s.capture(true)
	if err != nil {
		return err
	}
	r.keep(text)
	r.res.frames = append(r.res.frames, keyFrame{name: name, text: r.private(text), ansi: r.private(ansi)})
	return nil
}
