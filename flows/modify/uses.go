package modify

import (
	"context"

	"github.com/sagerole/sagerole/flows/find"
)

// Use is one identity that runs as the role: a domain default, a user
// profile, a space or a notebook instance. A change to the role's
// permissions reaches all of them (seed 000: "al modificar una función de
// ejecución, la función de ejecución del espacio correspondiente también
// cambiará"), running apps once they restart. It is find's Use: "usedBy"
// has one shape wherever sagerole writes it.
type Use = find.Use

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
		out := find.UsesOf(t, find.RoleMatcher(roleARN))
		// Only what could not be read bears on the blast radius (it may be
		// incomplete); the rest of the account's warnings are about others.
		return out, t.Incomplete(), nil
	}
}
