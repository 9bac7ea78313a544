package undo

import (
	"fmt"

	"github.com/sagerole/sagerole/awsops"
	"github.com/sagerole/sagerole/flows/find"
	"github.com/sagerole/sagerole/flows/modify"
)

// move is a SageMaker step of the undo that points identities at another
// role: a domain default, a user profile, a notebook instance.
type move struct {
	op       awsops.Op
	sentence string
}

func movesOf(steps []awsops.Op) []move {
	var out []move
	for _, op := range steps {
		a := op.Args
		switch op.API {
		case awsops.APIUpdateDomain:
			if v, ok := a[awsops.ArgDefaultUserRole]; ok {
				out = append(out, move{op, fmt.Sprintf("undo sets the default user role of domain %s to %s: every user profile without a role of its own moves with it", a[awsops.ArgDomainID], v)})
			}
			if v, ok := a[awsops.ArgDefaultSpaceRole]; ok {
				out = append(out, move{op, fmt.Sprintf("undo sets the default space role of domain %s to %s: every shared space moves with it", a[awsops.ArgDomainID], v)})
			}
		case awsops.APIUpdateUserProfile:
			out = append(out, move{op, fmt.Sprintf("undo sets the role of user profile %s (%s) to %s, with its private spaces", a[awsops.ArgUserProfile], a[awsops.ArgDomainID], a[awsops.ArgExecutionRole])})
		case awsops.APIUpdateNotebookInstance:
			out = append(out, move{op, fmt.Sprintf("undo sets the role of notebook instance %s to %s", a[awsops.ArgNotebook], a[awsops.ArgExecutionRole])})
		}
	}
	return out
}

// moves reports whether the step points use at a role other than roleARN
// (so that it no longer runs as it once the undo has run).
func (m move) moves(use modify.Use, roleARN string) bool {
	a := m.op.Args
	away := func(to string) bool { return !find.RoleMatcher(roleARN)(to) }
	switch m.op.API {
	case awsops.APIUpdateDomain:
		if use.DomainID != a[awsops.ArgDomainID] {
			return false
		}
		if v, ok := a[awsops.ArgDefaultUserRole]; ok && away(v) {
			switch {
			case use.Kind == find.UseDefaultUserRole,
				use.Kind == find.UseUser && use.Source == find.SourceDomainDefault:
				return true
			}
		}
		if v, ok := a[awsops.ArgDefaultSpaceRole]; ok && away(v) {
			switch {
			case use.Kind == find.UseDefaultSpaceRole,
				use.Kind == find.UseSpace && use.Sharing == awsops.SharingShared:
				return true
			}
		}
	case awsops.APIUpdateUserProfile:
		if use.DomainID != a[awsops.ArgDomainID] || !away(a[awsops.ArgExecutionRole]) {
			return false
		}
		user := a[awsops.ArgUserProfile]
		return use.Kind == find.UseUser && use.Name == user ||
			use.Kind == find.UseSpace && use.Sharing == awsops.SharingPrivate && use.Owner == user
	case awsops.APIUpdateNotebookInstance:
		return use.Kind == find.UseNotebook && use.Name == a[awsops.ArgNotebook] && away(a[awsops.ArgExecutionRole])
	}
	return false
}
