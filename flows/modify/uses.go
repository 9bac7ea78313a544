package modify

import (
	"context"

	"github.com/sagerole/sagerole/flows/find"
)

// Use is one identity that runs as the role: a domain default, a user
// profile, a space or a notebook instance. A change to the role's
// permissions reaches all of them (seed 000: "al modificar una función de
// ejecución, la función de ejecución del espacio correspondiente también
// cambiará"), running apps once they restart.
type Use struct {
	Kind       string `json:"kind"` // domain-default-user-role, domain-default-space-role, user-profile, space, notebook-instance
	DomainID   string `json:"domainId,omitempty"`
	DomainName string `json:"domainName,omitempty"`
	Name       string `json:"name,omitempty"`
	// Source is where the identity's role comes from (own, domain-default,
	// owner, domain-space-default), as find reports it.
	Source      string   `json:"source,omitempty"`
	Sharing     string   `json:"sharing,omitempty"`
	Owner       string   `json:"owner,omitempty"`
	Status      string   `json:"status,omitempty"`
	RunningApps []string `json:"runningApps,omitempty"` // TYPE/NAME of apps that hold the role until restarted
}

// UsesFunc finds everything that runs as a role (by its ARN), and
// warnings about what could not be read.
type UsesFunc func(ctx context.Context, roleARN string) ([]Use, []string, error)

// AccountUses is the reverse lookup of the find flow through session s:
// one inventory of the account's domains, profiles, spaces and notebook
// instances, and the identities among them whose effective role is the
// ARN (path included). Roles are not checked: modify reads the one it
// changes.
func AccountUses(s *find.Session) UsesFunc {
	return func(ctx context.Context, roleARN string) ([]Use, []string, error) {
		t, err := s.Inventory(ctx, find.Options{SkipRoleChecks: true})
		if err != nil {
			return nil, nil, err
		}
		var out []Use
		for _, u := range find.UsesOf(t, find.RoleMatcher(roleARN)) {
			use := Use{Kind: string(u.Kind), DomainID: u.DomainID, DomainName: u.DomainName, Name: u.Name,
				Source: string(u.Source), Sharing: u.Sharing, Owner: u.Owner, Status: u.Status}
			for _, a := range u.Apps {
				if a.Running() {
					use.RunningApps = append(use.RunningApps, a.Type+"/"+a.Name)
				}
			}
			out = append(out, use)
		}
		// Only what could not be read bears on the blast radius (it may be
		// incomplete); the rest of the account's warnings are about others.
		return out, t.Incomplete(), nil
	}
}
