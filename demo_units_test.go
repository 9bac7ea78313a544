package main

import (
	"strings"
	"testing"
)

// VHS's modified keys, as tmux names them.
func TestModifiedKey(t *testing.T) {
	tests := []struct {
		c    tapeCommand
		want string
		err  bool
	}{
		{c: tapeCommand{Type: "Ctrl", Args: "C"}, want: "C-c"},
		{c: tapeCommand{Type: "Ctrl", Args: "Alt x"}, want: "C-M-x"},
		{c: tapeCommand{Type: "Alt", Args: "Enter"}, want: "M-Enter"},
		{c: tapeCommand{Type: "Shift", Args: "Tab"}, want: "BTab"},
		{c: tapeCommand{Type: "Shift", Args: "g"}, want: "G"},
		{c: tapeCommand{Type: "Shift", Args: "Up"}, err: true},
		{c: tapeCommand{Type: "Ctrl"}, err: true},
	}
	for _, tt := range tests {
		got, err := modifiedKey(tt.c)
		if (err != nil) != tt.err || got != tt.want {
			t.Errorf("%s %s: %q, %v; want %q (error %v)", tt.c.Type, tt.c.Args, got, err, tt.want, tt.err)
		}
	}
}

// The terminal the replay opens for a tape's frame: the tapes' 1100×610
// at 16 px with 16 px padding is the 100×30 their goldens are; a tape in
// another font is refused rather than played at a guessed size.
func TestTapeTerminalSize(t *testing.T) {
	s := vhsDefaults()
	for _, kv := range [][2]string{{"FontFamily", replayFont}, {"FontSize", "16"}, {"Width", "1100"}, {"Height", "610"}, {"Padding", "16"}} {
		if err := s.set(kv[0], kv[1]); err != nil {
			t.Fatal(err)
		}
	}
	if cols, rows, err := s.size(); err != nil || cols != 100 || rows != 30 {
		t.Errorf("the tapes' frame: %d×%d (%v), want 100×30", cols, rows, err)
	}
	if err := s.set("WindowBar", "Colorful"); err != nil {
		t.Fatal(err)
	}
	if _, rows, _ := s.size(); rows != 28 {
		t.Errorf("with a 30 px window bar: %d rows, want 28", rows)
	}
	other := vhsDefaults()
	if _, _, err := other.size(); err == nil || !strings.Contains(err.Error(), "FontFamily") {
		t.Errorf("a tape without Set FontFamily: %v, want it refused", err)
	}
	if err := other.set("FontSize", "big"); err == nil {
		t.Error("Set FontSize big was taken")
	}
}
