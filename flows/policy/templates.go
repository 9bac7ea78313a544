package policy

import (
	"fmt"
	"regexp"
	"slices"
	"sort"

	"github.com/sagerole/sagerole/assets"
)

// template reads and parses assets/policies/NAME.json.
func template(name string) (Document, error) {
	b, err := assets.Policies.ReadFile("policies/" + name + ".json")
	if err != nil {
		return Document{}, fmt.Errorf("policy template %s: %w", name, err)
	}
	d, err := Parse(string(b))
	if err != nil {
		return Document{}, fmt.Errorf("policy template %s: %w", name, err)
	}
	return d, nil
}

// placeholderRE matches this package's placeholders. IAM's own policy
// variables always have a colon (${aws:username}) or are ${*} ${?} ${$},
// so they never match and pass through untouched.
var placeholderRE = regexp.MustCompile(`\$\{([A-Za-z][A-Za-z0-9]*)\}`)

// vars are the values placeholders take. A list placeholder stands alone as
// an element ("Resource": "${S3Objects}") and is replaced by its values; a
// scalar placeholder is replaced inside any string, condition keys included.
type vars struct {
	scalars map[string]string
	lists   map[string][]string
	used    map[string]bool // which placeholders a fill met, to notice unused options
	// buckets, when set, replace a statement whose Resource is
	// "${S3Buckets}" with the statements of bucketStatements; partition is
	// the partition of their ARNs.
	buckets   []BucketGrant
	partition string
}

func (v *vars) str(s string) (string, error) {
	var err error
	out := placeholderRE.ReplaceAllStringFunc(s, func(m string) string {
		name := m[2 : len(m)-1]
		val, ok := v.scalars[name]
		if !ok {
			if err == nil {
				err = fmt.Errorf("placeholder %s has no value", m)
			}
			return m
		}
		v.used[name] = true
		return val
	})
	return out, err
}

func (v *vars) list(l []string) ([]string, error) {
	if l == nil {
		return nil, nil
	}
	var out []string
	for _, e := range l {
		if m := placeholderRE.FindStringSubmatch(e); m != nil && m[0] == e {
			if vals, ok := v.lists[m[1]]; ok {
				if len(vals) == 0 {
					return nil, fmt.Errorf("placeholder %s has no values", e)
				}
				v.used[m[1]] = true
				out = append(out, vals...)
				continue
			}
		}
		s, err := v.str(e)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

// fill replaces the placeholders of a template.
func (v *vars) fill(d Document) (Document, error) {
	out := Document{Version: d.Version, ID: d.ID}
	for _, s := range d.Statement {
		if len(v.buckets) > 0 && len(s.Resource) == 1 && s.Resource[0] == "${S3Buckets}" {
			v.used["S3Buckets"] = true
			out.Statement = append(out.Statement, bucketStatements(s, v.partition, v.buckets)...)
			continue
		}
		var err error
		f := Statement{Sid: s.Sid, Effect: s.Effect, Principal: s.Principal, NotPrincipal: s.NotPrincipal}
		for _, p := range []struct {
			dst *[]string
			src []string
		}{{&f.Action, s.Action}, {&f.NotAction, s.NotAction}, {&f.Resource, s.Resource}, {&f.NotResource, s.NotResource}} {
			if *p.dst, err = v.list(p.src); err != nil {
				return Document{}, err
			}
		}
		if s.Condition != nil {
			f.Condition = Condition{}
			for _, op := range sortedKeys(s.Condition) {
				f.Condition[op] = map[string][]string{}
				for _, k := range sortedKeys(s.Condition[op]) {
					key, err := v.str(k)
					if err != nil {
						return Document{}, err
					}
					vals, err := v.list(s.Condition[op][k])
					if err != nil {
						return Document{}, err
					}
					f.Condition[op][key] = vals
				}
			}
		}
		out.Statement = append(out.Statement, f)
	}
	return out, nil
}

// templateNames lists every template, for tests.
func templateNames() ([]string, error) {
	var names []string
	for _, dir := range []string{"policies", "policies/activities", "policies/options", "policies/guardrails", "policies/pins", "policies/trust"} {
		entries, err := assets.Policies.ReadDir(dir)
		if err != nil {
			return nil, fmt.Errorf("policy templates: %w", err)
		}
		for _, e := range entries {
			if e.IsDir() {
				continue
			}
			n := dir[len("policies"):] + "/" + e.Name()
			names = append(names, n[1:len(n)-len(".json")])
		}
	}
	sort.Strings(names)
	return slices.Compact(names), nil
}
