package find

import (
	"context"
	"fmt"

	"github.com/sagerole/sagerole/awsops"
)

// DomainResult is one domain's default roles (`sagerole find --domain`).
type DomainResult struct {
	Account  string     `json:"account"`
	Region   string     `json:"region"`
	Domain   DomainInfo `json:"domain"`
	Warnings []string   `json:"warnings"`
}

// UserResult is one user profile's effective role and where it comes from
// (`sagerole find --domain --user`), with the private spaces that run as it.
type UserResult struct {
	Account string     `json:"account"`
	Region  string     `json:"region"`
	Domain  DomainInfo `json:"domain"`
	User    UserNode   `json:"user"`
	// Spaces are the user's private spaces: they run as the user's role.
	Spaces   []SpaceNode `json:"spaces"`
	Warnings []string    `json:"warnings"`
}

// SpaceResult is one space's effective role and why (`sagerole find
// --domain --space`).
type SpaceResult struct {
	Account string     `json:"account"`
	Region  string     `json:"region"`
	Domain  DomainInfo `json:"domain"`
	Space   SpaceNode  `json:"space"`
	// Owner is the owner's profile for a private space, whose role the
	// space runs as.
	Owner    *UserNode `json:"owner,omitempty"`
	Warnings []string  `json:"warnings"`
}

// DescribeUserProfile reads a user profile; an unknown one is bad input.
func (s *Session) DescribeUserProfile(ctx context.Context, domainID, name string) (awsops.UserProfile, error) {
	if err := CheckName("user profile", name); err != nil {
		return awsops.UserProfile{}, err
	}
	var u awsops.UserProfile
	err := s.do(ctx, func(ctx context.Context) (err error) {
		u, err = s.r.DescribeUserProfile(ctx, domainID, name)
		return err
	})
	if awsops.IsNotFound(err) {
		return u, notFound("user", "user profile %s does not exist in domain %s (see sagerole find)", name, domainID)
	}
	if err != nil {
		return u, fmt.Errorf("reading user profile %s in %s: %w", name, domainID, err)
	}
	return u, nil
}

// DescribeSpace reads a space; an unknown one is bad input.
func (s *Session) DescribeSpace(ctx context.Context, domainID, name string) (awsops.Space, error) {
	if err := CheckName("space", name); err != nil {
		return awsops.Space{}, err
	}
	var sp awsops.Space
	err := s.do(ctx, func(ctx context.Context) (err error) {
		sp, err = s.r.DescribeSpace(ctx, domainID, name)
		return err
	})
	if awsops.IsNotFound(err) {
		return sp, notFound("space", "space %s does not exist in domain %s (see sagerole find)", name, domainID)
	}
	if err != nil {
		return sp, fmt.Errorf("reading space %s in %s: %w", name, domainID, err)
	}
	return sp, nil
}

// Domain reads one domain's default roles and checks them.
func (s *Session) Domain(ctx context.Context, id string) (*DomainResult, error) {
	acct, err := s.Identity(ctx)
	if err != nil {
		return nil, err
	}
	d, err := s.DescribeDomain(ctx, id)
	if err != nil {
		return nil, err
	}
	t := s.partialTree(ctx, acct.Account, DomainData{Domain: d})
	return &DomainResult{Account: t.Account, Region: t.Region, Domain: t.Domains[0].DomainInfo, Warnings: t.Warnings}, nil
}

// User resolves one user profile: its effective role and provenance, the
// apps that run as it, and its private spaces. It reads that profile and
// the domain's list of spaces, not the other profiles.
func (s *Session) User(ctx context.Context, domainID, name string) (*UserResult, error) {
	acct, err := s.Identity(ctx)
	if err != nil {
		return nil, err
	}
	d, err := s.DescribeDomain(ctx, domainID)
	if err != nil {
		return nil, err
	}
	u, err := s.DescribeUserProfile(ctx, domainID, name)
	if err != nil {
		return nil, err
	}
	data, err := s.OwnedSpaces(ctx, d, []awsops.UserProfile{u})
	if err != nil {
		return nil, err
	}
	t := s.partialTree(ctx, acct.Account, data)
	dn := t.Domains[0]
	return &UserResult{Account: t.Account, Region: t.Region, Domain: dn.DomainInfo, User: dn.Users[0], Spaces: dn.Spaces, Warnings: t.Warnings}, nil
}

// OwnedSpaces reads what a change of the given users' role reaches in
// domain d: their private spaces, and the apps of the users and of those
// spaces. SageMaker's ListSpaces cannot filter by owner, so the domain's
// spaces are listed (MaxPageSize a page) and kept by the owner their list
// items name; only a space whose item has no sharing type is described.
func (s *Session) OwnedSpaces(ctx context.Context, d awsops.Domain, users []awsops.UserProfile) (DomainData, error) {
	owners := map[string]bool{}
	for _, u := range users {
		owners[u.Name] = true
	}
	return s.spacesOf(ctx, d, users, func(sp awsops.Space) bool { return sp.SharingType == awsops.SharingPrivate && owners[sp.Owner] })
}

// SharedSpaces reads what a change of domain d's default space role
// reaches: its shared spaces and their apps, from the list of spaces alone.
func (s *Session) SharedSpaces(ctx context.Context, d awsops.Domain) (DomainData, error) {
	return s.spacesOf(ctx, d, nil, func(sp awsops.Space) bool { return sp.SharingType == awsops.SharingShared })
}

// filteredApps is how many ListApps filters (one per user or space) are
// worth sending before listing the domain's apps whole is cheaper.
const filteredApps = 10

// spacesOf reads domain d's spaces that keep keeps, with the apps of those
// spaces and of users. A space whose list item has no sharing type is
// described to tell; one that cannot be is kept with its error.
func (s *Session) spacesOf(ctx context.Context, d awsops.Domain, users []awsops.UserProfile, keep func(awsops.Space) bool) (DomainData, error) {
	data := DomainData{Domain: d, Users: users, SpaceErrors: map[string]string{}}
	list, err := awsops.AllPages(ctx, awsops.MaxPageSize, func(ctx context.Context, q awsops.PageQuery) (items []awsops.Space, next string, err error) {
		err = s.do(ctx, func(ctx context.Context) error {
			items, next, err = s.r.ListSpacesPage(ctx, d.ID, q)
			return err
		})
		return items, next, err
	})
	if err != nil {
		return data, fmt.Errorf("listing the spaces of %s: %w", d.ID, err)
	}
	var unknown []awsops.Space
	for _, sp := range list {
		switch {
		case sp.SharingType == "":
			unknown = append(unknown, sp)
		case keep(sp):
			data.Spaces = append(data.Spaces, sp)
		default:
			data.Passed = append(data.Passed, sp)
		}
	}
	g := s.lim.Group(ctx)
	described := make([]spaceRead, len(unknown))
	for i, sp := range unknown {
		described[i].s = sp
		g.Go(func(ctx context.Context) {
			var full awsops.Space
			err := s.do(ctx, func(ctx context.Context) (err error) {
				full, err = s.r.DescribeSpace(ctx, d.ID, sp.Name)
				return err
			})
			if described[i].err = err; err == nil {
				described[i].s = full
			}
		})
	}
	g.Wait()
	if err := ctx.Err(); err != nil {
		return data, err
	}
	for _, r := range described {
		switch {
		case awsops.IsNotFound(r.err):
		case r.err != nil:
			data.Spaces = append(data.Spaces, r.s)
			data.SpaceErrors[r.s.Name] = r.err.Error()
		case keep(r.s):
			data.Spaces = append(data.Spaces, r.s)
		default:
			data.Passed = append(data.Passed, r.s)
		}
	}
	data.Apps, err = s.appsOf(ctx, d.ID, users, data.Spaces)
	return data, err
}

// appsOf reads the apps of the given users and spaces of a domain: with
// ListApps' filters, one call each, when they are few; the domain's whole
// list otherwise.
func (s *Session) appsOf(ctx context.Context, domainID string, users []awsops.UserProfile, spaces []awsops.Space) ([]awsops.App, error) {
	var filters []awsops.AppFilter
	for _, u := range users {
		filters = append(filters, awsops.AppFilter{DomainID: domainID, UserProfile: u.Name})
	}
	for _, sp := range spaces {
		filters = append(filters, awsops.AppFilter{DomainID: domainID, Space: sp.Name})
	}
	switch {
	case len(filters) == 0:
		return nil, nil
	case len(filters) > filteredApps:
		filters = []awsops.AppFilter{{DomainID: domainID}}
	}
	lists := make([][]awsops.App, len(filters))
	errs := make([]error, len(filters))
	g := s.lim.Group(ctx)
	for i, f := range filters {
		g.Go(func(ctx context.Context) {
			lists[i], errs[i] = awsops.AllPages(ctx, awsops.MaxPageSize, func(ctx context.Context, q awsops.PageQuery) (items []awsops.App, next string, err error) {
				err = s.do(ctx, func(ctx context.Context) error {
					items, next, err = s.r.ListAppsPage(ctx, f, q)
					return err
				})
				return items, next, err
			})
		})
	}
	g.Wait()
	var apps []awsops.App
	seen := map[awsops.App]bool{}
	for i, l := range lists {
		if errs[i] != nil {
			return nil, fmt.Errorf("listing the apps of %s: %w", domainID, errs[i])
		}
		for _, a := range l {
			if !seen[a] {
				seen[a] = true
				apps = append(apps, a)
			}
		}
	}
	return apps, nil
}

// Space resolves one space: a private space's owner's role, or a shared
// space's domain default space role, or unresolved. It reads that space,
// its owner, and their apps.
func (s *Session) Space(ctx context.Context, domainID, name string) (*SpaceResult, error) {
	acct, err := s.Identity(ctx)
	if err != nil {
		return nil, err
	}
	d, err := s.DescribeDomain(ctx, domainID)
	if err != nil {
		return nil, err
	}
	sp, err := s.DescribeSpace(ctx, domainID, name)
	if err != nil {
		return nil, err
	}
	data := DomainData{Domain: d, Spaces: []awsops.Space{sp}, UserErrors: map[string]string{}}
	var ownerWarn string
	if sp.SharingType == awsops.SharingPrivate && sp.Owner != "" {
		var u awsops.UserProfile
		err := s.do(ctx, func(ctx context.Context) (err error) {
			u, err = s.r.DescribeUserProfile(ctx, domainID, sp.Owner)
			return err
		})
		switch {
		case awsops.IsNotFound(err):
			ownerWarn = "the owner " + sp.Owner + " of space " + name + " does not exist"
		case err != nil:
			data.Users = append(data.Users, awsops.UserProfile{DomainID: domainID, Name: sp.Owner})
			data.UserErrors[sp.Owner] = err.Error()
		default:
			data.Users = append(data.Users, u)
		}
	}
	if data.Apps, err = s.appsOf(ctx, domainID, data.Users, data.Spaces); err != nil {
		return nil, err
	}
	t := s.partialTree(ctx, acct.Account, data)
	dn := t.Domains[0]
	res := &SpaceResult{Account: t.Account, Region: t.Region, Domain: dn.DomainInfo, Space: dn.Spaces[0], Warnings: t.Warnings}
	if ownerWarn != "" {
		res.Warnings = append([]string{ownerWarn}, res.Warnings...)
	}
	for i := range dn.Users {
		if dn.Users[i].Name == sp.Owner {
			res.Owner = &dn.Users[i]
		}
	}
	return res, nil
}

// partialTree builds a one-domain tree from data and checks every role in
// it through the session: a handful at most, each read once.
func (s *Session) partialTree(ctx context.Context, account string, data DomainData) *Tree {
	t := &Tree{Account: account, Region: s.Region(), Domains: []DomainNode{}, Notebooks: []NotebookNode{},
		Warnings: []string{}, Roles: map[string]RoleCheck{}}
	t.Domains = append(t.Domains, BuildDomain(data, func(w string) { t.Warnings = append(t.Warnings, w) }))
	for arn := range t.roleARNs() {
		t.Roles[arn] = s.Role(ctx, account, arn)
	}
	t.flagRoles()
	return t
}
