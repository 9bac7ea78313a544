package policy

import (
	"slices"
	"sort"
	"strconv"
	"strings"
)

// MergeDocuments merges documents into one canonical document that allows
// and denies exactly what they do together:
//
//   - statements with the same effect, Sid, principal and condition are taken
//     apart into (action, resource) pairs and put back together: each group
//     of resources with the same actions becomes one statement, so statements
//     with the same effect, resources and condition become one;
//   - a pair that another pair of the same group already covers is dropped
//     (s3:GetObject on arn:aws:s3:::b/* next to s3:GetObject on *, or
//     sagemaker:CreateModel next to sagemaker:*), and duplicates with it;
//   - actions, resources and condition values are sorted, statements are
//     sorted (unconditioned Allow first, Deny last).
//
// The result depends only on the set of statements given, not on their
// order or on how they were split between documents, and merging it again
// changes nothing.
func MergeDocuments(docs ...Document) Document {
	out := Document{Version: Version}
	allOld := len(docs) > 0
	ids := map[string]bool{}
	var stmts []Statement
	for _, d := range docs {
		if d.Version != "2008-10-17" {
			allOld = false
		}
		if d.ID != "" {
			ids[d.ID] = true
		}
		stmts = append(stmts, d.Statement...)
	}
	if allOld {
		// Upgrading would make IAM start reading ${...} as variables.
		out.Version = "2008-10-17"
	}
	if len(ids) == 1 {
		for id := range ids {
			out.ID = id
		}
	}
	out.Statement = mergeStatements(stmts)
	return out
}

// group collects the (action, resource) pairs of statements that differ only
// in their actions and resources.
type group struct {
	proto Statement                  // Sid, Effect, Principal, NotPrincipal, Condition
	pairs map[string]map[string]bool // resource ("" for none) → actions
}

func mergeStatements(in []Statement) []Statement {
	groups := map[string]*group{}
	others := map[string]Statement{}
	for _, s := range in {
		s = canonical(s)
		if s.NotAction != nil || s.NotResource != nil {
			// NotAction/NotResource do not split into pairs; keep them whole.
			others[statementKey(s)] = s
			continue
		}
		proto := Statement{Sid: s.Sid, Effect: s.Effect, Principal: s.Principal, NotPrincipal: s.NotPrincipal, Condition: s.Condition}
		k := statementKey(proto)
		g := groups[k]
		if g == nil {
			g = &group{proto: proto, pairs: map[string]map[string]bool{}}
			groups[k] = g
		}
		resources := s.Resource
		if resources == nil {
			resources = []string{""}
		}
		for _, r := range resources {
			if g.pairs[r] == nil {
				g.pairs[r] = map[string]bool{}
			}
			for _, a := range s.Action {
				g.pairs[r][a] = true
			}
		}
	}
	var out []Statement
	for _, g := range groups {
		out = append(out, g.statements()...)
	}
	for _, s := range others {
		out = append(out, s)
	}
	sortStatements(out)
	return uniqueSids(out)
}

// statements drops covered pairs and regroups the rest by action set.
func (g *group) statements() []Statement {
	// Only a pattern with a wildcard covers a different string (or, for
	// actions, one equal but for case), so each pair is compared with those
	// alone rather than with every other pair.
	type actionIndex struct {
		byLower map[string][]string // lower-cased action → the actions
		wild    []string            // actions with * or ?
	}
	idx := map[string]*actionIndex{}
	// Wildcard resources by the literal text before their first wildcard:
	// only one whose text begins r can cover r (globCovers checks that
	// first), so r is compared with those, not with every wildcard — 5,000
	// buckets' bucket/* resources made that 50 million comparisons.
	wildByPrefix := map[string][]string{}
	for r, as := range g.pairs {
		ix := &actionIndex{byLower: map[string][]string{}}
		for a := range as {
			l := strings.ToLower(a)
			ix.byLower[l] = append(ix.byLower[l], a)
			if strings.ContainsAny(a, "*?") {
				ix.wild = append(ix.wild, a)
			}
		}
		idx[r] = ix
		if i := strings.IndexAny(r, "*?"); i >= 0 {
			wildByPrefix[r[:i]] = append(wildByPrefix[r[:i]], r)
		}
	}
	// Which resources cover r, computed once per resource.
	coverers := map[string][]string{}
	for r := range g.pairs {
		c := []string{r}
		if r != "" {
			for k := 0; k <= len(r); k++ {
				for _, wr := range wildByPrefix[r[:k]] {
					if wr != r && resourceCovers(wr, r) {
						c = append(c, wr)
					}
				}
			}
		}
		coverers[r] = c
	}
	type actionPair struct{ p, a string }
	memo := map[actionPair]bool{}
	covers := func(p, a string) bool {
		k := actionPair{p, a}
		v, ok := memo[k]
		if !ok {
			v = actionCovers(p, a)
			memo[k] = v
		}
		return v
	}
	covered := func(a, r string) bool {
		for _, r2 := range coverers[r] {
			ix := idx[r2]
			for _, cands := range [][]string{ix.byLower[strings.ToLower(a)], ix.wild} {
				for _, a2 := range cands {
					if (a2 == a && r2 == r) || !covers(a2, a) {
						continue
					}
					// Two pairs that cover each other (actions differing
					// only in case): keep the smaller so exactly one stays.
					if covers(a, a2) && resourceCovers(r, r2) && a+"\x00"+r < a2+"\x00"+r2 {
						continue
					}
					return true
				}
			}
		}
		return false
	}
	byResource := map[string][]string{}
	for r, as := range g.pairs {
		for a := range as {
			if !covered(a, r) {
				byResource[r] = append(byResource[r], a)
			}
		}
	}
	byActions := map[string][]string{}
	actionsOf := map[string][]string{}
	for r, as := range byResource {
		sort.Strings(as)
		k := strings.Join(as, "\x00")
		if r == "" {
			// A statement without Resource never shares one with resources.
			k = "\x01" + k
		}
		byActions[k] = append(byActions[k], r)
		actionsOf[k] = as
	}
	var out []Statement
	for k, rs := range byActions {
		s := g.proto
		s.Action = actionsOf[k]
		if !(len(rs) == 1 && rs[0] == "") {
			sort.Strings(rs)
			s.Resource = rs
		}
		out = append(out, s)
	}
	return out
}

// canonical sorts and de-duplicates every list of s and drops empty
// condition blocks.
func canonical(s Statement) Statement {
	s.Action = sortedSet(s.Action)
	s.NotAction = sortedSet(s.NotAction)
	s.Resource = sortedSet(s.Resource)
	s.NotResource = sortedSet(s.NotResource)
	s.Principal = canonicalPrincipal(s.Principal)
	s.NotPrincipal = canonicalPrincipal(s.NotPrincipal)
	var c Condition
	for op, keys := range s.Condition {
		for k, vals := range keys {
			if c == nil {
				c = Condition{}
			}
			if c[op] == nil {
				c[op] = map[string][]string{}
			}
			c[op][k] = sortedSet(vals)
			if c[op][k] == nil {
				c[op][k] = []string{}
			}
		}
	}
	s.Condition = c
	return s
}

func canonicalPrincipal(p Principal) Principal {
	if p == nil {
		return nil
	}
	out := Principal{}
	for k, v := range p {
		out[k] = sortedSet(v)
	}
	return out
}

func sortedSet(l []string) []string {
	if l == nil {
		return nil
	}
	l = slices.Clone(l)
	sort.Strings(l)
	return slices.Compact(l)
}

func statementKey(s Statement) string {
	b, _ := Document{Statement: []Statement{s}}.MarshalJSON()
	return string(b)
}

// sortStatements orders statements: Allow before Deny, unconditioned before
// conditioned, then by Sid, actions, resources and the rest.
func sortStatements(l []Statement) {
	type keyed struct {
		s   Statement
		key string
	}
	ks := make([]keyed, len(l))
	for i, s := range l {
		cond := "0"
		if len(s.Condition) > 0 {
			cond = "1"
		}
		ks[i] = keyed{s, strings.Join([]string{s.Effect, cond, s.Sid,
			strings.Join(s.Action, "\x01"), strings.Join(s.NotAction, "\x01"),
			strings.Join(s.Resource, "\x01"), strings.Join(s.NotResource, "\x01"),
			statementKey(s)}, "\x00")}
	}
	sort.Slice(ks, func(i, j int) bool { return ks[i].key < ks[j].key })
	for i := range ks {
		l[i] = ks[i].s
	}
}

// uniqueSids renames repeated Sids (IAM wants them unique within a policy)
// by appending 2, 3, … in statement order.
func uniqueSids(l []Statement) []Statement {
	used := map[string]bool{}
	for _, s := range l {
		used[s.Sid] = true
	}
	seen := map[string]bool{}
	for i := range l {
		sid := l[i].Sid
		if sid == "" {
			continue
		}
		if !seen[sid] {
			seen[sid] = true
			continue
		}
		for n := 2; ; n++ {
			cand := sid + strconv.Itoa(n)
			if !used[cand] {
				l[i].Sid = cand
				used[cand] = true
				seen[cand] = true
				break
			}
		}
	}
	return l
}

// actionCovers reports whether action pattern p matches every action a
// matches. IAM compares actions case-insensitively.
func actionCovers(p, a string) bool {
	return globCovers(strings.ToLower(p), strings.ToLower(a))
}

// resourceCovers reports whether resource pattern p matches every resource
// r matches; "" (no Resource element) only covers itself.
func resourceCovers(p, r string) bool {
	if p == "" || r == "" {
		return p == r
	}
	return globCovers(p, r)
}

// globCovers reports whether every string matched by pattern q is matched
// by pattern p, for IAM's wildcards * and ?. It is exact when q has no
// wildcards, and otherwise errs on the side of "no" — which only means a
// redundant pair is kept.
func globCovers(p, q string) bool {
	if p == q {
		return true
	}
	// Treat q's wildcards as literal characters that p must match with a
	// wildcard of its own: a ? or * in q is matched by a * in p, a ? in q
	// also by a ? in p.
	return coverMatch(p, q)
}

func coverMatch(p, q string) bool {
	// Most patterns fail on the literal text before their first wildcard
	// or after their last one; check that before the full match.
	first := strings.IndexAny(p, "*?")
	if first < 0 {
		return p == q
	}
	if !strings.HasPrefix(q, p[:first]) {
		return false
	}
	last := strings.LastIndexAny(p, "*?")
	if !strings.HasSuffix(q, p[last+1:]) || len(q) < first+len(p)-last-1 {
		return false
	}
	// Dynamic programming over (i in p, j in q).
	n, m := len(p), len(q)
	prev := make([]bool, m+1)
	cur := make([]bool, m+1)
	prev[0] = true
	for j := 1; j <= m; j++ {
		prev[j] = false
	}
	for i := 1; i <= n; i++ {
		pc := p[i-1]
		cur[0] = prev[0] && pc == '*'
		for j := 1; j <= m; j++ {
			qc := q[j-1]
			switch {
			case pc == '*':
				cur[j] = prev[j] || cur[j-1]
			case pc == '?':
				cur[j] = prev[j-1] && qc != '*'
			default:
				cur[j] = prev[j-1] && qc == pc && qc != '*' && qc != '?'
			}
		}
		prev, cur = cur, prev
	}
	return prev[m]
}

// globMatch reports whether s matches pattern p with IAM's * and ?.
func globMatch(p, s string) bool {
	if strings.ContainsAny(s, "*?") {
		return false
	}
	return coverMatch(p, s)
}
