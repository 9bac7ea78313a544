package modify

import (
	"fmt"
	"strings"

	"github.com/sagerole/sagerole/awsops/rules"
	"github.com/sagerole/sagerole/flows/policy"
	"github.com/sagerole/sagerole/flows/policy/iamref"
	"github.com/sagerole/sagerole/flows/policy/lint"
)

// lintInline runs the validator over each --put-inline document. Its
// warnings go to the plan's warnings and its suggestions to the notes, so
// the review shows them; an error refuses the plan (nothing is sent)
// unless force, which puts the document as it is and keeps each error as a
// warning.
func lintInline(in Input, ref *iamref.Reference) (warnings, notes []string, err error) {
	if len(in.PutInline) == 0 {
		return nil, nil, nil
	}
	if ref == nil {
		if ref, err = policy.Reference(); err != nil {
			return nil, nil, err
		}
	}
	for _, p := range in.PutInline {
		findings, err := lint.Text(ref, p.Document, lint.Options{Kind: lint.Identity})
		if err != nil {
			// Validate has read it as a policy already; what policy.Parse
			// still refuses is bad input too.
			return nil, nil, &rules.InputError{Field: "put-inline", Msg: fmt.Sprintf("policy file %s for --put-inline %s is not a policy document sagerole can check (%v)", p.File, p.Name, err)}
		}
		var errs []lint.Finding
		for _, f := range findings {
			line := inlineFinding(p, f)
			switch f.Level {
			case lint.Error:
				errs = append(errs, f)
				if in.Force {
					warnings = append(warnings, strings.Replace(line, ": error: ", ": error (put anyway, --force): ", 1))
				}
			case lint.Warning:
				warnings = append(warnings, line)
			default:
				notes = append(notes, line)
			}
		}
		if len(errs) > 0 && !in.Force {
			more := ""
			if len(errs) > 1 {
				more = fmt.Sprintf(" (and %d more errors: sagerole policy lint %s lists them)", len(errs)-1, p.File)
			}
			return nil, nil, &rules.InputError{Field: "put-inline", Msg: fmt.Sprintf("policy file %s for --put-inline %s does not do what it says, so nothing was sent: %s%s; fix it, or give --force to put it as it is",
				p.File, p.Name, strings.TrimRight(inlineFinding(p, errs[0]), "."), more)}
		}
	}
	return warnings, notes, nil
}

// inlineFinding says a finding of an inline policy in one line:
// "inline policy extra (extra.json:7:18), statement 1 (Sid S3): error: …".
func inlineFinding(p Inline, f lint.Finding) string {
	where := p.File
	if f.Line > 0 {
		where = fmt.Sprintf("%s:%d:%d", p.File, f.Line, f.Column)
	}
	return fmt.Sprintf("inline policy %s (%s), %s", p.Name, where, f)
}
