// Package lint checks IAM policy documents against the Service
// Authorization Reference (flows/policy/iamref): that every action exists,
// that every condition key exists, fits its operator and is in the request
// of the statement's actions, that every Resource can name a resource the
// statement's actions act on, and that a trust policy is one. Each finding
// is an error (the statement does not do what it says: it grants or denies
// nothing, or IAM refuses it), a warning (it works, but not as it reads,
// or it is wider than it needs to be) or a suggestion, with one sentence
// that says what is wrong and how to fix it.
//
// Text is the entry point for a document as a person wrote it: it parses
// the text and gives each finding its line and column. Lint checks a parsed
// policy.Document.
package lint

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/sagerole/sagerole/flows/policy"
	"github.com/sagerole/sagerole/flows/policy/iamref"
)

// Level is how much a finding matters.
type Level int

// The levels, least to most serious.
const (
	Suggestion Level = iota + 1
	Warning
	Error
)

func (l Level) String() string {
	switch l {
	case Suggestion:
		return "suggestion"
	case Warning:
		return "warning"
	case Error:
		return "error"
	}
	return "level(" + strconv.Itoa(int(l)) + ")"
}

// MarshalText writes the level as its name, for --output json.
func (l Level) MarshalText() ([]byte, error) { return []byte(l.String()), nil }

// UnmarshalText reads a level's name.
func (l *Level) UnmarshalText(b []byte) error {
	for _, c := range []Level{Suggestion, Warning, Error} {
		if string(b) == c.String() {
			*l = c
			return nil
		}
	}
	return fmt.Errorf("unknown finding level %q", b)
}

// Finding is one thing wrong with a document.
type Finding struct {
	Level Level `json:"level"`
	// Code names the kind of finding (unknown-action, unsupported-key…),
	// stable for scripts and tests; the Codes list says what each means.
	Code string `json:"code"`
	// Statement is the statement's position, counting from 1 as people
	// do; 0 is the document itself (its Version).
	Statement int    `json:"statement"`
	Sid       string `json:"sid,omitempty"`
	// Element is the policy element: Version, Sid, Principal,
	// NotPrincipal, Action, NotAction, Resource, NotResource or Condition.
	Element string `json:"element"`
	// Value is what the finding is about in the element: an action, a
	// Resource, a condition key or operator, a principal.
	Value   string `json:"value,omitempty"`
	Message string `json:"message"`
	// Line and Column (from 1) locate Value, or else the element or the
	// statement, in the text given to Text; 0 when not known.
	Line   int `json:"line,omitempty"`
	Column int `json:"column,omitempty"`
}

// String is the finding as one line: "statement 2 (Sid S3): error: …".
func (f Finding) String() string {
	where := "document"
	if f.Statement > 0 {
		where = "statement " + strconv.Itoa(f.Statement)
		if f.Sid != "" {
			where += " (" + f.Sid + ")"
		}
	}
	return where + ": " + f.Level.String() + ": " + f.Message
}

// Kind is what a document is for.
type Kind int

// The kinds of documents.
const (
	// Auto reads a document with a Principal or NotPrincipal as a trust
	// policy and any other as an identity (permissions) policy.
	Auto Kind = iota
	// Identity is a permissions policy attached to a role, user or group.
	Identity
	// Trust is a role's trust policy.
	Trust
)

func (k Kind) String() string {
	switch k {
	case Identity:
		return "identity"
	case Trust:
		return "trust"
	}
	return "auto"
}

// Options are how to read the document.
type Options struct {
	Kind Kind
}

// KindOf is the kind Auto gives doc.
func KindOf(doc policy.Document) Kind {
	for _, s := range doc.Statement {
		if s.Principal != nil || s.NotPrincipal != nil {
			return Trust
		}
	}
	return Identity
}

// Lint checks a parsed document. Findings come in statement order.
func Lint(ref *iamref.Reference, doc policy.Document, opts Options) []Finding {
	kind := opts.Kind
	if kind == Auto {
		kind = KindOf(doc)
	}
	c := &checker{ref: ref, kind: kind}
	c.document(doc)
	for i, s := range doc.Statement {
		c.statement(i+1, s)
	}
	return c.out
}

// SyntaxError is a text that is not a policy document, with where the
// problem is.
type SyntaxError struct {
	Line, Column int // from 1
	Msg          string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("line %d, column %d: %s", e.Line, e.Column, e.Msg)
}

var statementErrRE = regexp.MustCompile(`^statement (\d+): `)

// Text parses a policy document as IAM reads it (policy.Parse) and lints
// it, giving each finding the line and column of what it is about. A text
// that is not a policy document is a *SyntaxError, with its position when
// the JSON itself is broken or a statement is malformed.
func Text(ref *iamref.Reference, text string, opts Options) ([]Finding, error) {
	doc, err := policy.Parse(text)
	if err != nil {
		return nil, syntaxError(text, err)
	}
	findings := Lint(ref, doc, opts)
	loc := locate(text)
	for i := range findings {
		f := &findings[i]
		if off, ok := loc.find(f.Statement, f.Element, f.Value); ok {
			f.Line, f.Column = lineCol(text, off)
		}
	}
	// In the order of the text, as an editor lists them.
	slices.SortStableFunc(findings, func(a, b Finding) int {
		return cmp.Or(cmp.Compare(a.Statement, b.Statement), cmp.Compare(a.Line, b.Line), cmp.Compare(a.Column, b.Column))
	})
	return findings, nil
}

func syntaxError(text string, err error) *SyntaxError {
	e := &SyntaxError{Line: 1, Column: 1, Msg: err.Error()}
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	// Both offsets count the bytes read up to and including the one at
	// fault.
	case errors.As(err, &se):
		e.Line, e.Column = lineCol(text, int(se.Offset)-1)
	case errors.As(err, &te):
		e.Line, e.Column = lineCol(text, int(te.Offset)-1)
	case errors.Is(err, io.ErrUnexpectedEOF):
		e.Line, e.Column = lineCol(text, len(text))
	default:
		if m := statementErrRE.FindStringSubmatch(err.Error()); m != nil {
			n, _ := strconv.Atoi(m[1])
			if off, ok := locate(text).find(n, "", ""); ok {
				e.Line, e.Column = lineCol(text, off)
			}
		}
	}
	return e
}

// lineCol turns a byte offset into a line and a column, both from 1; the
// column counts characters, not bytes.
func lineCol(text string, off int) (int, int) {
	if off > len(text) {
		off = len(text)
	}
	if off < 0 {
		off = 0
	}
	before := text[:off]
	line := strings.Count(before, "\n") + 1
	start := strings.LastIndexByte(before, '\n') + 1
	return line, len([]rune(before[start:])) + 1
}

// Count returns how many findings there are of each level.
func Count(findings []Finding) (errors, warnings, suggestions int) {
	for _, f := range findings {
		switch f.Level {
		case Error:
			errors++
		case Warning:
			warnings++
		case Suggestion:
			suggestions++
		}
	}
	return
}

// HasErrors reports whether any finding is an error.
func HasErrors(findings []Finding) bool {
	e, _, _ := Count(findings)
	return e > 0
}
