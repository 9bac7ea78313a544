package modify

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// looseStatement is what the broadening check reads of a statement. It is
// decoded loosely, not with policy.Parse, because --put-inline documents
// may use elements the policy package does not model, and a warning must
// still be given about them.
type looseStatement struct {
	Effect      string
	Action      []string
	NotAction   []string
	Resource    []string
	NotResource []string
	Condition   string // compact JSON with sorted keys; "" when none
}

// everyResource reports whether the statement applies to every resource:
// Resource "*", or a NotResource (every resource but a few).
func (s looseStatement) everyResource() bool {
	return s.NotResource != nil || slices.Contains(s.Resource, "*")
}

func stringOrList(raw json.RawMessage) []string {
	if raw == nil {
		return nil
	}
	var one string
	if json.Unmarshal(raw, &one) == nil {
		return []string{one}
	}
	var many []string
	if json.Unmarshal(raw, &many) == nil {
		return many
	}
	return []string{string(raw)}
}

// looseRaw decodes doc's statements as objects, Statement being an object
// or an array; a document that does not decode has none.
func looseRaw(doc string) []map[string]json.RawMessage {
	var top map[string]json.RawMessage
	if json.Unmarshal([]byte(doc), &top) != nil {
		return nil
	}
	var raws []map[string]json.RawMessage
	if json.Unmarshal(top["Statement"], &raws) != nil {
		var one map[string]json.RawMessage
		if json.Unmarshal(top["Statement"], &one) != nil {
			return nil
		}
		raws = append(raws, one)
	}
	return raws
}

// looseStatements decodes doc's statements; a document that does not
// decode has none (documents are validated before they get here).
func looseStatements(doc string) []looseStatement {
	raws := looseRaw(doc)
	out := make([]looseStatement, 0, len(raws))
	for _, r := range raws {
		s := looseStatement{Action: stringOrList(r["Action"]), NotAction: stringOrList(r["NotAction"]),
			Resource: stringOrList(r["Resource"]), NotResource: stringOrList(r["NotResource"])}
		_ = json.Unmarshal(r["Effect"], &s.Effect)
		if c, ok := r["Condition"]; ok {
			// Re-encoding through a map sorts the keys, so the same
			// condition written twice compares equal.
			var v any
			if json.Unmarshal(c, &v) == nil {
				b, _ := json.Marshal(v)
				s.Condition = string(b)
			}
		}
		out = append(out, s)
	}
	return out
}

// covers reports whether pattern p matches everything q matches, with
// IAM's wildcards * and ?; fold compares case-insensitively (actions).
// A wildcard in q must be matched by a * in p (or a ? by a ?).
func covers(p, q string, fold bool) bool {
	if fold {
		p, q = strings.ToLower(p), strings.ToLower(q)
	}
	if p == q || p == "*" {
		return true
	}
	if !strings.ContainsAny(p, "*?") {
		return false
	}
	// match[j] is whether p[:i] covers q[:j], row by row.
	match := make([]bool, len(q)+1)
	match[0] = true
	for i := 0; i < len(p); i++ {
		next := make([]bool, len(q)+1)
		next[0] = match[0] && p[i] == '*'
		for j := 1; j <= len(q); j++ {
			c := q[j-1]
			switch p[i] {
			case '*':
				next[j] = match[j] || next[j-1]
			case '?':
				next[j] = match[j-1] && c != '*'
			default:
				next[j] = match[j-1] && c == p[i] && c != '*' && c != '?'
			}
		}
		match = next
	}
	return match[len(q)]
}

// wideActions are the Allow actions whose mere appearance is a warning:
// everything, all of IAM (which can grant anything else), all of S3.
func isWideAction(a string) bool {
	switch strings.ToLower(a) {
	case "*", "iam:*", "s3:*":
		return true
	}
	return false
}

// allows is every Allow statement of a set of documents.
type allows []looseStatement

func (al allows) anyAction(a string) bool {
	for _, s := range al {
		for _, p := range s.Action {
			if covers(p, a, true) {
				return true
			}
		}
	}
	return false
}

func (al allows) onEveryResource(a string) bool {
	for _, s := range al {
		if !s.everyResource() {
			continue
		}
		for _, p := range s.Action {
			if covers(p, a, true) {
				return true
			}
		}
	}
	return false
}

func (al allows) notAction(list []string) bool {
	want := sortedLower(list)
	for _, s := range al {
		if s.NotAction != nil && slices.Equal(sortedLower(s.NotAction), want) {
			return true
		}
	}
	return false
}

func sortedLower(l []string) []string {
	out := make([]string, len(l))
	for i, s := range l {
		out[i] = strings.ToLower(s)
	}
	slices.Sort(out)
	return out
}

// denyPair is one (action, resource) a Deny statement denies, under its
// condition. NotAction and NotResource lists are kept whole, prefixed "!".
type denyPair struct {
	Condition, Action, Resource string
}

func denyPairs(s looseStatement) []denyPair {
	acts := s.Action
	if s.NotAction != nil {
		acts = []string{"!" + strings.Join(sortedLower(s.NotAction), ",")}
	}
	res := s.Resource
	if s.NotResource != nil {
		r := slices.Clone(s.NotResource)
		slices.Sort(r)
		res = []string{"!" + strings.Join(r, ",")}
	}
	if len(res) == 0 {
		res = []string{""}
	}
	var out []denyPair
	for _, a := range acts {
		for _, r := range res {
			out = append(out, denyPair{s.Condition, a, r})
		}
	}
	return out
}

func (p denyPair) coveredBy(q denyPair) bool {
	if p.Condition != q.Condition {
		return false
	}
	neg := func(s string) bool { return strings.HasPrefix(s, "!") }
	actOK := p.Action == q.Action || (!neg(p.Action) && !neg(q.Action) && covers(q.Action, p.Action, true))
	resOK := p.Resource == q.Resource || (!neg(p.Resource) && !neg(q.Resource) && p.Resource != "" && q.Resource != "" && covers(q.Resource, p.Resource, false))
	return actOK && resOK
}

// maxListed is how many actions a warning names before "and N more".
const maxListed = 6

func listSome(l []string) string {
	if len(l) <= maxListed {
		return strings.Join(l, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(l[:maxListed], ", "), len(l)-maxListed)
}

// InlineBroadening compares a role's inline policies (name → document)
// before and after a change and says, one sentence per finding, how the
// change broadens what they allow:
//
//   - a new Allow of *, iam:* or s3:* (IAM can grant anything else; S3 is
//     every bucket);
//   - actions newly allowed on every resource ("*", or a NotResource);
//   - a new Allow with NotAction (everything but a few actions);
//   - a Deny that is gone (a guardrail removed).
//
// "New" is judged against all the role's inline policies before, so that
// moving a statement from one policy to another is not a warning. Managed
// policies are not read: attaching one is judged by its name (see
// ManagedBroadening).
func InlineBroadening(before, after map[string]string) []string {
	var was allows
	var wasDeny []denyPair
	wasDenyFrom := map[denyPair]string{}
	for _, name := range slices.Sorted(maps.Keys(before)) {
		for _, s := range looseStatements(before[name]) {
			switch s.Effect {
			case "Allow":
				was = append(was, s)
			case "Deny":
				for _, p := range denyPairs(s) {
					if _, ok := wasDenyFrom[p]; !ok {
						wasDeny = append(wasDeny, p)
						wasDenyFrom[p] = name
					}
				}
			}
		}
	}
	var out []string
	var nowDeny []denyPair
	for _, name := range slices.Sorted(maps.Keys(after)) {
		var wide, everywhere, notActions []string
		wideEverywhere := map[string]bool{}
		seen := map[string]bool{}
		for _, s := range looseStatements(after[name]) {
			if s.Effect == "Deny" {
				nowDeny = append(nowDeny, denyPairs(s)...)
				continue
			}
			if s.Effect != "Allow" {
				continue
			}
			if s.NotAction != nil && !was.notAction(s.NotAction) {
				notActions = append(notActions, strings.Join(s.NotAction, ", "))
			}
			for _, a := range s.Action {
				key := strings.ToLower(a)
				if seen[key] {
					continue
				}
				switch {
				case isWideAction(a) && !was.anyAction(a):
					seen[key] = true
					wide = append(wide, a)
					wideEverywhere[a] = s.everyResource()
				case s.everyResource() && !was.onEveryResource(a):
					seen[key] = true
					everywhere = append(everywhere, a)
				}
			}
		}
		what := "inline policy " + name
		for _, a := range wide {
			where := ""
			if wideEverywhere[a] {
				where = ` on every resource ("*")`
			}
			out = append(out, fmt.Sprintf("broadens access: %s allows %s%s, which the role's inline policies did not", what, a, where))
		}
		for _, na := range notActions {
			out = append(out, fmt.Sprintf("broadens access: %s allows every action except %s (NotAction)", what, na))
		}
		if len(everywhere) > 0 {
			slices.SortFunc(everywhere, func(x, y string) int { return strings.Compare(strings.ToLower(x), strings.ToLower(y)) })
			out = append(out, fmt.Sprintf("broadens access: %s newly allows %d action(s) on every resource (\"*\"): %s", what, len(everywhere), listSome(everywhere)))
		}
	}
	lost := map[string][]string{}
	for _, p := range wasDeny {
		kept := false
		for _, q := range nowDeny {
			if p.coveredBy(q) {
				kept = true
				break
			}
		}
		if !kept {
			from := wasDenyFrom[p]
			if !slices.Contains(lost[from], p.Action) {
				lost[from] = append(lost[from], p.Action)
			}
		}
	}
	for _, name := range slices.Sorted(maps.Keys(lost)) {
		acts := lost[name]
		for i, a := range acts {
			if strings.HasPrefix(a, "!") {
				acts[i] = "every action except " + strings.TrimPrefix(a, "!")
			}
		}
		out = append(out, fmt.Sprintf("broadens access: the Deny of %s that inline policy %s had is gone (a guardrail no longer holds)", listSome(acts), name))
	}
	return out
}

// ManagedBroadening says what attaching a managed policy grants, judged by
// its name: AdministratorAccess is everything, a …FullAccess policy is all
// of a service (IAMFullAccess can then grant anything else).
func ManagedBroadening(arn string) string {
	name := arn[strings.LastIndex(arn, "/")+1:]
	switch {
	case strings.HasPrefix(name, "AdministratorAccess"):
		return fmt.Sprintf("broadens access: attaching %s grants every action on every resource (%s)", name, arn)
	case name == "PowerUserAccess":
		return fmt.Sprintf("broadens access: attaching %s grants every action except IAM and Organizations management (%s)", name, arn)
	case name == "IAMFullAccess":
		return fmt.Sprintf("broadens access: attaching %s grants iam:*, with which the role can grant itself anything (%s)", name, arn)
	case strings.HasSuffix(name, "FullAccess"):
		return fmt.Sprintf("broadens access: attaching %s grants full access to its service (%s)", name, arn)
	}
	return ""
}
