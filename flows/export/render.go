package export

import (
	"bytes"
	"encoding/json"
	"strings"

	"go.yaml.in/yaml/v3"
)

// CloudFormation names of the references.
var cfnRefs = map[ref]string{
	refPartition: "AWS::Partition",
	refAccount:   "AWS::AccountId",
	refRegion:    "AWS::Region",
	refRoleName:  stackSetRoleParam,
}

// cfnSub is the Fn::Sub string of parts: references as ${Name}, and a
// literal "${" (an IAM policy variable such as ${aws:username}) escaped as
// "${!" so that Fn::Sub leaves it to IAM.
func cfnSub(parts []part) string {
	var b strings.Builder
	for _, p := range parts {
		if p.ref != "" {
			b.WriteString("${" + cfnRefs[p.ref] + "}")
			continue
		}
		b.WriteString(strings.ReplaceAll(p.lit, "${", "${!"))
	}
	return b.String()
}

// yamlDocument writes v as a YAML document, with the short forms of the
// intrinsic functions (!Sub, !Ref, !GetAtt) and header as its leading
// comment.
func yamlDocument(v value, header []string) ([]byte, error) {
	n := yamlNode(v)
	if len(header) > 0 {
		n.HeadComment = strings.Join(header, "\n")
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(&yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{n}}); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func yamlNode(v value) *yaml.Node {
	switch v.kind {
	case vSub:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!Sub", Value: cfnSub(v.parts), Style: yaml.DoubleQuotedStyle}
	case vCFNRef:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!Ref", Value: v.s}
	case vCFNGetAtt:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!GetAtt", Value: v.s}
	case vList:
		n := &yaml.Node{Kind: yaml.SequenceNode}
		for _, it := range v.items {
			n.Content = append(n.Content, yamlNode(it))
		}
		return n
	case vObject:
		n := &yaml.Node{Kind: yaml.MappingNode}
		for i, k := range v.keys {
			n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: k}, yamlNode(v.vals[i]))
		}
		return n
	}
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: v.s}
}

// jsonDocument writes v as indented JSON with its keys in order and the
// intrinsic functions in their long forms (Fn::Sub, Ref, Fn::GetAtt).
func jsonDocument(v value) []byte {
	var w jsonOut
	w.value(v, 0)
	w.WriteByte('\n')
	return w.Bytes()
}

type jsonOut struct{ bytes.Buffer }

func (w *jsonOut) str(s string) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // encoding a string cannot fail
	w.Write(bytes.TrimRight(b.Bytes(), "\n"))
}

func (w *jsonOut) nl(depth int) {
	w.WriteByte('\n')
	w.WriteString(strings.Repeat("  ", depth))
}

func (w *jsonOut) value(v value, depth int) {
	switch v.kind {
	case vSub:
		w.value(object().with("Fn::Sub", str(cfnSub(v.parts))), depth)
	case vCFNRef:
		w.value(object().with("Ref", str(v.s)), depth)
	case vCFNGetAtt:
		logical, attr, _ := strings.Cut(v.s, ".")
		w.value(object().with("Fn::GetAtt", list(str(logical), str(attr))), depth)
	case vList:
		if len(v.items) == 0 {
			w.WriteString("[]")
			return
		}
		w.WriteByte('[')
		for i, it := range v.items {
			if i > 0 {
				w.WriteByte(',')
			}
			w.nl(depth + 1)
			w.value(it, depth+1)
		}
		w.nl(depth)
		w.WriteByte(']')
	case vObject:
		if len(v.keys) == 0 {
			w.WriteString("{}")
			return
		}
		w.WriteByte('{')
		for i, k := range v.keys {
			if i > 0 {
				w.WriteByte(',')
			}
			w.nl(depth + 1)
			w.str(k)
			w.WriteString(": ")
			w.value(v.vals[i], depth+1)
		}
		w.nl(depth)
		w.WriteByte('}')
	default:
		w.str(v.s)
	}
}
