package tui

import (
	"context"
	"flag"
	"image/color"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/sagerole/sagerole/awsops"
	"github.com/sagerole/sagerole/awsops/sandbox"
)

// The golden package (through teatest) defines -update; the screens'
// goldens follow it.
func updating() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

// probe wraps the root model and keeps its last frame: what the terminal
// shows, which is what the goldens hold.
type probe struct {
	*Model
	mu    *sync.Mutex
	frame *string
}

func (p probe) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	_, cmd := p.Model.Update(msg)
	return p, cmd
}

func (p probe) View() tea.View {
	v := p.Model.View()
	p.mu.Lock()
	*p.frame = v.Content
	p.mu.Unlock()
	return v
}

// harness drives the wizard as a person would, on a fresh sandbox
// account, at 80×24 without colour.
type harness struct {
	t    *testing.T
	tm   *teatest.TestModel
	p    probe
	acct *sandbox.Account
	opts Options
	n    int // goldens taken
}

// fixedClock advances 1.5 s at every reading, so elapsed times are
// non-zero and the same on every run.
func fixedClock() func() time.Time {
	var mu sync.Mutex
	t := time.Date(2026, 1, 15, 9, 0, 0, 0, time.UTC)
	return func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		t = t.Add(1500 * time.Millisecond)
		return t
	}
}

func instantSleep(ctx context.Context, _ time.Duration) error { return ctx.Err() }

// setup tunes a harness: the mode, the sandbox's options (faults,
// latency), a wrapper around the backend, anything else in Options.
type setup struct {
	mode    string
	sandbox sandbox.Options
	wrap    func(awsops.Backend) awsops.Backend
	tune    func(*Options)
	width   int
	height  int
}

func newHarness(t *testing.T, cfgs ...setup) *harness {
	t.Helper()
	var cfg setup
	if len(cfgs) > 0 {
		cfg = cfgs[0]
	}
	dir := t.TempDir()
	j := &awsops.Journal{Dir: filepath.Join(dir, "journal")}
	opts := Options{BackendName: "sandbox", Mode: ModeSandbox, Sandbox: true, Journal: j, History: j,
		NoColor: true, Static: true, Now: fixedClock(), RunNow: fixedClock(), Sleep: instantSleep}
	acct, err := sandbox.New(cfg.sandbox)
	if err != nil {
		t.Fatal(err)
	}
	var b awsops.Backend = acct
	if cfg.wrap != nil {
		b = cfg.wrap(b)
	}
	opts.Backend = b
	if cfg.mode == ModeDryRun {
		// As main decides it: the backend wrapped, no journal for runs.
		opts.Mode, opts.Backend, opts.Journal = ModeDryRun, awsops.NewDryRun(b), nil
	}
	if cfg.tune != nil {
		cfg.tune(&opts)
	}
	return startHarness(t, opts, acct, cfg.width, cfg.height)
}

func startHarness(t *testing.T, opts Options, acct *sandbox.Account, w, h int) *harness {
	t.Helper()
	if w == 0 {
		w, h = 80, 24
	}
	var frame string
	p := probe{Model: New(opts), mu: &sync.Mutex{}, frame: &frame}
	tm := teatest.NewTestModel(t, p, teatest.WithInitialTermSize(w, h),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.Ascii)))
	// No terminal answers under teatest: say the background is dark.
	tm.Send(tea.BackgroundColorMsg{Color: color.Black})
	hn := &harness{t: t, tm: tm, p: p, acct: acct, opts: opts}
	t.Cleanup(func() {
		_ = tm.Quit()
		tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
	})
	return hn
}

// frame is the screen as text: colour and attributes stripped, journal
// entry IDs (random) replaced, trailing blanks trimmed.
func (h *harness) frame() string {
	h.p.mu.Lock()
	f := *h.p.frame
	h.p.mu.Unlock()
	return normalize(f)
}

var entryIDRE = regexp.MustCompile(`\d{8}T\d{6}Z-[0-9a-f]{6}`)

func normalize(f string) string {
	f = ansi.Strip(f)
	f = entryIDRE.ReplaceAllString(f, "<entry>")
	lines := strings.Split(f, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.Join(lines, "\n")
}

// waitFor waits until the screen shows every one of texts and has stopped
// changing, and returns it.
func (h *harness) waitFor(texts ...string) string {
	h.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	last, same := "", 0
	for time.Now().Before(deadline) {
		f := h.frame()
		ok := true
		for _, t := range texts {
			ok = ok && strings.Contains(f, t)
		}
		if ok && f == last {
			same++
			if same >= 3 {
				return f
			}
		} else {
			same = 0
		}
		last = f
		time.Sleep(15 * time.Millisecond)
	}
	h.t.Fatalf("the screen never showed %q; it shows:\n%s", texts, h.frame())
	return ""
}

// golden compares the screen, once it shows texts, with
// testdata/TEST/NN-name.golden (-update rewrites it).
func (h *harness) golden(name string, texts ...string) string {
	h.t.Helper()
	f := h.waitFor(texts...)
	h.n++
	path := filepath.Join("testdata", sanitize(h.t.Name()), twoDigits(h.n)+"-"+name+".golden")
	if updating() {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			h.t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(f), 0o644); err != nil {
			h.t.Fatal(err)
		}
		return f
	}
	want, err := os.ReadFile(path)
	if err != nil {
		h.t.Fatalf("%v (run go test ./tui -update to create it); the screen is:\n%s", err, f)
	}
	if string(want) != f {
		h.t.Fatalf("screen %s differs from %s\n--- want\n%s\n--- got\n%s", name, path, want, f)
	}
	return f
}

func sanitize(s string) string { return strings.NewReplacer("/", "_", " ", "_").Replace(s) }

func twoDigits(n int) string {
	if n < 10 {
		return "0" + string(rune('0'+n))
	}
	return string(rune('0'+n/10)) + string(rune('0'+n%10))
}

// press sends keys by name: enter, esc, up, down, tab, space, ctrl+c, or a
// single character.
func (h *harness) press(keys ...string) {
	for _, k := range keys {
		h.tm.Send(keyMsg(k))
	}
}

func keyMsg(k string) tea.KeyPressMsg {
	switch k {
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case "esc":
		return tea.KeyPressMsg{Code: tea.KeyEscape}
	case "up":
		return tea.KeyPressMsg{Code: tea.KeyUp}
	case "down":
		return tea.KeyPressMsg{Code: tea.KeyDown}
	case "tab":
		return tea.KeyPressMsg{Code: tea.KeyTab}
	case "shift+tab":
		return tea.KeyPressMsg{Code: tea.KeyTab, Mod: tea.ModShift}
	case "space":
		return tea.KeyPressMsg{Code: tea.KeySpace, Text: " "}
	case "backspace":
		return tea.KeyPressMsg{Code: tea.KeyBackspace}
	case "pgdown":
		return tea.KeyPressMsg{Code: tea.KeyPgDown}
	case "end":
		return tea.KeyPressMsg{Code: tea.KeyEnd}
	case "left":
		return tea.KeyPressMsg{Code: tea.KeyLeft}
	case "ctrl+c":
		return tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl}
	case "ctrl+u", "ctrl+s", "ctrl+o", "ctrl+g", "ctrl+r", "ctrl+f":
		return tea.KeyPressMsg{Code: rune(k[5]), Mod: tea.ModCtrl}
	}
	r := []rune(k)
	return tea.KeyPressMsg{Code: r[0], Text: k}
}

// typeText types text one key at a time.
func (h *harness) typeText(s string) { h.tm.Type(s) }

// raw is the last frame as the program drew it, escape codes and all.
func (h *harness) raw() string {
	h.p.mu.Lock()
	defer h.p.mu.Unlock()
	return *h.p.frame
}

// quit ends the program as a person would, and waits for it.
func (h *harness) quit() {
	h.t.Helper()
	h.press("ctrl+c")
	h.tm.WaitFinished(h.t, teatest.WithFinalTimeout(5*time.Second))
}

// mustRole reads a role from the sandbox, failing the test if it is not
// there.
func (h *harness) mustRole(name string) awsops.Role {
	h.t.Helper()
	r, err := h.acct.GetRole(context.Background(), name)
	if err != nil {
		h.t.Fatalf("role %s: %v", name, err)
	}
	return r
}

// inline reads an inline policy from the sandbox ("" when there is none).
func (h *harness) inline(role, name string) string {
	h.t.Helper()
	doc, err := h.acct.GetRolePolicy(context.Background(), role, name)
	if err != nil && !awsops.IsNotFound(err) {
		h.t.Fatal(err)
	}
	return doc
}
