package change

import (
	"context"
	"errors"
	"fmt"

	"github.com/sagerole/sagerole/awsops"
	"github.com/sagerole/sagerole/awsops/rules"
	"github.com/sagerole/sagerole/flows/find"
)

// prepareDomain plans a change of one of a domain's default roles, with
// every identity it moves: users that inherit the default and their
// private spaces (read with an inventory of the domain), or the shared
// spaces (read from the list of spaces alone).
func (p *Prepared) prepareDomain(ctx context.Context, s *find.Session, d awsops.Domain, kind TargetKind) error {
	p.Effective, p.DomainID, p.ResourceARN = kind, d.ID, d.ARN
	var roles awsops.DomainRoles
	arn := p.Role.ARN
	if kind == TargetDefaultUser {
		p.Target = "the default user role of " + domainWords(d)
		p.Current = d.DefaultUserRole
		roles.DefaultUserRole = &arn
	} else {
		p.Target = "the default space role of " + domainWords(d)
		p.Current = d.DefaultSpaceRole
		roles.DefaultSpaceRole = &arn
	}
	p.Impact = Impact{Moves: []Move{}, Stays: []Stay{}, Apps: []RunningApp{}}
	if p.Current == arn {
		p.Notes = append(p.Notes, p.Target+" already is "+arn)
		return nil
	}
	var dn find.DomainNode
	var data find.DomainData
	if kind == TargetDefaultUser {
		tree, err := s.Inventory(ctx, find.Options{DomainID: d.ID, SkipNotebooks: true, SkipRoleChecks: true})
		if err != nil {
			return fmt.Errorf("reading %s for the impact preview: %w", domainWords(d), err)
		}
		if len(tree.Domains) == 0 {
			return fmt.Errorf("%s disappeared while it was read", domainWords(d))
		}
		dn = tree.Domains[0]
		for _, w := range tree.Incomplete() {
			p.Warnings = append(p.Warnings, "the impact preview may be incomplete: "+w)
		}
	} else {
		var err error
		data, err = s.SharedSpaces(ctx, d)
		if err != nil {
			return fmt.Errorf("reading %s for the impact preview: %w", domainWords(d), err)
		}
		dn = find.BuildDomain(data, func(string) {})
		for _, sp := range dn.Spaces {
			if sp.Error != "" {
				p.Warnings = append(p.Warnings, "the impact preview may be incomplete: space "+sp.Name+" in "+d.ID+" could not be read: "+sp.Error)
			}
		}
	}
	if kind == TargetDefaultUser {
		p.Impact.Moves = append(p.Impact.Moves, Move{Kind: find.UseDefaultUserRole, DomainID: d.ID, From: p.Current, To: arn,
			Why: "the domain's default user role"})
		inherits := map[string]bool{}
		for _, u := range dn.Users {
			if u.Source != find.SourceDomainDefault {
				continue
			}
			inherits[u.Name] = true
			p.Impact.Moves = append(p.Impact.Moves, Move{Kind: find.UseUser, DomainID: d.ID, Name: u.Name, From: u.Role, To: arn,
				Why: "has no role of its own: inherits the domain default"})
			p.Impact.Apps = append(p.Impact.Apps, running(d.ID, u.Name, "", u.Apps)...)
		}
		for _, s := range dn.Spaces {
			if s.Source == find.SourceOwner && inherits[s.Owner] {
				p.Impact.Moves = append(p.Impact.Moves, Move{Kind: find.UseSpace, DomainID: d.ID, Name: s.Name, From: s.Role, To: arn,
					Why: "private space of " + s.Owner + ", who inherits the domain default"})
				p.Impact.Apps = append(p.Impact.Apps, running(d.ID, "", s.Name, s.Apps)...)
			}
		}
		p.Impact.Stays = staysOfDefaultUser(dn)
	} else {
		p.Impact.Moves = append(p.Impact.Moves, Move{Kind: find.UseDefaultSpaceRole, DomainID: d.ID, From: p.Current, To: arn,
			Why: "the domain's default space role"})
		for _, s := range dn.Spaces {
			if s.Sharing != awsops.SharingShared {
				continue
			}
			p.Impact.Moves = append(p.Impact.Moves, Move{Kind: find.UseSpace, DomainID: d.ID, Name: s.Name, From: s.Role, To: arn,
				Why: "shared space: runs as the domain's default space role"})
			p.Impact.Apps = append(p.Impact.Apps, running(d.ID, "", s.Name, s.Apps)...)
		}
		p.Impact.Stays = staysOfDefaultSpace(d, data.Passed)
	}
	p.Steps = []awsops.Op{awsops.UpdateDomainRolesOp(d.ID, roles)}
	return nil
}

func running(domainID, user, space string, apps []find.AppNode) []RunningApp {
	var out []RunningApp
	for _, a := range apps {
		if a.Running() {
			out = append(out, RunningApp{DomainID: domainID, UserProfile: user, Space: space, Type: a.Type, Name: a.Name, Status: a.Status})
		}
	}
	return out
}

// prepareUser plans a change of a user profile's own role: the profile
// moves (unless it already runs as the role), and so do its private spaces.
func (p *Prepared) prepareUser(ctx context.Context, s *find.Session, d awsops.Domain, name string) error {
	u, err := s.DescribeUserProfile(ctx, d.ID, name)
	if err != nil {
		return err
	}
	arn := p.Role.ARN
	p.Effective, p.DomainID, p.Name, p.ResourceARN = TargetUser, d.ID, name, u.ARN
	p.Target = fmt.Sprintf("user profile %s in %s", name, domainWords(d))
	p.Current, p.CurrentSource = find.EffectiveUserRole(d, u)
	p.Impact = Impact{Moves: []Move{}, Stays: []Stay{}, Apps: []RunningApp{}}
	if u.ExecutionRole == arn {
		p.Notes = append(p.Notes, fmt.Sprintf("user profile %s already has the role %s of its own", name, arn))
		return nil
	}
	data, err := s.OwnedSpaces(ctx, d, []awsops.UserProfile{u})
	if err != nil {
		return fmt.Errorf("reading %s for the impact preview: %w", p.Target, err)
	}
	var warns []string
	dn := find.BuildDomain(data, func(s string) { warns = append(warns, s) })
	for _, w := range warns {
		p.Warnings = append(p.Warnings, "the impact preview may be incomplete: "+w)
	}
	un := dn.Users[0]
	switch {
	case p.Current == arn:
		p.Notes = append(p.Notes, fmt.Sprintf("user profile %s already runs as %s, inherited from the domain default; this sets it on the profile, so that later changes of the domain default no longer move it", name, arn))
	default:
		why := "its own role"
		if p.CurrentSource == find.SourceDomainDefault {
			why = "inherits the domain default now; gets a role of its own"
		}
		p.Impact.Moves = append(p.Impact.Moves, Move{Kind: find.UseUser, DomainID: d.ID, Name: name, From: p.Current, To: arn, Why: why})
		p.Impact.Apps = append(p.Impact.Apps, running(d.ID, name, "", un.Apps)...)
		for _, s := range dn.Spaces {
			p.Impact.Moves = append(p.Impact.Moves, Move{Kind: find.UseSpace, DomainID: d.ID, Name: s.Name, From: s.Role, To: arn,
				Why: "private space of " + name + ": runs as its owner's role"})
			p.Impact.Apps = append(p.Impact.Apps, running(d.ID, "", s.Name, s.Apps)...)
		}
		p.Impact.Stays = staysOfUser(d, name, data.Passed)
	}
	p.Steps = []awsops.Op{awsops.UpdateUserProfileRoleOp(d.ID, name, arn)}
	return nil
}

// prepareSpace resolves a space to the identity whose role it runs as, and
// says which, before anything else.
func (p *Prepared) prepareSpace(ctx context.Context, ses *find.Session) error {
	req := p.Request
	d, err := ses.DescribeDomain(ctx, req.DomainID)
	if err != nil {
		return err
	}
	s, err := ses.DescribeSpace(ctx, req.DomainID, req.Name)
	if err != nil {
		return err
	}
	switch s.SharingType {
	case awsops.SharingPrivate:
		if s.Owner == "" {
			return bad("space", "private space %s has no owner, so whose role it runs as cannot be told", s.Name)
		}
		p.Resolution = fmt.Sprintf("space %s is private: a private space runs as its owner's role, so this changes the role of user profile %s — and of every private space of %s", s.Name, s.Owner, s.Owner)
		err := p.prepareUser(ctx, ses, d, s.Owner)
		var ie *rules.InputError
		if errors.As(err, &ie) && ie.Field == "user" {
			return bad("space", "space %s is private, and its owner %s does not exist in %s: there is no role to change", s.Name, s.Owner, domainWords(d))
		}
		return err
	case awsops.SharingShared:
		p.Resolution = fmt.Sprintf("space %s is shared: a shared space runs as the domain's default space role, so this changes the default space role of %s — and so the role of every shared space in it", s.Name, domainWords(d))
		return p.prepareDomain(ctx, ses, d, TargetDefaultSpace)
	}
	return bad("space", "space %s has no sharing type (neither Private nor Shared), so whose role it runs as cannot be told", s.Name)
}

// prepareNotebook plans a change of a notebook instance's role. AWS takes
// it only while the instance is Stopped: a running one is stopped, changed
// and started again with Restart, and refused otherwise.
func (p *Prepared) prepareNotebook(ctx context.Context, r awsops.Reader) error {
	name := p.Request.Name
	nb, err := r.DescribeNotebookInstance(ctx, name)
	if awsops.IsNotFound(err) {
		return bad("notebook", "notebook instance %s does not exist in region %s (see sagerole find)", name, find.RegionOf(r))
	}
	if err != nil {
		return fmt.Errorf("reading notebook instance %s: %w", name, err)
	}
	arn := p.Role.ARN
	p.Notebook = &nb
	p.ResourceARN = nb.ARN
	p.Target = "notebook instance " + name
	p.Current = nb.RoleARN
	p.Impact = Impact{Moves: []Move{}, Stays: []Stay{}, Apps: []RunningApp{}}
	if nb.RoleARN == arn {
		p.Notes = append(p.Notes, p.Target+" already runs as "+arn)
		return nil
	}
	update := awsops.UpdateNotebookInstanceRoleOp(name, arn)
	switch nb.Status {
	case awsops.StatusStopped, awsops.StatusFailed:
		p.Steps = []awsops.Op{update}
	case awsops.StatusInService:
		if !p.Request.Restart {
			return &rules.InputError{Field: "restart", Msg: fmt.Sprintf("notebook instance %s is InService, and AWS changes a notebook instance's role only while it is Stopped", name),
				Remedy: "pass --restart to stop it, change the role and start it again", Flag: "--restart"}
		}
		p.Steps = []awsops.Op{awsops.StopNotebookInstanceOp(name), update, awsops.StartNotebookInstanceOp(name)}
		p.Warnings = append(p.Warnings, fmt.Sprintf("notebook instance %s will be stopped and started again: open notebooks and running kernels are lost", name))
	default:
		return bad("notebook", "notebook instance %s is %s; AWS changes its role only while it is Stopped: run again once it is InService or Stopped", name, nb.Status)
	}
	p.Impact.Moves = append(p.Impact.Moves, Move{Kind: find.UseNotebook, Name: name, From: nb.RoleARN, To: arn, Why: "runs as its own role"})
	return nil
}
