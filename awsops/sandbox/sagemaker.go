package sandbox

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/sagerole/sagerole/awsops"
	"github.com/sagerole/sagerole/awsops/rules"
)

const (
	apiListDomains              = "sagemaker:ListDomains"
	apiDescribeDomain           = "sagemaker:DescribeDomain"
	apiListUserProfiles         = "sagemaker:ListUserProfiles"
	apiDescribeUserProfile      = "sagemaker:DescribeUserProfile"
	apiListSpaces               = "sagemaker:ListSpaces"
	apiDescribeSpace            = "sagemaker:DescribeSpace"
	apiListApps                 = "sagemaker:ListApps"
	apiListNotebookInstances    = "sagemaker:ListNotebookInstances"
	apiDescribeNotebookInstance = "sagemaker:DescribeNotebookInstance"
	apiCreateDomain             = "sagemaker:CreateDomain"
	apiCreateNotebookInstance   = "sagemaker:CreateNotebookInstance"
	roleARNPattern              = `^arn:aws[a-z\-]*:iam::\d{12}:role/?[a-zA-Z_0-9+=,.@\-_/]+$`
	fieldDefaultUserRole        = "defaultUserSettings.executionRole"
	fieldDefaultSpaceRole       = "defaultSpaceSettings.executionRole"
	fieldUserRole               = "userSettings.executionRole"
	fieldNotebookRole           = "roleArn"
)

func (a *Account) smARN(kind, id string) string {
	return fmt.Sprintf("arn:aws:sagemaker:%s:%s:%s/%s", a.region, a.st.account, kind, id)
}

// orTime is t, or else fallback when t is not set.
func orTime(t, fallback time.Time) time.Time {
	if t.IsZero() {
		return fallback
	}
	return t
}

func smConstraint(api, value, field, rule string) error {
	return awsops.NewError(api, "ValidationException",
		fmt.Sprintf("1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: %s", value, field, rule))
}

// checkRoleShape is SageMaker's request validation of an execution role.
func checkRoleShape(api, field, arn string) error {
	if len(arn) > 2048 {
		return smConstraint(api, arn, field, "Member must have length less than or equal to 2048")
	}
	if len(arn) < 20 {
		return smConstraint(api, arn, field, "Member must have length greater than or equal to 20")
	}
	if rules.RoleARN(arn) != nil {
		return smConstraint(api, arn, field, "Member must satisfy regular expression pattern: "+roleARNPattern)
	}
	return nil
}

// checkRoleUsable is what SageMaker checks before it takes an execution
// role: that the role exists and lets sagemaker.amazonaws.com assume it.
// Like SageMaker, it does not say which of the two failed. Called with the
// lock held.
func (a *Account) checkRoleUsable(api, arn string) error {
	if r, ok := a.roleByARN(arn); ok && trustsService(string(r.TrustPolicy), sageMakerService) {
		return nil
	}
	return awsops.NewError(api, "ValidationException", fmt.Sprintf(
		"The execution role ARN %q is invalid. Please ensure that the role exists and that its trust relationship policy allows the action %q for the service principal %q.",
		arn, "sts:AssumeRole", sageMakerService))
}

func (a *Account) domainLocked(api, id string) (*domain, error) {
	d, ok := a.st.domains[id]
	if !ok {
		return nil, awsops.NewError(api, "ResourceNotFound", fmt.Sprintf("Domain %s does not exist.", a.smARN("domain", id)))
	}
	return d, nil
}

func (a *Account) profileLocked(api, domainID, name string) (*domain, *fileProfile, error) {
	var p *fileProfile
	d, ok := a.st.domains[domainID]
	if ok {
		p, ok = d.profiles[name]
	}
	if !ok {
		return nil, nil, awsops.NewError(api, "ResourceNotFound",
			fmt.Sprintf("User profile %s does not exist.", a.smARN("user-profile", domainID+"/"+name)))
	}
	return d, p, nil
}

func (a *Account) spaceLocked(api, domainID, name string) (*fileSpace, error) {
	var s *fileSpace
	d, ok := a.st.domains[domainID]
	if ok {
		s, ok = d.spaces[name]
	}
	if !ok {
		return nil, awsops.NewError(api, "ResourceNotFound",
			fmt.Sprintf("Space %s does not exist.", a.smARN("space", domainID+"/"+name)))
	}
	return s, nil
}

func (a *Account) notebookLocked(api, name string) (*fileNotebook, error) {
	n, ok := a.st.notebooks[name]
	if !ok {
		// SageMaker says ValidationException "RecordNotFound" here; the
		// Kind says what it means.
		return nil, &awsops.Error{Kind: awsops.KindNotFound, API: api, Code: "ValidationException", Message: "RecordNotFound"}
	}
	return n, nil
}

func (a *Account) notebookARN(name string) string {
	// SageMaker lower-cases notebook instance names in their ARNs.
	return a.smARN("notebook-instance", strings.ToLower(name))
}

// settle moves a status on after it has been reported once: Updating is
// seen by one Describe, the next sees InService. The move is committed like
// a write. Called with the lock held.
func (a *Account) settle(api string, status, next *string) error {
	if *next == "" {
		return nil
	}
	*status, *next = *next, ""
	return a.commit(api)
}

// DescribeDomain is sagemaker:DescribeDomain.
func (a *Account) DescribeDomain(ctx context.Context, domainID string) (awsops.Domain, error) {
	if err := a.call(ctx, apiDescribeDomain); err != nil {
		return awsops.Domain{}, err
	}
	defer a.leave()
	d, err := a.domainLocked(apiDescribeDomain, domainID)
	if err != nil {
		return awsops.Domain{}, err
	}
	out := awsops.Domain{ID: d.ID, Name: d.Name, ARN: a.smARN("domain", d.ID), Status: d.Status,
		DefaultUserRole: d.DefaultUserRole, DefaultSpaceRole: d.DefaultSpaceRole, LastModifiedTime: orTime(d.LastModifiedTime, d.CreationTime)}
	if err := a.settle(apiDescribeDomain, &d.Status, &d.NextStatus); err != nil {
		return awsops.Domain{}, err
	}
	return out, nil
}

// DescribeUserProfile is sagemaker:DescribeUserProfile.
func (a *Account) DescribeUserProfile(ctx context.Context, domainID, name string) (awsops.UserProfile, error) {
	if err := a.call(ctx, apiDescribeUserProfile); err != nil {
		return awsops.UserProfile{}, err
	}
	defer a.leave()
	_, p, err := a.profileLocked(apiDescribeUserProfile, domainID, name)
	if err != nil {
		return awsops.UserProfile{}, err
	}
	out := awsops.UserProfile{DomainID: domainID, Name: p.Name, ARN: a.smARN("user-profile", domainID+"/"+p.Name),
		Status: p.Status, ExecutionRole: p.ExecutionRole, LastModifiedTime: orTime(p.LastModifiedTime, p.CreationTime)}
	if err := a.settle(apiDescribeUserProfile, &p.Status, &p.NextStatus); err != nil {
		return awsops.UserProfile{}, err
	}
	return out, nil
}

// DescribeSpace is sagemaker:DescribeSpace.
func (a *Account) DescribeSpace(ctx context.Context, domainID, name string) (awsops.Space, error) {
	if err := a.call(ctx, apiDescribeSpace); err != nil {
		return awsops.Space{}, err
	}
	defer a.leave()
	s, err := a.spaceLocked(apiDescribeSpace, domainID, name)
	if err != nil {
		return awsops.Space{}, err
	}
	return awsops.Space{DomainID: domainID, Name: s.Name, ARN: a.smARN("space", domainID+"/"+s.Name), Status: s.Status,
		SharingType: s.SharingType, Owner: s.Owner}, nil
}

// DescribeNotebookInstance is sagemaker:DescribeNotebookInstance.
func (a *Account) DescribeNotebookInstance(ctx context.Context, name string) (awsops.NotebookInstance, error) {
	if err := a.call(ctx, apiDescribeNotebookInstance); err != nil {
		return awsops.NotebookInstance{}, err
	}
	defer a.leave()
	n, err := a.notebookLocked(apiDescribeNotebookInstance, name)
	if err != nil {
		return awsops.NotebookInstance{}, err
	}
	out := awsops.NotebookInstance{Name: n.Name, ARN: a.notebookARN(n.Name), Status: n.Status, RoleARN: n.RoleARN, InstanceType: n.InstanceType}
	if err := a.settle(apiDescribeNotebookInstance, &n.Status, &n.NextStatus); err != nil {
		return awsops.NotebookInstance{}, err
	}
	return out, nil
}

// UpdateDomainRoles is sagemaker:UpdateDomain with DefaultUserSettings
// and/or DefaultSpaceSettings.ExecutionRole. The domain reports Updating
// to the next DescribeDomain, then InService.
func (a *Account) UpdateDomainRoles(ctx context.Context, domainID string, roles awsops.DomainRoles) error {
	const api = awsops.APIUpdateDomain
	if err := a.begin(ctx, api); err != nil {
		return err
	}
	type change struct {
		field, arn string
		dst        func(*domain) *string
	}
	var changes []change
	if roles.DefaultUserRole != nil {
		changes = append(changes, change{fieldDefaultUserRole, *roles.DefaultUserRole, func(d *domain) *string { return &d.DefaultUserRole }})
	}
	if roles.DefaultSpaceRole != nil {
		changes = append(changes, change{fieldDefaultSpaceRole, *roles.DefaultSpaceRole, func(d *domain) *string { return &d.DefaultSpaceRole }})
	}
	for _, c := range changes {
		if err := checkRoleShape(api, c.field, c.arn); err != nil {
			return err
		}
	}
	if err := a.enter(ctx, api); err != nil {
		return err
	}
	defer a.leave()
	d, err := a.domainLocked(api, domainID)
	if err != nil {
		return err
	}
	for _, c := range changes {
		if err := a.checkRoleUsable(api, c.arn); err != nil {
			return err
		}
	}
	for _, c := range changes {
		*c.dst(d) = c.arn
	}
	d.LastModifiedTime = a.tick()
	d.Status, d.NextStatus = awsops.StatusUpdating, awsops.StatusInService
	return a.commit(api)
}

// UpdateUserProfileRole is sagemaker:UpdateUserProfile with
// UserSettings.ExecutionRole. The profile reports Updating to the next
// DescribeUserProfile, then InService.
func (a *Account) UpdateUserProfileRole(ctx context.Context, domainID, name, roleARN string) error {
	const api = awsops.APIUpdateUserProfile
	if err := a.begin(ctx, api); err != nil {
		return err
	}
	if err := checkRoleShape(api, fieldUserRole, roleARN); err != nil {
		return err
	}
	if err := a.enter(ctx, api); err != nil {
		return err
	}
	defer a.leave()
	_, p, err := a.profileLocked(api, domainID, name)
	if err != nil {
		return err
	}
	if err := a.checkRoleUsable(api, roleARN); err != nil {
		return err
	}
	p.ExecutionRole = roleARN
	p.LastModifiedTime = a.tick()
	p.Status, p.NextStatus = awsops.StatusUpdating, awsops.StatusInService
	return a.commit(api)
}

// notebookTransition refuses a change a notebook instance's status does not
// allow, in SageMaker's words.
func (a *Account) notebookTransition(api string, n *fileNotebook, to string, from ...string) error {
	for _, f := range from {
		if n.Status == f {
			return nil
		}
	}
	return awsops.NewError(api, "ValidationException", fmt.Sprintf(
		"Status (%s) not in ([%s]). Unable to transition to (%s) for Notebook Instance (%s).",
		n.Status, strings.Join(from, ", "), to, a.notebookARN(n.Name)))
}

// UpdateNotebookInstanceRole is sagemaker:UpdateNotebookInstance with
// RoleArn: only while the instance is Stopped (or Failed). It reports
// Updating to the next describe, then Stopped.
func (a *Account) UpdateNotebookInstanceRole(ctx context.Context, name, roleARN string) error {
	const api = awsops.APIUpdateNotebookInstance
	if err := a.begin(ctx, api); err != nil {
		return err
	}
	if err := checkRoleShape(api, fieldNotebookRole, roleARN); err != nil {
		return err
	}
	if err := a.enter(ctx, api); err != nil {
		return err
	}
	defer a.leave()
	n, err := a.notebookLocked(api, name)
	if err != nil {
		return err
	}
	if err := a.notebookTransition(api, n, awsops.StatusUpdating, awsops.StatusStopped, awsops.StatusFailed); err != nil {
		return err
	}
	if err := a.checkRoleUsable(api, roleARN); err != nil {
		return err
	}
	n.RoleARN = roleARN
	n.Status, n.NextStatus = awsops.StatusUpdating, awsops.StatusStopped
	return a.commit(api)
}

// StopNotebookInstance is sagemaker:StopNotebookInstance: InService →
// Stopping (reported once) → Stopped.
func (a *Account) StopNotebookInstance(ctx context.Context, name string) error {
	const api = awsops.APIStopNotebookInstance
	if err := a.call(ctx, api); err != nil {
		return err
	}
	defer a.leave()
	n, err := a.notebookLocked(api, name)
	if err != nil {
		return err
	}
	if err := a.notebookTransition(api, n, awsops.StatusStopping, awsops.StatusInService); err != nil {
		return err
	}
	n.Status, n.NextStatus = awsops.StatusStopping, awsops.StatusStopped
	return a.commit(api)
}

// StartNotebookInstance is sagemaker:StartNotebookInstance: Stopped (or
// Failed) → Pending (reported once) → InService.
func (a *Account) StartNotebookInstance(ctx context.Context, name string) error {
	const api = awsops.APIStartNotebookInstance
	if err := a.call(ctx, api); err != nil {
		return err
	}
	defer a.leave()
	n, err := a.notebookLocked(api, name)
	if err != nil {
		return err
	}
	if err := a.notebookTransition(api, n, awsops.StatusPending, awsops.StatusStopped, awsops.StatusFailed); err != nil {
		return err
	}
	n.Status, n.NextStatus = awsops.StatusPending, awsops.StatusInService
	return a.commit(api)
}
