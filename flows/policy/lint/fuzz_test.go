package lint

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/sagerole/sagerole/flows/policy"
)

// FuzzText feeds the validator's whole path — policy.Parse, the position
// reader and every check — with mutated documents. It must never panic,
// and what it returns must hold together.
func FuzzText(f *testing.F) {
	for _, tt := range badCorpus {
		f.Add(tt.text)
	}
	for _, tt := range cleanCorpus {
		f.Add(tt.text)
	}
	if b, err := os.ReadFile("testdata/known-bad.json"); err == nil {
		f.Add(string(b))
	}
	if d, err := policy.Build(largestScope()); err == nil {
		f.Add(d.String())
	}
	f.Add(`%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22s3%3AGetObjekt%22%2C%22Resource%22%3A%22*%22%7D%7D`)
	r := ref(f)
	f.Fuzz(func(t *testing.T, text string) {
		fs, err := Text(r, text, Options{})
		lines := strings.Count(text, "\n") + 1
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("error %v is not a *SyntaxError", err)
			}
			if se.Line < 1 || se.Line > lines || se.Column < 1 || se.Msg == "" {
				t.Fatalf("syntax error at %d:%d of a %d-line text: %q", se.Line, se.Column, lines, se.Msg)
			}
			return
		}
		d, err := policy.Parse(text)
		if err != nil {
			t.Fatalf("Text accepted what Parse refuses: %v", err)
		}
		for _, f := range fs {
			if f.Level < Suggestion || f.Level > Error || Codes[f.Code] == "" || f.Message == "" {
				t.Fatalf("malformed finding %+v", f)
			}
			if f.Statement < 0 || f.Statement > len(d.Statement) {
				t.Fatalf("finding of statement %d in a %d-statement document", f.Statement, len(d.Statement))
			}
			if f.Line < 0 || f.Line > lines || (f.Line > 0) != (f.Column > 0) {
				t.Fatalf("finding at %d:%d of a %d-line text", f.Line, f.Column, lines)
			}
		}
		if n := len(Lint(r, d, Options{})); n != len(fs) {
			t.Fatalf("Lint finds %d, Text %d", n, len(fs))
		}
	})
}
