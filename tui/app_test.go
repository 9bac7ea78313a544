package tui

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/sagerole/sagerole/awsops"
)

// A dry run: the badge says so, the review is the last screen and says
// that nothing was sent, and nothing is.
func TestDryRunReview(t *testing.T) {
	h := newHarness(t, setup{mode: ModeDryRun})
	h.golden("menu", "DRY RUN", "Dry run: the account is read")
	createWithBucket(h, "dry-role")
	h.golden("review", "Nothing was sent.")
	h.press("y", "enter")
	h.waitFor("Nothing was sent.")
	h.press("m")
	h.waitFor("Main menu")
	for api, n := range h.acct.Calls() {
		if strings.Contains(api, ":Create") || strings.Contains(api, ":Put") || strings.Contains(api, ":Attach") {
			t.Errorf("a dry run sent %s (%d)", api, n)
		}
	}
	if _, err := h.acct.GetRole(context.Background(), "dry-role"); err == nil {
		t.Error("a dry run created the role")
	}
}

// LIVE is unmistakable, without colour too.
func TestLiveBadge(t *testing.T) {
	h := newHarness(t, setup{tune: func(o *Options) {
		o.Mode, o.BackendName, o.Sandbox = ModeLive, "aws", false
		o.Profile = "prod-admin"
	}})
	h.golden("menu", "LIVE", "changes are sent to this AWS account", "profile prod-admin")
}

// The header says what is true: both badges on a dry run of the sandbox
// (DRY RUN hid SANDBOX), where the credentials come from rather than
// "profile default", and the endpoint every call goes to.
func TestHeaderSaysWhatIsTrue(t *testing.T) {
	c := newProgramContext(Options{Mode: ModeDryRun, Sandbox: true, BackendName: "sandbox", NoColor: true})
	m := &Model{ctx: c}
	if h := ansi.Strip(m.header()); !strings.Contains(h, "SANDBOX") || !strings.Contains(h, "DRY RUN") || strings.Contains(h, "profile") {
		t.Errorf("dry run of the sandbox: %q", h)
	}
	c = newProgramContext(Options{Mode: ModeLive, BackendName: "aws", Credentials: "environment credentials",
		Endpoint: "http://127.0.0.1:5000", Region: "us-east-1", NoColor: true})
	m = &Model{ctx: c}
	h := ansi.Strip(m.header())
	for _, want := range []string{"⚠ LIVE", "environment credentials", "endpoint http://127.0.0.1:5000"} {
		if !strings.Contains(h, want) {
			t.Errorf("header %q lacks %q", h, want)
		}
	}
	if strings.Contains(h, "profile default") {
		t.Errorf("header %q claims the default profile", h)
	}
}

// The screen follows the terminal's size, and no line is ever wider.
func TestResize(t *testing.T) {
	h := newHarness(t)
	h.press("3")
	h.waitFor("2 domains")
	for _, size := range []tea.WindowSizeMsg{{Width: 120, Height: 30}, {Width: 60, Height: 20}, {Width: 80, Height: 24}} {
		h.tm.Send(size)
		f := h.waitFor("2 domains")
		lines := strings.Split(h.raw(), "\n")
		if len(lines) != size.Height {
			t.Errorf("at %dx%d the frame has %d lines", size.Width, size.Height, len(lines))
		}
		for _, l := range lines {
			if w := ansi.StringWidth(l); w > size.Width {
				t.Errorf("at %dx%d a line is %d wide: %q", size.Width, size.Height, w, ansi.Strip(l))
			}
		}
		if size.Width == 60 {
			h.golden("narrow", "2 domains")
		}
		_ = f
	}
}

var colourSGR = regexp.MustCompile(`\x1b\[[0-9;]*(?:3[0-9]|4[0-9]|9[0-7]|10[0-7])[;m]`)

// --no-color (and NO_COLOR) gives a monochrome screen: no colour codes
// at all, the emphasis left to bold, reverse and marks.
func TestNoColor(t *testing.T) {
	mono := newHarness(t)
	mono.press("3")
	mono.waitFor("2 domains")
	if m := colourSGR.FindString(mono.raw()); m != "" {
		t.Errorf("--no-color frame has a colour code %q", m)
	}
	colour := newHarness(t, setup{tune: func(o *Options) { o.NoColor = false }})
	colour.press("3")
	colour.waitFor("2 domains")
	if colourSGR.FindString(colour.raw()) == "" {
		t.Error("the colour frame has no colour at all")
	}
}

// ctrl+c on a screen where nothing runs ends the wizard.
func TestQuit(t *testing.T) {
	h := newHarness(t)
	h.press("1")
	h.waitFor("Role name")
	h.quit()
	// ctrl+c is an interrupt (exit 130), q on the menu a quit (exit 0).
	if !h.p.Interrupted() {
		t.Errorf("ctrl+c did not leave the wizard as interrupted")
	}
	h = newHarness(t)
	h.waitFor("Create an execution role")
	h.press("q")
	h.tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
	if h.p.Interrupted() {
		t.Errorf("q on the menu left the wizard as interrupted")
	}
}

// SIGINT and SIGTERM while a write is in flight become a request to stop
// after it; otherwise they end the program as usual.
func TestFilterSignals(t *testing.T) {
	m := New(Options{Mode: ModeSandbox, Static: true})
	for _, msg := range []tea.Msg{tea.InterruptMsg{}, tea.QuitMsg{}} {
		if got := Filter(m, msg); got != msg {
			t.Errorf("idle: Filter(%T) = %T", msg, got)
		}
	}
	run := newExecute(m.ctx, "Create role", awsops.Plan{}, nil, runHooks{})
	run.running = true
	m.stack = append(m.stack, run)
	for _, msg := range []tea.Msg{tea.InterruptMsg{}, tea.QuitMsg{}} {
		if _, ok := Filter(m, msg).(stopMsg); !ok {
			t.Errorf("running: Filter(%T) = %T, want stopMsg", msg, Filter(m, msg))
		}
	}
}
