package eval

import (
	"strings"
	"unicode/utf8"
)

// tokKind is what one piece of a pattern is.
type tokKind uint8

const (
	tokText  tokKind = iota // literal text written in the policy
	tokValue                // literal text a policy variable put in: never a wildcard, never an ARN separator
	tokStar                 // * — any run of characters, empty included
	tokQuest                // ? — exactly one character
)

type token struct {
	kind tokKind
	text string
}

// pattern is a policy string split into literal text, substituted values and
// wildcards.
type pattern []token

// vars resolves policy variables from the request context.
type vars struct {
	ctx     map[string][]string // lower-cased key → values
	enabled bool                // the document's Version supports variables (2012-10-17)
}

// compile splits s into tokens. With wildcards false, * and ? are literal
// (StringEquals); with vars enabled, ${…} are resolved: ${*} ${?} ${$} are
// the literal characters (reference_policies_variables.html, "Special
// characters"), ${key} or ${key, 'default'} the request's single value of
// key. A variable without a value (and no default) cannot match anything:
// its name is returned in unresolved.
func (v vars) compile(s string, wildcards bool) (p pattern, unresolved []string) {
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			p = append(p, token{tokText, lit.String()})
			lit.Reset()
		}
	}
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case wildcards && (c == '*' || c == '?'):
			flush()
			k := tokStar
			if c == '?' {
				k = tokQuest
			}
			p = append(p, token{kind: k})
			i++
		case v.enabled && c == '$' && i+1 < len(s) && s[i+1] == '{':
			end := strings.IndexByte(s[i+2:], '}')
			if end < 0 {
				lit.WriteByte(c)
				i++
				continue
			}
			inner := s[i+2 : i+2+end]
			i += end + 3
			flush()
			val, ok := v.resolve(inner)
			if !ok {
				unresolved = append(unresolved, "${"+inner+"}")
				continue
			}
			p = append(p, token{tokValue, val})
		default:
			lit.WriteByte(c)
			i++
		}
	}
	flush()
	return p, unresolved
}

// resolve gives the value of the variable written ${inner}.
func (v vars) resolve(inner string) (string, bool) {
	switch inner {
	case "*", "?", "$":
		return inner, true
	}
	name, def, hasDefault := strings.Cut(inner, ",")
	if hasDefault {
		def = strings.TrimSpace(def)
		if len(def) >= 2 && def[0] == '\'' && def[len(def)-1] == '\'' {
			def = def[1 : len(def)-1]
		} else {
			hasDefault = false
		}
	}
	vals, ok := v.ctx[strings.ToLower(strings.TrimSpace(name))]
	// Only a single-valued key can be a variable (reference_policies_condition-
	// single-vs-multi-valued-context-keys.html).
	if ok && len(vals) == 1 {
		return vals[0], true
	}
	if hasDefault {
		return def, true
	}
	return "", false
}

// String gives the pattern as IAM would read it after substitution, with
// substituted wildcard characters written as the variables that stand for
// them, so a resolved pattern can be shown to a person.
func (p pattern) String() string {
	var b strings.Builder
	for _, t := range p {
		switch t.kind {
		case tokText:
			b.WriteString(t.text)
		case tokValue:
			r := strings.NewReplacer("*", "${*}", "?", "${?}")
			b.WriteString(r.Replace(t.text))
		case tokStar:
			b.WriteByte('*')
		case tokQuest:
			b.WriteByte('?')
		}
	}
	return b.String()
}

// hasValue reports whether a variable was substituted into p.
func (p pattern) hasValue() bool {
	for _, t := range p {
		if t.kind == tokValue {
			return true
		}
	}
	return false
}

// lower returns p with its literal text lower-cased, for case-insensitive
// matching against a lower-cased subject.
func (p pattern) lower() pattern {
	out := make(pattern, len(p))
	for i, t := range p {
		out[i] = token{t.kind, strings.ToLower(t.text)}
	}
	return out
}

// literal returns the pattern's text when it has no wildcard.
func (p pattern) literal() (string, bool) {
	var b strings.Builder
	for _, t := range p {
		if t.kind == tokStar || t.kind == tokQuest {
			return "", false
		}
		b.WriteString(t.text)
	}
	return b.String(), true
}

// match reports whether s matches p in full. * matches any run of
// characters (empty included), ? exactly one character.
func (p pattern) match(s string) bool {
	if lit, ok := p.literal(); ok {
		return lit == s
	}
	// Flatten to units: each literal byte run is compared as text, each
	// wildcard as itself. Classic backtracking on the last star: linear in
	// practice, O(len(p)·len(s)) at worst.
	type unit struct {
		kind tokKind
		text string
	}
	units := make([]unit, 0, len(p))
	for _, t := range p {
		switch t.kind {
		case tokText, tokValue:
			if t.text == "" {
				continue
			}
			if n := len(units); n > 0 && units[n-1].kind == tokText {
				units[n-1].text += t.text
				continue
			}
			units = append(units, unit{tokText, t.text})
		default:
			units = append(units, unit{kind: t.kind})
		}
	}
	ui, si := 0, 0
	starU, starS := -1, 0
	for {
		if ui < len(units) {
			u := units[ui]
			switch u.kind {
			case tokStar:
				starU, starS = ui, si
				ui++
				continue
			case tokQuest:
				if si < len(s) {
					_, w := utf8.DecodeRuneInString(s[si:])
					si += w
					ui++
					continue
				}
			case tokText:
				if strings.HasPrefix(s[si:], u.text) {
					si += len(u.text)
					ui++
					continue
				}
			}
		} else if si == len(s) {
			return true
		}
		// Mismatch: let the last star take one more character.
		if starU < 0 || starS >= len(s) {
			return false
		}
		_, w := utf8.DecodeRuneInString(s[starS:])
		starS += w
		ui, si = starU+1, starS
	}
}

// splitARN splits p at the first five colons written in the policy (not
// inside substituted values): arn, partition, service, region, account and
// the resource, which keeps any further colons. A pattern with fewer parts
// gets * for the missing ones, as IAM reads a short ARN in an identity
// policy.
func (p pattern) splitARN() [6]pattern {
	var parts [6]pattern
	n := 0
	for _, t := range p {
		if t.kind != tokText || n == 5 {
			parts[n] = append(parts[n], t)
			continue
		}
		text := t.text
		for n < 5 {
			i := strings.IndexByte(text, ':')
			if i < 0 {
				break
			}
			if i > 0 {
				parts[n] = append(parts[n], token{tokText, text[:i]})
			}
			text = text[i+1:]
			n++
		}
		if text != "" {
			parts[n] = append(parts[n], token{tokText, text})
		}
	}
	for i := n + 1; i < 6; i++ {
		parts[i] = pattern{{kind: tokStar}}
	}
	return parts
}

// splitARNString splits an ARN of a request into its six parts; ok is false
// when it has fewer than six.
func splitARNString(s string) (parts [6]string, ok bool) {
	for i := 0; i < 5; i++ {
		j := strings.IndexByte(s, ':')
		if j < 0 {
			return parts, false
		}
		parts[i], s = s[:j], s[j+1:]
	}
	parts[5] = s
	return parts, true
}

// matchARN matches an ARN the way the Resource element and the Arn
// operators do: each of the first five colon-separated parts on its own (a
// wildcard does not run past a colon there), the resource part as a whole,
// case-sensitively (reference_policies_elements_resource.html,
// reference_policies_elements_condition_operators.html#Conditions_ARN).
func (p pattern) matchARN(s string) bool {
	sp, ok := splitARNString(s)
	if !ok {
		return false
	}
	pp := p.splitARN()
	for i := range sp {
		if !pp[i].match(sp[i]) {
			return false
		}
	}
	return true
}
