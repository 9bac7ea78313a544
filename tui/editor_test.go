package tui

import (
	"strings"
	"testing"
)

// The editor places a JSON error at its line and column, as a person
// counts them, and says the usual slip.
func TestJSONErrorPlace(t *testing.T) {
	tests := []struct {
		doc       string
		line, col int
		has       string
	}{
		{"{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [],\n}", 4, 1, "a comma before it?"},
		{"{\n  \"Version\" \"2012-10-17\"\n}", 2, 13, "after object key"},
		{"{\n  \"Statement\": [\n    {\"Effect\": \"Allow\"\n  ]\n}", 4, 3, "after object key:value pair"},
		{"[1]", 1, 1, "a policy is a JSON object"},
		{"  ", 0, 0, "the document is empty"},
	}
	for _, tt := range tests {
		f, bad := jsonError(tt.doc)
		if !bad {
			t.Errorf("%q: no error", tt.doc)
			continue
		}
		if f.line != tt.line || f.col != tt.col || !strings.Contains(f.msg, tt.has) {
			t.Errorf("%q: %d:%d %q, want %d:%d and %q", tt.doc, f.line, f.col, f.msg, tt.line, tt.col, tt.has)
		}
	}
	if _, bad := jsonError(`{"Version":"2012-10-17","Statement":[]}`); bad {
		t.Error("a valid document is refused")
	}
}
