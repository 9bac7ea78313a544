package lint

import (
	"fmt"
	"slices"
	"strings"

	"github.com/sagerole/sagerole/flows/policy"
	"github.com/sagerole/sagerole/flows/policy/iamref"
)

// checker collects the findings of one document.
type checker struct {
	ref  *iamref.Reference
	kind Kind
	out  []Finding
	sids map[string]int
}

// at is where a finding is: a statement and its Sid.
type at struct {
	n   int
	sid string
}

func (c *checker) add(w at, level Level, code, element, value, format string, args ...any) {
	c.out = append(c.out, Finding{Level: level, Code: code, Statement: w.n, Sid: w.sid, Element: element,
		Value: value, Message: fmt.Sprintf(format, args...)})
}

func (c *checker) document(doc policy.Document) {
	if doc.Version == policy.Version {
		return
	}
	level, why := Suggestion, "IAM reads it with the 2008-10-17 language"
	if usesVariables(doc) {
		level, why = Warning, "IAM reads it with the 2008-10-17 language, where its policy variables (${…}) are plain text"
	}
	version := "no Version"
	if doc.Version != "" {
		version = "Version " + doc.Version
	}
	c.add(at{}, level, "no-version", "Version", doc.Version, "The document has %s, so %s; add \"Version\": \"2012-10-17\".", version, why)
}

func usesVariables(doc policy.Document) bool {
	for _, s := range doc.Statement {
		for _, l := range [][]string{s.Resource, s.NotResource} {
			for _, v := range l {
				if strings.Contains(v, "${") {
					return true
				}
			}
		}
		for _, keys := range s.Condition {
			for k, vals := range keys {
				if strings.Contains(k, "${") {
					return true
				}
				for _, v := range vals {
					if strings.Contains(v, "${") {
						return true
					}
				}
			}
		}
	}
	return false
}

func (c *checker) statement(n int, s policy.Statement) {
	w := at{n, s.Sid}
	c.sid(w)
	switch c.kind {
	case Trust:
		c.trustShape(w, s)
	default:
		c.identityShape(w, s)
	}
	acts := c.actions(w, s)
	all := union(acts)
	if c.kind == Trust {
		c.trustActions(w, s, acts)
		c.principals(w, s, all)
	} else if s.Action != nil {
		c.resources(w, s, acts, all)
	}
	for _, r := range s.NotResource {
		c.resourceShape(w, "NotResource", r)
	}
	c.conditions(w, s, all)
}

func (c *checker) sid(w at) {
	if w.sid == "" {
		return
	}
	for _, r := range w.sid {
		if !(r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9') {
			c.add(w, Error, "invalid-sid", "Sid", w.sid, "Sid %q has %q, but IAM allows only letters A-Z and a-z and digits in a Sid; remove the other characters.", w.sid, r)
			break
		}
	}
	if c.sids == nil {
		c.sids = map[string]int{}
	}
	if first, ok := c.sids[w.sid]; ok {
		c.add(w, Error, "duplicate-sid", "Sid", w.sid, "Sid %s is also the Sid of statement %d, and IAM refuses a policy whose Sids repeat; rename one.", w.sid, first)
		return
	}
	c.sids[w.sid] = w.n
}

func (c *checker) identityShape(w at, s policy.Statement) {
	for _, p := range []struct {
		el string
		v  policy.Principal
	}{{"Principal", s.Principal}, {"NotPrincipal", s.NotPrincipal}} {
		if p.v != nil {
			c.add(w, Error, "principal-in-identity", p.el, "", "A permissions policy names no %s (the policy applies to whoever it is attached to); remove it, or lint the document as a trust policy if that is what it is.", p.el)
		}
	}
	if s.Resource == nil && s.NotResource == nil {
		c.add(w, Error, "missing-resource", "Resource", "", "The statement has no Resource, which IAM requires in a permissions policy; add \"Resource\": \"*\" or the ARNs it is for.")
	}
}

// resolved is what an Action or NotAction pattern stands for.
type resolved struct {
	pattern string
	actions []iamref.Action // empty for an unknown action or an unkept service
	known   bool            // false when the service is not kept: nothing can be said
}

// actions checks each pattern of Action or NotAction and returns what the
// patterns of Action stand for (nothing for NotAction: the statement is
// about every other action).
func (c *checker) actions(w at, s policy.Statement) []resolved {
	el, list := "Action", s.Action
	if s.NotAction != nil {
		el, list = "NotAction", s.NotAction
	}
	var out []resolved
	ended := map[string]bool{}
	for _, p := range list {
		r := c.action(w, el, p)
		if svc, _, _ := strings.Cut(p, ":"); strings.ContainsAny(svc, "*?") {
			out = append(out, r)
			continue // "*" or "*:Get*" is not about RoboMaker
		}
		for _, a := range r.actions {
			svc := a.ServiceInfo()
			if svc.Ended != "" && !ended[svc.Prefix] {
				ended[svc.Prefix] = true
				c.add(w, Warning, "ended-service", el, p, "%s is an action of %s, which AWS ended (%s: %s); remove the service's actions.", p, svc.Name, svc.Ended, svc.EndedNote)
			}
		}
		out = append(out, r)
	}
	if el == "NotAction" {
		return nil
	}
	return out
}

func (c *checker) action(w at, el, p string) resolved {
	r := resolved{pattern: p, known: true}
	if p == "*" {
		r.actions = c.ref.Expand("*")
		return r
	}
	svc, name, ok := strings.Cut(p, ":")
	if !ok || svc == "" || name == "" {
		c.add(w, Error, "unknown-action", el, p, "%s %q is not of the form service:action (s3:GetObject, sagemaker:Create*) or \"*\"; write it so.", el, p)
		return r
	}
	wild := strings.ContainsAny(p, "*?")
	if !strings.ContainsAny(svc, "*?") {
		if _, kept := c.ref.Service(svc); !kept {
			r.known = false
			if c.ref.AWSService(svc) {
				c.add(w, Suggestion, "not-checked", el, p, "%s was not checked: its service %s is not one sagerole's IAM reference keeps.", p, svc)
			} else {
				c.add(w, Error, "unknown-service", el, p, "%s names service %q, which AWS does not have; check the prefix (the Service Authorization Reference lists them).", p, svc)
			}
			return r
		}
	}
	r.actions = c.ref.Expand(p)
	if len(r.actions) == 0 {
		switch {
		case wild:
			c.add(w, Error, "unknown-action", el, p, "%s matches no action of the reference, so it grants or denies nothing; fix the pattern.", p)
		default:
			hint := ""
			if near := c.nearest(svc, name); near != "" {
				hint = "; did you mean " + near + "?"
			} else {
				hint = "; check its spelling in the Service Authorization Reference."
			}
			info, _ := c.ref.Service(svc)
			c.add(w, Error, "unknown-action", el, p, "%s is not an action of %s%s", p, info.Name, hint)
		}
		return r
	}
	if !wild && r.actions[0].Deprecated != "" {
		a := r.actions[0]
		c.add(w, Warning, "deprecated-action", el, p, "%s is deprecated (the reference says: %s); use what replaces it.", a.FullName(), strings.TrimSuffix(a.Deprecated, "."))
	}
	return r
}

// nearest returns the action of service svc whose name is closest to name,
// when it is close enough to be a typo.
func (c *checker) nearest(svc, name string) string {
	best, bestD := "", len(name)/3+1
	for _, a := range c.ref.Expand(svc + ":*") {
		if d := distance(strings.ToLower(a.Name), strings.ToLower(name)); d < bestD {
			best, bestD = a.FullName(), d
		}
	}
	return best
}

// distance is the Levenshtein distance of two short strings.
func distance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// named returns the actions called name that patterns of service svc
// (not "*" or "*:…") stand for: what the statement names on purpose.
func named(acts []resolved, svc, name string) bool {
	for _, r := range acts {
		if p, _, _ := strings.Cut(r.pattern, ":"); !strings.EqualFold(p, svc) {
			continue
		}
		for _, a := range r.actions {
			if strings.EqualFold(a.Name, name) {
				return true
			}
		}
	}
	return false
}

// union is every distinct action the patterns stand for.
func union(acts []resolved) []iamref.Action {
	if len(acts) == 1 {
		return acts[0].actions // one pattern's expansion has no repeats
	}
	seen := map[[2]string]bool{}
	var out []iamref.Action
	for _, r := range acts {
		for _, a := range r.actions {
			if k := [2]string{a.Service, a.Name}; !seen[k] {
				seen[k] = true
				out = append(out, a)
			}
		}
	}
	return out
}

// listSome names up to three items and says how many more there are.
func listSome(items []string) string {
	if len(items) <= 3 {
		return strings.Join(items, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(items[:3], ", "), len(items)-3)
}

func fullNames(acts []iamref.Action) []string {
	out := make([]string, len(acts))
	for i, a := range acts {
		out[i] = a.FullName()
	}
	slices.Sort(out)
	return out
}
