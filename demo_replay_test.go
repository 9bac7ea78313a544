package main

import (
	"encoding/json"
	"fmt"
	"math"
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

// tapeCommand is one command of a tape, as VHS's parser gives it.
type tapeCommand struct {
	Type    string `json:"type"`
	Options string `json:"options"`
	Args    string `json:"args"`
}

func (c tapeCommand) String() string {
	switch c.Type {
	case "Wait":
		scope, rx, _ := strings.Cut(c.Args, " ")
		s := "Wait+" + scope
		if c.Options != "" {
			s += "@" + c.Options
		}
		if rx != "" {
			s += " /" + rx + "/"
		}
		return s
	case "Type":
		return fmt.Sprintf("Type %q", c.Args)
	}
	return strings.Join(strings.Fields(c.Type+" "+c.Options+" "+c.Args), " ")
}

// parsedTape is a tape file and its commands, or its errors.
type parsedTape struct {
	File     string        `json:"file"`
	Commands []tapeCommand `json:"commands"`
	Errors   []string      `json:"errors"`
}

// name is the tape's file name without .tape.
func (p parsedTape) name() string { return strings.TrimSuffix(filepath.Base(p.File), ".tape") }

// parseTapes reads tapes with VHS's own lexer and parser. They run in a
// module of their own (assets/demo/tapeparse), so that VHS's module, which
// requires Charm v1, stays out of sagerole's module graph.
func parseTapes(t *testing.T, files ...string) []parsedTape {
	t.Helper()
	root, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("go", append([]string{"run", "-C", filepath.Join("assets", "demo", "tapeparse"), ".", "-root", root}, files...)...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("parsing the tapes with VHS's parser (assets/demo/tapeparse): %v\n%s", err, stderr.String())
	}
	var tapes []parsedTape
	if err := json.Unmarshal(out, &tapes); err != nil {
		t.Fatalf("tapeparse's answer: %v\n%s", err, out)
	}
	return tapes
}

// tapeSettings are the settings of a tape that the replay uses, with
// VHS's defaults.
type tapeSettings struct {
	shell, fontFamily                                 string
	fontSize, width, height, padding, margin, barSize int
	windowBar                                         string
	letterSpacing, lineHeight                         float64
	typingSpeed, waitTimeout                          time.Duration
	waitPattern                                       *regexp.Regexp
}

// replayFont is the font the replay sizes the terminal with, and the
// screenshots are drawn in: the tapes set it, so that VHS's terminal has
// the same number of columns and rows.
const replayFont = "DejaVu Sans Mono"

func vhsDefaults() tapeSettings {
	return tapeSettings{shell: "bash", fontSize: 22, width: 1200, height: 600, padding: 60, barSize: 30,
		letterSpacing: 1, lineHeight: 1, typingSpeed: 50 * time.Millisecond, waitTimeout: 15 * time.Second,
		waitPattern: regexp.MustCompile(`>$`)}
}

// set applies one Set command, as VHS reads its value.
func (s *tapeSettings) set(name, value string) error {
	num := func(p *int) error {
		n, err := strconv.Atoi(value)
		if err != nil {
			return fmt.Errorf("Set %s %s: not a whole number", name, value)
		}
		*p = n
		return nil
	}
	float := func(p *float64) error {
		f, err := strconv.ParseFloat(value, 64)
		if err != nil {
			return fmt.Errorf("Set %s %s: not a number", name, value)
		}
		*p = f
		return nil
	}
	dur := func(p *time.Duration) error {
		d, err := time.ParseDuration(value)
		if err != nil {
			return fmt.Errorf("Set %s %s: not a duration", name, value)
		}
		*p = d
		return nil
	}
	switch name {
	case "Shell":
		s.shell = value
	case "FontFamily":
		s.fontFamily = value
	case "FontSize":
		return num(&s.fontSize)
	case "Width":
		return num(&s.width)
	case "Height":
		return num(&s.height)
	case "Padding":
		return num(&s.padding)
	case "Margin":
		return num(&s.margin)
	case "WindowBar":
		s.windowBar = value
	case "WindowBarSize":
		return num(&s.barSize)
	case "LetterSpacing":
		return float(&s.letterSpacing)
	case "LineHeight":
		return float(&s.lineHeight)
	case "TypingSpeed":
		return dur(&s.typingSpeed)
	case "WaitTimeout":
		return dur(&s.waitTimeout)
	case "WaitPattern":
		rx, err := regexp.Compile(value)
		if err != nil {
			return fmt.Errorf("Set WaitPattern %s: %v", value, err)
		}
		s.waitPattern = rx
	}
	// The look of the recording (Theme, BorderRadius, Framerate…) does not
	// change what the terminal shows.
	return nil
}

// Cell metrics of DejaVu Sans Mono, in ems: the advance of a glyph and the
// height of a line (ascent + descent).
const (
	dejaVuAdvance = 1233.0 / 2048
	dejaVuLine    = (1901.0 + 483) / 2048
)

// size is the terminal VHS's xterm.js fits in the frame: the frame less
// the padding, the margin and the window bar, in cells of the font.
func (s tapeSettings) size() (cols, rows int, err error) {
	if s.fontFamily != replayFont {
		return 0, 0, fmt.Errorf("the replay sizes the terminal with %s's cells: the tape must Set FontFamily %q, so that VHS's terminal has the same columns and rows", replayFont, replayFont)
	}
	w := float64(s.width - 2*s.padding - 2*s.margin)
	h := float64(s.height - 2*s.padding - 2*s.margin)
	if s.windowBar != "" {
		h -= float64(s.barSize)
	}
	cellW := float64(s.fontSize)*dejaVuAdvance + s.letterSpacing
	cellH := math.Ceil(float64(s.fontSize)*dejaVuLine) * s.lineHeight
	cols, rows = int(w/cellW), int(h/cellH)
	if cols < 20 || rows < 5 {
		return 0, 0, fmt.Errorf("a %d×%d frame at font size %d is a %d×%d terminal: too small", s.width, s.height, s.fontSize, cols, rows)
	}
	return cols, rows, nil
}

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
	final      string // the screen at the end of the tape
}

// replayOptions say where a replay runs.
type replayOptions struct {
	// dir is private to the replay: the tape's /tmp/sagerole-demo is put
	// in it, and the shell's HOME.
	dir string
	// cast, when set, records what the tape shows (after its Hide part)
	// with asciinema into this file, at the tape's own pace.
	cast string
}

// demoDir is where the tapes keep their files (include/setup.tape); the
// replay moves it into its private directory.
const demoDir = "/tmp/sagerole-demo"

// replay is one run of a tape.
type replay struct {
	t      *testing.T
	tape   parsedTape
	o      replayOptions
	s      *tmuxSession
	set    tapeSettings
	hidden bool
	res    replayResult
}

// replayTape plays tape in a tmux server of its own. An error is the
// tape's failure (a Wait that did not match, a command the replay cannot
// play); trouble with tmux itself fails the test.
func replayTape(t *testing.T, tape parsedTape, o replayOptions) (*replayResult, error) {
	t.Helper()
	if len(tape.Errors) > 0 {
		return nil, fmt.Errorf("%s does not parse:\n%s", tape.File, strings.Join(tape.Errors, "\n"))
	}
	r := &replay{t: t, tape: tape, o: o, set: vhsDefaults()}
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
			return nil, fmt.Errorf("%s: %s: %w", tape.File, c, err)
		}
	}
	final, _ := r.settle(5*time.Second, 500*time.Millisecond)
	r.res.final = r.private(final)
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
		if c.Type == "Env" {
			env = append(env, c.Options+"="+r.privatePath(c.Args))
		}
	}
	return env
}

// privatePath moves a path of the tapes' directory into the replay's.
func (r *replay) privatePath(v string) string {
	if v == demoDir || strings.HasPrefix(v, demoDir+"/") {
		return filepath.Join(r.o.dir, "demo") + strings.TrimPrefix(v, demoDir)
	}
	return v
}

// private names the replay's directory on a screen as the tape does.
func (r *replay) private(screen string) string {
	return strings.ReplaceAll(screen, filepath.Join(r.o.dir, "demo"), demoDir)
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
		r.t.Fatalf("tmux new-session: %v: %s", err, out)
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

// tmuxKeys are VHS's keys by tmux's names.
var tmuxKeys = map[string]string{
	"Enter": "Enter", "Backspace": "BSpace", "Delete": "DC", "Insert": "IC", "Escape": "Escape",
	"Tab": "Tab", "Space": "Space", "Up": "Up", "Down": "Down", "Left": "Left", "Right": "Right",
	"PageUp": "PPage", "PageDown": "NPage",
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
		if r.full() {
			time.Sleep(d)
		} else {
			r.settle(d, min(d, 200*time.Millisecond))
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

// modifiedKey is a Ctrl, Alt or Shift command as tmux names the key.
func modifiedKey(c tapeCommand) (string, error) {
	parts := strings.Fields(c.Args)
	if len(parts) == 0 {
		return "", fmt.Errorf("%s without a key", c.Type)
	}
	key := parts[len(parts)-1]
	mods := map[string]bool{c.Type: true}
	for _, m := range parts[:len(parts)-1] {
		mods[m] = true
	}
	if k, ok := tmuxKeys[key]; ok {
		key = k
	}
	switch {
	case mods["Shift"] && key == "Tab" && len(mods) == 1:
		return "BTab", nil
	case mods["Shift"] && len(mods) == 1 && len(key) == 1:
		return strings.ToUpper(key), nil
	case mods["Shift"]:
		return "", fmt.Errorf("the replay cannot send %s with Shift", key)
	}
	prefix := ""
	if mods["Ctrl"] {
		prefix += "C-"
		key = strings.ToLower(key)
	}
	if mods["Alt"] {
		prefix += "M-"
	}
	return prefix + key, nil
}

// key sends one key, then pauses: as typed at the tape's speed in a
// cast, else long enough that the next key is read apart from it.
func (r *replay) key(k, speed string) error {
	if err := r.s.send(false, k); err != nil {
		return err
	}
	d := keyPause
	if r.full() {
		d = r.speed(speed)
	}
	time.Sleep(d)
	return nil
}

func (r *replay) speed(option string) time.Duration {
	if d, err := time.ParseDuration(option); err == nil && option != "" {
		return d
	}
	return r.set.typingSpeed
}

// typeText types text: hidden text at once (nobody watches it), else a
// character at a time, at the tape's speed in a cast.
func (r *replay) typeText(c tapeCommand) error {
	if r.hidden {
		return r.s.send(true, c.Args)
	}
	d := min(r.speed(c.Options), 25*time.Millisecond)
	if r.full() {
		d = r.speed(c.Options)
	}
	for _, ch := range c.Args {
		if err := r.s.send(true, string(ch)); err != nil {
			return err
		}
		time.Sleep(d)
	}
	return nil
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
	r.res.frames = append(r.res.frames, keyFrame{name: name, text: r.private(text), ansi: r.private(ansi)})
	return nil
}

// startCast starts recording the terminal with asciinema, in a shell like
// the tape's, cleared first: the recording holds what the tape shows.
func (r *replay) startCast() error {
	cmd := fmt.Sprintf("asciinema rec -q --overwrite -i 2 -c 'clear; exec bash --noprofile --norc +o history' %s; echo $? >%s",
		shellQuote(r.o.cast), shellQuote(r.o.cast+".status"))
	if err := r.s.send(true, cmd); err != nil {
		return err
	}
	if err := r.s.send(false, "Enter"); err != nil {
		return err
	}
	if screen, ok := r.s.poll(10*time.Second, func(s string) bool { return strings.TrimSpace(s) == ">" }); !ok {
		return fmt.Errorf("asciinema did not start:\n%s", screen)
	}
	return nil
}

// endCast leaves the recorded shell and waits for asciinema to finish.
func (r *replay) endCast() error {
	r.hidden = true
	if err := r.s.send(true, "exit"); err != nil {
		return err
	}
	if err := r.s.send(false, "Enter"); err != nil {
		return err
	}
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if b, err := os.ReadFile(r.o.cast + ".status"); err == nil && len(b) > 0 {
			os.Remove(r.o.cast + ".status")
			if s := strings.TrimSpace(string(b)); s != "0" {
				return fmt.Errorf("asciinema exited with status %s", s)
			}
			return nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Errorf("asciinema did not finish %s", r.o.cast)
}
