package export

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/sagerole/sagerole/flows/policy"
)

// value is what a template holds, for both formats: a string, a string
// with references to the deploying account (CloudFormation's Fn::Sub,
// Terraform's interpolation), a list, or an object with its keys in order.
type value struct {
	kind  valueKind
	s     string  // vString
	parts []part  // vSub
	items []value // vList
	keys  []string
	vals  []value // vObject, in the order of keys
}

type valueKind int

const (
	vString valueKind = iota
	vSub
	vList
	vObject
	vCFNRef    // CloudFormation's Ref of s
	vCFNGetAtt // CloudFormation's Fn::GetAtt of s ("Logical.Attribute")
)

// part is a piece of a vSub string: literal text, or a reference.
type part struct {
	lit string
	ref ref
}

// ref names a value the deploying account supplies.
type ref string

const (
	refPartition ref = "partition"
	refAccount   ref = "account"
	refRegion    ref = "region"
	refRoleName  ref = "role-name" // the StackSet's RoleName parameter
)

func str(s string) value { return value{kind: vString, s: s} }

func list(items ...value) value { return value{kind: vList, items: items} }

func strs(ss []string) value {
	v := value{kind: vList}
	for _, s := range ss {
		v.items = append(v.items, str(s))
	}
	return v
}

func object() value { return value{kind: vObject} }

// with returns o with k set to v (appended: keys keep the order given).
func (o value) with(k string, v value) value {
	o.keys = append(append([]string(nil), o.keys...), k)
	o.vals = append(append([]value(nil), o.vals...), v)
	return o
}

// documentValue is a policy document as a value, in its canonical JSON
// form: IAM's key order, a list of one written as a string.
func documentValue(d policy.Document) value {
	b, _ := d.MarshalJSON() // a Document always marshals
	v, err := jsonValue(json.NewDecoder(bytes.NewReader(b)))
	if err != nil {
		panic(fmt.Sprintf("a policy document's canonical JSON does not read back: %v", err)) // cannot happen: MarshalJSON writes JSON
	}
	return v
}

// jsonValue reads one JSON value, keeping object keys in order.
func jsonValue(dec *json.Decoder) (value, error) {
	tok, err := dec.Token()
	if err != nil {
		return value{}, err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			o := object()
			for dec.More() {
				k, err := dec.Token()
				if err != nil {
					return value{}, err
				}
				v, err := jsonValue(dec)
				if err != nil {
					return value{}, err
				}
				o.keys, o.vals = append(o.keys, k.(string)), append(o.vals, v)
			}
			_, err := dec.Token()
			return o, err
		case '[':
			l := list()
			for dec.More() {
				v, err := jsonValue(dec)
				if err != nil {
					return value{}, err
				}
				l.items = append(l.items, v)
			}
			_, err := dec.Token()
			return l, err
		}
	case string:
		return str(t), nil
	case nil:
		return str("null"), nil
	}
	// Numbers and booleans: IAM compares their text.
	return str(fmt.Sprint(tok)), nil
}

// subst says which ARN fields become references to the deploying account:
// those that hold the role's own partition, account and region (a field
// naming another account or region stays as it is, since it names
// something that is there, not here).
type subst struct {
	partition, account, region string // "" leaves the field as it is
	// roleARN, when set, is written with the RoleName parameter for its name.
	roleARN, rolePath string
}

// apply rewrites every string of v.
func (g subst) apply(v value) value {
	switch v.kind {
	case vString:
		return g.str(v.s)
	case vList:
		out := list()
		for _, it := range v.items {
			out.items = append(out.items, g.apply(it))
		}
		return out
	case vObject:
		out := object()
		for i, k := range v.keys {
			out.keys, out.vals = append(out.keys, k), append(out.vals, g.apply(v.vals[i]))
		}
		return out
	}
	return v
}

// str rewrites one string: an ARN field by field, the account ID alone
// (aws:ResourceAccount conditions) as the account, and the account and
// the region where a name is made of them — SageMaker's default bucket
// sagemaker-REGION-ACCOUNT in an S3 ARN, the service endpoint
// s3.REGION.amazonaws.com of a kms:ViaService condition.
func (g subst) str(s string) value {
	if g.account != "" && s == g.account {
		return value{kind: vSub, parts: []part{{ref: refAccount}}}
	}
	var parts []part
	lit := func(t string) {
		if n := len(parts); n > 0 && parts[n-1].ref == "" {
			parts[n-1].lit += t
			return
		}
		parts = append(parts, part{lit: t})
	}
	f := strings.SplitN(s, ":", 6)
	if len(f) != 6 || f[0] != "arn" {
		if !strings.HasSuffix(s, ".amazonaws.com") {
			return str(s)
		}
		g.tokens(s, lit, &parts)
		if len(parts) <= 1 && (len(parts) == 0 || parts[0].ref == "") {
			return str(s)
		}
		return value{kind: vSub, parts: parts}
	}
	field := func(v, want string, r ref) {
		if want != "" && v == want {
			parts = append(parts, part{ref: r})
		} else {
			lit(v)
		}
	}
	lit("arn:")
	field(f[1], g.partition, refPartition)
	lit(":" + f[2] + ":")
	field(f[3], g.region, refRegion)
	lit(":")
	field(f[4], g.account, refAccount)
	lit(":")
	if g.roleARN != "" && s == g.roleARN {
		lit("role" + g.rolePath)
		parts = append(parts, part{ref: refRoleName})
	} else {
		g.tokens(f[5], lit, &parts)
	}
	if len(parts) == 1 {
		return str(s)
	}
	return value{kind: vSub, parts: parts}
}

// tokens writes t with the account and the region, where they stand as a
// whole word of it (between characters that are not letters or digits),
// as references; everything else as literal text.
func (g subst) tokens(t string, lit func(string), parts *[]part) {
	for t != "" {
		at, n, r := -1, 0, ref("")
		for _, c := range []struct {
			v string
			r ref
		}{{g.account, refAccount}, {g.region, refRegion}} {
			if c.v == "" {
				continue
			}
			for from := 0; ; {
				i := strings.Index(t[from:], c.v)
				if i < 0 {
					break
				}
				i += from
				if wordAt(t, i, len(c.v)) && (at < 0 || i < at) {
					at, n, r = i, len(c.v), c.r
					break
				}
				from = i + 1
			}
		}
		if at < 0 {
			lit(t)
			return
		}
		if at > 0 {
			lit(t[:at])
		}
		*parts = append(*parts, part{ref: r})
		t = t[at+n:]
	}
}

// wordAt reports whether t[i:i+n] is bounded by the string's ends or by
// characters that are neither letters nor digits.
func wordAt(t string, i, n int) bool {
	alnum := func(b byte) bool { return b >= '0' && b <= '9' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' }
	return (i == 0 || !alnum(t[i-1])) && (i+n == len(t) || !alnum(t[i+n]))
}

// refs lists the references v uses.
func (v value) refs(into map[ref]bool) {
	switch v.kind {
	case vSub:
		for _, p := range v.parts {
			if p.ref != "" {
				into[p.ref] = true
			}
		}
	case vList:
		for _, it := range v.items {
			it.refs(into)
		}
	case vObject:
		for _, it := range v.vals {
			it.refs(into)
		}
	}
}

// resolve replaces the references of v with values, giving plain strings:
// what the deploying account sees. Tests use it to compare documents.
func (v value) resolve(values map[ref]string) value {
	switch v.kind {
	case vSub:
		var b strings.Builder
		for _, p := range v.parts {
			if p.ref != "" {
				b.WriteString(values[p.ref])
			} else {
				b.WriteString(p.lit)
			}
		}
		return str(b.String())
	case vList:
		out := list()
		for _, it := range v.items {
			out.items = append(out.items, it.resolve(values))
		}
		return out
	case vObject:
		out := object()
		for i, k := range v.keys {
			out.keys, out.vals = append(out.keys, k), append(out.vals, v.vals[i].resolve(values))
		}
		return out
	}
	return v
}
