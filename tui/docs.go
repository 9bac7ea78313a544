package tui

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strings"
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

// diffOp is one line of a line diff.
type diffOp struct {
	kind byte // ' ', '+' or '-'
	line string
}

// diffLines is the shortest line diff of a and b (longest common
// subsequence); documents are small enough for the quadratic table.
func diffLines(a, b []string) []diffOp {
	n, m := len(a), len(b)
	lcs := make([][]int, n+1)
	for i := range lcs {
		lcs[i] = make([]int, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if a[i] == b[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var out []diffOp
	i, j := 0, 0
	for i < n && j < m {
		switch {
		case a[i] == b[j]:
			out = append(out, diffOp{' ', a[i]})
			i++
			j++
		case lcs[i+1][j] >= lcs[i][j+1]:
			out = append(out, diffOp{'-', a[i]})
			i++
		default:
			out = append(out, diffOp{'+', b[j]})
			j++
		}
	}
	for ; i < n; i++ {
		out = append(out, diffOp{'-', a[i]})
	}
	for ; j < m; j++ {
		out = append(out, diffOp{'+', b[j]})
	}
	return out
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
	for _, d := range diffLines(prettyJSON(*before), newLines) {
		switch d.kind {
		case '+':
			out = append(out, s.Added.Render("+ "+d.line))
		case '-':
			out = append(out, s.Removed.Render("- "+d.line))
		default:
			out = append(out, "  "+s.colourJSON(d.line))
		}
	}
	return out
}

// sameDoc reports whether two documents are the same once indented alike.
func sameDoc(a, b string) bool {
	return strings.Join(prettyJSON(a), "\n") == strings.Join(prettyJSON(b), "\n")
}
