package why

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/sagerole/sagerole/awsops"
	"github.com/sagerole/sagerole/flows"
	"github.com/sagerole/sagerole/flows/policy"
	"github.com/sagerole/sagerole/flows/policy/eval"
)

// RoleDocuments are a role's documents as read, as text, for the fix to be
// applied to and for the lines of a statement to be shown.
type RoleDocuments struct {
	Inline   map[string]string // by name
	Managed  map[string]string // by ARN, in the order attached (Attached)
	Attached []awsops.AttachedPolicy
	Boundary string // the boundary's document, "" for none
}

// readRole reads every document that decides a request made with the
// role's credentials: inline and managed policies, and the permissions
// boundary GetRole names.
func readRole(ctx context.Context, acct flows.Account, role awsops.Role) (RoleDocuments, error) {
	inline, err := flows.InlinePolicies(ctx, acct, role.Name)
	if err != nil {
		return RoleDocuments{}, err
	}
	attached, err := acct.ListAttachedRolePolicies(ctx, role.Name)
	if err != nil {
		return RoleDocuments{}, fmt.Errorf("listing managed policies of %s: %w", role.Name, err)
	}
	docs := RoleDocuments{Inline: inline, Managed: map[string]string{}, Attached: attached}
	for _, a := range attached {
		d, err := acct.GetPolicyDocument(ctx, a.ARN)
		if err != nil {
			return RoleDocuments{}, fmt.Errorf("reading managed policy %s of %s: %w", a.ARN, role.Name, err)
		}
		docs.Managed[a.ARN] = d
	}
	if b := role.PermissionsBoundary; b != "" {
		d, err := acct.GetPolicyDocument(ctx, b)
		if err != nil {
			return RoleDocuments{}, fmt.Errorf("reading the permissions boundary %s of %s: %w", b, role.Name, err)
		}
		docs.Boundary = d
	}
	return docs, nil
}

// evalRole is the role's documents as the evaluator takes them: managed
// policies by name (their ARNs' last part), in the order attached, then the
// inline policies by name; the boundary by its ARN's name.
func evalRole(role awsops.Role, docs RoleDocuments) (eval.Role, error) {
	var r eval.Role
	for _, a := range docs.Attached {
		d, err := policy.Parse(docs.Managed[a.ARN])
		if err != nil {
			return eval.Role{}, fmt.Errorf("managed policy %s of %s cannot be read: %w", a.ARN, role.Name, err)
		}
		r.Policies = append(r.Policies, eval.Policy{Name: a.Name, Kind: eval.Managed, Document: d})
	}
	for _, n := range slices.Sorted(maps.Keys(docs.Inline)) {
		d, err := policy.Parse(docs.Inline[n])
		if err != nil {
			return eval.Role{}, fmt.Errorf("inline policy %s of %s cannot be read: %w", n, role.Name, err)
		}
		r.Policies = append(r.Policies, eval.Policy{Name: n, Kind: eval.Inline, Document: d})
	}
	if docs.Boundary != "" {
		d, err := policy.Parse(docs.Boundary)
		if err != nil {
			return eval.Role{}, fmt.Errorf("the permissions boundary of %s cannot be read: %w", role.Name, err)
		}
		r.Boundary = &eval.Policy{Name: nameOfARN(role.PermissionsBoundary), Kind: eval.Boundary, Document: d}
	}
	return r, nil
}

func nameOfARN(arn string) string {
	for i := len(arn) - 1; i >= 0; i-- {
		if arn[i] == '/' {
			return arn[i+1:]
		}
	}
	return arn
}

// statementOf returns the statement a Ref names, from the role's
// documents.
func statementOf(r eval.Role, ref eval.Ref) (policy.Statement, bool) {
	if ref.Kind == eval.Boundary {
		if r.Boundary == nil || ref.Index >= len(r.Boundary.Document.Statement) {
			return policy.Statement{}, false
		}
		return r.Boundary.Document.Statement[ref.Index], true
	}
	for _, p := range r.Policies {
		if p.Name == ref.Policy && p.Kind == ref.Kind && ref.Index < len(p.Document.Statement) {
			return p.Document.Statement[ref.Index], true
		}
	}
	return policy.Statement{}, false
}

// statementText is a statement as indented JSON, the lines a person
// reads: the document of that one statement, cut down to it.
func statementText(s policy.Statement) string {
	full := policy.Document{Statement: []policy.Statement{s}}.String()
	start, end := strings.Index(full, "["), strings.LastIndex(full, "]")
	if start < 0 || end < start {
		return full
	}
	lines := strings.Split(strings.TrimRight(strings.TrimLeft(full[start+1:end], "\n"), " \n"), "\n")
	common := -1
	for _, l := range lines {
		if strings.TrimSpace(l) == "" {
			continue
		}
		if n := len(l) - len(strings.TrimLeft(l, " ")); common < 0 || n < common {
			common = n
		}
	}
	for i, l := range lines {
		if common > 0 && len(l) >= common {
			lines[i] = l[common:]
		}
	}
	return strings.Join(lines, "\n")
}
