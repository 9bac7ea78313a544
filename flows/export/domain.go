package export

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/zclconf/go-cty/cty"

	"github.com/sagerole/sagerole/flows/find"
)

// Assignments are a domain's execution roles: its defaults and each user
// profile's own.
type Assignments struct {
	DomainID, DomainName string
	DefaultUserRole      string
	DefaultSpaceRole     string // "" when the domain has none
	Users                []UserRole
	// Warnings say what could not be read: the fragment may lack users.
	Warnings []string
}

// UserRole is a user profile's role: its own, or none (it inherits the
// domain's default user role).
type UserRole struct {
	Name string
	Role string // UserSettings.ExecutionRole; "" when it inherits
}

// ReadDomain reads a domain's role assignments through session s (find's
// inventory of the domain, without notebook instances or role checks).
func ReadDomain(ctx context.Context, s *find.Session, domainID string) (Assignments, error) {
	d, err := s.DescribeDomain(ctx, domainID)
	if err != nil {
		return Assignments{}, err
	}
	tree, err := s.Inventory(ctx, find.Options{DomainID: d.ID, SkipNotebooks: true, SkipRoleChecks: true})
	if err != nil {
		return Assignments{}, err
	}
	a := Assignments{DomainID: d.ID, DomainName: d.Name, DefaultUserRole: d.DefaultUserRole, DefaultSpaceRole: d.DefaultSpaceRole}
	a.Warnings = append(a.Warnings, tree.Incomplete()...)
	for _, dn := range tree.Domains {
		if dn.ID != d.ID {
			continue
		}
		for _, u := range dn.Users {
			switch {
			case u.Error != "" || u.Source == find.SourceUnresolved:
				a.Warnings = append(a.Warnings, fmt.Sprintf("user profile %s could not be read, so the fragment leaves it out: %s", u.Name, u.Error))
			case u.Source == find.SourceOwn:
				a.Users = append(a.Users, UserRole{Name: u.Name, Role: u.Role})
			default:
				a.Users = append(a.Users, UserRole{Name: u.Name})
			}
		}
	}
	return a, nil
}

func (a Assignments) words() string {
	if a.DomainName == "" {
		return "domain " + a.DomainID
	}
	return fmt.Sprintf("domain %s (%s)", a.DomainName, a.DomainID)
}

func (a Assignments) inheriting() []string {
	var out []string
	for _, u := range a.Users {
		if u.Role == "" {
			out = append(out, u.Name)
		}
	}
	return out
}

// DomainCode writes a domain's role assignments as a fragment: the
// properties of the provider's resources that hold them
// (AWS::SageMaker::Domain DefaultUserSettings/DefaultSpaceSettings
// .ExecutionRole, AWS::SageMaker::UserProfile UserSettings.ExecutionRole;
// aws_sagemaker_domain default_user_settings/default_space_settings,
// aws_sagemaker_user_profile user_settings), to merge into the code that
// owns the domain: sagerole does not own the rest of its settings.
func DomainCode(a Assignments, o Options) (Code, error) {
	if o.StackSet {
		return Code{}, fmt.Errorf("--stackset writes a role; a domain's assignments are a fragment of the domain's own code")
	}
	c := Code{Format: o.Format, Kind: KindDomain, Fragment: true, DomainID: a.DomainID, File: fileName(a.DomainID+"-roles", o),
		Commands: []string{}, Warnings: a.Warnings}
	merge := fmt.Sprintf("FRAGMENT, not a stack or module to deploy: the execution roles of %s and its user profiles; merge these properties into the code that owns the domain (sagerole does not own the rest of its settings)", a.words())
	c.Notes = append(c.Notes, merge)
	if in := a.inheriting(); len(in) > 0 {
		c.Notes = append(c.Notes, fmt.Sprintf("user profiles %s have no role of their own (they run as the domain's default user role): leave their ExecutionRole unset", strings.Join(in, ", ")))
	}
	if o.Format == Terraform {
		c.Syntax, c.Code = "hcl", tfDomain(a)
		return c, nil
	}
	t := cfnDomain(a, merge)
	if o.JSON {
		c.Syntax, c.Code = "json", string(jsonDocument(t))
		return c, nil
	}
	b, err := yamlDocument(t, []string{"FRAGMENT (sagerole export --domain " + a.DomainID + "): not a template to deploy.",
		"Merge these ExecutionRole properties into the template that owns " + a.words() + ";",
		"the rest of the domain's and the profiles' properties are that template's, not sagerole's."})
	if err != nil {
		return Code{}, fmt.Errorf("writing the fragment: %w", err)
	}
	c.Syntax, c.Code = "yaml", string(b)
	return c, nil
}

func cfnDomain(a Assignments, merge string) value {
	settings := func(role string) value { return object().with("ExecutionRole", str(role)) }
	props := object().with("DomainName", str(a.DomainName)).with("DefaultUserSettings", settings(a.DefaultUserRole))
	if a.DefaultSpaceRole != "" {
		props = props.with("DefaultSpaceSettings", settings(a.DefaultSpaceRole))
	}
	resources := object().with("Domain", object().
		with("Type", str("AWS::SageMaker::Domain")).
		// The domain's other required properties (AuthMode, its network)
		// are the owning template's: the fragment alone does not have them.
		with("Metadata", object().
			with("sagerole", object().with("fragment", str("merge")).with("domainId", str(a.DomainID))).
			with("cfn-lint", object().with("config", object().with("ignore_checks", strs([]string{"E3003"}))))).
		with("Properties", props))
	used := map[string]bool{"Domain": true}
	for _, u := range a.Users {
		if u.Role == "" {
			continue
		}
		id := logicalID("UserProfile", u.Name, used)
		resources = resources.with(id, object().
			with("Type", str("AWS::SageMaker::UserProfile")).
			with("Properties", object().
				with("DomainId", str(a.DomainID)).
				with("UserProfileName", str(u.Name)).
				with("UserSettings", settings(u.Role))))
	}
	meta := object().with("fragment", str("merge")).with("domainId", str(a.DomainID)).with("note", str(merge))
	if in := a.inheriting(); len(in) > 0 {
		meta = meta.with("inheritDefaultUserRole", strs(in))
	}
	return object().with("AWSTemplateFormatVersion", str(cfnVersion)).
		with("Description", str("FRAGMENT (sagerole export --domain "+a.DomainID+"): execution roles to merge into the template that owns "+a.words())).
		with("Metadata", object().with("sagerole", meta)).
		with("Resources", resources)
}

// logicalID is prefix + the alphanumerics of name, made unique.
func logicalID(prefix, name string, used map[string]bool) string {
	var b strings.Builder
	b.WriteString(prefix)
	up := true
	for _, r := range name {
		switch {
		case r >= 'a' && r <= 'z':
			if up {
				r -= 'a' - 'A'
			}
			b.WriteRune(r)
			up = false
		case r >= 'A' && r <= 'Z' || r >= '0' && r <= '9':
			b.WriteRune(r)
			up = false
		default:
			up = true
		}
	}
	id := b.String()
	for i := 2; used[id]; i++ {
		id = fmt.Sprintf("%s%d", b.String(), i)
	}
	used[id] = true
	return id
}

func tfDomain(a Assignments) string {
	f := hclwrite.NewEmptyFile()
	body := f.Body()
	body.AppendUnstructuredTokens(comment(
		"FRAGMENT (sagerole export --domain "+a.DomainID+"): not a module to apply.",
		"Merge these execution_role arguments into the configuration that owns "+a.words()+";",
		"the rest of the domain's and the profiles' arguments are that configuration's, not sagerole's."))
	body.AppendNewline()
	ns := names{}
	db := body.AppendNewBlock("resource", []string{"aws_sagemaker_domain", ns.unique(orDefault(a.DomainName, a.DomainID))}).Body()
	db.SetAttributeValue("domain_name", cty.StringVal(a.DomainName))
	db.AppendNewBlock("default_user_settings", nil).Body().SetAttributeValue("execution_role", cty.StringVal(a.DefaultUserRole))
	if a.DefaultSpaceRole != "" {
		db.AppendNewBlock("default_space_settings", nil).Body().SetAttributeValue("execution_role", cty.StringVal(a.DefaultSpaceRole))
	}
	for _, u := range a.Users {
		if u.Role == "" {
			continue
		}
		body.AppendNewline()
		ub := body.AppendNewBlock("resource", []string{"aws_sagemaker_user_profile", ns.unique(u.Name)}).Body()
		ub.SetAttributeValue("domain_id", cty.StringVal(a.DomainID))
		ub.SetAttributeValue("user_profile_name", cty.StringVal(u.Name))
		ub.AppendNewBlock("user_settings", nil).Body().SetAttributeValue("execution_role", cty.StringVal(u.Role))
	}
	if in := a.inheriting(); len(in) > 0 {
		body.AppendNewline()
		body.AppendUnstructuredTokens(comment("No role of their own (they run as the default user role; leave execution_role unset): " + strings.Join(in, ", ") + "."))
	}
	return string(hclwrite.Format(f.Bytes()))
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}
