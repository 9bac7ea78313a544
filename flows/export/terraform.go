package export

import (
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/zclconf/go-cty/cty"

	"github.com/sagerole/sagerole/awsops/rules"
)

// Terraform data sources the references read.
var tfRefs = map[ref]hcl.Traversal{
	refPartition: traversal("data", "aws_partition", "current", "partition"),
	refAccount:   traversal("data", "aws_caller_identity", "current", "account_id"),
	refRegion:    traversal("data", "aws_region", "current", "region"),
}

var tfDataSources = []struct {
	ref        ref
	typ, label string
}{
	{refPartition, "aws_partition", "current"},
	{refAccount, "aws_caller_identity", "current"},
	{refRegion, "aws_region", "current"},
}

func traversal(root string, attrs ...string) hcl.Traversal {
	t := hcl.Traversal{hcl.TraverseRoot{Name: root}}
	for _, a := range attrs {
		t = append(t, hcl.TraverseAttr{Name: a})
	}
	return t
}

// tfTokens writes v as an HCL expression: strings quoted (a literal "${"
// doubled to "$${" so Terraform leaves policy variables to IAM), references
// as interpolations, lists one item a line, objects with their keys in
// order.
func tfTokens(v value) hclwrite.Tokens {
	switch v.kind {
	case vSub:
		toks := hclwrite.Tokens{{Type: hclsyntax.TokenOQuote, Bytes: []byte(`"`)}}
		for _, p := range v.parts {
			if p.ref == "" {
				lit := hclwrite.TokensForValue(cty.StringVal(p.lit))
				toks = append(toks, lit[1:len(lit)-1]...) // between the quotes
				continue
			}
			toks = append(toks, &hclwrite.Token{Type: hclsyntax.TokenTemplateInterp, Bytes: []byte("${")})
			toks = append(toks, hclwrite.TokensForTraversal(tfRefs[p.ref])...)
			toks = append(toks, &hclwrite.Token{Type: hclsyntax.TokenTemplateSeqEnd, Bytes: []byte("}")})
		}
		return append(toks, &hclwrite.Token{Type: hclsyntax.TokenCQuote, Bytes: []byte(`"`)})
	case vList:
		toks := hclwrite.Tokens{{Type: hclsyntax.TokenOBrack, Bytes: []byte("[")}, newline()}
		for _, it := range v.items {
			toks = append(toks, tfTokens(it)...)
			toks = append(toks, &hclwrite.Token{Type: hclsyntax.TokenComma, Bytes: []byte(",")}, newline())
		}
		return append(toks, &hclwrite.Token{Type: hclsyntax.TokenCBrack, Bytes: []byte("]")})
	case vObject:
		var attrs []hclwrite.ObjectAttrTokens
		for i, k := range v.keys {
			attrs = append(attrs, hclwrite.ObjectAttrTokens{Name: tfKey(k), Value: tfTokens(v.vals[i])})
		}
		return hclwrite.TokensForObject(attrs)
	}
	return hclwrite.TokensForValue(cty.StringVal(v.s))
}

func newline() *hclwrite.Token {
	return &hclwrite.Token{Type: hclsyntax.TokenNewline, Bytes: []byte("\n")}
}

// tfKey is an object key: bare when it is an identifier HCL reads as a
// name, quoted otherwise ("aws:SourceIp", and the keywords).
func tfKey(k string) hclwrite.Tokens {
	switch k {
	case "true", "false", "null", "for", "in", "if", "endfor", "endif":
	default:
		if hclsyntax.ValidIdentifier(k) {
			return hclwrite.TokensForIdentifier(k)
		}
	}
	return hclwrite.TokensForValue(cty.StringVal(k))
}

// tfName is a Terraform resource name for s: lower-case letters, digits
// and _, starting with a letter or _.
func tfName(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_' {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	n := b.String()
	if n == "" || !(n[0] >= 'a' && n[0] <= 'z' || n[0] == '_') {
		n = "r_" + n
	}
	return n
}

// names hands out unique resource names.
type names map[string]bool

func (ns names) unique(s string) string {
	n := tfName(s)
	for i := 2; ns[n]; i++ {
		n = fmt.Sprintf("%s_%d", tfName(s), i)
	}
	ns[n] = true
	return n
}

func comment(lines ...string) hclwrite.Tokens {
	var toks hclwrite.Tokens
	for _, l := range lines {
		toks = append(toks, &hclwrite.Token{Type: hclsyntax.TokenComment, Bytes: []byte("# " + l + "\n")})
	}
	return toks
}

func jsonencode(v value) hclwrite.Tokens {
	return hclwrite.TokensForFunctionCall("jsonencode", tfTokens(v))
}

// tfRole writes a role as Terraform: aws_iam_role with its documents as
// jsonencode() objects, an aws_iam_role_policy per inline policy, an
// aws_iam_role_policy_attachment per managed policy, and, for a role that
// exists, the import blocks (Terraform ≥ 1.5) that adopt it and them
// instead of creating new ones.
func tfRole(r Role, o Options) (Code, error) {
	arns, docs := substFor(r, o)
	c := Code{Format: Terraform, Syntax: "hcl", Kind: KindRole, Role: r.ARN, File: fileName(r.Name, o)}
	if !r.Exists {
		c.Kind, c.Role = KindPlan, ""
	}
	f := hclwrite.NewEmptyFile()
	body := f.Body()
	if r.Exists {
		body.AppendUnstructuredTokens(comment("Written by sagerole (sagerole export) from role "+r.ARN+".",
			"Documents are in the canonical form sagerole sends to IAM. The import blocks (Terraform >= 1.5)",
			"adopt the role, its inline policies and attachments at the next apply instead of recreating them."))
	} else {
		body.AppendUnstructuredTokens(comment("Written by sagerole from a create-role plan; nothing was sent to AWS.",
			"Documents are in the canonical form sagerole sends to IAM."))
	}
	body.AppendNewline()

	used := map[ref]bool{}
	ns := names{}
	role := ns.unique(r.Name)
	roleRef := traversal("aws_iam_role", role, "name")
	type imported struct {
		to hcl.Traversal
		id string
	}
	var imports []imported

	rb := body.AppendNewBlock("resource", []string{"aws_iam_role", role}).Body()
	rb.SetAttributeValue("name", cty.StringVal(r.Name))
	rb.SetAttributeValue("path", cty.StringVal(r.Path))
	if r.Description != "" {
		rb.SetAttributeValue("description", cty.StringVal(r.Description))
	}
	trust := docs.apply(documentValue(r.Trust))
	trust.refs(used)
	rb.SetAttributeRaw("assume_role_policy", jsonencode(trust))
	if r.Boundary != "" {
		b := arns.str(r.Boundary)
		b.refs(used)
		rb.SetAttributeRaw("permissions_boundary", tfTokens(b))
	}
	tags, dropped := settableTags(r.Tags)
	if len(tags) > 0 {
		t := object()
		for _, tag := range tags {
			t = t.with(tag.Key, str(tag.Value))
		}
		rb.SetAttributeRaw("tags", tfTokens(t))
	}
	if len(dropped) > 0 {
		c.Notes = append(c.Notes, fmt.Sprintf("tags %s are AWS's own (aws: prefix) and are left out: no configuration can set them", strings.Join(dropped, ", ")))
	}
	imports = append(imports, imported{traversal("aws_iam_role", role), r.Name})

	for _, p := range r.Inline {
		body.AppendNewline()
		name := ns.unique(r.Name + "_" + p.Name)
		pb := body.AppendNewBlock("resource", []string{"aws_iam_role_policy", name}).Body()
		pb.SetAttributeValue("name", cty.StringVal(p.Name))
		pb.SetAttributeTraversal("role", roleRef)
		doc := docs.apply(documentValue(p.Document))
		doc.refs(used)
		pb.SetAttributeRaw("policy", jsonencode(doc))
		imports = append(imports, imported{traversal("aws_iam_role_policy", name), r.Name + ":" + p.Name})
	}
	for _, arn := range r.Managed {
		body.AppendNewline()
		name := ns.unique(r.Name + "_" + policyName(arn))
		ab := body.AppendNewBlock("resource", []string{"aws_iam_role_policy_attachment", name}).Body()
		ab.SetAttributeTraversal("role", roleRef)
		a := arns.str(arn)
		a.refs(used)
		ab.SetAttributeRaw("policy_arn", tfTokens(a))
		imports = append(imports, imported{traversal("aws_iam_role_policy_attachment", name), r.Name + "/" + arn})
	}
	for _, d := range tfDataSources {
		if used[d.ref] {
			body.AppendNewline()
			body.AppendNewBlock("data", []string{d.typ, d.label})
		}
	}
	if used[refRegion] {
		c.Notes = append(c.Notes, "data.aws_region.current.region needs the hashicorp/aws provider 6.0 or later (before it, the attribute is name)")
	}
	if r.Exists {
		body.AppendNewline()
		body.AppendUnstructuredTokens(comment("Adopt what exists (remove these blocks once applied)."))
		for _, im := range imports {
			if im.to[1].(hcl.TraverseAttr).Name != role {
				body.AppendNewline()
			}
			ib := body.AppendNewBlock("import", nil).Body()
			ib.SetAttributeTraversal("to", im.to)
			ib.SetAttributeValue("id", cty.StringVal(im.id))
		}
		c.Notes = append(c.Notes, fmt.Sprintf("terraform plan shows %d resources to import and none to create; apply adopts them", len(imports)))
		if s := stackOf(r.Tags); s != "" {
			c.Warnings = append(c.Warnings, fmt.Sprintf("role %s belongs to CloudFormation stack %s: managing it from Terraform too makes the two fight; change it in the stack, or remove it from the stack (DeletionPolicy Retain) first", r.Name, s))
		}
	}
	if r.Placeholders {
		c.Notes = append(c.Notes, "written from the plan without any AWS call: the account (and the region, unless --region was given) are the provider's (data sources); whether the role name is free and the buckets exist was not checked")
	}
	c.Commands = []string{"terraform init", "terraform plan"}
	c.Code = string(hclwrite.Format(f.Bytes()))
	return c, nil
}

// policyName is the last segment of a managed policy ARN.
func policyName(arn string) string {
	if i := strings.LastIndex(arn, "/"); i >= 0 {
		return arn[i+1:]
	}
	if rules.IsARN(arn) {
		return "policy"
	}
	return arn
}
