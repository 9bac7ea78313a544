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
