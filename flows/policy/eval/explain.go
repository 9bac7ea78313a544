package eval

import (
	"fmt"
	"strings"
)

// String names the statement: statement 2 (Sid X) of inline policy P. The
// number counts from 1, as a person reads the document.
func (r Ref) String() string {
	s := fmt.Sprintf("statement %d", r.Index+1)
	if r.Sid != "" {
		s += fmt.Sprintf(" (Sid %s)", r.Sid)
	}
	switch r.Kind {
	case Boundary:
		return s + " of permissions boundary " + r.Policy
	case Managed:
		return s + " of managed policy " + r.Policy
	}
	return s + " of inline policy " + r.Policy
}

// String says the decision in one sentence, naming what decided it.
func (r Result) String() string {
	refs := make([]string, len(r.Deciding))
	for i, d := range r.Deciding {
		refs[i] = d.String()
	}
	switch r.Decision {
	case ExplicitDeny:
		return "explicitly denied by " + strings.Join(refs, " and by ")
	case Allow:
		return "allowed by " + strings.Join(refs, " and by ")
	}
	if r.NotAllowedBy == Boundary {
		return "implicitly denied: an identity-based policy allows it, but the permissions boundary does not"
	}
	return "implicitly denied: no identity-based policy allows it"
}

// Explain is the decision's sentence followed by one line for each
// statement whose action element lets it speak to the request — the
// statements a person reads to understand the decision.
func (r Result) Explain() []string {
	out := []string{r.String()}
	for _, s := range r.Statements {
		if s.Action.Matched {
			out = append(out, s.String())
		}
	}
	return out
}

// String explains the statement in one line: whether it applies, then its
// action, resource and each condition.
func (s Statement) String() string {
	verdict := "does not apply"
	if s.Applies {
		verdict = "applies"
	}
	parts := []string{s.Action.String(), s.Resource.String()}
	for _, c := range s.Conditions {
		parts = append(parts, c.String())
	}
	return fmt.Sprintf("%s, %s %s: %s", s.Ref, s.Effect, verdict, strings.Join(parts, "; "))
}

// String says how the element met the request.
func (e Element) String() string {
	switch e.Name {
	case "NotAction", "NotResource":
		if e.Pattern != "" {
			return fmt.Sprintf("%s %q excludes %s", e.Name, e.Pattern, e.Request)
		}
		if len(e.Unresolved) > 0 {
			return fmt.Sprintf("%s cannot be read: the request has no value for %s", e.Name, strings.Join(e.Unresolved, ", "))
		}
		return fmt.Sprintf("%s does not exclude %s", e.Name, e.Request)
	}
	if e.Pattern != "" {
		s := fmt.Sprintf("%s %q matches %s", e.Name, e.Pattern, e.Request)
		if e.Resolved != "" {
			s += fmt.Sprintf(" (as %q)", e.Resolved)
		}
		return s
	}
	s := fmt.Sprintf("%s does not match %s", e.Name, e.Request)
	if len(e.Unresolved) > 0 {
		s += fmt.Sprintf(" (the request has no value for %s)", strings.Join(e.Unresolved, ", "))
	}
	return s
}

// String says how the condition met the request.
func (c Condition) String() string {
	verdict := "does not match"
	if c.Matched {
		verdict = "matches"
	}
	return fmt.Sprintf("%s %s %s %s: %s", c.Operator, c.Key, strings.Join(quoteAll(c.Values), ","), verdict, c.Why)
}
