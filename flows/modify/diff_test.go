package modify

import (
	"strings"
	"testing"
)

func TestUnified(t *testing.T) {
	lines := func(n int) string {
		var l []string
		for i := 1; i <= n; i++ {
			l = append(l, "line"+string(rune('a'+i-1)))
		}
		return strings.Join(l, "\n")
	}
	tests := []struct {
		name string
		a, b string
		want string
	}{
		{"equal", "x\ny", "x\ny", ""},
		{"both empty", "", "", ""},
		{"created", "", "a\nb", "--- a\n+++ b\n@@ -0,0 +1,2 @@\n+a\n+b\n"},
		{"deleted", "a", "", "--- a\n+++ b\n@@ -1 +0,0 @@\n-a\n"},
		{"one line changed in the middle", lines(9), strings.Replace(lines(9), "linee", "EEE", 1),
			"--- a\n+++ b\n@@ -2,7 +2,7 @@\n lineb\n linec\n lined\n-linee\n+EEE\n linef\n lineg\n lineh\n"},
		{"insert at the end", "a\nb", "a\nb\nc", "--- a\n+++ b\n@@ -1,2 +1,3 @@\n a\n b\n+c\n"},
		{"two hunks far apart", lines(20), strings.Replace(strings.Replace(lines(20), "linea", "A", 1), "linet", "T", 1),
			"--- a\n+++ b\n@@ -1,4 +1,4 @@\n-linea\n+A\n lineb\n linec\n lined\n@@ -17,4 +17,4 @@\n lineq\n liner\n lines\n-linet\n+T\n"},
		{"close changes share a hunk", lines(8), strings.Replace(strings.Replace(lines(8), "lineb", "B", 1), "lineg", "G", 1),
			"--- a\n+++ b\n@@ -1,8 +1,8 @@\n linea\n-lineb\n+B\n linec\n lined\n linee\n linef\n-lineg\n+G\n lineh\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Unified("a", "b", tt.a, tt.b); got != tt.want {
				t.Errorf("got\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

// applyUnified replays a unified diff onto a, to check that a diff says
// exactly how to get from a to b.
func applyUnified(t *testing.T, a, diff string) string {
	t.Helper()
	src := splitLines(a)
	var out []string
	pos := 0
	for _, l := range splitLines(diff)[2:] {
		switch {
		case strings.HasPrefix(l, "@@"):
			var aStart, aCount int
			rng := strings.Fields(l)[1][1:]
			if i := strings.IndexByte(rng, ','); i >= 0 {
				aStart, aCount = atoi(rng[:i]), atoi(rng[i+1:])
			} else {
				aStart, aCount = atoi(rng), 1
			}
			if aCount == 0 {
				aStart++
			}
			for pos < aStart-1 {
				out = append(out, src[pos])
				pos++
			}
		case l[0] == ' ':
			if src[pos] != l[1:] {
				t.Fatalf("context %q does not match %q", l[1:], src[pos])
			}
			out = append(out, src[pos])
			pos++
		case l[0] == '-':
			if src[pos] != l[1:] {
				t.Fatalf("removed %q does not match %q", l[1:], src[pos])
			}
			pos++
		case l[0] == '+':
			out = append(out, l[1:])
		}
	}
	out = append(out, src[pos:]...)
	return strings.Join(out, "\n")
}

func atoi(s string) int {
	n := 0
	for _, c := range s {
		n = n*10 + int(c-'0')
	}
	return n
}

func TestUnifiedAppliesBack(t *testing.T) {
	before := Pretty(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::a/*"},{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::a"}]}`)
	after := Pretty(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject"],"Resource":"arn:aws:s3:::a/*"},{"Effect":"Allow","Action":"s3:ListBucket","Resource":["arn:aws:s3:::a","arn:aws:s3:::b"]},{"Effect":"Deny","Action":"iam:*","Resource":"*"}]}`)
	d := Unified("a", "b", before, after)
	if got := applyUnified(t, before, d); got != after {
		t.Fatalf("the diff does not turn before into after:\n%s\ngot\n%s", d, got)
	}
}

func TestPrettyIsStableAcrossFormatting(t *testing.T) {
	compact := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`
	spaced := "{\n\t\"Version\" : \"2012-10-17\",   \"Statement\": [ {\"Effect\":\"Allow\",\n\"Action\":\"s3:GetObject\",\"Resource\":\"*\"} ] }\n"
	if Pretty(compact) != Pretty(spaced) {
		t.Fatalf("Pretty depends on formatting:\n%s\n%s", Pretty(compact), Pretty(spaced))
	}
	if !strings.Contains(Pretty(compact), "\n  \"Statement\": [\n    {\n      \"Effect\"") {
		t.Errorf("want two-space indentation:\n%s", Pretty(compact))
	}
	if Pretty("not json") != "not json" {
		t.Error("text that is not JSON should come back unchanged")
	}
}

func TestDiffDocumentsAndLists(t *testing.T) {
	d := DiffDocuments("inline/x", "", `{"a":1}`)
	if !strings.HasPrefix(d, "--- /dev/null\n+++ b/inline/x\n") {
		t.Errorf("a created document diffs from /dev/null:\n%s", d)
	}
	d = DiffDocuments("inline/x", `{"a":1}`, "")
	if !strings.HasPrefix(d, "--- a/inline/x\n+++ /dev/null\n") {
		t.Errorf("a deleted document diffs to /dev/null:\n%s", d)
	}
	if DiffDocuments("x", `{"a": 1}`, `{"a":1}`) != "" {
		t.Error("documents that differ only in white space have no diff")
	}
	l := DiffLists("attached-policies", []string{"arn:a", "arn:b"}, []string{"arn:b", "arn:c"})
	want := "--- a/attached-policies\n+++ b/attached-policies\n@@ -1,2 +1,2 @@\n-arn:a\n arn:b\n+arn:c\n"
	if l != want {
		t.Errorf("got\n%s\nwant\n%s", l, want)
	}
}
