package eval

import (
	"encoding/base64"
	"fmt"
	"net/netip"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// family is a group of operators that compare values the same way.
type family uint8

const (
	famString family = iota
	famNumeric
	famDate
	famBool
	famBinary
	famIP
	famARN
	famNull
)

// baseOp is a condition operator without its set qualifier and IfExists.
type baseOp struct {
	name    string // canonical spelling
	fam     family
	negated bool
	// compare decides one request value against one resolved policy value
	// of the positive form; ok is false when either side is not of the
	// operator's type (which never matches, negated or not).
	compare func(req string, pol pattern) (match, ok bool)
	// wildcards: * and ? in policy values are wildcards (StringLike, Arn*).
	wildcards bool
	// variables: ${…} in policy values are resolved (String, ARN and Bool
	// operators: reference_policies_variables.html, "Condition element").
	variables bool
}

// operator is a parsed condition operator such as
// ForAnyValue:StringNotLikeIfExists.
type operator struct {
	written  string
	set      string // "", "ForAnyValue" or "ForAllValues"
	base     *baseOp
	ifExists bool
}

var baseOps = func() map[string]*baseOp {
	eq := func(req string, pol pattern) (bool, bool) { return pol.match(req), true }
	eqFold := func(req string, pol pattern) (bool, bool) { return pol.lower().match(strings.ToLower(req)), true }
	arn := func(req string, pol pattern) (bool, bool) { return pol.matchARN(req), true }
	num := func(cmp func(a, b float64) bool) func(string, pattern) (bool, bool) {
		return func(req string, pol pattern) (bool, bool) {
			a, okA := parseNumber(req)
			b, okB := parseNumber(pol.String())
			if !okA || !okB {
				return false, false
			}
			return cmp(a, b), true
		}
	}
	date := func(cmp func(a, b time.Time) bool) func(string, pattern) (bool, bool) {
		return func(req string, pol pattern) (bool, bool) {
			a, okA := parseDate(req)
			b, okB := parseDate(pol.String())
			if !okA || !okB {
				return false, false
			}
			return cmp(a, b), true
		}
	}
	boolean := func(req string, pol pattern) (bool, bool) {
		r, p := strings.ToLower(req), strings.ToLower(literalOf(pol))
		if (r != "true" && r != "false") || (p != "true" && p != "false") {
			return false, false
		}
		return r == p, true
	}
	binary := func(req string, pol pattern) (bool, bool) {
		a, errA := base64.StdEncoding.DecodeString(req)
		b, errB := base64.StdEncoding.DecodeString(literalOf(pol))
		if errA != nil || errB != nil {
			return false, false
		}
		return string(a) == string(b), true
	}
	ip := func(req string, pol pattern) (bool, bool) {
		addr, err := netip.ParseAddr(req)
		prefix, okP := parsePrefix(literalOf(pol))
		if err != nil || !okP {
			return false, false
		}
		return prefix.Contains(addr.Unmap()), true
	}
	numEq := func(a, b float64) bool { return a == b }
	dateEq := func(a, b time.Time) bool { return a.Equal(b) }
	ops := []*baseOp{
		{name: "StringEquals", fam: famString, compare: eq, variables: true},
		{name: "StringNotEquals", fam: famString, negated: true, compare: eq, variables: true},
		{name: "StringEqualsIgnoreCase", fam: famString, compare: eqFold, variables: true},
		{name: "StringNotEqualsIgnoreCase", fam: famString, negated: true, compare: eqFold, variables: true},
		{name: "StringLike", fam: famString, compare: eq, wildcards: true, variables: true},
		{name: "StringNotLike", fam: famString, negated: true, compare: eq, wildcards: true, variables: true},
		{name: "NumericEquals", fam: famNumeric, compare: num(numEq)},
		{name: "NumericNotEquals", fam: famNumeric, negated: true, compare: num(numEq)},
		{name: "NumericLessThan", fam: famNumeric, compare: num(func(a, b float64) bool { return a < b })},
		{name: "NumericLessThanEquals", fam: famNumeric, compare: num(func(a, b float64) bool { return a <= b })},
		{name: "NumericGreaterThan", fam: famNumeric, compare: num(func(a, b float64) bool { return a > b })},
		{name: "NumericGreaterThanEquals", fam: famNumeric, compare: num(func(a, b float64) bool { return a >= b })},
		{name: "DateEquals", fam: famDate, compare: date(dateEq)},
		{name: "DateNotEquals", fam: famDate, negated: true, compare: date(dateEq)},
		{name: "DateLessThan", fam: famDate, compare: date(func(a, b time.Time) bool { return a.Before(b) })},
		{name: "DateLessThanEquals", fam: famDate, compare: date(func(a, b time.Time) bool { return !a.After(b) })},
		{name: "DateGreaterThan", fam: famDate, compare: date(func(a, b time.Time) bool { return a.After(b) })},
		{name: "DateGreaterThanEquals", fam: famDate, compare: date(func(a, b time.Time) bool { return !a.Before(b) })},
		{name: "Bool", fam: famBool, compare: boolean, variables: true},
		{name: "BinaryEquals", fam: famBinary, compare: binary},
		{name: "IpAddress", fam: famIP, compare: ip},
		{name: "NotIpAddress", fam: famIP, negated: true, compare: ip},
		// ArnEquals and ArnLike behave identically, as do their negations
		// (reference_policies_elements_condition_operators.html#Conditions_ARN).
		{name: "ArnEquals", fam: famARN, compare: arn, wildcards: true, variables: true},
		{name: "ArnLike", fam: famARN, compare: arn, wildcards: true, variables: true},
		{name: "ArnNotEquals", fam: famARN, negated: true, compare: arn, wildcards: true, variables: true},
		{name: "ArnNotLike", fam: famARN, negated: true, compare: arn, wildcards: true, variables: true},
		{name: "Null", fam: famNull},
	}
	m := make(map[string]*baseOp, len(ops))
	for _, o := range ops {
		m[strings.ToLower(o.name)] = o
	}
	return m
}()

// parseOperator reads [ForAnyValue:|ForAllValues:]Base[IfExists]. Operator
// names are matched case-insensitively, as IAM does.
func parseOperator(s string) (operator, error) {
	op := operator{written: s}
	rest := s
	if q, r, ok := strings.Cut(s, ":"); ok {
		switch strings.ToLower(q) {
		case "foranyvalue":
			op.set = "ForAnyValue"
		case "forallvalues":
			op.set = "ForAllValues"
		default:
			return op, fmt.Errorf("condition operator %q has qualifier %q; IAM knows ForAnyValue and ForAllValues", s, q)
		}
		rest = r
	}
	l := strings.ToLower(rest)
	if b, ok := baseOps[l]; ok {
		op.base = b
		return op, nil
	}
	if strings.HasSuffix(l, "ifexists") {
		if b, ok := baseOps[strings.TrimSuffix(l, "ifexists")]; ok && b.fam != famNull {
			op.base, op.ifExists = b, true
			return op, nil
		}
	}
	return op, fmt.Errorf("condition operator %q is not one IAM knows", s)
}

// literalOf is a pattern's text (for operators without wildcards every
// token is literal).
func literalOf(p pattern) string {
	var b strings.Builder
	for _, t := range p {
		switch t.kind {
		case tokStar:
			b.WriteByte('*')
		case tokQuest:
			b.WriteByte('?')
		default:
			b.WriteString(t.text)
		}
	}
	return b.String()
}

var numberRE = regexp.MustCompile(`^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$`)

// parseNumber reads an integer or decimal (no hex, inf or NaN).
func parseNumber(s string) (float64, bool) {
	if !numberRE.MatchString(s) {
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64)
	return f, err == nil
}

// dateLayouts are the W3C profile of ISO 8601 that IAM takes for dates
// (reference_policies_elements_condition_operators.html#Conditions_Date),
// with and without a time zone designator.
var dateLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999",
	"2006-01-02T15:04Z07:00",
	"2006-01-02T15:04",
	"2006-01-02",
	"2006-01",
	"2006",
}

// parseDate reads an ISO 8601 date or a Unix epoch time in seconds. A
// four-digit number is read as the year, as the W3C profile writes one.
func parseDate(s string) (time.Time, bool) {
	if len(s) != 4 {
		if n, err := strconv.ParseInt(s, 10, 64); err == nil {
			return time.Unix(n, 0).UTC(), true
		}
	}
	for _, l := range dateLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// parsePrefix reads a CIDR block, or an address as its own /32 (/128).
func parsePrefix(s string) (netip.Prefix, bool) {
	if p, err := netip.ParsePrefix(s); err == nil {
		return p.Masked(), true
	}
	if a, err := netip.ParseAddr(s); err == nil {
		a = a.Unmap()
		return netip.PrefixFrom(a, a.BitLen()), true
	}
	return netip.Prefix{}, false
}
