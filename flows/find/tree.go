package find

import (
	"fmt"
	"sort"
	"time"

	"github.com/sagerole/sagerole/awsops"
)

// Source is where an identity's effective role comes from.
type Source string

const (
	// SourceOwn: the user profile has UserSettings.ExecutionRole.
	SourceOwn Source = "own"
	// SourceDomainDefault: the user profile has no role of its own and
	// inherits the domain's DefaultUserSettings.ExecutionRole.
	SourceDomainDefault Source = "domain-default"
	// SourceOwner: a private space runs as its owner's effective role.
	SourceOwner Source = "owner"
	// SourceDomainSpaceDefault: a shared space runs as the domain's
	// DefaultSpaceSettings.ExecutionRole.
	SourceDomainSpaceDefault Source = "domain-space-default"
	// SourceUnresolved: the role cannot be told without guessing (a shared
	// space in a domain with no default space role, a space whose owner
	// could not be read, an identity that could not be read).
	SourceUnresolved Source = "unresolved"
)

// Tree is the account in one region: domains, their user
// profiles and spaces with each one's effective role and where it comes
// from, and notebook instances. Its JSON is the contract of `sagerole find`.
type Tree struct {
	Account   string         `json:"account"`
	Region    string         `json:"region"`
	Domains   []DomainNode   `json:"domains"`
	Notebooks []NotebookNode `json:"notebooks"`
	Warnings  []string       `json:"warnings"`
	// Roles holds what IAM said about every role ARN in the tree.
	Roles map[string]RoleCheck `json:"-"`
	// incomplete are the warnings about what could not be read: what the
	// tree may be missing.
	incomplete []string
}

// Incomplete lists what could not be read (throttled, denied, deleted
// meanwhile): the tree may lack identities, or their roles. Empty when the
// tree is whole.
func (t *Tree) Incomplete() []string { return t.incomplete }

// DomainInfo is a domain and its two default roles.
type DomainInfo struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Status string `json:"status"`
	// DefaultUserRole is the role of every user profile without its own.
	DefaultUserRole        string      `json:"defaultUserRole"`
	DefaultUserRoleProblem RoleProblem `json:"defaultUserRoleProblem,omitempty"`
	// DefaultSpaceRole is the role of every shared space; "" when none.
	DefaultSpaceRole        string      `json:"defaultSpaceRole"`
	DefaultSpaceRoleProblem RoleProblem `json:"defaultSpaceRoleProblem,omitempty"`
	// Error is set when the domain (or its lists) could not be read.
	Error string `json:"error,omitempty"`
}

// DomainNode is a domain with its user profiles and spaces.
type DomainNode struct {
	DomainInfo
	Users  []UserNode  `json:"users"`
	Spaces []SpaceNode `json:"spaces"`
}

// UserNode is a user profile and its effective role. Apps are the ones
// that run as the profile itself (Canvas, RStudio, Studio Classic): they
// use the profile's role.
type UserNode struct {
	Name        string      `json:"name"`
	Status      string      `json:"status"`
	Role        string      `json:"role"`
	Source      Source      `json:"source"`
	RoleProblem RoleProblem `json:"roleProblem,omitempty"`
	Apps        []AppNode   `json:"apps"`
	Error       string      `json:"error,omitempty"`
}

// SpaceNode is a space and its effective role.
type SpaceNode struct {
	Name        string      `json:"name"`
	Status      string      `json:"status"`
	Sharing     string      `json:"sharing"`
	Owner       string      `json:"owner"`
	Role        string      `json:"role"`
	Source      Source      `json:"source"`
	RoleProblem RoleProblem `json:"roleProblem,omitempty"`
	Apps        []AppNode   `json:"apps"`
	Error       string      `json:"error,omitempty"`
}

// AppNode is an app (not deleted) of a user profile or a space.
type AppNode struct {
	Type   string `json:"type"`
	Name   string `json:"name"`
	Status string `json:"status"`
	// CreationTime is when the app started: it took its identity's role
	// as it was then.
	CreationTime time.Time `json:"creationTime,omitzero"`
	// Stale is a running app that started before its identity's role last
	// changed: it may still run as the previous role. StaleReason says
	// when each happened.
	Stale       bool   `json:"stale,omitempty"`
	StaleReason string `json:"staleReason,omitempty"`
}

// StaleWords is how find marks a stale app.
const StaleWords = "may still run as the previous role"

// markStale marks the running apps that started before changed, the last
// time the role of their identity (what, in words) may have changed.
func markStale(apps []AppNode, changed time.Time, what string) {
	for i := range apps {
		a := &apps[i]
		if !a.Running() || a.CreationTime.IsZero() || changed.IsZero() || !a.CreationTime.Before(changed) {
			continue
		}
		a.Stale = true
		a.StaleReason = fmt.Sprintf("started %s, before %s (%s): %s",
			a.CreationTime.UTC().Format(time.RFC3339), what, changed.UTC().Format(time.RFC3339), StaleWords)
	}
}

// RoleChange is when sagerole's journal last changed an identity's role:
// Domain for a domain's defaults (User ""), or a user profile.
type RoleChange struct {
	DomainID, User string
	Time           time.Time
}

// MarkStale marks, besides what the resources' LastModifiedTime showed,
// the apps that started before a role change the journal recorded.
func (t *Tree) MarkStale(changes []RoleChange) {
	for di := range t.Domains {
		d := &t.Domains[di]
		var domain time.Time
		user := map[string]time.Time{}
		for _, c := range changes {
			switch {
			case c.DomainID != d.ID:
			case c.User == "" && c.Time.After(domain):
				domain = c.Time
			case c.User != "" && c.Time.After(user[c.User]):
				user[c.User] = c.Time
			}
		}
		eff := map[string]time.Time{}
		for i := range d.Users {
			u := &d.Users[i]
			eff[u.Name] = user[u.Name]
			if u.Source == SourceDomainDefault && domain.After(eff[u.Name]) {
				eff[u.Name] = domain
			}
			markStale(u.Apps, eff[u.Name], "sagerole changed the role of user profile "+u.Name)
		}
		for i := range d.Spaces {
			s := &d.Spaces[i]
			switch s.Source {
			case SourceOwner:
				markStale(s.Apps, eff[s.Owner], "sagerole changed the role of its owner "+s.Owner)
			case SourceDomainSpaceDefault:
				markStale(s.Apps, domain, "sagerole changed the default roles of domain "+d.ID)
			}
		}
	}
}

// NotebookNode is a notebook instance: it runs as its own RoleArn.
type NotebookNode struct {
	Name        string      `json:"name"`
	Status      string      `json:"status"`
	Role        string      `json:"role"`
	RoleProblem RoleProblem `json:"roleProblem,omitempty"`
	Error       string      `json:"error,omitempty"`
}

// Running reports whether an app holds a role until it is restarted.
func (a AppNode) Running() bool { return a.Status == awsops.StatusInService }

// EffectiveUserRole resolves a user profile: its own role, or else the
// domain's default user role.
func EffectiveUserRole(d awsops.Domain, u awsops.UserProfile) (string, Source) {
	switch {
	case u.ExecutionRole != "":
		return u.ExecutionRole, SourceOwn
	case d.DefaultUserRole != "":
		return d.DefaultUserRole, SourceDomainDefault
	}
	return "", SourceUnresolved
}

// EffectiveSpaceRole resolves a space: a private space runs as its owner's
// effective role (owner is nil when the owner could not be read), a shared
// space as the domain's default space role. Anything else is unresolved:
// the tool does not guess.
func EffectiveSpaceRole(d awsops.Domain, s awsops.Space, owner *UserNode) (string, Source) {
	switch s.SharingType {
	case awsops.SharingPrivate:
		if owner == nil || owner.Source == SourceUnresolved {
			return "", SourceUnresolved
		}
		return owner.Role, SourceOwner
	case awsops.SharingShared:
		if d.DefaultSpaceRole == "" {
			return "", SourceUnresolved
		}
		return d.DefaultSpaceRole, SourceDomainSpaceDefault
	}
	return "", SourceUnresolved
}

// DomainData is what was read of one domain.
type DomainData struct {
	Domain awsops.Domain
	// Users and Spaces are as described; an item that could not be
	// described is its list item, with the reason in UserErrors or
	// SpaceErrors.
	Users  []awsops.UserProfile
	Spaces []awsops.Space
	Apps   []awsops.App
	// Passed are the spaces listed but not asked for (a change's impact
	// says they do not move); their apps are not read.
	Passed      []awsops.Space
	UserErrors  map[string]string
	SpaceErrors map[string]string
}

// BuildDomain resolves one domain from what was read of it: every user's
// effective role and provenance, every space's, and the apps of each.
// It is pure, so the resolution rules can be tested on their own. warn
// receives one sentence for each thing that could not be resolved.
func BuildDomain(data DomainData, warn func(string)) DomainNode {
	d := data.Domain
	n := DomainNode{DomainInfo: DomainInfo{ID: d.ID, Name: d.Name, Status: d.Status,
		DefaultUserRole: d.DefaultUserRole, DefaultSpaceRole: d.DefaultSpaceRole},
		Users: []UserNode{}, Spaces: []SpaceNode{}}
	userApps, spaceApps := map[string][]AppNode{}, map[string][]AppNode{}
	for _, a := range data.Apps {
		if a.Status == "Deleted" {
			continue
		}
		node := AppNode{Type: a.AppType, Name: a.AppName, Status: a.Status, CreationTime: a.CreationTime}
		if a.SpaceName != "" {
			spaceApps[a.SpaceName] = append(spaceApps[a.SpaceName], node)
		} else if a.UserProfile != "" {
			userApps[a.UserProfile] = append(userApps[a.UserProfile], node)
		}
	}
	for _, u := range data.Users {
		un := UserNode{Name: u.Name, Status: u.Status, Apps: orEmpty(userApps[u.Name])}
		if e, failed := data.UserErrors[u.Name]; failed {
			un.Source, un.Error = SourceUnresolved, e
			warn("user profile " + u.Name + " in domain " + d.ID + " could not be read, so its role is unknown: " + e)
		} else {
			un.Role, un.Source = EffectiveUserRole(d, u)
			if un.Source == SourceUnresolved {
				warn("user profile " + u.Name + " in domain " + d.ID + " has no role of its own, and the domain has no default user role")
			}
		}
		n.Users = append(n.Users, un)
	}
	sort.Slice(n.Users, func(i, j int) bool { return n.Users[i].Name < n.Users[j].Name })
	byName := map[string]*UserNode{}
	for i := range n.Users {
		byName[n.Users[i].Name] = &n.Users[i]
	}
	// When each identity's role may last have changed: the profile's
	// LastModifiedTime (any update), or the domain's for what follows a
	// domain default.
	type update struct {
		t    time.Time
		what string
	}
	domainUpdate := "the last update of domain " + d.ID + ", which may have changed its default roles"
	changed := map[string]update{}
	for _, u := range data.Users {
		up := update{u.LastModifiedTime, "the last update of user profile " + u.Name + ", which may have changed its role"}
		if un := byName[u.Name]; un != nil && un.Source == SourceDomainDefault && d.LastModifiedTime.After(up.t) {
			up = update{d.LastModifiedTime, domainUpdate}
		}
		changed[u.Name] = up
		if un := byName[u.Name]; un != nil {
			markStale(un.Apps, up.t, up.what)
		}
	}
	for _, s := range data.Spaces {
		sn := SpaceNode{Name: s.Name, Status: s.Status, Sharing: s.SharingType, Owner: s.Owner, Apps: orEmpty(spaceApps[s.Name])}
		if e, failed := data.SpaceErrors[s.Name]; failed {
			sn.Source, sn.Error = SourceUnresolved, e
			warn("space " + s.Name + " in domain " + d.ID + " could not be read, so its role is unknown: " + e)
		} else {
			owner := byName[s.Owner]
			sn.Role, sn.Source = EffectiveSpaceRole(d, s, owner)
			if sn.Source == SourceUnresolved {
				warn(unresolvedSpace(d, s, owner))
			}
		}
		switch sn.Source {
		case SourceOwner:
			markStale(sn.Apps, changed[s.Owner].t, changed[s.Owner].what)
		case SourceDomainSpaceDefault:
			markStale(sn.Apps, d.LastModifiedTime, domainUpdate)
		}
		n.Spaces = append(n.Spaces, sn)
	}
	sort.Slice(n.Spaces, func(i, j int) bool { return n.Spaces[i].Name < n.Spaces[j].Name })
	return n
}

func unresolvedSpace(d awsops.Domain, s awsops.Space, owner *UserNode) string {
	where := "space " + s.Name + " in domain " + d.ID
	switch {
	case s.SharingType == awsops.SharingShared:
		return "shared " + where + " is unresolved: shared spaces run as the domain's default space role, and the domain has none"
	case s.SharingType == awsops.SharingPrivate && owner == nil:
		return "private " + where + " is unresolved: its owner " + quoteOr(s.Owner, "(none)") + " could not be read"
	case s.SharingType == awsops.SharingPrivate:
		return "private " + where + " is unresolved: its owner " + s.Owner + " has no role that could be resolved"
	}
	return where + " is unresolved: its sharing type " + quoteOr(s.SharingType, "(none)") + " is neither Private nor Shared"
}

func quoteOr(s, empty string) string {
	if s == "" {
		return empty
	}
	return s
}

func orEmpty[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
