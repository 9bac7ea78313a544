package tui

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textarea"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/sagerole/sagerole/awsops/rules"
	"github.com/sagerole/sagerole/flows/policy/lint"
)

// finding is one thing wrong (or worth knowing) in a document being
// edited, where it is: line and column from 1, 0 when it is about the
// whole document.
type finding struct {
	line, col int
	severity  string // "error" blocks saving; "warning" and "note" do not
	msg       string
	// lint is set on the validator's findings: an error of its own can be
	// overruled (ctrl+f keeps the document anyway, as --force does).
	lint bool
}

func (f finding) String() string {
	if f.line == 0 {
		return f.msg
	}
	return fmt.Sprintf("%d:%d %s", f.line, f.col, f.msg)
}

// linter finds what is wrong in a policy document as it is typed: the
// hook the policy validator plugs into (policyLint). A document that is
// not JSON never reaches it (the editor reports the syntax error itself).
type linter func(doc string) []finding

// policyDoc is one document the editor edits: its name, and the text it
// is bound to (the flow's answer).
type policyDoc struct {
	name     string
	text     *string
	original string
}

// policyEditor is a full-screen editor of policy documents: a text area
// with line numbers, the JSON syntax error with its line and column, and
// the linter's findings, all as the document is typed. ctrl+s keeps a
// document (refused while it has an error) and goes to the next; esc goes
// back with the text kept. It is a step of the modify flow.
type policyEditor struct {
	ctx  *ProgramContext
	docs []policyDoc
	i    int
	ta   textarea.Model
	lint linter
	// check is the flow's own refusal of the document (not a permissions
	// policy, too large), the sentence the plan would refuse it with.
	check func(name, doc string) error

	findings []finding
	refused  string // why ctrl+s did not keep the document
	// forced is set when a document was kept despite the validator's
	// errors: the plan must put it as it is.
	forced  bool
	outcome stepOutcome
	width   int
	height  int
}

func newPolicyEditor(c *ProgramContext, docs []policyDoc, check func(name, doc string) error, lint linter) *policyEditor {
	e := &policyEditor{ctx: c, docs: docs, check: check, lint: lint, width: c.Width, height: c.BodyHeight}
	e.ta = textarea.New()
	e.ta.ShowLineNumbers = true
	e.ta.Prompt = " "
	// IAM's inline policies are at most 10,240 characters: far fewer
	// lines than this, whatever the indentation.
	e.ta.MaxHeight = 999
	e.ta.MaxContentHeight = 5000
	e.ta.MaxWidth = 0
	e.ta.CharLimit = 0
	e.load()
	return e
}

// load puts document i in the text area.
func (e *policyEditor) load() {
	e.ta.SetValue(*e.docs[e.i].text)
	e.ta.MoveToBegin()
	e.refused = ""
	e.review()
	e.layout()
}

func (e *policyEditor) Init() tea.Cmd { return e.ta.Focus() }

func (e *policyEditor) Outcome() stepOutcome { return e.outcome }

func (e *policyEditor) Size(width, height int) {
	e.width, e.height = width, height
	e.layout()
}

// paneLines is the room the findings take under the text.
const paneLines = 3

func (e *policyEditor) layout() {
	e.ta.SetWidth(max(e.width-1, 20))
	e.ta.SetHeight(max(e.height-2-paneLines, 3))
}

var editorKeys = struct {
	save, force, back, revert, toErr key.Binding
}{
	save:   key.NewBinding(key.WithKeys("ctrl+s"), key.WithHelp("ctrl+s", "keep it")),
	force:  key.NewBinding(key.WithKeys("ctrl+f"), key.WithHelp("ctrl+f", "keep it anyway")),
	back:   key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),
	revert: key.NewBinding(key.WithKeys("ctrl+r"), key.WithHelp("ctrl+r", "revert")),
	toErr:  key.NewBinding(key.WithKeys("ctrl+g"), key.WithHelp("ctrl+g", "go to the error")),
}

func (e *policyEditor) Help() []key.Binding {
	return []key.Binding{editorKeys.save, editorKeys.toErr, editorKeys.revert, editorKeys.force}
}

func (e *policyEditor) Update(msg tea.Msg) (stepScreen, tea.Cmd) {
	if m, ok := msg.(tea.KeyPressMsg); ok {
		switch {
		case key.Matches(m, editorKeys.back):
			*e.docs[e.i].text = e.ta.Value()
			if e.i > 0 {
				e.i--
				e.load()
				return e, nil
			}
			e.outcome = stepBack
			return e, nil
		case key.Matches(m, editorKeys.save):
			return e, e.save(false)
		case key.Matches(m, editorKeys.force):
			return e, e.save(true)
		case key.Matches(m, editorKeys.revert):
			*e.docs[e.i].text = e.docs[e.i].original
			e.load()
			return e, nil
		case key.Matches(m, editorKeys.toErr):
			e.gotoFinding()
			return e, nil
		}
	}
	var cmd tea.Cmd
	e.ta, cmd = e.ta.Update(msg)
	if _, ok := msg.(tea.KeyPressMsg); ok {
		*e.docs[e.i].text = e.ta.Value()
		e.refused = ""
		e.review()
	}
	return e, cmd
}

// save keeps the document and goes to the next, or ends the step; a
// document with an error is not kept, unless force and the errors are
// only the validator's (JSON that does not parse, or that IAM refuses, is
// never kept).
func (e *policyEditor) save(force bool) tea.Cmd {
	*e.docs[e.i].text = e.ta.Value()
	e.review()
	for _, f := range e.findings {
		if f.severity != "error" {
			continue
		}
		if !f.lint || !force {
			e.refused = "Not kept: " + f.String()
			if f.lint {
				e.refused += " (ctrl+f keeps it anyway)"
			}
			return nil
		}
		e.forced = true
	}
	if e.i < len(e.docs)-1 {
		e.i++
		e.load()
		return nil
	}
	e.outcome = stepDone
	return nil
}

// gotoFinding puts the cursor where the first finding with a place is.
func (e *policyEditor) gotoFinding() {
	for _, f := range e.findings {
		if f.line == 0 {
			continue
		}
		e.ta.MoveToBegin()
		for range f.line - 1 {
			e.ta.CursorDown()
		}
		e.ta.SetCursorColumn(f.col - 1)
		return
	}
}

// review finds what is wrong with the document as it is now.
func (e *policyEditor) review() {
	doc := e.ta.Value()
	e.findings = nil
	if f, ok := jsonError(doc); ok {
		e.findings = []finding{f}
		return
	}
	if e.check != nil {
		if err := e.check(e.docs[e.i].name, doc); err != nil {
			e.findings = append(e.findings, finding{severity: "error", msg: err.Error()})
		}
	}
	if e.lint != nil {
		e.findings = append(e.findings, e.lint(doc)...)
	}
}

// jsonError is the syntax error of a document that is not JSON, at its
// line and column.
func jsonError(doc string) (finding, bool) {
	if strings.TrimSpace(doc) == "" {
		return finding{severity: "error", msg: "the document is empty: a policy is a JSON object"}, true
	}
	var v any
	err := json.Unmarshal([]byte(doc), &v)
	if err == nil {
		if _, ok := v.(map[string]any); !ok {
			return finding{line: 1, col: 1, severity: "error", msg: "a policy is a JSON object ({ … })"}, true
		}
		return finding{}, false
	}
	var se *json.SyntaxError
	offset := int64(len(doc))
	if errors.As(err, &se) {
		offset = se.Offset
	}
	line, col := lineCol(doc, offset)
	msg := err.Error()
	if errors.As(err, &se) {
		msg = se.Error()
		// The usual slip: JSON takes no comma before a closing bracket.
		if before := strings.TrimRight(doc[:max(offset-1, 0)], " \t\r\n"); offset > 0 && strings.ContainsAny(doc[offset-1:offset], "]}") && strings.HasSuffix(before, ",") {
			msg += " (a comma before it?)"
		}
	}
	return finding{line: line, col: col, severity: "error", msg: "JSON: " + msg}, true
}

// lineCol turns a byte offset into a line and a column (in characters),
// both from 1: where encoding/json stopped reading. The offset counts the
// byte that was wrong, so the column is that of the last byte read.
func lineCol(doc string, offset int64) (int, int) {
	if offset > int64(len(doc)) {
		offset = int64(len(doc))
	}
	before := doc[:offset]
	line := strings.Count(before, "\n") + 1
	start := strings.LastIndex(before, "\n") + 1
	col := len([]rune(before[start:]))
	return line, max(col, 1)
}

func (e *policyEditor) View() string {
	s := e.ctx.Styles
	d := e.docs[e.i]
	doc := e.ta.Value()
	head := fmt.Sprintf("Inline policy %s", d.name)
	if len(e.docs) > 1 {
		head += fmt.Sprintf(" (%d of %d)", e.i+1, len(e.docs))
	}
	head += s.Muted.Render(fmt.Sprintf("  · line %d:%d · %d characters, white space aside",
		e.ta.Line()+1, e.ta.Column()+1, rules.PolicySize(doc)))
	var b strings.Builder
	b.WriteString(s.Bold.Render(truncate(head, e.width-1)) + "\n")
	b.WriteString(e.ta.View() + "\n")
	b.WriteString(s.Rule.Render(strings.Repeat("─", e.width)) + "\n")
	var pane []string
	if e.refused != "" {
		pane = append(pane, s.Error.Render("✗ "+e.refused))
	}
	if len(e.findings) == 0 {
		pane = append(pane, s.OK.Render("✓ valid JSON, accepted by IAM, nothing found by the validator")+s.Muted.Render("  ctrl+s keeps it"))
	}
	for _, f := range e.findings {
		mark, style := "⚠", s.Warn
		if f.severity == "error" {
			mark, style = "✗", s.Error
		}
		pane = append(pane, style.Render(mark+" "+f.String()))
	}
	var lines []string
	for _, p := range pane {
		lines = append(lines, strings.Split(lipgloss.Wrap(p, max(e.width-1, 20), " "), "\n")...)
	}
	if len(lines) > paneLines {
		more := len(lines) - (paneLines - 1)
		lines = append(lines[:paneLines-1], s.Muted.Render(fmt.Sprintf("… %d more", more)))
	}
	b.WriteString(strings.Join(lines, "\n"))
	return b.String()
}

// policyLint is the editor's linter: the policy validator
// (flows/policy/lint) against the IAM reference, read once per session,
// on a permissions policy.
func policyLint(c *ProgramContext) linter {
	ref, err := c.iamRef()
	if err != nil {
		return func(string) []finding {
			return []finding{{severity: "warning", msg: "the policy validator is not available: " + err.Error()}}
		}
	}
	return func(doc string) []finding {
		fs, err := lint.Text(ref, doc, lint.Options{Kind: lint.Identity})
		var se *lint.SyntaxError
		switch {
		case errors.As(err, &se):
			return []finding{{line: se.Line, col: se.Column, severity: "error", msg: se.Msg}}
		case err != nil:
			return []finding{{severity: "error", msg: err.Error()}}
		}
		out := make([]finding, len(fs))
		for i, f := range fs {
			sev := "note"
			switch f.Level {
			case lint.Error:
				sev = "error"
			case lint.Warning:
				sev = "warning"
			}
			out[i] = finding{line: f.Line, col: f.Column, severity: sev, lint: true, msg: f.Message + " [" + f.Code + "]"}
		}
		return out
	}
}
