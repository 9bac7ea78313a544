package main

import (
	"fmt"
	"strings"
	"time"
)

// The keys of a tape, as tmux sends them.

// tmuxKeys are VHS's keys by tmux's names.
var tmuxKeys = map[string]string{
	"Enter": "Enter", "Backspace": "BSpace", "Delete": "DC", "Insert": "IC", "Escape": "Escape",
	"Tab": "Tab", "Space": "Space", "Up": "Up", "Down": "Down", "Left": "Left", "Right": "Right",
	"PageUp": "PPage", "PageDown": "NPage",
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

// typeText types text: in a cast a character at a time at the tape's
// speed, as VHS types it; else at once (one tmux call instead of one a
// character, which under the load of six replays costs seconds a line),
// then the pause after a key.
func (r *replay) typeText(c tapeCommand) error {
	if !r.full() {
		if err := r.s.send(true, c.Args); err != nil {
			return err
		}
		time.Sleep(keyPause)
		return nil
	}
	for _, ch := range c.Args {
		if err := r.s.send(true, string(ch)); err != nil {
			return err
		}
		time.Sleep(r.speed(c.Options))
	}
	return nil
}
