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

// DescribeDomain reads a domain; an unknown domain is bad input.
func DescribeDomain(ctx context.Context, r awsops.SageMakerReader, region, id string) (awsops.Domain, error) {
	if err := CheckDomainID(id); err != nil {
		return awsops.Domain{}, err
	}
	d, err := r.DescribeDomain(ctx, id)
	if awsops.IsNotFound(err) {
		return d, notFound("domain", "domain %s does not exist in region %s (see sagerole find)", id, region)
	}
	if err != nil {
		return d, fmt.Errorf("reading domain %s: %w", id, err)
	}
	return d, nil
}

// DescribeUserProfile reads a user profile; an unknown one is bad input.
func DescribeUserProfile(ctx context.Context, r awsops.SageMakerReader, domainID, name string) (awsops.UserProfile, error) {
	if err := CheckName("user profile", name); err != nil {
		return awsops.UserProfile{}, err
	}
	u, err := r.DescribeUserProfile(ctx, domainID, name)
	if awsops.IsNotFound(err) {
		return u, notFound("user", "user profile %s does not exist in domain %s (see sagerole find)", name, domainID)
	}
	if err != nil {
		return u, fmt.Errorf("reading user profile %s in %s: %w", name, domainID, err)
	}
	return u, nil
}

// DescribeSpace reads a space; an unknown one is bad input.
func DescribeSpace(ctx context.Context, r awsops.SageMakerReader, domainID, name string) (awsops.Space, error) {
	if err := CheckName("space", name); err != nil {
		return awsops.Space{}, err
	}
	s, err := r.DescribeSpace(ctx, domainID, name)
	if awsops.IsNotFound(err) {
		return s, notFound("space", "space %s does not exist in domain %s (see sagerole find)", name, domainID)
	}
	if err != nil {
		return s, fmt.Errorf("reading space %s in %s: %w", name, domainID, err)
	}
	return s, nil
}

// Domain reads one domain's default roles and checks them.
func Domain(ctx context.Context, r awsops.Reader, id string) (*DomainResult, error) {
	acct, err := r.CallerIdentity(ctx)
	if err != nil {
		return nil, fmt.Errorf("who am I: %w", err)
	}
	d, err := DescribeDomain(ctx, r, RegionOf(r), id)
	if err != nil {
		return nil, err
	}
	t := partialTree(ctx, r, acct.Account, DomainData{Domain: d})
	return &DomainResult{Account: t.Account, Region: t.Region, Domain: t.Domains[0].DomainInfo, Warnings: t.Warnings}, nil
}

// User resolves one user profile: its effective role and provenance, the
// apps that run as it, and its private spaces.
func User(ctx context.Context, r awsops.Reader, domainID, name string, opts Options) (*UserResult, error) {
	acct, err := r.CallerIdentity(ctx)
	if err != nil {
		return nil, fmt.Errorf("who am I: %w", err)
	}
	d, err := DescribeDomain(ctx, r, RegionOf(r), domainID)
	if err != nil {
		return nil, err
	}
	u, err := DescribeUserProfile(ctx, r, domainID, name)
	if err != nil {
		return nil, err
	}
	data, err := OwnedSpaces(ctx, r, d, []awsops.UserProfile{u}, opts)
	if err != nil {
		return nil, err
	}
	t := partialTree(ctx, r, acct.Account, data)
	dn := t.Domains[0]
	return &UserResult{Account: t.Account, Region: t.Region, Domain: dn.DomainInfo, User: dn.Users[0], Spaces: dn.Spaces, Warnings: t.Warnings}, nil
}

// OwnedSpaces reads what a change of the given users' role reaches in
// domain d: their private spaces (described, a bounded number at a time)
// and the domain's apps. Only spaces whose list item names one of the users
// as owner, or has no sharing settings to tell, are described.
func OwnedSpaces(ctx context.Context, r awsops.SageMakerReader, d awsops.Domain, users []awsops.UserProfile, opts Options) (DomainData, error) {
	data := DomainData{Domain: d, Users: users, SpaceErrors: map[string]string{}}
	owners := map[string]bool{}
	for _, u := range users {
		owners[u.Name] = true
	}
	list, err := r.ListSpaces(ctx, d.ID)
	if err != nil {
		return data, fmt.Errorf("listing the spaces of %s: %w", d.ID, err)
	}
	var candidates []awsops.Space
	for _, s := range list {
		if owners[s.Owner] || s.SharingType == "" {
			candidates = append(candidates, s)
		}
	}
	described := make([]awsops.Space, len(candidates))
	errs := make([]error, len(candidates))
	p := newPool(ctx, opts.Concurrency, opts.Progress)
	for i, s := range candidates {
		p.Go(Item{Kind: ItemSpace, DomainID: d.ID, Name: s.Name}, func(ctx context.Context) error {
			described[i], errs[i] = r.DescribeSpace(ctx, d.ID, s.Name)
			return errs[i]
		})
	}
	p.Wait()
	if err := ctx.Err(); err != nil {
		return data, err
	}
	for i, s := range described {
		switch {
		case awsops.IsNotFound(errs[i]):
			continue
		case errs[i] != nil:
			data.Spaces = append(data.Spaces, candidates[i])
			data.SpaceErrors[candidates[i].Name] = errs[i].Error()
		case s.SharingType == awsops.SharingPrivate && owners[s.Owner]:
			data.Spaces = append(data.Spaces, s)
		}
	}
	apps, err := r.ListApps(ctx, d.ID)
	if err != nil {
		return data, fmt.Errorf("listing the apps of %s: %w", d.ID, err)
	}
	data.Apps = apps
	return data, nil
}

// Space resolves one space: a private space's owner's role, or a shared
// space's domain default space role, or unresolved.
func Space(ctx context.Context, r awsops.Reader, domainID, name string) (*SpaceResult, error) {
	acct, err := r.CallerIdentity(ctx)
	if err != nil {
		return nil, fmt.Errorf("who am I: %w", err)
	}
	d, err := DescribeDomain(ctx, r, RegionOf(r), domainID)
	if err != nil {
		return nil, err
	}
	s, err := DescribeSpace(ctx, r, domainID, name)
	if err != nil {
		return nil, err
	}
	data := DomainData{Domain: d, Spaces: []awsops.Space{s}, UserErrors: map[string]string{}}
	var ownerWarn string
	if s.SharingType == awsops.SharingPrivate && s.Owner != "" {
		u, err := r.DescribeUserProfile(ctx, domainID, s.Owner)
		switch {
		case awsops.IsNotFound(err):
			ownerWarn = "the owner " + s.Owner + " of space " + name + " does not exist"
		case err != nil:
			data.Users = append(data.Users, awsops.UserProfile{DomainID: domainID, Name: s.Owner})
			data.UserErrors[s.Owner] = err.Error()
		default:
			data.Users = append(data.Users, u)
		}
	}
	apps, err := r.ListApps(ctx, domainID)
	if err != nil {
		return nil, fmt.Errorf("listing the apps of %s: %w", domainID, err)
	}
	data.Apps = apps
	t := partialTree(ctx, r, acct.Account, data)
	dn := t.Domains[0]
	res := &SpaceResult{Account: t.Account, Region: t.Region, Domain: dn.DomainInfo, Space: dn.Spaces[0], Warnings: t.Warnings}
	if ownerWarn != "" {
		res.Warnings = append([]string{ownerWarn}, res.Warnings...)
	}
	for i := range dn.Users {
		if dn.Users[i].Name == s.Owner {
			res.Owner = &dn.Users[i]
		}
	}
	return res, nil
}

// partialTree builds a one-domain tree from data and checks every role in
// it, one at a time: a handful at most.
func partialTree(ctx context.Context, r awsops.Reader, account string, data DomainData) *Tree {
	t := &Tree{Account: account, Region: RegionOf(r), Domains: []DomainNode{}, Notebooks: []NotebookNode{},
		Warnings: []string{}, Roles: map[string]RoleCheck{}}
	t.Domains = append(t.Domains, BuildDomain(data, func(s string) { t.Warnings = append(t.Warnings, s) }))
	check := func(arn string) {
		if _, seen := t.Roles[arn]; arn != "" && !seen {
			t.Roles[arn] = CheckRole(ctx, r, account, arn)
		}
	}
	d := t.Domains[0]
	check(d.DefaultUserRole)
	check(d.DefaultSpaceRole)
	for _, u := range d.Users {
		check(u.Role)
	}
	for _, s := range d.Spaces {
		check(s.Role)
	}
	t.flagRoles()
	return t
}
