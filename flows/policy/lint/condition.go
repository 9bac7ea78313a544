package lint

import (
	"maps"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/sagerole/sagerole/flows/policy"
	"github.com/sagerole/sagerole/flows/policy/iamref"
)

// family is what an operator compares.
type family int

const (
	famString family = iota + 1
	famNumeric
	famDate
	famBool
	famBinary
	famIP
	famARN
	famNull
)

// operators are IAM's condition operators by lower-cased name, with their
// canonical name, what they compare and whether they are negated (true
// when the key is missing).
var operators = map[string]struct {
	name    string
	fam     family
	negated bool
}{}

func init() {
	for _, o := range []struct {
		name    string
		fam     family
		negated bool
	}{
		{"StringEquals", famString, false}, {"StringNotEquals", famString, true},
		{"StringEqualsIgnoreCase", famString, false}, {"StringNotEqualsIgnoreCase", famString, true},
		{"StringLike", famString, false}, {"StringNotLike", famString, true},
		{"NumericEquals", famNumeric, false}, {"NumericNotEquals", famNumeric, true},
		{"NumericLessThan", famNumeric, false}, {"NumericLessThanEquals", famNumeric, false},
		{"NumericGreaterThan", famNumeric, false}, {"NumericGreaterThanEquals", famNumeric, false},
		{"DateEquals", famDate, false}, {"DateNotEquals", famDate, true},
		{"DateLessThan", famDate, false}, {"DateLessThanEquals", famDate, false},
		{"DateGreaterThan", famDate, false}, {"DateGreaterThanEquals", famDate, false},
		{"Bool", famBool, false}, {"BinaryEquals", famBinary, false},
		{"IpAddress", famIP, false}, {"NotIpAddress", famIP, true},
		{"ArnEquals", famARN, false}, {"ArnLike", famARN, false},
		{"ArnNotEquals", famARN, true}, {"ArnNotLike", famARN, true},
		{"Null", famNull, false},
	} {
		operators[strings.ToLower(o.name)] = o
	}
}

// operator is a parsed condition operator: ForAllValues:StringLikeIfExists.
type operator struct {
	set      string // "", ForAnyValue or ForAllValues
	name     string // canonical base name
	fam      family
	negated  bool
	ifExists bool
}

func (o operator) String() string {
	s := o.name
	if o.ifExists {
		s += "IfExists"
	}
	if o.set != "" {
		s = o.set + ":" + s
	}
	return s
}

// parseOperator reads an operator; problem says why it is not one.
func parseOperator(op string) (o operator, problem string) {
	rest := op
	if set, base, ok := strings.Cut(op, ":"); ok {
		switch strings.ToLower(set) {
		case "foranyvalue":
			o.set = "ForAnyValue"
		case "forallvalues":
			o.set = "ForAllValues"
		default:
			return o, "its prefix " + set + " is not ForAnyValue or ForAllValues"
		}
		rest = base
	}
	l := strings.ToLower(rest)
	if strings.HasSuffix(l, "ifexists") && l != "ifexists" {
		o.ifExists, l = true, strings.TrimSuffix(l, "ifexists")
	}
	def, ok := operators[l]
	if !ok {
		return o, "IAM has no such operator"
	}
	o.name, o.fam, o.negated = def.name, def.fam, def.negated
	if o.fam == famNull && (o.ifExists || o.set != "") {
		return o, "Null takes neither IfExists nor ForAnyValue/ForAllValues"
	}
	return o, ""
}

// holdsWhenAbsent reports whether the condition holds for a request that
// does not carry the key, as IAM evaluates it.
func (o operator) holdsWhenAbsent(values []string) bool {
	switch {
	case o.fam == famNull:
		return len(values) > 0 && strings.EqualFold(values[0], "true")
	case o.ifExists, o.set == "ForAllValues":
		return true
	case o.set == "ForAnyValue":
		return false
	}
	return o.negated
}

func (c *checker) conditions(w at, s policy.Statement, all []iamref.Action) {
	// A key may be tested by several operators (Null and StringNotEquals):
	// whether the statement holds for a request without it depends on all
	// of them, so support is judged once per key.
	type use struct {
		name   string // as the policy writes it, for the message
		absent bool   // every operator on the key holds without it
		known  bool   // every operator is one IAM knows
		ifEx   bool   // every operator on the key is …IfExists
	}
	var uses []*use
	byKey := map[string]*use{}
	for _, op := range slices.Sorted(maps.Keys(s.Condition)) {
		o, problem := parseOperator(op)
		if problem != "" {
			c.add(w, Error, "unknown-operator", "Condition", op, "Condition operator %s is not one IAM knows (%s), so IAM refuses the policy; use one of String…, Numeric…, Date…, Bool, BinaryEquals, IpAddress, NotIpAddress, Arn… or Null.", op, problem)
		}
		keys := s.Condition[op]
		for _, name := range slices.Sorted(maps.Keys(keys)) {
			if problem == "" {
				c.values(w, o, name, keys[name])
			}
			k, ok := c.key(w, name)
			if !ok {
				continue
			}
			if problem == "" {
				c.keyType(w, o, name, k)
			}
			id := strings.ToLower(name)
			u, seen := byKey[id]
			if !seen {
				u = &use{name: name, absent: true, known: true, ifEx: true}
				byKey[id] = u
				uses = append(uses, u)
			}
			u.known = u.known && problem == ""
			u.ifEx = u.ifEx && o.ifExists
			u.absent = u.absent && problem == "" && o.holdsWhenAbsent(keys[name])
		}
	}
	if len(all) == 0 {
		return
	}
	for _, u := range uses {
		c.support(w, s.Effect, u.name, u.known && u.absent, u.known && u.ifEx, all)
	}
}

// key finds a condition key, or says why it cannot.
func (c *checker) key(w at, name string) (iamref.Key, bool) {
	k, ok := c.ref.ConditionKey(name)
	if ok {
		if k.Deprecated != "" {
			c.add(w, Warning, "deprecated-key", "Condition", name, "Condition key %s is deprecated (the reference says: %s); use its replacement.", name, strings.TrimSuffix(k.Deprecated, "."))
		}
		return k, true
	}
	svc, _, _ := strings.Cut(name, ":")
	_, kept := c.ref.Service(svc)
	switch {
	case strings.ContainsAny(svc, "./"):
		// An OIDC provider's keys (token.actions.githubusercontent.com:sub):
		// IAM offers aud, sub, amr… for any provider, and the reference
		// lists only some of them.
		c.add(w, Suggestion, "not-checked", "Condition", name, "Condition key %s was not checked: it is a key of identity provider %s, whose keys the reference does not all list.", name, svc)
	case strings.EqualFold(svc, "aws") || kept:
		c.add(w, Error, "unknown-key", "Condition", name, "Condition key %s does not exist, so no request carries it; check its name in the Service Authorization Reference.", name)
	case c.ref.AWSService(svc):
		c.add(w, Suggestion, "not-checked", "Condition", name, "Condition key %s was not checked: its service %s is not one sagerole's IAM reference keeps.", name, svc)
	default:
		c.add(w, Error, "unknown-key", "Condition", name, "Condition key %s names %q, which is no AWS service, so no request carries it; check its name.", name, svc)
	}
	return iamref.Key{}, false
}

// support checks that the key is in the request of every action of the
// statement: where it is not, the condition meets a missing key, and holds
// says what the key's operators make of that.
func (c *checker) support(w at, effect, name string, holds, ifExists bool, all []iamref.Action) {
	var missing []iamref.Action
	for _, a := range all {
		if !a.Supports(name) {
			missing = append(missing, a)
		}
	}
	if len(missing) == 0 {
		return
	}
	which := listSome(fullNames(missing))
	if len(missing) < len(all) {
		which += " (" + strconv.Itoa(len(missing)) + " of the statement's " + strconv.Itoa(len(all)) + " actions)"
	}
	if effect == "Deny" {
		outcome := "never denies them"
		if holds {
			outcome = "denies them whatever the request holds"
		}
		c.add(w, Error, "unsupported-key", "Condition", name, "Condition key %s is not in the requests of %s, so this Deny %s; keep only actions that carry the key in this statement, or use a key they all carry.", name, which, outcome)
		return
	}
	if ifExists {
		// …IfExists says it: a request without the key is let through.
		c.add(w, Suggestion, "unsupported-key", "Condition", name, "Condition key %s is not in the requests of %s, so IfExists lets them through unchecked; if that is not meant, move them to a statement of their own.", name, which)
		return
	}
	outcome := "never allows them"
	if holds {
		outcome = "allows them without the check"
	}
	c.add(w, Warning, "unsupported-key", "Condition", name, "Condition key %s is not in the requests of %s, so this statement %s; move them to a statement without the condition.", name, which, outcome)
}

// keyType checks the operator against the key's type.
func (c *checker) keyType(w at, o operator, name string, k iamref.Key) {
	t := k.Type.Base()
	if o.fam != famNull {
		switch {
		case k.Multivalued() && o.set == "":
			c.add(w, Warning, "set-operator", "Condition", name, "Condition key %s can carry several values, and %s on it compares them as one; write ForAnyValue:%s (some value matches) or ForAllValues:%s (every value does).", name, o, o, o)
		case !k.Multivalued() && o.set == "ForAllValues":
			c.add(w, Warning, "set-operator", "Condition", name, "Condition key %s carries one value, and ForAllValues also holds when the request has none; drop the ForAllValues: prefix.", name)
		case !k.Multivalued() && o.set == "ForAnyValue":
			c.add(w, Suggestion, "set-operator", "Condition", name, "Condition key %s carries one value, so ForAnyValue: changes nothing; drop the prefix.", name)
		}
	}
	want := map[iamref.Type]family{iamref.String: famString, iamref.ARN: famARN, iamref.Bool: famBool,
		iamref.Numeric: famNumeric, iamref.Date: famDate, iamref.IPAddress: famIP, iamref.Binary: famBinary}
	fit, known := want[t]
	if o.fam == famNull || !known || fit == o.fam {
		return
	}
	level := Error
	switch {
	case o.fam == famString && t == iamref.ARN, o.fam == famARN && t == iamref.String:
		level = Suggestion // both compare text; the Arn operators also match part by part
	case o.fam == famString, o.fam == famBool && t == iamref.String, o.fam == famBinary && t == iamref.String:
		level = Warning
	case o.fam == famNumeric && t == iamref.Date:
		if strings.EqualFold(k.Name, "aws:EpochTime") {
			return // IAM documents it as a Date and a Numeric
		}
		level = Warning
	}
	c.add(w, level, "operator-type", "Condition", name, "Condition key %s is of type %s, but %s compares %s; use %s.", name, k.Type, o.name, famNoun(o.fam), famOperators(t))
}

func famNoun(f family) string {
	switch f {
	case famString:
		return "strings"
	case famNumeric:
		return "numbers"
	case famDate:
		return "dates"
	case famBool:
		return "booleans"
	case famBinary:
		return "binary values"
	case famIP:
		return "IP addresses"
	case famARN:
		return "ARNs"
	}
	return "presence"
}

func famOperators(t iamref.Type) string {
	switch t {
	case iamref.ARN:
		return "ArnEquals or ArnLike (or their Not… forms)"
	case iamref.Bool:
		return "Bool"
	case iamref.Numeric:
		return "a Numeric… operator"
	case iamref.Date:
		return "a Date… operator"
	case iamref.IPAddress:
		return "IpAddress or NotIpAddress"
	case iamref.Binary:
		return "BinaryEquals"
	}
	return "a String… operator"
}

// values checks each value against what the operator compares.
func (c *checker) values(w at, o operator, name string, values []string) {
	for _, v := range values {
		if strings.Contains(v, "${") {
			continue // a policy variable: its value is the request's
		}
		bad := ""
		switch o.fam {
		case famNull, famBool:
			if !strings.EqualFold(v, "true") && !strings.EqualFold(v, "false") {
				bad = "true or false"
			}
		case famNumeric:
			if _, err := strconv.ParseFloat(v, 64); err != nil {
				bad = "a number"
			}
		case famDate:
			if !isDate(v) {
				bad = "a date such as 2026-12-01T00:00:00Z (or seconds since 1970)"
			}
		case famIP:
			if _, err := netip.ParsePrefix(v); err != nil {
				if _, err := netip.ParseAddr(v); err != nil {
					bad = "an IP address or a CIDR block such as 203.0.113.0/24"
				}
			}
		case famARN:
			if v != "*" && !strings.HasPrefix(v, "arn:") {
				bad = "an ARN (wildcards allowed)"
			}
		case famString:
			if (o.name == "StringEquals" || o.name == "StringNotEquals" || o.name == "StringEqualsIgnoreCase" ||
				o.name == "StringNotEqualsIgnoreCase") && strings.ContainsAny(v, "*?") {
				c.add(w, Suggestion, "literal-wildcard", "Condition", name, "%s compares %q with %s letter for letter, * and ? included; use StringLike if they are meant as wildcards.", o.name, v, name)
			}
		}
		if bad != "" {
			c.add(w, Error, "condition-value", "Condition", name, "%s %s has the value %q, which is not %s, so the condition never holds as meant; give %s.", o, name, v, bad, bad)
		}
	}
}

func isDate(v string) bool {
	if _, err := strconv.ParseInt(v, 10, 64); err == nil {
		return true
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05Z0700", "2006-01-02T15:04Z07:00", "2006-01-02T15:04:05", "2006-01-02"} {
		if _, err := time.Parse(layout, v); err == nil {
			return true
		}
	}
	return false
}
