package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
)

// The demo tapes' flags, for assets/demo/refresh (go test -args ...).
var (
	demoUpdate = flag.Bool("demo.update", false, "rewrite the demo tapes' goldens (key frames and final screens) from the replay")
	demoOut    = flag.String("demo.out", "", "write each key frame's colour capture (NAME.ansi) and the casts into this `DIR`")
	demoCast   = flag.String("demo.cast", "", "record these tapes (comma-separated `NAMES`) with asciinema into -demo.out, at the tape's pace")
	demoTapes  = flag.String("demo.tapes", "", "play only these tapes (comma-separated `NAMES`); all when empty")
)

// Where the goldens live: the key frames beside their PNGs (the README
// shows them), the final screens with the tests' data.
const (
	framesDir = "assets/demo/screens"
	finalsDir = "testdata/demo"
)

// Every tape of assets/demo played twice in a row in tmux, with the
// sandbox's demo mode: each Wait must match, the two runs must show the
// same key frames and final screen, and those must be the committed ones.
func TestDemoTapes(t *testing.T) {
	requireTmux(t)
	isolate(t)
	files, err := filepath.Glob("assets/demo/*.tape")
	if err != nil || len(files) == 0 {
		t.Fatalf("no tapes in assets/demo: %v", err)
	}
	tapes := parseTapes(t, files...)
	var frames []string
	for _, tape := range tapes {
		for _, c := range tape.Commands {
			if c.Type == "Screenshot" {
				frames = append(frames, strings.TrimSuffix(filepath.Base(c.Args), ".png"))
			}
		}
	}
	t.Run("every committed frame is a tape's", func(t *testing.T) {
		committed, _ := filepath.Glob(filepath.Join(framesDir, "*"))
		for _, f := range committed {
			name := strings.TrimSuffix(filepath.Base(f), filepath.Ext(f))
			if !slices.Contains(frames, name) {
				t.Errorf("%s is no tape's Screenshot: remove it, or take it in a tape", f)
			}
		}
	})
	// The replays mostly wait for the wizard: all tapes play at once, each
	// its two runs in a row, and are judged when all are done (t.Parallel
	// would play only GOMAXPROCS of them at a time).
	casts := strings.Split(*demoCast, ",")
	played := make([]tapeRuns, len(tapes))
	var wg sync.WaitGroup
	for i, tape := range tapes {
		if *demoTapes != "" && !slices.Contains(strings.Split(*demoTapes, ","), tape.name()) {
			continue
		}
		bin := seedBin(t)
		wg.Go(func() {
			p := &played[i]
			for n := range p.runs {
				o := replayOptions{dir: t.TempDir(), bin: bin}
				if n == 0 && *demoOut != "" && slices.Contains(casts, tape.name()) {
					o.cast = filepath.Join(*demoOut, tape.name()+".cast")
				}
				p.runs[n], p.err = replayTape(t, tape, o)
				if p.err != nil {
					p.err = fmt.Errorf("run %d: %w", n+1, p.err)
					return
				}
			}
		})
	}
	wg.Wait()
	for i, tape := range tapes {
		if played[i].runs[0] == nil && played[i].err == nil {
			continue
		}
		t.Run(tape.name(), func(t *testing.T) { played[i].check(t, tape) })
	}
}

// tapeRuns are the two runs of one tape.
type tapeRuns struct {
	runs [2]*replayResult
	err  error
}

// check judges the two runs: every Wait matched in each, they showed the
// same, and what they showed is what is committed.
func (p tapeRuns) check(t *testing.T, tape parsedTape) {
	if p.err != nil {
		t.Fatal(p.err)
	}
	waits := 0
	for _, c := range tape.Commands {
		if c.Type == "Wait" {
			waits++
		}
	}
	for i, res := range p.runs {
		if res.waits != waits {
			t.Fatalf("run %d: %d of the tape's %d Waits matched", i+1, res.waits, waits)
		}
	}
	first, second := p.runs[0], p.runs[1]
	if first.final != second.final {
		t.Errorf("the final screen differs from one run to the next:\n%s\n---\n%s", first.final, second.final)
	}
	if len(first.frames) != len(second.frames) {
		t.Fatalf("%d key frames, then %d", len(first.frames), len(second.frames))
	}
	for i, f := range first.frames {
		if f.text != second.frames[i].text {
			t.Errorf("key frame %s differs from one run to the next:\n%s\n---\n%s", f.name, f.text, second.frames[i].text)
		}
		golden(t, filepath.Join(framesDir, f.name+".txt"), f.text)
		// The picture is drawn from the same capture; its bytes depend on
		// freeze and the fonts, so only its presence is checked.
		if _, err := os.Stat(filepath.Join(framesDir, f.name+".png")); err != nil && !*demoUpdate {
			t.Errorf("%v: draw it with assets/demo/refresh", err)
		}
		if *demoOut != "" {
			if err := os.WriteFile(filepath.Join(*demoOut, f.name+".ansi"), []byte(f.ansi), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	golden(t, filepath.Join(finalsDir, tape.name()+".final.txt"), first.final)
}

// golden compares a screen with its committed copy, or rewrites the copy
// under -demo.update.
func golden(t *testing.T, path, screen string) {
	t.Helper()
	if *demoUpdate {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(screen+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if err := compareGolden(path, screen); err != nil {
		t.Error(err)
	}
}

// compareGolden says how screen differs from the committed copy at path.
func compareGolden(path, screen string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("%v: refresh the demo goldens (assets/demo/refresh)", err)
	}
	if want := strings.TrimSuffix(string(b), "\n"); want != screen {
		return fmt.Errorf("the screen differs from %s (assets/demo/refresh rewrites it):\n%s\n--- want\n%s", path, screen, want)
	}
	return nil
}

// Every tape parses with VHS's parser, and its settings are ones VHS
// takes when it records; a tape with a bad setting (which vhs validate
// lets pass) is refused. No tmux needed.
func TestDemoTapesParse(t *testing.T) {
	files, err := filepath.Glob("assets/demo/*.tape")
	if err != nil || len(files) == 0 {
		t.Fatalf("no tapes in assets/demo: %v", err)
	}
	for _, tape := range parseTapes(t, append(files, "testdata/demo/bad-settings.tape")...) {
		bad := tape.name() == "bad-settings"
		switch {
		case bad && len(tape.Errors) != 2:
			t.Errorf("%s: errors %q; want the font size and the theme refused", tape.File, tape.Errors)
		case !bad && len(tape.Errors) > 0:
			t.Errorf("%s:\n%s", tape.File, strings.Join(tape.Errors, "\n"))
		case !bad && len(tape.Commands) < 10:
			t.Errorf("%s: %d commands: the setup it sources was not read", tape.File, len(tape.Commands))
		}
	}
}

// A tape whose Wait expects what the wizard does not show fails at that
// Wait, after the ones before it (the set-up's, the menu's) matched: the
// replay does check.
func TestDemoTapeWithAWrongExpectationFails(t *testing.T) {
	requireTmux(t)
	isolate(t)
	tapes := parseTapes(t, "testdata/demo/wrong-wait.tape")
	res, err := replayTape(t, tapes[0], replayOptions{dir: t.TempDir(), bin: seedBin(t)})
	if err == nil {
		t.Fatalf("the tape passed; its last Wait cannot match:\n%s", res.final)
	}
	waits := 0
	for _, c := range tapes[0].Commands {
		if c.Type == "Wait" {
			waits++
		}
	}
	if !strings.Contains(err.Error(), "/7 domains/ did not match the screen") || res == nil || res.waits != waits-1 {
		t.Fatalf("it failed elsewhere (%v Waits matched): %v", res, err)
	}
	if !strings.Contains(err.Error(), "2 domains") {
		t.Errorf("the failure does not show the screen it saw: %v", err)
	}
}

// compareGolden fails on a screen that is not the committed one, and on a
// missing golden.
func TestCompareGolden(t *testing.T) {
	path := filepath.Join(t.TempDir(), "screen.txt")
	if err := os.WriteFile(path, []byte("Main menu\n› 1  Create\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		path, screen string
		ok           bool
	}{
		{path, "Main menu\n› 1  Create", true},
		{path, "Main menu\n› 2  Create", false},
		{path + ".missing", "Main menu\n› 1  Create", false},
	} {
		if err := compareGolden(tt.path, tt.screen); (err == nil) != tt.ok {
			t.Errorf("compareGolden(%s, %q) = %v", tt.path, tt.screen, err)
		}
	}
}
