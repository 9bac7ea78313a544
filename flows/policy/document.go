package policy

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/sagerole/sagerole/awsops/rules"
)

// Version is the policy language version every generated document uses.
const Version = "2012-10-17"

// Document is an IAM policy document.
type Document struct {
	Version   string
	ID        string // the optional top-level "Id"
	Statement []Statement
}

// Statement is one statement of a policy. Lists hold what IAM accepts as a
// string or an array; a nil list means the element is absent.
type Statement struct {
	Sid          string
	Effect       string
	Principal    Principal
	NotPrincipal Principal
	Action       []string
	NotAction    []string
	Resource     []string
	NotResource  []string
	Condition    Condition
}

// Principal maps a principal type (Service, AWS, Federated, CanonicalUser)
// to its identifiers. "Principal": "*" is read as {"AWS": ["*"]}, which IAM
// documents as equivalent.
type Principal map[string][]string

// Condition maps an operator (StringEquals, ForAnyValue:StringNotLike, …) to
// condition keys and their values. Values are strings as IAM compares them;
// booleans and numbers are kept as their JSON text.
type Condition map[string]map[string][]string

// String returns the document as indented JSON.
func (d Document) String() string {
	b, _ := d.MarshalJSON() // writing strings into a buffer cannot fail
	var out bytes.Buffer
	_ = json.Indent(&out, b, "", "  ") // b is valid JSON by construction
	return out.String()
}

// Size is the size IAM counts: every character except white space.
func (d Document) Size() int { return rules.PolicySize(d.String()) }

// Size is the size IAM counts for doc.
func Size(doc Document) int { return doc.Size() }

// MarshalJSON writes the document compactly with keys in a fixed order
// (IAM's own order: Version, Id, Statement; Sid, Effect, Principal, Action,
// Resource, Condition) and condition operators and keys sorted. A list of one
// value is written as a string, a longer list as an array — everywhere, so
// the same document always gives the same bytes.
func (d Document) MarshalJSON() ([]byte, error) {
	var w jsonWriter
	w.WriteByte('{')
	first := true
	field := func(name string) {
		if !first {
			w.WriteByte(',')
		}
		first = false
		w.str(name)
		w.WriteByte(':')
	}
	if d.Version != "" {
		field("Version")
		w.str(d.Version)
	}
	if d.ID != "" {
		field("Id")
		w.str(d.ID)
	}
	field("Statement")
	w.WriteByte('[')
	for i, s := range d.Statement {
		if i > 0 {
			w.WriteByte(',')
		}
		w.statement(s)
	}
	w.WriteString("]}")
	return w.Bytes(), nil
}

// UnmarshalJSON reads a document as Parse does.
func (d *Document) UnmarshalJSON(b []byte) error {
	doc, err := Parse(string(b))
	if err != nil {
		return err
	}
	*d = doc
	return nil
}

type jsonWriter struct{ bytes.Buffer }

// str writes s as a JSON string without HTML escaping, so < > & stay
// readable and count as one character each.
func (w *jsonWriter) str(s string) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // encoding a string cannot fail
	w.Write(bytes.TrimRight(b.Bytes(), "\n"))
}

func (w *jsonWriter) list(l []string) {
	if len(l) == 1 {
		w.str(l[0])
		return
	}
	w.WriteByte('[')
	for i, v := range l {
		if i > 0 {
			w.WriteByte(',')
		}
		w.str(v)
	}
	w.WriteByte(']')
}

func (w *jsonWriter) principal(p Principal) {
	w.WriteByte('{')
	for i, k := range sortedKeys(p) {
		if i > 0 {
			w.WriteByte(',')
		}
		w.str(k)
		w.WriteByte(':')
		w.list(p[k])
	}
	w.WriteByte('}')
}

func (w *jsonWriter) condition(c Condition) {
	w.WriteByte('{')
	for i, op := range sortedKeys(c) {
		if i > 0 {
			w.WriteByte(',')
		}
		w.str(op)
		w.WriteString(":{")
		for j, k := range sortedKeys(c[op]) {
			if j > 0 {
				w.WriteByte(',')
			}
			w.str(k)
			w.WriteByte(':')
			w.list(c[op][k])
		}
		w.WriteByte('}')
	}
	w.WriteByte('}')
}

func (w *jsonWriter) statement(s Statement) {
	w.WriteByte('{')
	first := true
	field := func(name string) {
		if !first {
			w.WriteByte(',')
		}
		first = false
		w.str(name)
		w.WriteByte(':')
	}
	if s.Sid != "" {
		field("Sid")
		w.str(s.Sid)
	}
	field("Effect")
	w.str(s.Effect)
	if s.Principal != nil {
		field("Principal")
		w.principal(s.Principal)
	}
	if s.NotPrincipal != nil {
		field("NotPrincipal")
		w.principal(s.NotPrincipal)
	}
	lists := []struct {
		name string
		l    []string
	}{{"Action", s.Action}, {"NotAction", s.NotAction}, {"Resource", s.Resource}, {"NotResource", s.NotResource}}
	for _, f := range lists {
		if f.l != nil {
			field(f.name)
			w.list(f.l)
		}
	}
	if len(s.Condition) > 0 {
		field("Condition")
		w.condition(s.Condition)
	}
	w.WriteByte('}')
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Parse reads a policy document as IAM accepts it: Statement as an object or
// an array, Action/Resource/principal and condition values as a string or an
// array, condition values also as booleans or numbers. A document that is
// URL-encoded (as IAM's Get*Policy APIs return it) is decoded first. Elements
// this package does not model are refused rather than silently dropped, so
// a document read from AWS is never rewritten with parts missing.
//
// It is strict where a lenient reader would judge another document than
// the one sent: a key given twice at any level (JSON readers keep one of
// them, not all the same one), text that is not valid UTF-8 (it would be
// read with replacement characters), a Version other than the two IAM
// knows, an element IAM does not know.
func Parse(doc string) (Document, error) {
	s := strings.TrimSpace(doc)
	if strings.HasPrefix(s, "%7B") || strings.HasPrefix(s, "%7b") {
		dec, err := url.QueryUnescape(s)
		if err != nil {
			return Document{}, fmt.Errorf("policy document is URL-encoded but does not decode: %w", err)
		}
		s = strings.TrimSpace(dec)
	}
	if !utf8.ValidString(s) {
		return Document{}, fmt.Errorf("policy document is not valid UTF-8 (at byte %d)", invalidUTF8At(s))
	}
	top, err := object([]byte(s))
	if err != nil {
		return Document{}, fmt.Errorf("policy document is not a JSON object: %w", err)
	}
	if err := uniqueKeys(s); err != nil {
		return Document{}, err
	}
	var d Document
	for k, raw := range top {
		switch k {
		case "Version":
			if err := json.Unmarshal(raw, &d.Version); err != nil {
				return Document{}, errors.New("policy Version must be a string")
			}
			if d.Version != "2012-10-17" && d.Version != "2008-10-17" {
				return Document{}, fmt.Errorf("policy Version %q is not 2012-10-17 or 2008-10-17", d.Version)
			}
		case "Id":
			if err := json.Unmarshal(raw, &d.ID); err != nil {
				return Document{}, errors.New("policy Id must be a string")
			}
		case "Statement":
		default:
			return Document{}, fmt.Errorf("policy has an element %q this tool does not know", k)
		}
	}
	raw, ok := top["Statement"]
	if !ok {
		return Document{}, errors.New("policy has no Statement")
	}
	var raws []json.RawMessage
	if err := json.Unmarshal(raw, &raws); err != nil {
		raws = []json.RawMessage{raw}
	}
	if len(raws) == 0 {
		return Document{}, errors.New("policy has an empty Statement list")
	}
	for i, r := range raws {
		st, err := parseStatement(r)
		if err != nil {
			return Document{}, fmt.Errorf("statement %d: %w", i+1, err)
		}
		d.Statement = append(d.Statement, st)
	}
	return d, nil
}

// invalidUTF8At is the offset of the first byte of s that is not UTF-8.
func invalidUTF8At(s string) int {
	for i, r := range s {
		if r == utf8.RuneError {
			if _, n := utf8.DecodeRuneInString(s[i:]); n <= 1 {
				return i
			}
		}
	}
	return len(s)
}

// uniqueKeys refuses a JSON text (already known to be valid) in which an
// object has a key twice, at any depth, naming where.
func uniqueKeys(s string) error {
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var walk func(path string) error
	walk = func(path string) error {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		switch tok {
		case json.Delim('{'):
			seen := map[string]bool{}
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return err
				}
				k, _ := kt.(string)
				if seen[k] {
					where := "at the top level"
					if path != "" {
						where = "in " + path
					}
					return fmt.Errorf("policy document gives the key %q twice %s: each key must be given once, or the document checked is not the one IAM reads", k, where)
				}
				seen[k] = true
				sub := k
				if path != "" {
					sub = path + "." + k
				}
				if err := walk(sub); err != nil {
					return err
				}
			}
			_, err = dec.Token()
			return err
		case json.Delim('['):
			for i := 1; dec.More(); i++ {
				if err := walk(fmt.Sprintf("%s[%d]", path, i)); err != nil {
					return err
				}
			}
			_, err = dec.Token()
			return err
		}
		return nil
	}
	return walk("")
}

// object decodes one JSON object and refuses trailing data.
func object(b []byte) (map[string]json.RawMessage, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	var m map[string]json.RawMessage
	if err := dec.Decode(&m); err != nil {
		return nil, err
	}
	if m == nil {
		return nil, errors.New("null is not an object")
	}
	if dec.More() {
		return nil, errors.New("trailing data after the object")
	}
	if _, err := dec.Token(); err == nil {
		return nil, errors.New("trailing data after the object")
	}
	return m, nil
}

func parseStatement(raw json.RawMessage) (Statement, error) {
	m, err := object(raw)
	if err != nil {
		return Statement{}, errors.New("a statement must be a JSON object")
	}
	var s Statement
	for k, v := range m {
		var err error
		switch k {
		case "Sid":
			if json.Unmarshal(v, &s.Sid) != nil {
				err = errors.New("Sid must be a string")
			}
		case "Effect":
			if json.Unmarshal(v, &s.Effect) != nil || (s.Effect != "Allow" && s.Effect != "Deny") {
				err = errors.New("Effect must be Allow or Deny")
			}
		case "Principal":
			s.Principal, err = parsePrincipal(k, v)
		case "NotPrincipal":
			s.NotPrincipal, err = parsePrincipal(k, v)
		case "Action":
			s.Action, err = stringList(k, v)
		case "NotAction":
			s.NotAction, err = stringList(k, v)
		case "Resource":
			s.Resource, err = stringList(k, v)
		case "NotResource":
			s.NotResource, err = stringList(k, v)
		case "Condition":
			s.Condition, err = parseCondition(v)
		default:
			err = fmt.Errorf("element %q is not one this tool knows", k)
		}
		if err != nil {
			return Statement{}, err
		}
	}
	switch {
	case s.Effect == "":
		return Statement{}, errors.New("Effect must be Allow or Deny")
	case (s.Action == nil) == (s.NotAction == nil):
		return Statement{}, errors.New("a statement needs exactly one of Action and NotAction")
	case s.Resource != nil && s.NotResource != nil:
		return Statement{}, errors.New("a statement cannot have both Resource and NotResource")
	case s.Principal != nil && s.NotPrincipal != nil:
		return Statement{}, errors.New("a statement cannot have both Principal and NotPrincipal")
	}
	return s, nil
}

// stringList reads a string or a non-empty array of strings.
func stringList(name string, raw json.RawMessage) ([]string, error) {
	var one string
	if err := json.Unmarshal(raw, &one); err == nil {
		if one == "" {
			return nil, fmt.Errorf("%s is an empty string", name)
		}
		return []string{one}, nil
	}
	var l []string
	if err := json.Unmarshal(raw, &l); err != nil || l == nil {
		return nil, fmt.Errorf("%s must be a string or an array of strings", name)
	}
	if len(l) == 0 {
		return nil, fmt.Errorf("%s is an empty array", name)
	}
	for _, v := range l {
		if v == "" {
			return nil, fmt.Errorf("%s has an empty string", name)
		}
	}
	return l, nil
}

func parsePrincipal(name string, raw json.RawMessage) (Principal, error) {
	var star string
	if err := json.Unmarshal(raw, &star); err == nil {
		if star != "*" {
			return nil, fmt.Errorf("%s must be \"*\" or an object", name)
		}
		return Principal{"AWS": {"*"}}, nil
	}
	m, err := object(raw)
	if err != nil || len(m) == 0 {
		return nil, fmt.Errorf("%s must be \"*\" or a non-empty object", name)
	}
	p := Principal{}
	for k, v := range m {
		l, err := stringList(name+" "+k, v)
		if err != nil {
			return nil, err
		}
		p[k] = l
	}
	return p, nil
}

func parseCondition(raw json.RawMessage) (Condition, error) {
	m, err := object(raw)
	if err != nil {
		return nil, errors.New("Condition must be an object")
	}
	c := Condition{}
	for op, rawKeys := range m {
		keys, err := object(rawKeys)
		if err != nil {
			return nil, fmt.Errorf("Condition %s must be an object of keys", op)
		}
		c[op] = map[string][]string{}
		for k, rv := range keys {
			vals, err := conditionValues(rv)
			if err != nil {
				return nil, fmt.Errorf("Condition %s %s: %w", op, k, err)
			}
			c[op][k] = vals
		}
	}
	return c, nil
}

// conditionValues reads a condition's value: a scalar or an array of scalars.
func conditionValues(raw json.RawMessage) ([]string, error) {
	var l []json.RawMessage
	if err := json.Unmarshal(raw, &l); err == nil {
		if l == nil {
			return nil, errors.New("value must be a string, boolean, number or an array of them")
		}
		out := make([]string, 0, len(l))
		for _, r := range l {
			v, err := scalar(r)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	}
	v, err := scalar(raw)
	if err != nil {
		return nil, err
	}
	return []string{v}, nil
}

func scalar(raw json.RawMessage) (string, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return "", err
	}
	switch x := v.(type) {
	case string:
		return x, nil
	case bool:
		if x {
			return "true", nil
		}
		return "false", nil
	case json.Number:
		return x.String(), nil
	}
	return "", errors.New("value must be a string, boolean, number or an array of them")
}
