package tui

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strings"

	"github.com/sagerole/sagerole/flows/modify"
)

// prettyJSON indents a JSON document; a document that does not parse is
// shown as it is.
func prettyJSON(doc string) []string {
	var b bytes.Buffer
	if err := json.Indent(&b, []byte(strings.TrimSpace(doc)), "", "  "); err != nil {
		return strings.Split(doc, "\n")
	}
	return strings.Split(b.String(), "\n")
}

var jsonKeyRE = regexp.MustCompile(`^(\s*)("(?:[^"\\]|\\.)*")(:)`)

// colourJSON styles the keys of one line of indented JSON.
func (s Styles) colourJSON(line string) string {
	m := jsonKeyRE.FindStringSubmatchIndex(line)
	if m == nil {
		return line
	}
	return line[:m[4]] + s.DocKey.Render(line[m[4]:m[5]]) + line[m[5]:]
}

// docLines renders a document for the review: the whole document when it
// is new, or a diff against what it replaces, with + and - marks (that read
// without colour too).
func (s Styles) docLines(before *string, after string) []string {
	newLines := prettyJSON(after)
	var out []string
	if before == nil {
		for _, l := range newLines {
			out = append(out, "  "+s.colourJSON(l))
		}
		return out
	}
	for _, d := range modify.EditScript(prettyJSON(*before), newLines) {
		switch d.Op {
		case '+':
			out = append(out, s.Added.Render("+ "+d.Line))
		case '-':
			out = append(out, s.Removed.Render("- "+d.Line))
		default:
			out = append(out, "  "+s.colourJSON(d.Line))
		}
	}
	return out
}

// sameDoc reports whether two documents are the same once indented alike.
func sameDoc(a, b string) bool {
	return strings.Join(prettyJSON(a), "\n") == strings.Join(prettyJSON(b), "\n")
}
