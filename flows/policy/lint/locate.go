package lint

import (
	"encoding/json"
	"strconv"
	"strings"
)

// locations are byte offsets in a document's text: of each statement, of
// each element of a statement, and of each value in an element (an action,
// a Resource, a principal, a condition operator or key).
type locations struct {
	stmt  map[int]int
	elem  map[[2]string]int // {statement, element}
	value map[[3]string]int // {statement, element, value}
	top   map[string]int    // top-level keys: Version, Statement
}

func itoa(n int) string { return strconv.Itoa(n) }

// find returns the offset of the value in the statement's element, or of
// the element, or of the statement, whichever is known first.
func (l locations) find(n int, element, value string) (int, bool) {
	if l.stmt == nil {
		return 0, false
	}
	s := itoa(n)
	if n == 0 {
		off, ok := l.top[element]
		return off, ok
	}
	if value != "" {
		if off, ok := l.value[[3]string{s, element, value}]; ok {
			return off, true
		}
	}
	if element != "" {
		if off, ok := l.elem[[2]string{s, element}]; ok {
			return off, true
		}
	}
	off, ok := l.stmt[n]
	return off, ok
}

// locate reads the text's JSON once and records where things are. It gives
// up quietly (no locations) on text that is not plain JSON, such as the
// URL-encoded documents IAM returns: findings then have no position.
func locate(text string) locations {
	l := locations{stmt: map[int]int{}, elem: map[[2]string]int{}, value: map[[3]string]int{}, top: map[string]int{}}
	r := &reader{text: text, dec: json.NewDecoder(strings.NewReader(text))}
	r.dec.UseNumber()
	defer func() {
		if recover() != nil {
			l = locations{}
		}
	}()
	r.expect('{')
	for r.more() {
		k, off := r.key()
		l.top[k] = off
		if k != "Statement" {
			r.skip()
			continue
		}
		if r.peekDelim() == '[' {
			r.expect('[')
			n := 0
			for r.more() {
				n++
				r.statement(&l, n)
			}
			r.expect(']')
		} else {
			r.statement(&l, 1)
		}
	}
	r.expect('}')
	return l
}

// reader walks JSON tokens and knows where each begins.
type reader struct {
	text string
	dec  *json.Decoder
}

type stop struct{}

// start is the offset where the next token begins.
func (r *reader) start() int {
	off := int(r.dec.InputOffset())
	for off < len(r.text) && strings.IndexByte(" \t\r\n,:", r.text[off]) >= 0 {
		off++
	}
	return off
}

func (r *reader) token() (json.Token, int) {
	off := r.start()
	t, err := r.dec.Token()
	if err != nil {
		panic(stop{})
	}
	return t, off
}

func (r *reader) expect(d json.Delim) {
	if t, _ := r.token(); t != d {
		panic(stop{})
	}
}

func (r *reader) more() bool { return r.dec.More() }

func (r *reader) peekDelim() byte {
	off := r.start()
	if off < len(r.text) {
		return r.text[off]
	}
	return 0
}

func (r *reader) key() (string, int) {
	t, off := r.token()
	s, ok := t.(string)
	if !ok {
		panic(stop{})
	}
	return s, off
}

// skip reads one value whole.
func (r *reader) skip() {
	var v json.RawMessage
	if err := r.dec.Decode(&v); err != nil {
		panic(stop{})
	}
}

// values reads a string or an array of strings (or scalars), calling f
// with each and where it begins.
func (r *reader) values(f func(string, int)) {
	if r.peekDelim() == '[' {
		r.expect('[')
		for r.more() {
			t, off := r.token()
			if _, ok := t.(json.Delim); ok {
				panic(stop{})
			}
			f(scalarText(t), off)
		}
		r.expect(']')
		return
	}
	if c := r.peekDelim(); c == '{' {
		r.skip()
		return
	}
	t, off := r.token()
	f(scalarText(t), off)
}

func scalarText(t json.Token) string {
	switch v := t.(type) {
	case string:
		return v
	case json.Number:
		return v.String()
	case bool:
		if v {
			return "true"
		}
		return "false"
	}
	return ""
}

func (r *reader) statement(l *locations, n int) {
	s := itoa(n)
	_, off := r.token() // '{'
	l.stmt[n] = off
	for r.more() {
		el, off := r.key()
		l.elem[[2]string{s, el}] = off
		switch el {
		case "Action", "NotAction", "Resource", "NotResource", "Sid":
			r.values(func(v string, off int) { setOnce(l.value, [3]string{s, el, v}, off) })
		case "Principal", "NotPrincipal":
			if r.peekDelim() != '{' {
				r.values(func(v string, off int) { setOnce(l.value, [3]string{s, el, v}, off) })
				continue
			}
			r.expect('{')
			for r.more() {
				typ, off := r.key()
				setOnce(l.value, [3]string{s, el, typ}, off)
				r.values(func(v string, off int) { setOnce(l.value, [3]string{s, el, v}, off) })
			}
			r.expect('}')
		case "Condition":
			r.expect('{')
			for r.more() {
				op, off := r.key()
				setOnce(l.value, [3]string{s, el, op}, off)
				r.expect('{')
				for r.more() {
					k, off := r.key()
					setOnce(l.value, [3]string{s, el, k}, off)
					r.skip()
				}
				r.expect('}')
			}
			r.expect('}')
		default:
			r.skip()
		}
	}
	r.expect('}')
}

// setOnce keeps the first place a value appears.
func setOnce(m map[[3]string]int, k [3]string, off int) {
	if _, ok := m[k]; !ok {
		m[k] = off
	}
}
