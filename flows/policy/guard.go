package policy

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/sagerole/sagerole/awsops/rules"
	"github.com/sagerole/sagerole/flows/policy/iamref"
)

// reference is the Service Authorization Reference, loaded on first use:
// read-only data, shared by every build.
var reference = sync.OnceValues(iamref.Load)

// Reference is the embedded Service Authorization Reference, loaded once.
func Reference() (*iamref.Reference, error) { return reference() }

// compressAbove is the number of actions past which a guardrail statement
// names a group of them by a wildcard, where every action the wildcard
// stands for carries the statement's keys: a broad role (sagemaker:*)
// would otherwise get a Deny too large for an inline policy.
const compressAbove = 3

// allowedActions expands the actions of the documents' Allow statements,
// and the extra patterns, with the reference: the actions a guardrail may
// have to restrict. A NotAction Allow allows every action it does not name.
func allowedActions(ref *iamref.Reference, docs []Document, extra []string) map[string]iamref.Action {
	out := map[string]iamref.Action{}
	add := func(pattern string) {
		for _, a := range ref.Expand(pattern) {
			out[strings.ToLower(a.FullName())] = a
		}
	}
	for _, p := range extra {
		add(p)
	}
	for _, d := range docs {
		for _, s := range d.Statement {
			if s.Effect != "Allow" {
				continue
			}
			for _, p := range s.Action {
				add(p)
			}
			if s.NotAction != nil {
				for _, a := range ref.Expand("*") {
					name := strings.ToLower(a.FullName())
					if !slices.ContainsFunc(s.NotAction, func(p string) bool { return globMatch(strings.ToLower(p), name) }) {
						out[name] = a
					}
				}
			}
		}
	}
	return out
}

// statementKeys are the condition keys of a statement, sorted, each once.
func statementKeys(s Statement) []string {
	var keys []string
	for _, byKey := range s.Condition {
		for k := range byKey {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	return slices.CompactFunc(keys, strings.EqualFold)
}

// safe reports whether a guardrail statement may name action a: the
// template's patterns (its bound) name it, and it carries every key of the
// statement — a Deny on a key its request lacks would deny every call
// (Null true) or none.
func safe(a iamref.Action, bound, keys []string) bool {
	name := strings.ToLower(a.FullName())
	if !slices.ContainsFunc(bound, func(p string) bool { return globMatch(strings.ToLower(p), name) }) {
		return false
	}
	for _, k := range keys {
		if !a.Supports(k) {
			return false
		}
	}
	return true
}

// cover gives the actions a guardrail statement restricts in this scope:
// the allowed actions that are safe for it, sorted by name.
func cover(allowed map[string]iamref.Action, bound, keys []string) []iamref.Action {
	var out []iamref.Action
	for _, a := range allowed {
		if safe(a, bound, keys) {
			out = append(out, a)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].FullName() < out[j].FullName() })
	return out
}

// actionList writes the covered actions for the statement's Action: each by
// name, or, past compressAbove, groups of them as a prefix wildcard where
// every action of the reference under that prefix is safe (see compress).
func actionList(ref *iamref.Reference, covered []iamref.Action, bound, keys []string) []string {
	if len(covered) <= compressAbove {
		out := make([]string, len(covered))
		for i, a := range covered {
			out[i] = a.FullName()
		}
		return out
	}
	byService := map[string][]iamref.Action{}
	for _, a := range covered {
		byService[a.Service] = append(byService[a.Service], a)
	}
	var out []string
	for _, svc := range sortedKeys(byService) {
		all := ref.Expand(svc + ":*")
		out = append(out, compress(svc, all, byService[svc], func(a iamref.Action) bool { return safe(a, bound, keys) })...)
	}
	return out
}

// compress writes the covered actions of one service as prefix wildcards
// over the service's actions (all, sorted by name): a prefix is written
// "svc:Prefix*" when every action under it is safe and it stands for at
// least two covered ones; otherwise its covered actions are written by
// name. The result names every covered action and nothing unsafe.
func compress(svc string, all, covered []iamref.Action, isSafe func(iamref.Action) bool) []string {
	in := map[string]bool{}
	for _, a := range covered {
		in[strings.ToLower(a.Name)] = true
	}
	var out []string
	var walk func(lo, hi, depth int)
	walk = func(lo, hi, depth int) {
		n, allSafe := 0, true
		for _, a := range all[lo:hi] {
			if in[strings.ToLower(a.Name)] {
				n++
			}
			allSafe = allSafe && isSafe(a)
		}
		switch {
		case n == 0:
			return
		case allSafe && n >= 2:
			out = append(out, svc+":"+all[lo].Name[:depth]+"*")
			return
		}
		// Split by the next character; an action that ends here is
		// written by name.
		i := lo
		for i < hi {
			name := all[i].Name
			if len(name) == depth {
				if in[strings.ToLower(name)] {
					out = append(out, svc+":"+name)
				}
				i++
				continue
			}
			c := strings.ToLower(name[depth : depth+1])
			j := i + 1
			for j < hi && len(all[j].Name) > depth && strings.ToLower(all[j].Name[depth:depth+1]) == c {
				j++
			}
			walk(i, j, depth+1)
			i = j
		}
	}
	sorted := slices.Clone(all)
	sort.Slice(sorted, func(i, j int) bool { return strings.ToLower(sorted[i].Name) < strings.ToLower(sorted[j].Name) })
	all = sorted
	walk(0, len(all), 0)
	return out
}

// guardrailResult is a guardrail as computed for one scope.
type guardrailResult struct {
	Name       string
	Restricted []string // the scope's actions its Deny statements restrict, sorted, each once
}

// computeGuardrails fills the Action of each guardrail's Deny statements
// with the actions the scope allows that carry the statement's keys (the
// template's Action is the bound: which actions the guardrail is about).
// A statement that covers nothing is dropped; a guardrail none of whose
// statements covers anything is refused, as it would restrict nothing.
func computeGuardrails(ref *iamref.Reference, allowed map[string]iamref.Action, guards map[string]Document) (map[string]Document, []guardrailResult, error) {
	out := map[string]Document{}
	var results []guardrailResult
	for _, g := range ordered(Guardrails(), setOf(keysOf(guards))) {
		doc := guards[g]
		res := guardrailResult{Name: g}
		var kept []Statement
		var bounds []string
		for _, s := range doc.Statement {
			if s.Effect != "Deny" {
				kept = append(kept, s)
				continue
			}
			keys := statementKeys(s)
			covered := cover(allowed, s.Action, keys)
			bounds = append(bounds, s.Action...)
			if len(covered) == 0 {
				continue
			}
			for _, a := range covered {
				res.Restricted = append(res.Restricted, a.FullName())
			}
			s.Action = actionList(ref, covered, s.Action, keys)
			kept = append(kept, s)
		}
		sort.Strings(res.Restricted)
		res.Restricted = slices.Compact(res.Restricted)
		if len(res.Restricted) == 0 {
			return nil, nil, &rules.InputError{Field: "guardrail", Msg: fmt.Sprintf(
				"guardrail %s would restrict nothing: none of the actions this role is allowed (%s) carries %s; add an activity that calls them, such as notebook",
				g, strings.Join(sortedSet(bounds), ", "), strings.Join(guardKeys(doc), " or "))}
		}
		doc.Statement = kept
		out[g] = doc
		results = append(results, res)
	}
	return out, results, nil
}

// guardKeys are the condition keys of a guardrail's Deny statements.
func guardKeys(d Document) []string {
	var keys []string
	for _, s := range d.Statement {
		if s.Effect == "Deny" {
			keys = append(keys, statementKeys(s)...)
		}
	}
	// aws:ViaAWSService only tells service calls apart; it is not what the
	// guardrail is about.
	keys = slices.DeleteFunc(keys, func(k string) bool { return strings.EqualFold(k, "aws:ViaAWSService") })
	return sortedSet(keys)
}

func keysOf[V any](m map[string]V) []string { return sortedKeys(m) }

func setOf(l []string) map[string]bool {
	m := map[string]bool{}
	for _, s := range l {
		m[s] = true
	}
	return m
}
