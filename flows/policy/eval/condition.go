package eval

import (
	"fmt"
	"slices"
	"strings"
)

// condition evaluates one key of one operator block: the policy's values
// are ORed (a request value matches when it matches any of them; for a
// negated operator, when it matches none), and the caller ANDs the keys and
// operators (reference_policies_multi-value-conditions.html,
// reference_policies_elements_condition.html).
//
// A key the request does not have (reference_policies_elements_condition_
// operators.html, "Important"): does not match, except for a negated
// operator (StringNotEquals, NotIpAddress, ArnNotLike…) which does; with
// …IfExists it matches; Null tests for it. ForAllValues matches a missing
// key or an empty set, ForAnyValue does not.
//
// A key with several values (or named in Request.MultiValued) needs a set
// operator: without ForAnyValue/ForAllValues the condition does not match,
// negated or not.
func (c *context) condition(op operator, key string, values []string, v vars) Condition {
	cr := Condition{Operator: op.written, Key: key, Values: values}
	lk := strings.ToLower(key)
	req, present := c.keys[lk]
	cr.Present = present
	if present {
		cr.Request = req
		if cr.Request == nil {
			cr.Request = []string{}
		}
	}
	b := op.base
	if b.fam == famNull {
		cr.Matched, cr.Why = nullMatch(values, present)
		return cr
	}
	if !present && op.ifExists {
		cr.Matched, cr.Why = true, "the request has no "+key+", which …IfExists accepts"
		return cr
	}

	// Resolve the policy's values once.
	pv := vars{}
	if b.variables {
		pv = v
	}
	pats := make([]pattern, len(values))
	dead := make([]bool, len(values)) // a value with a variable the request lacks
	var unresolved []string
	anyVar := false
	for i, val := range values {
		p, un := pv.compile(val, b.wildcards)
		pats[i] = p
		if len(un) > 0 {
			unresolved = append(unresolved, un...)
			dead[i] = true
		}
		if p.hasValue() || len(un) > 0 {
			anyVar = true
		}
	}
	if anyVar {
		cr.Resolved = make([]string, len(values))
		for i, p := range pats {
			if dead[i] {
				cr.Resolved[i] = values[i] + " (no value)"
			} else {
				cr.Resolved[i] = p.String()
			}
		}
	}

	// one decides a single request value: matched, and whether it was of
	// the operator's type at all.
	one := func(r string) (bool, bool) {
		anyMatch, typed := false, false
		for i, p := range pats {
			if dead[i] {
				continue
			}
			m, ok := b.compare(r, p)
			if ok {
				typed = true
			}
			if m && ok {
				anyMatch = true
			}
		}
		if !typed {
			return false, false
		}
		if b.negated {
			// A value that cannot be resolved makes a negated condition
			// false: the statement cannot be evaluated.
			return !anyMatch && len(unresolved) == 0, true
		}
		return anyMatch, true
	}

	switch op.set {
	case "ForAnyValue":
		if !present {
			cr.Why = "the request has no " + key + ", and ForAnyValue needs at least one value"
			return cr
		}
		for _, r := range req {
			if m, _ := one(r); m {
				cr.Matched = true
				cr.Why = fmt.Sprintf("%s %q %s", key, r, b.verb(true, cr.shown()))
				return cr
			}
		}
		if len(req) == 0 {
			cr.Why = "the request's " + key + " is empty, and ForAnyValue needs at least one value"
		} else {
			cr.Why = fmt.Sprintf("no value of %s %s", key, b.verb(true, cr.shown()))
		}
		return cr
	case "ForAllValues":
		if !present || len(req) == 0 {
			cr.Matched = true
			cr.Why = "the request has no value for " + key + ", which ForAllValues accepts"
			return cr
		}
		for _, r := range req {
			if m, _ := one(r); !m {
				cr.Why = fmt.Sprintf("%s %q %s", key, r, b.verb(false, cr.shown()))
				return cr
			}
		}
		cr.Matched = true
		cr.Why = fmt.Sprintf("every value of %s %s", key, b.verb(true, cr.shown()))
		return cr
	}

	if !present {
		cr.Matched = b.negated
		if b.negated {
			cr.Why = "the request has no " + key + ", which a negated operator accepts"
		} else {
			cr.Why = "the request has no " + key
		}
		return cr
	}
	if len(req) != 1 || c.multi[lk] {
		cr.Why = fmt.Sprintf("%s is multivalued in the request (%d values); %s without ForAnyValue/ForAllValues does not match it", key, len(req), op.written)
		return cr
	}
	m, typed := one(req[0])
	switch {
	case len(unresolved) > 0 && !m:
		cr.Why = fmt.Sprintf("the request has no value for %s, so the policy's value cannot be compared", strings.Join(unresolved, ", "))
	case !typed:
		cr.Why = fmt.Sprintf("%s %q is not %s, or the policy's value is not", key, req[0], b.typeName())
	default:
		cr.Matched = m
		cr.Why = fmt.Sprintf("%s %q %s", key, req[0], b.verb(m, cr.shown()))
	}
	return cr
}

// shown is the policy's values as compared: resolved when they had
// variables.
func (cr Condition) shown() []string {
	if cr.Resolved != nil {
		return cr.Resolved
	}
	return cr.Values
}

func nullMatch(values []string, present bool) (bool, string) {
	want := "true" // Null true: the key is absent
	if present {
		want = "false"
	}
	for _, v := range values {
		if strings.EqualFold(v, want) {
			if present {
				return true, "the request has the key, as Null false asks"
			}
			return true, "the request has no such key, as Null true asks"
		}
	}
	if present {
		return false, "the request has the key, and Null true asks for it to be absent"
	}
	return false, "the request has no such key, and Null false asks for it"
}

// verb says how a request value compares with the policy's values:
// matched is whether the condition's test holds for it (for a negated
// operator, whether it met none of them).
func (b *baseOp) verb(matched bool, values []string) string {
	list := strings.Join(quoteAll(values), ", ")
	if len(values) > 1 {
		list = "any of " + list
	}
	pos, neg := "equals", "does not equal"
	switch b.fam {
	case famString:
		switch {
		case b.wildcards:
			pos, neg = "is like", "is not like"
		case strings.Contains(b.name, "IgnoreCase"):
			pos, neg = "equals (ignoring case)", "does not equal (ignoring case)"
		}
	case famARN:
		pos, neg = "is like", "is not like"
	case famIP:
		pos, neg = "is in", "is not in"
	case famNumeric, famDate:
		pos, neg = comparison(b.name)
	}
	if matched != b.negated {
		return pos + " " + list
	}
	return neg + " " + list
}

func comparison(name string) (pos, neg string) {
	date := strings.HasPrefix(name, "Date")
	for _, c := range []struct{ suffix, num, date string }{
		{"LessThanEquals", "is at most", "is at or before"}, {"GreaterThanEquals", "is at least", "is at or after"},
		{"LessThan", "is less than", "is before"}, {"GreaterThan", "is greater than", "is after"},
	} {
		if strings.HasSuffix(name, c.suffix) {
			w := c.num
			if date {
				w = c.date
			}
			return w, "is not " + strings.TrimPrefix(w, "is ")
		}
	}
	return "equals", "does not equal"
}

func (b *baseOp) typeName() string {
	switch b.fam {
	case famNumeric:
		return "a number"
	case famDate:
		return "a date"
	case famBool:
		return "true or false"
	case famBinary:
		return "base64"
	case famIP:
		return "an IP address"
	case famARN:
		return "an ARN"
	}
	return "a string"
}

func quoteAll(l []string) []string {
	out := slices.Clone(l)
	for i, v := range out {
		out[i] = fmt.Sprintf("%q", v)
	}
	return out
}
