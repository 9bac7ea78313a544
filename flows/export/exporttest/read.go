// Package exporttest reads exported code back, the way its own tools would,
// for tests: a CloudFormation template (YAML or JSON) with its intrinsic
// functions resolved for one account, and a Terraform configuration parsed
// by HCL's own parser with jsonencode() evaluated. What comes back is the
// role's documents, canonicalised as sagerole writes them.
package exporttest

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"
	ctyjson "github.com/zclconf/go-cty/cty/json"
	"go.yaml.in/yaml/v3"

	"github.com/sagerole/sagerole/flows/export"
	"github.com/sagerole/sagerole/flows/policy"
)

// Role is what a role's code declares, documents canonicalised.
type Role struct {
	Name, Path, Description string
	Trust                   string            // canonical JSON
	Inline                  map[string]string // name → canonical JSON
	Managed                 []string          // sorted
	Boundary                string
	Tags                    map[string]string
	// Imports are Terraform's import blocks: resource address → id.
	Imports map[string]string
	// Outputs are the template's output names.
	Outputs []string
}

// Env is the deploying account: what references resolve to.
type Env struct {
	Partition, Account, Region string
	// Params are CloudFormation parameter values; a parameter not given
	// takes its Default.
	Params map[string]string
}

// Canonical is doc in the form sagerole writes it.
func Canonical(doc string) (string, error) {
	d, err := policy.Parse(doc)
	if err != nil {
		return "", err
	}
	return d.String(), nil
}

// ReadCloudFormation reads a template (YAML, or JSON, which YAML reads
// too) with its AWS::IAM::Role resolved for env.
func ReadCloudFormation(code string, env Env) (Role, error) {
	var root yaml.Node
	if err := yaml.Unmarshal([]byte(code), &root); err != nil {
		return Role{}, fmt.Errorf("template does not parse: %w", err)
	}
	if len(root.Content) != 1 {
		return Role{}, fmt.Errorf("template is not one document")
	}
	params := map[string]string{"AWS::Partition": env.Partition, "AWS::AccountId": env.Account, "AWS::Region": env.Region}
	top := root.Content[0]
	if p := mapGet(top, "Parameters"); p != nil {
		for i := 0; i+1 < len(p.Content); i += 2 {
			name := p.Content[i].Value
			if v, ok := env.Params[name]; ok {
				params[name] = v
			} else if d := mapGet(p.Content[i+1], "Default"); d != nil {
				params[name] = d.Value
			}
		}
	}
	var role *yaml.Node
	res := mapGet(top, "Resources")
	if res == nil {
		return Role{}, fmt.Errorf("template has no Resources")
	}
	for i := 0; i+1 < len(res.Content); i += 2 {
		if t := mapGet(res.Content[i+1], "Type"); t != nil && t.Value == "AWS::IAM::Role" {
			if role != nil {
				return Role{}, fmt.Errorf("template has more than one AWS::IAM::Role")
			}
			role = res.Content[i+1]
		}
	}
	if role == nil {
		return Role{}, fmt.Errorf("template has no AWS::IAM::Role")
	}
	v, err := resolve(mapGet(role, "Properties"), params)
	if err != nil {
		return Role{}, err
	}
	props, _ := v.(map[string]any)
	out := Role{Inline: map[string]string{}, Tags: map[string]string{}, Imports: map[string]string{}}
	out.Name, _ = props["RoleName"].(string)
	out.Path, _ = props["Path"].(string)
	out.Description, _ = props["Description"].(string)
	out.Boundary, _ = props["PermissionsBoundary"].(string)
	if out.Trust, err = canonicalOf(props["AssumeRolePolicyDocument"]); err != nil {
		return Role{}, fmt.Errorf("AssumeRolePolicyDocument: %w", err)
	}
	for _, m := range list(props["ManagedPolicyArns"]) {
		s, _ := m.(string)
		out.Managed = append(out.Managed, s)
	}
	sort.Strings(out.Managed)
	for _, p := range list(props["Policies"]) {
		pm, _ := p.(map[string]any)
		name, _ := pm["PolicyName"].(string)
		if out.Inline[name], err = canonicalOf(pm["PolicyDocument"]); err != nil {
			return Role{}, fmt.Errorf("policy %s: %w", name, err)
		}
	}
	for _, t := range list(props["Tags"]) {
		tm, _ := t.(map[string]any)
		k, _ := tm["Key"].(string)
		out.Tags[k], _ = tm["Value"].(string)
	}
	if o := mapGet(top, "Outputs"); o != nil {
		for i := 0; i < len(o.Content); i += 2 {
			out.Outputs = append(out.Outputs, o.Content[i].Value)
		}
	}
	return out, nil
}

func list(v any) []any { l, _ := v.([]any); return l }

func mapGet(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

// resolve turns a node into plain values with Fn::Sub and Ref (short and
// long forms) replaced by their values, as CloudFormation would.
func resolve(n *yaml.Node, params map[string]string) (any, error) {
	if n == nil {
		return nil, nil
	}
	switch n.Tag {
	case "!Sub":
		return sub(n.Value, params)
	case "!Ref":
		return ref(n.Value, params)
	}
	switch n.Kind {
	case yaml.ScalarNode:
		if n.Tag != "!!str" {
			return nil, fmt.Errorf("line %d: %q is a %s, not a string", n.Line, n.Value, n.Tag)
		}
		return n.Value, nil
	case yaml.SequenceNode:
		out := []any{}
		for _, c := range n.Content {
			v, err := resolve(c, params)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	case yaml.MappingNode:
		if len(n.Content) == 2 {
			switch n.Content[0].Value {
			case "Fn::Sub":
				return sub(n.Content[1].Value, params)
			case "Ref":
				return ref(n.Content[1].Value, params)
			}
		}
		out := map[string]any{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			v, err := resolve(n.Content[i+1], params)
			if err != nil {
				return nil, err
			}
			out[n.Content[i].Value] = v
		}
		return out, nil
	}
	return nil, fmt.Errorf("line %d: unexpected node", n.Line)
}

func ref(name string, params map[string]string) (string, error) {
	v, ok := params[name]
	if !ok {
		return "", fmt.Errorf("Ref to unknown parameter %s", name)
	}
	return v, nil
}

// sub is Fn::Sub: ${Name} is replaced, ${!Literal} is written ${Literal}.
func sub(s string, params map[string]string) (string, error) {
	var b strings.Builder
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			b.WriteString(s)
			return b.String(), nil
		}
		b.WriteString(s[:i])
		j := strings.Index(s[i:], "}")
		if j < 0 {
			return "", fmt.Errorf("Fn::Sub %q: unclosed ${", s)
		}
		name := s[i+2 : i+j]
		if strings.HasPrefix(name, "!") {
			b.WriteString("${" + name[1:] + "}")
		} else {
			v, ok := params[name]
			if !ok {
				return "", fmt.Errorf("Fn::Sub names unknown %s", name)
			}
			b.WriteString(v)
		}
		s = s[i+j+1:]
	}
}

func canonicalOf(v any) (string, error) {
	if v == nil {
		return "", fmt.Errorf("missing")
	}
	b, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	return Canonical(string(b))
}

// ReadTerraform parses a configuration with HCL's parser and evaluates its
// aws_iam_role, aws_iam_role_policy and aws_iam_role_policy_attachment
// resources (jsonencode() included) with the data sources set to env.
func ReadTerraform(code string, env Env) (Role, error) {
	f, diags := hclparse.NewParser().ParseHCL([]byte(code), "main.tf")
	if diags.HasErrors() {
		return Role{}, fmt.Errorf("configuration does not parse: %s", diags.Error())
	}
	body := f.Body.(*hclsyntax.Body)
	data := cty.ObjectVal(map[string]cty.Value{
		"aws_partition":       cty.ObjectVal(map[string]cty.Value{"current": cty.ObjectVal(map[string]cty.Value{"partition": cty.StringVal(env.Partition)})}),
		"aws_caller_identity": cty.ObjectVal(map[string]cty.Value{"current": cty.ObjectVal(map[string]cty.Value{"account_id": cty.StringVal(env.Account)})}),
		"aws_region":          cty.ObjectVal(map[string]cty.Value{"current": cty.ObjectVal(map[string]cty.Value{"region": cty.StringVal(env.Region)})}),
	})
	ctx := &hcl.EvalContext{
		Variables: map[string]cty.Value{"data": data},
		Functions: map[string]function.Function{"jsonencode": stdlib.JSONEncodeFunc},
	}
	str := func(b *hclsyntax.Body, name string) (string, error) {
		a, ok := b.Attributes[name]
		if !ok {
			return "", nil
		}
		v, d := a.Expr.Value(ctx)
		if d.HasErrors() {
			return "", fmt.Errorf("%s: %s", name, d.Error())
		}
		if v.Type() != cty.String {
			return "", fmt.Errorf("%s is %s, not a string", name, v.Type().FriendlyName())
		}
		return v.AsString(), nil
	}
	out := Role{Inline: map[string]string{}, Tags: map[string]string{}, Imports: map[string]string{}}
	roles := map[string]cty.Value{}
	for _, b := range body.Blocks {
		if b.Type != "resource" || len(b.Labels) != 2 || b.Labels[0] != "aws_iam_role" {
			continue
		}
		if out.Name != "" {
			return Role{}, fmt.Errorf("more than one aws_iam_role")
		}
		var err error
		if out.Name, err = str(b.Body, "name"); err != nil {
			return Role{}, err
		}
		out.Path, _ = str(b.Body, "path")
		out.Description, _ = str(b.Body, "description")
		if out.Boundary, err = str(b.Body, "permissions_boundary"); err != nil {
			return Role{}, err
		}
		trust, err := str(b.Body, "assume_role_policy")
		if err != nil {
			return Role{}, err
		}
		if out.Trust, err = Canonical(trust); err != nil {
			return Role{}, fmt.Errorf("assume_role_policy: %w", err)
		}
		if a, ok := b.Body.Attributes["tags"]; ok {
			v, d := a.Expr.Value(ctx)
			if d.HasErrors() {
				return Role{}, fmt.Errorf("tags: %s", d.Error())
			}
			var tags map[string]string
			j, _ := ctyjson.Marshal(v, v.Type())
			if err := json.Unmarshal(j, &tags); err != nil {
				return Role{}, fmt.Errorf("tags: %w", err)
			}
			out.Tags = tags
		}
		roles[b.Labels[1]] = cty.ObjectVal(map[string]cty.Value{"name": cty.StringVal(out.Name), "id": cty.StringVal(out.Name)})
	}
	if out.Name == "" {
		return Role{}, fmt.Errorf("no aws_iam_role")
	}
	ctx.Variables["aws_iam_role"] = cty.ObjectVal(roles)
	for _, b := range body.Blocks {
		switch {
		case b.Type == "resource" && len(b.Labels) == 2 && b.Labels[0] == "aws_iam_role_policy":
			role, err := str(b.Body, "role")
			if err != nil || role != out.Name {
				return Role{}, fmt.Errorf("aws_iam_role_policy %s is not on the role (%q, %v)", b.Labels[1], role, err)
			}
			name, _ := str(b.Body, "name")
			doc, err := str(b.Body, "policy")
			if err != nil {
				return Role{}, err
			}
			if out.Inline[name], err = Canonical(doc); err != nil {
				return Role{}, fmt.Errorf("policy %s: %w", name, err)
			}
		case b.Type == "resource" && len(b.Labels) == 2 && b.Labels[0] == "aws_iam_role_policy_attachment":
			role, err := str(b.Body, "role")
			if err != nil || role != out.Name {
				return Role{}, fmt.Errorf("attachment %s is not on the role (%q, %v)", b.Labels[1], role, err)
			}
			arn, err := str(b.Body, "policy_arn")
			if err != nil {
				return Role{}, err
			}
			out.Managed = append(out.Managed, arn)
		case b.Type == "import":
			to, ok := b.Body.Attributes["to"]
			if !ok {
				return Role{}, fmt.Errorf("import block without to")
			}
			tr, d := hcl.AbsTraversalForExpr(to.Expr)
			if d.HasErrors() {
				return Role{}, fmt.Errorf("import to: %s", d.Error())
			}
			id, err := str(b.Body, "id")
			if err != nil {
				return Role{}, err
			}
			out.Imports[traversalString(tr)] = id
		}
	}
	sort.Strings(out.Managed)
	return out, nil
}

func traversalString(t hcl.Traversal) string {
	var parts []string
	for _, s := range t {
		switch s := s.(type) {
		case hcl.TraverseRoot:
			parts = append(parts, s.Name)
		case hcl.TraverseAttr:
			parts = append(parts, s.Name)
		}
	}
	return strings.Join(parts, ".")
}

// Addresses are the Terraform addresses of the resources declared, by
// type: for checking that each import block names one.
func Addresses(code string) (map[string]bool, error) {
	f, diags := hclparse.NewParser().ParseHCL([]byte(code), "main.tf")
	if diags.HasErrors() {
		return nil, fmt.Errorf("configuration does not parse: %s", diags.Error())
	}
	out := map[string]bool{}
	for _, b := range f.Body.(*hclsyntax.Body).Blocks {
		if b.Type == "resource" && len(b.Labels) == 2 {
			out[b.Labels[0]+"."+b.Labels[1]] = true
		}
	}
	return out, nil
}

// Want is what code for r should read back as: its documents
// canonicalised, managed policies sorted, and the tags code can set.
func Want(r export.Role) Role {
	w := Role{Name: r.Name, Path: r.Path, Description: r.Description, Trust: r.Trust.String(), Boundary: r.Boundary,
		Inline: map[string]string{}, Tags: map[string]string{}, Managed: append([]string(nil), r.Managed...)}
	for _, p := range r.Inline {
		w.Inline[p.Name] = p.Document.String()
	}
	for _, t := range r.Tags {
		if !strings.HasPrefix(strings.ToLower(t.Key), "aws:") {
			w.Tags[t.Key] = t.Value
		}
	}
	sort.Strings(w.Managed)
	return w
}

// Diff says how got differs from want in what the role declares (not
// imports or outputs); "" when they agree.
func Diff(got, want Role) string {
	var d []string
	cmp := func(what, g, w string) {
		if g != w {
			d = append(d, fmt.Sprintf("%s:\n got  %s\n want %s", what, g, w))
		}
	}
	cmp("name", got.Name, want.Name)
	cmp("path", got.Path, want.Path)
	cmp("description", got.Description, want.Description)
	cmp("trust policy", got.Trust, want.Trust)
	cmp("boundary", got.Boundary, want.Boundary)
	cmp("managed policies", strings.Join(got.Managed, " "), strings.Join(want.Managed, " "))
	cmp("tags", fmt.Sprint(got.Tags), fmt.Sprint(want.Tags))
	for name, doc := range want.Inline {
		cmp("inline policy "+name, got.Inline[name], doc)
	}
	for name := range got.Inline {
		if _, ok := want.Inline[name]; !ok {
			d = append(d, "inline policy "+name+" is not the role's")
		}
	}
	return strings.Join(d, "\n")
}
