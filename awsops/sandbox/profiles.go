package sandbox

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/sagerole/sagerole/awsops"
)

// Instance profiles are kept on the role that they hold: sagerole only
// reads them (iam:DeleteRole refuses a role that is in one), and only the
// fixtures below put a role in one.

const (
	apiListInstanceProfilesForRole   = "iam:ListInstanceProfilesForRole"
	apiAddRoleToInstanceProfile      = "iam:AddRoleToInstanceProfile"
	apiRemoveRoleFromInstanceProfile = "iam:RemoveRoleFromInstanceProfile"
)

// ListInstanceProfilesForRole is iam:ListInstanceProfilesForRole: the names
// of the instance profiles that hold the role, in name order.
func (a *Account) ListInstanceProfilesForRole(ctx context.Context, roleName string) ([]string, error) {
	if err := a.call(ctx, apiListInstanceProfilesForRole); err != nil {
		return nil, err
	}
	defer a.leave()
	r, err := a.roleLocked(apiListInstanceProfilesForRole, roleName)
	if err != nil {
		return nil, err
	}
	out := slices.Clone(r.InstanceProfiles)
	slices.Sort(out)
	if out == nil {
		out = []string{}
	}
	return out, nil
}

// profileHolderLocked is the role that instance profile name holds, if any.
func (a *Account) profileHolderLocked(name string) *role {
	for _, k := range slices.Sorted(maps.Keys(a.st.roles)) {
		if slices.Contains(a.st.roles[k].InstanceProfiles, name) {
			return a.st.roles[k]
		}
	}
	return nil
}

// AddRoleToInstanceProfile is iam:CreateInstanceProfile (when the profile
// does not exist yet) and iam:AddRoleToInstanceProfile, a fixture: an
// instance profile holds at most one role, as in IAM.
func (a *Account) AddRoleToInstanceProfile(ctx context.Context, profile, roleName string) error {
	const api = apiAddRoleToInstanceProfile
	if err := a.begin(ctx, api); err != nil {
		return err
	}
	if err := checkName(api, "instanceProfileName", profile, 128); err != nil {
		return err
	}
	if err := a.enter(ctx, api); err != nil {
		return err
	}
	defer a.leave()
	r, err := a.roleLocked(api, roleName)
	if err != nil {
		return err
	}
	if holder := a.profileHolderLocked(profile); holder != nil {
		return awsops.NewError(api, "LimitExceeded", "Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1")
	}
	r.InstanceProfiles = append(r.InstanceProfiles, profile)
	return a.commit(api)
}

// RemoveRoleFromInstanceProfile is iam:RemoveRoleFromInstanceProfile, a
// fixture.
func (a *Account) RemoveRoleFromInstanceProfile(ctx context.Context, profile, roleName string) error {
	const api = apiRemoveRoleFromInstanceProfile
	if err := a.call(ctx, api); err != nil {
		return err
	}
	defer a.leave()
	r, err := a.roleLocked(api, roleName)
	if err != nil {
		return err
	}
	i := slices.IndexFunc(r.InstanceProfiles, func(p string) bool { return strings.EqualFold(p, profile) })
	if i < 0 {
		return awsops.NewError(api, "NoSuchEntity", fmt.Sprintf("Instance profile %s cannot be found.", profile))
	}
	r.InstanceProfiles = slices.Delete(r.InstanceProfiles, i, i+1)
	return a.commit(api)
}
