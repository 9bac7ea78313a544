package tui

import "regexp"

// The flows' notes and warnings are written for the command line, and some
// name its flags ("name buckets with --bucket"). The wizard's user typed
// none: wizardWords says the wizard's own control instead. Each rewrite is
// of a sentence the flows write; a note with a flag no rewrite knows is
// left as it is.
var wizardRewrites = []struct {
	re   *regexp.Regexp
	with string
}{
	{regexp.MustCompile(`\(name buckets with --bucket\)`), "(pick them on the Buckets screen)"},
	{regexp.MustCompile(`\(name them with --ecr-repo\)`), "(name them under Options: ECR repositories)"},
	{regexp.MustCompile(`\(narrow to (/aws/sagemaker/\*) with --log-groups\)`), "(narrow to $1 under Options)"},
	{regexp.MustCompile(`; fix it with: sagerole modify \S+ --fix-trust`), "; fix it with “fix the trust policy” in Modify a role's permissions"},
	{regexp.MustCompile(`: --fix-trust changes nothing`), ": fixing it changes nothing"},
	{regexp.MustCompile(`: --attach changes nothing`), ": attaching it changes nothing"},
	{regexp.MustCompile(`error \(put anyway, --force\)`), "error (kept anyway with ctrl+f)"},
}

// wizardWords is s with the command line's flags put in the wizard's words.
func wizardWords(s string) string {
	for _, r := range wizardRewrites {
		s = r.re.ReplaceAllString(s, r.with)
	}
	return s
}

// wizardList is wizardWords on each of l.
func wizardList(l []string) []string {
	out := make([]string, len(l))
	for i, s := range l {
		out[i] = wizardWords(s)
	}
	return out
}
