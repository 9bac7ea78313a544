package main

import (
	"github.com/sagerole/sagerole/awsops"
	"github.com/sagerole/sagerole/flows/find"
)

// journalRoleChanges are the role changes sagerole's journal recorded in
// account and region: when each domain's defaults and each user profile's
// role were last set, so that find can mark the apps started before. A
// journal that cannot be read gives none: find still marks what the
// resources' LastModifiedTime shows.
func (a *app) journalRoleChanges(account, region string) []find.RoleChange {
	j, err := a.journal()
	if err != nil {
		return nil
	}
	entries, err := j.List()
	if err != nil {
		return nil
	}
	var out []find.RoleChange
	for _, e := range entries {
		if e.Account != account || e.Region != region {
			continue
		}
		for _, s := range e.Steps {
			if !s.Status.InEffect() {
				continue
			}
			t := s.Finished
			if t.IsZero() {
				t = e.Time
			}
			switch s.Op.API {
			case awsops.APIUpdateDomain:
				out = append(out, find.RoleChange{DomainID: s.Op.Args[awsops.ArgDomainID], Time: t})
			case awsops.APIUpdateUserProfile:
				out = append(out, find.RoleChange{DomainID: s.Op.Args[awsops.ArgDomainID], User: s.Op.Args[awsops.ArgUserProfile], Time: t})
			}
		}
	}
	return out
}
