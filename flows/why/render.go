package why

import (
	"fmt"
	"io"
	"strings"

	"github.com/sagerole/sagerole/flows/policy/eval"
)

// Headline is the decision in a few words.
func (r *Result) Headline() string {
	switch r.Decision {
	case eval.Allow:
		return "allowed by the role's own policies"
	case eval.ExplicitDeny:
		return "explicitly denied"
	}
	if r.Eval.NotAllowedBy == eval.Boundary {
		return "implicitly denied by the permissions boundary"
	}
	return "implicitly denied: nothing allows it"
}

// TextOptions say who reads the text: the command line's user, or the
// wizard's, who typed no flag and is told no command.
type TextOptions struct{ Wizard bool }

// WriteText writes the explanation for a person: the decision and why,
// what AWS said, the statements with their lines, the request context
// (assumed keys said as such), what sagerole cannot see and what it read,
// the simulator's answer, and whether a fix is offered. The fix's plan is
// written by the caller, as every plan is.
func WriteText(w io.Writer, r *Result) error { return WriteTextWith(w, r, TextOptions{}) }

// WriteTextWith is WriteText for the reader o says.
func WriteTextWith(w io.Writer, r *Result, o TextOptions) error {
	var b strings.Builder
	q := r.Request
	fmt.Fprintf(&b, "Why was %s denied %s on %s?\n\n", q.Role, q.Action, q.Resource)
	fmt.Fprintf(&b, "Decision: %s.\n", r.Headline())
	fmt.Fprintf(&b, "%s\n", r.Reason)
	if r.AWSSaid != nil {
		agree := ""
		if r.Agrees != nil {
			agree = " — sagerole agrees"
			if !*r.Agrees {
				agree = " — sagerole's evaluation of the role's documents disagrees"
			}
		}
		fmt.Fprintf(&b, "AWS said: %s%s.\n", r.AWSSaid, agree)
	}
	writeStatements(&b, "Decided by", r.Deciding)
	if len(r.NearMisses) > 0 {
		writeStatements(&b, "Nearest statements (their action matches, but they do not apply)", r.NearMisses)
	}
	if len(r.Explanation) > 1 {
		b.WriteString("\nHow each statement that names the action met the request:\n")
		for _, l := range r.Explanation[1:] {
			fmt.Fprintf(&b, "  %s\n", l)
		}
	}
	b.WriteString("\nRequest context:\n")
	for _, k := range q.Context {
		fmt.Fprintf(&b, "  %s = %s  (%s: %s)\n", k.Key, strings.Join(k.Values, ", "), k.Source, k.Why)
	}
	if a := assumedSentence(q.Context); a != "" {
		fmt.Fprintf(&b, "  Some keys are %s.\n", a)
	}
	for _, n := range q.Notes {
		fmt.Fprintf(&b, "  note: %s\n", n)
	}
	if len(r.UnknownKeys) > 0 {
		how := "give them with --context KEY=VALUE"
		if o.Wizard {
			how = "give them under Context"
		}
		fmt.Fprintf(&b, "  Not known for this request (%s if it carried them): %s\n", how, strings.Join(r.UnknownKeys, ", "))
	}
	b.WriteString("\nBeyond the role's documents:\n")
	for _, u := range r.Unseen {
		named := ""
		if u.NamedByAWS {
			named = " [the layer AWS named]"
		}
		read := ""
		if u.Read != "" {
			read = " (" + u.Read + ")"
		}
		fmt.Fprintf(&b, "  %s — %s%s%s: %s\n", u.Layer, u.Status, read, named, u.Says)
	}
	if s := r.Simulator; s != nil {
		b.WriteString("\nIAM's policy simulator (iam:SimulatePrincipalPolicy, same context):\n")
		switch {
		case s.Error != "":
			fmt.Fprintf(&b, "  %s\n", s.Error)
		default:
			agree := "agrees with sagerole"
			if s.Agrees != nil && !*s.Agrees {
				agree = "differs from sagerole (" + simDecision(r.Decision) + ")"
			}
			fmt.Fprintf(&b, "  %s — %s\n", s.Decision, agree)
			if s.Difference != "" {
				fmt.Fprintf(&b, "  %s\n", s.Difference)
			}
		}
	}
	b.WriteString("\nReads made:\n")
	for _, rd := range r.Reads {
		fmt.Fprintf(&b, "  %s\n", rd)
	}
	if f := r.Fix; f != nil {
		b.WriteString("\nFix:\n")
		if f.Offered {
			fmt.Fprintf(&b, "  %s.\n", capitalize(f.Reason))
			if len(f.AlsoAllows) > 0 {
				fmt.Fprintf(&b, "  It also allows: %s.\n", listSome(f.AlsoAllows, 6))
			}
			switch {
			case o.Wizard:
				fmt.Fprintf(&b, "  The change: %s.\n", f.Words)
			case f.Command != "":
				fmt.Fprintf(&b, "  The same change: %s\n", f.Command)
			}
		} else {
			fmt.Fprintf(&b, "  None offered: %s.\n", f.Reason)
		}
		for _, rj := range f.Rejected {
			if f.Offered || rj.Why != strings.TrimPrefix(f.Reason, "no change sagerole can make allows exactly this request: ") {
				what := rj.Command
				if o.Wizard {
					what = rj.Words
				}
				fmt.Fprintf(&b, "  Not offered: %s — %s.\n", what, rj.Why)
			}
		}
	}
	for _, wn := range r.Warnings {
		fmt.Fprintf(&b, "\nwarning: %s\n", wn)
	}
	if r.NoTrust {
		if o.Wizard {
			fmt.Fprintf(&b, "Fix the trust policy from Modify role.\n")
		} else {
			fmt.Fprintf(&b, "Fix it with: sagerole modify %s --fix-trust\n", r.Request.Role)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func writeStatements(b *strings.Builder, title string, sts []Statement) {
	if len(sts) == 0 {
		return
	}
	fmt.Fprintf(b, "\n%s:\n", title)
	for _, s := range sts {
		fmt.Fprintf(b, "  %s", s.Ref)
		if s.Why != "" {
			fmt.Fprintf(b, ": %s", s.Why)
		}
		b.WriteString("\n")
		for _, l := range strings.Split(s.Lines, "\n") {
			fmt.Fprintf(b, "    %s\n", l)
		}
	}
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
