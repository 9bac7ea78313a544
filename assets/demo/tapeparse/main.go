// Command tapeparse reads VHS tapes with VHS's own lexer and parser
// (github.com/charmbracelet/vhs v0.10.0) and prints their commands as JSON,
// for the replay test of the sagerole module (demo_replay_test.go).
//
// It is a module of its own so that VHS stays out of sagerole's module
// graph: vhs's go.mod requires bubbletea and lipgloss v1, which `go list -m
// all` would then list in sagerole's, although no package of theirs is
// built (lexer, parser and token import only the standard library).
//
//	go run -C assets/demo/tapeparse . -root "$PWD" assets/demo/*.tape
//
// Paths are relative to -root, where VHS is run from (Source resolves
// against it). Besides the parser's errors, it reports the settings that
// VHS itself refuses only when it records (a theme it does not know, a
// size that is not a number), as vhs's command.go checks them.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/vhs/lexer"
	"github.com/charmbracelet/vhs/parser"
	"github.com/charmbracelet/vhs/token"
)

// Command is one command of a tape, as VHS's parser gives it.
type Command struct {
	Type    string `json:"type"`
	Options string `json:"options,omitempty"`
	Args    string `json:"args,omitempty"`
}

// Tape is one file: its commands, or what is wrong with it.
type Tape struct {
	File     string    `json:"file"`
	Commands []Command `json:"commands"`
	Errors   []string  `json:"errors,omitempty"`
}

func main() {
	root := flag.String("root", ".", "the directory VHS would be run from")
	flag.Parse()
	themes, err := themeNames()
	if err != nil {
		fmt.Fprintln(os.Stderr, "tapeparse:", err)
		os.Exit(1)
	}
	if err := os.Chdir(*root); err != nil {
		fmt.Fprintln(os.Stderr, "tapeparse:", err)
		os.Exit(1)
	}
	var out []Tape
	for _, f := range flag.Args() {
		out = append(out, parse(f, themes))
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", " ")
	if err := enc.Encode(out); err != nil {
		fmt.Fprintln(os.Stderr, "tapeparse:", err)
		os.Exit(1)
	}
}

func parse(file string, themes map[string]bool) Tape {
	t := Tape{File: file, Commands: []Command{}}
	b, err := os.ReadFile(file)
	if err != nil {
		t.Errors = append(t.Errors, err.Error())
		return t
	}
	p := parser.New(lexer.New(string(b)))
	for _, c := range p.Parse() {
		t.Commands = append(t.Commands, Command{Type: c.Type.String(), Options: c.Options, Args: c.Args})
		if token.Type(c.Type) == token.SET {
			if msg := checkSetting(c.Options, c.Args, themes); msg != "" {
				t.Errors = append(t.Errors, fmt.Sprintf("Set %s %s: %s", c.Options, c.Args, msg))
			}
		}
	}
	for _, e := range p.Errors() {
		t.Errors = append(t.Errors, e.String())
	}
	return t
}

// checkSetting refuses a setting as VHS's Execute functions would when it
// records: integers, floats, durations, and a theme by name or as JSON.
func checkSetting(name, value string, themes map[string]bool) string {
	switch name {
	case "FontSize", "Width", "Height", "Padding", "Margin", "WindowBarSize", "BorderRadius", "Framerate":
		if _, err := strconv.Atoi(value); err != nil {
			return "not a whole number"
		}
	case "LetterSpacing", "LineHeight", "PlaybackSpeed":
		if _, err := strconv.ParseFloat(value, 64); err != nil {
			return "not a number"
		}
	case "TypingSpeed", "WaitTimeout":
		if _, err := time.ParseDuration(value); err != nil {
			return "not a duration"
		}
	case "Theme":
		if strings.HasPrefix(strings.TrimSpace(value), "{") {
			var v map[string]any
			if err := json.Unmarshal([]byte(value), &v); err != nil {
				return "not a theme in JSON: " + err.Error()
			}
		} else if !themes[value] {
			return "not a theme VHS knows (its themes.json)"
		}
	}
	return ""
}

// themeNames reads the themes VHS knows from its module's themes.json (the
// package that embeds it is VHS's main package, which cannot be imported).
func themeNames() (map[string]bool, error) {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/charmbracelet/vhs").Output()
	if err != nil {
		return nil, fmt.Errorf("finding the vhs module: %w", err)
	}
	b, err := os.ReadFile(filepath.Join(strings.TrimSpace(string(out)), "themes.json"))
	if err != nil {
		return nil, err
	}
	var list []struct {
		Name string `json:"name"`
	}
	if err := json.Unmarshal(b, &list); err != nil {
		return nil, fmt.Errorf("vhs themes.json: %w", err)
	}
	names := map[string]bool{}
	for _, t := range list {
		names[t.Name] = true
	}
	return names, nil
}
