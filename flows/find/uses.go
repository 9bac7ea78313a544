package find

import (
	"context"
	"fmt"
	"strings"

	"github.com/sagerole/sagerole/awsops"
	"github.com/sagerole/sagerole/awsops/rules"
)

// UseKind is what kind of identity runs as a role.
type UseKind string

const (
	UseDefaultUserRole  UseKind = "domain-default-user-role"
	UseDefaultSpaceRole UseKind = "domain-default-space-role"
	UseUser             UseKind = "user-profile"
	UseSpace            UseKind = "space"
	UseNotebook         UseKind = "notebook-instance"
)

// Use is one identity that runs as a role (or one domain default that
// names it). It is the one shape of "usedBy" in sagerole's JSON: find
// --role, modify's blast radius. Apps are those not deleted, each with its
// status ([] for a domain default or a notebook instance).
type Use struct {
	Kind       UseKind `json:"kind"`
	DomainID   string  `json:"domainId,omitempty"`
	DomainName string  `json:"domainName,omitempty"`
	Name       string  `json:"name,omitempty"`
	// Role is the ARN the identity names, in full.
	Role    string    `json:"role"`
	Source  Source    `json:"source,omitempty"`
	Sharing string    `json:"sharing,omitempty"`
	Owner   string    `json:"owner,omitempty"`
	Status  string    `json:"status,omitempty"`
	Apps    []AppNode `json:"apps"`
}

// RunningApps names the apps that hold the role until they restart, as
// TYPE/NAME.
func (u Use) RunningApps() []string {
	var out []string
	for _, a := range u.Apps {
		if a.Running() {
			out = append(out, a.Type+"/"+a.Name)
		}
	}
	return out
}

// RoleUses is `sagerole find --role`: a role, and everything that runs as it.
type RoleUses struct {
	Account  string    `json:"account"`
	Region   string    `json:"region"`
	Role     RoleCheck `json:"role"`
	UsedBy   []Use     `json:"usedBy"`
	Warnings []string  `json:"warnings"`
	// missing is what the inventory could not read (see Incomplete).
	missing []string
}

// RoleMatcher matches role ARNs against what the user typed: an ARN
// matches itself exactly (path included); a name matches every ARN whose
// last segment it is, whatever the path, so that identities left pointing
// at a deleted or moved role are found too. IAM names are case-insensitive.
func RoleMatcher(role string) func(arn string) bool {
	if rules.IsARN(role) {
		return func(arn string) bool { return strings.EqualFold(arn, role) }
	}
	return func(arn string) bool { return arn != "" && strings.EqualFold(rules.RoleNameFromARN(arn), role) }
}

// UsesOf lists, from a tree, every domain default, user profile, space and
// notebook instance whose role matches, in tree order.
func UsesOf(t *Tree, match func(arn string) bool) []Use {
	uses := []Use{}
	for _, d := range t.Domains {
		if match(d.DefaultUserRole) {
			uses = append(uses, Use{Kind: UseDefaultUserRole, DomainID: d.ID, DomainName: d.Name, Role: d.DefaultUserRole})
		}
		if match(d.DefaultSpaceRole) {
			uses = append(uses, Use{Kind: UseDefaultSpaceRole, DomainID: d.ID, DomainName: d.Name, Role: d.DefaultSpaceRole})
		}
		for _, u := range d.Users {
			if match(u.Role) {
				uses = append(uses, Use{Kind: UseUser, DomainID: d.ID, DomainName: d.Name, Name: u.Name, Role: u.Role,
					Source: u.Source, Status: u.Status, Apps: u.Apps})
			}
		}
		for _, s := range d.Spaces {
			if match(s.Role) {
				uses = append(uses, Use{Kind: UseSpace, DomainID: d.ID, DomainName: d.Name, Name: s.Name, Role: s.Role,
					Source: s.Source, Sharing: s.Sharing, Owner: s.Owner, Status: s.Status, Apps: s.Apps})
			}
		}
	}
	for _, n := range t.Notebooks {
		if match(n.Role) {
			uses = append(uses, Use{Kind: UseNotebook, Name: n.Name, Role: n.Role, Status: n.Status})
		}
	}
	return uses
}

// Uses finds everything that runs as role (a name or an ARN), reading the
// whole account (or opts.DomainID) with the session's Inventory.
func (s *Session) Uses(ctx context.Context, role string, opts Options) (*RoleUses, error) {
	if err := CheckRoleInput(role); err != nil {
		return nil, err
	}
	if opts.DomainID != "" {
		// An unknown domain is bad input here, not a warning in a tree.
		if _, err := s.DescribeDomain(ctx, opts.DomainID); err != nil {
			return nil, err
		}
	}
	t, err := s.Inventory(ctx, opts)
	if err != nil {
		return nil, err
	}
	res := &RoleUses{Account: t.Account, Region: t.Region, UsedBy: UsesOf(t, RoleMatcher(role)), Warnings: []string{}}
	if rules.IsARN(role) {
		res.Role = s.Role(ctx, t.Account, role)
	} else {
		got, known := s.knownRole(role)
		var err error
		if !known {
			err = s.do(ctx, func(ctx context.Context) (err error) {
				got, err = s.r.GetRole(ctx, role)
				return err
			})
		}
		switch {
		case awsops.IsNotFound(err):
			res.Role = RoleCheck{Name: role, Problem: RoleNotFound}
		case err != nil:
			res.Role = RoleCheck{Name: role, Problem: RoleUnchecked, Detail: err.Error()}
		default:
			// Found by name in this account: its ARN is got.ARN, so only
			// the trust is left to check (CheckRole would read it again).
			res.Role = checkFound(RoleCheck{ARN: got.ARN, Name: rules.RoleNameFromARN(got.ARN)}, got)
		}
	}
	switch {
	case res.Role.Problem == RoleNotFound && res.Role.ARN == "":
		res.Warnings = append(res.Warnings, fmt.Sprintf("no role named %s exists in account %s", role, t.Account))
	case res.Role.Problem != "":
		res.Warnings = append(res.Warnings, res.Role.Sentence())
	}
	// The inventory's own warnings about the identities found still matter
	// (an unreadable profile might run as this role).
	res.Warnings = append(res.Warnings, t.incomplete...)
	res.missing = t.incomplete
	return res, nil
}
