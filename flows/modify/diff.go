package modify

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// Pretty returns a JSON document indented by two spaces, keys in the order
// the document has them, so that the same document always reads the same
// and a diff shows what changed rather than how it was formatted. Text
// that is not JSON is returned unchanged.
func Pretty(doc string) string {
	var compact, out bytes.Buffer
	if err := json.Compact(&compact, []byte(doc)); err != nil {
		return doc
	}
	if err := json.Indent(&out, compact.Bytes(), "", "  "); err != nil {
		return doc
	}
	return out.String()
}

// diffContext is how many unchanged lines a hunk shows around a change, as
// diff -u does.
const diffContext = 3

// Edit is one line of an edit script: Op ' ' kept, '-' removed, '+' added.
type Edit struct {
	Op   byte
	Line string
}

func splitLines(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(strings.TrimSuffix(s, "\n"), "\n")
}

// EditScript is a shortest edit script from a to b, by longest common
// subsequence. Policies are at most a few hundred lines, so the quadratic
// table is small, and an LCS keeps removals before additions, which reads
// as diff -u does.
func EditScript(a, b []string) []Edit {
	n, m := len(a), len(b)
	// lcs[i][j] is the LCS length of a[i:] and b[j:].
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
	var out []Edit
	i, j := 0, 0
	for i < n && j < m {
		switch {
		case a[i] == b[j]:
			out = append(out, Edit{' ', a[i]})
			i++
			j++
		case lcs[i+1][j] >= lcs[i][j+1]:
			out = append(out, Edit{'-', a[i]})
			i++
		default:
			out = append(out, Edit{'+', b[j]})
			j++
		}
	}
	for ; i < n; i++ {
		out = append(out, Edit{'-', a[i]})
	}
	for ; j < m; j++ {
		out = append(out, Edit{'+', b[j]})
	}
	return out
}

// Unified returns a unified diff (diff -u) of two texts, labelled from and
// to; "" when they are equal.
func Unified(from, to, a, b string) string {
	script := EditScript(splitLines(a), splitLines(b))
	var changes []int
	for k, e := range script {
		if e.Op != ' ' {
			changes = append(changes, k)
		}
	}
	if len(changes) == 0 {
		return ""
	}
	var out strings.Builder
	fmt.Fprintf(&out, "--- %s\n+++ %s\n", from, to)
	// Group changes whose unchanged gap is small enough to share context.
	for g := 0; g < len(changes); {
		last := g
		for last+1 < len(changes) && changes[last+1]-changes[last] <= 2*diffContext+1 {
			last++
		}
		lo := max(changes[g]-diffContext, 0)
		hi := min(changes[last]+diffContext+1, len(script))
		writeHunk(&out, script, lo, hi)
		g = last + 1
	}
	return out.String()
}

// writeHunk writes script[lo:hi] with its @@ header.
func writeHunk(out *strings.Builder, script []Edit, lo, hi int) {
	// Line numbers (1-based) where the hunk starts in a and in b.
	aLine, bLine := 1, 1
	for _, e := range script[:lo] {
		if e.Op != '+' {
			aLine++
		}
		if e.Op != '-' {
			bLine++
		}
	}
	aCount, bCount := 0, 0
	for _, e := range script[lo:hi] {
		if e.Op != '+' {
			aCount++
		}
		if e.Op != '-' {
			bCount++
		}
	}
	fmt.Fprintf(out, "@@ -%s +%s @@\n", hunkRange(aLine, aCount), hunkRange(bLine, bCount))
	for _, e := range script[lo:hi] {
		out.WriteByte(e.Op)
		out.WriteString(e.Line)
		out.WriteByte('\n')
	}
}

// hunkRange is diff -u's range: "start,count", "start" for one line, and
// for none the line before the hunk.
func hunkRange(start, count int) string {
	switch count {
	case 0:
		return fmt.Sprintf("%d,0", start-1)
	case 1:
		return fmt.Sprintf("%d", start)
	}
	return fmt.Sprintf("%d,%d", start, count)
}

// DiffDocuments diffs two JSON documents, pretty-printed; an empty side is
// a document that does not exist (/dev/null), as for a created or deleted
// inline policy.
func DiffDocuments(label, before, after string) string {
	from, to := "a/"+label, "b/"+label
	if before == "" {
		from = "/dev/null"
	}
	if after == "" {
		to = "/dev/null"
	}
	return Unified(from, to, prettyOrEmpty(before), prettyOrEmpty(after))
}

func prettyOrEmpty(doc string) string {
	if doc == "" {
		return ""
	}
	return Pretty(doc)
}

// DiffLists diffs two lists of names, one a line (attached policies).
func DiffLists(label string, before, after []string) string {
	return Unified("a/"+label, "b/"+label, strings.Join(before, "\n"), strings.Join(after, "\n"))
}
