package sandbox

import (
	"context"
	"crypto/sha256"
	"encoding/base32"
	"fmt"
	"regexp"
	"strings"

	"github.com/sagerole/sagerole/awsops"
)

// The fixtures create what sagerole itself never creates: domains, user
// profiles, spaces, apps and notebook instances, for tests and benchmarks.

var sageMakerNameRE = regexp.MustCompile(`^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$`)

func checkSageMakerName(api, field, name string) error {
	if !sageMakerNameRE.MatchString(name) {
		return smConstraint(api, name, field, "Member must satisfy regular expression pattern: ^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}")
	}
	return nil
}

// CreateDomain is sagemaker:CreateDomain with the two default roles
// (spaceRoleARN "" for none); SageMaker checks them as UpdateDomain does.
// The domain is InService at once and its ID is derived from its name and
// the clock, so it is the same every run.
func (a *Account) CreateDomain(ctx context.Context, name, userRoleARN, spaceRoleARN string) (string, error) {
	const api = apiCreateDomain
	if err := a.begin(ctx, api); err != nil {
		return "", err
	}
	if err := checkSageMakerName(api, "domainName", name); err != nil {
		return "", err
	}
	if err := checkRoleShape(api, fieldDefaultUserRole, userRoleARN); err != nil {
		return "", err
	}
	if spaceRoleARN != "" {
		if err := checkRoleShape(api, fieldDefaultSpaceRole, spaceRoleARN); err != nil {
			return "", err
		}
	}
	if err := a.enter(ctx, api); err != nil {
		return "", err
	}
	defer a.leave()
	if err := a.checkRoleUsable(api, userRoleARN); err != nil {
		return "", err
	}
	if spaceRoleARN != "" {
		if err := a.checkRoleUsable(api, spaceRoleARN); err != nil {
			return "", err
		}
	}
	created := a.tick()
	id := ""
	for i := 0; id == "" || a.st.domains[id] != nil; i++ {
		sum := sha256.Sum256(fmt.Appendf(nil, "%s/%s/%s/%d", a.st.account, name, created, i))
		id = "d-" + strings.ToLower(base32.StdEncoding.EncodeToString(sum[:]))[:12]
	}
	a.st.domains[id] = &domain{fileDomain: fileDomain{ID: id, Name: name, Status: awsops.StatusInService, CreationTime: created,
		DefaultUserRole: userRoleARN, DefaultSpaceRole: spaceRoleARN},
		profiles: map[string]*fileProfile{}, spaces: map[string]*fileSpace{}}
	if err := a.commit(api); err != nil {
		return "", err
	}
	return id, nil
}

// CreateNotebookInstance is sagemaker:CreateNotebookInstance (ml.t3.medium);
// the instance is InService at once.
func (a *Account) CreateNotebookInstance(ctx context.Context, name, roleARN string) error {
	const api = apiCreateNotebookInstance
	if err := a.begin(ctx, api); err != nil {
		return err
	}
	if err := checkSageMakerName(api, "notebookInstanceName", name); err != nil {
		return err
	}
	if err := checkRoleShape(api, fieldNotebookRole, roleARN); err != nil {
		return err
	}
	if err := a.enter(ctx, api); err != nil {
		return err
	}
	defer a.leave()
	for _, n := range a.st.notebooks {
		if strings.EqualFold(n.Name, name) {
			return awsops.NewError(api, "ValidationException",
				fmt.Sprintf("Cannot create a duplicate Notebook Instance (%s)", a.notebookARN(name)))
		}
	}
	if err := a.checkRoleUsable(api, roleARN); err != nil {
		return err
	}
	a.st.notebooks[name] = &fileNotebook{Name: name, Status: awsops.StatusInService, InstanceType: "ml.t3.medium",
		CreationTime: a.tick(), RoleARN: roleARN}
	return a.commit(api)
}

// AddUserProfile adds a user profile to a domain. roleARN is its own
// execution role, "" to inherit the domain's; it is not checked, so that a
// test can point a profile at a role that does not exist (or no longer
// does). It bypasses latency and faults: it is setup, not a call under test.
func (a *Account) AddUserProfile(domainID, name, roleARN string) error {
	const api = "sagemaker:CreateUserProfile"
	if err := checkSageMakerName(api, "userProfileName", name); err != nil {
		return err
	}
	if err := a.enter(context.Background(), api); err != nil {
		return err
	}
	defer a.leave()
	d, err := a.domainLocked(api, domainID)
	if err != nil {
		return err
	}
	if _, ok := d.profiles[name]; ok {
		return awsops.NewError(api, "ResourceInUse", fmt.Sprintf("Resource Already Exists: UserProfile with name %s already exists. Choose a different name.", name))
	}
	d.profiles[name] = &fileProfile{Name: name, Status: awsops.StatusInService, CreationTime: a.tick(), ExecutionRole: roleARN}
	return a.commit(api)
}

// AddSpace adds a space to a domain: sharing is Private or Shared; owner is
// the user profile that owns it (required for a private space).
func (a *Account) AddSpace(domainID, name, sharing, owner string) error {
	const api = "sagemaker:CreateSpace"
	if err := checkSageMakerName(api, "spaceName", name); err != nil {
		return err
	}
	if sharing != awsops.SharingPrivate && sharing != awsops.SharingShared {
		return smConstraint(api, sharing, "spaceSharingSettings.sharingType", "Member must satisfy enum value set: [Private, Shared]")
	}
	if sharing == awsops.SharingPrivate && owner == "" {
		return awsops.NewError(api, "ValidationException", "OwnershipSettings must be specified for a Private space.")
	}
	if err := a.enter(context.Background(), api); err != nil {
		return err
	}
	defer a.leave()
	d, err := a.domainLocked(api, domainID)
	if err != nil {
		return err
	}
	if _, ok := d.spaces[name]; ok {
		return awsops.NewError(api, "ResourceInUse", fmt.Sprintf("Resource Already Exists: Space with name %s already exists. Choose a different name.", name))
	}
	if owner != "" {
		if _, _, err := a.profileLocked(api, domainID, owner); err != nil {
			return err
		}
	}
	d.spaces[name] = &fileSpace{Name: name, Status: awsops.StatusInService, SharingType: sharing, Owner: owner}
	return a.commit(api)
}

// AddApp adds an app to app.DomainID, in a space (SpaceName) or of a user
// profile (UserProfile, for Canvas and the like). An empty Status is
// InService.
func (a *Account) AddApp(app awsops.App) error {
	const api = "sagemaker:CreateApp"
	if (app.SpaceName == "") == (app.UserProfile == "") {
		return awsops.NewError(api, "ValidationException", "Exactly one of UserProfileName and SpaceName must be specified.")
	}
	if app.AppType == "" {
		return smConstraint(api, app.AppType, "appType", "Member must not be null")
	}
	if app.AppName == "" {
		app.AppName = "default"
	}
	if app.Status == "" {
		app.Status = awsops.StatusInService
	}
	if err := a.enter(context.Background(), api); err != nil {
		return err
	}
	defer a.leave()
	d, err := a.domainLocked(api, app.DomainID)
	if err != nil {
		return err
	}
	if app.SpaceName != "" {
		if _, err := a.spaceLocked(api, app.DomainID, app.SpaceName); err != nil {
			return err
		}
	}
	if app.UserProfile != "" {
		if _, _, err := a.profileLocked(api, app.DomainID, app.UserProfile); err != nil {
			return err
		}
	}
	d.apps = append(d.apps, &fileApp{UserProfile: app.UserProfile, SpaceName: app.SpaceName, AppType: app.AppType,
		AppName: app.AppName, Status: app.Status, CreationTime: app.CreationTime})
	return a.commit(api)
}
