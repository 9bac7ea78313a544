package awsapi

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sagemaker"
	smtypes "github.com/aws/aws-sdk-go-v2/service/sagemaker/types"

	"github.com/sagerole/sagerole/awsops"
)

// ListDomains is sagemaker:ListDomains over every page, MaxPageSize at a
// time.
func (b *Backend) ListDomains(ctx context.Context) ([]awsops.DomainSummary, error) {
	var out []awsops.DomainSummary
	p := sagemaker.NewListDomainsPaginator(b.sm, &sagemaker.ListDomainsInput{MaxResults: maxResults(awsops.MaxPageSize)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, wrap("sagemaker:ListDomains", err)
		}
		for _, d := range page.Domains {
			out = append(out, awsops.DomainSummary{
				ID:     aws.ToString(d.DomainId),
				Name:   aws.ToString(d.DomainName),
				ARN:    aws.ToString(d.DomainArn),
				Status: string(d.Status),
			})
		}
	}
	return out, nil
}

// maxResults is a page size as SageMaker takes it: nil (its default, 10)
// for 0.
func maxResults(size int) *int32 {
	if size <= 0 {
		return nil
	}
	return aws.Int32(int32(size))
}

// token is a NextToken as the SDK takes it: nil for the first page.
func token(t string) *string {
	if t == "" {
		return nil
	}
	return aws.String(t)
}

// DescribeDomain is sagemaker:DescribeDomain.
func (b *Backend) DescribeDomain(ctx context.Context, domainID string) (awsops.Domain, error) {
	out, err := b.sm.DescribeDomain(ctx, &sagemaker.DescribeDomainInput{DomainId: aws.String(domainID)})
	if err != nil {
		return awsops.Domain{}, wrap("sagemaker:DescribeDomain", err)
	}
	d := awsops.Domain{
		ID:               aws.ToString(out.DomainId),
		Name:             aws.ToString(out.DomainName),
		ARN:              aws.ToString(out.DomainArn),
		Status:           string(out.Status),
		FailureReason:    aws.ToString(out.FailureReason),
		LastModifiedTime: aws.ToTime(out.LastModifiedTime),
	}
	if out.DefaultUserSettings != nil {
		d.DefaultUserRole = aws.ToString(out.DefaultUserSettings.ExecutionRole)
	}
	if out.DefaultSpaceSettings != nil {
		d.DefaultSpaceRole = aws.ToString(out.DefaultSpaceSettings.ExecutionRole)
	}
	return d, nil
}

// ListUserProfiles is sagemaker:ListUserProfiles over every page. The list
// has no execution role; DescribeUserProfile does.
func (b *Backend) ListUserProfiles(ctx context.Context, domainID string) ([]awsops.UserProfile, error) {
	return awsops.AllPages(ctx, awsops.MaxPageSize, func(ctx context.Context, q awsops.PageQuery) ([]awsops.UserProfile, string, error) {
		return b.ListUserProfilesPage(ctx, domainID, q)
	})
}

// ListUserProfilesPage is one page of sagemaker:ListUserProfiles.
func (b *Backend) ListUserProfilesPage(ctx context.Context, domainID string, q awsops.PageQuery) ([]awsops.UserProfile, string, error) {
	page, err := b.sm.ListUserProfiles(ctx, &sagemaker.ListUserProfilesInput{DomainIdEquals: aws.String(domainID),
		MaxResults: maxResults(q.Size), NextToken: token(q.Token)})
	if err != nil {
		return nil, "", wrap("sagemaker:ListUserProfiles", err)
	}
	out := make([]awsops.UserProfile, 0, len(page.UserProfiles))
	for _, u := range page.UserProfiles {
		out = append(out, awsops.UserProfile{
			DomainID: aws.ToString(u.DomainId),
			Name:     aws.ToString(u.UserProfileName),
			Status:   string(u.Status),
		})
	}
	return out, aws.ToString(page.NextToken), nil
}

// DescribeUserProfile is sagemaker:DescribeUserProfile. ExecutionRole is
// empty when the profile has no UserSettings.ExecutionRole of its own.
func (b *Backend) DescribeUserProfile(ctx context.Context, domainID, name string) (awsops.UserProfile, error) {
	out, err := b.sm.DescribeUserProfile(ctx, &sagemaker.DescribeUserProfileInput{DomainId: aws.String(domainID), UserProfileName: aws.String(name)})
	if err != nil {
		return awsops.UserProfile{}, wrap("sagemaker:DescribeUserProfile", err)
	}
	u := awsops.UserProfile{
		DomainID:         aws.ToString(out.DomainId),
		Name:             aws.ToString(out.UserProfileName),
		ARN:              aws.ToString(out.UserProfileArn),
		Status:           string(out.Status),
		FailureReason:    aws.ToString(out.FailureReason),
		LastModifiedTime: aws.ToTime(out.LastModifiedTime),
	}
	if out.UserSettings != nil {
		u.ExecutionRole = aws.ToString(out.UserSettings.ExecutionRole)
	}
	return u, nil
}

// ListSpaces is sagemaker:ListSpaces over every page.
func (b *Backend) ListSpaces(ctx context.Context, domainID string) ([]awsops.Space, error) {
	return awsops.AllPages(ctx, awsops.MaxPageSize, func(ctx context.Context, q awsops.PageQuery) ([]awsops.Space, string, error) {
		return b.ListSpacesPage(ctx, domainID, q)
	})
}

// ListSpacesPage is one page of sagemaker:ListSpaces. Its items carry the
// sharing type and the owner (the summaries of DescribeSpace's settings).
func (b *Backend) ListSpacesPage(ctx context.Context, domainID string, q awsops.PageQuery) ([]awsops.Space, string, error) {
	page, err := b.sm.ListSpaces(ctx, &sagemaker.ListSpacesInput{DomainIdEquals: aws.String(domainID),
		MaxResults: maxResults(q.Size), NextToken: token(q.Token)})
	if err != nil {
		return nil, "", wrap("sagemaker:ListSpaces", err)
	}
	out := make([]awsops.Space, 0, len(page.Spaces))
	for _, s := range page.Spaces {
		sp := awsops.Space{
			DomainID: aws.ToString(s.DomainId),
			Name:     aws.ToString(s.SpaceName),
			Status:   string(s.Status),
		}
		if s.SpaceSharingSettingsSummary != nil {
			sp.SharingType = string(s.SpaceSharingSettingsSummary.SharingType)
		}
		if s.OwnershipSettingsSummary != nil {
			sp.Owner = aws.ToString(s.OwnershipSettingsSummary.OwnerUserProfileName)
		}
		out = append(out, sp)
	}
	return out, aws.ToString(page.NextToken), nil
}

// DescribeSpace is sagemaker:DescribeSpace.
func (b *Backend) DescribeSpace(ctx context.Context, domainID, name string) (awsops.Space, error) {
	out, err := b.sm.DescribeSpace(ctx, &sagemaker.DescribeSpaceInput{DomainId: aws.String(domainID), SpaceName: aws.String(name)})
	if err != nil {
		return awsops.Space{}, wrap("sagemaker:DescribeSpace", err)
	}
	sp := awsops.Space{
		DomainID: aws.ToString(out.DomainId),
		Name:     aws.ToString(out.SpaceName),
		ARN:      aws.ToString(out.SpaceArn),
		Status:   string(out.Status),
	}
	if out.SpaceSharingSettings != nil {
		sp.SharingType = string(out.SpaceSharingSettings.SharingType)
	}
	if out.OwnershipSettings != nil {
		sp.Owner = aws.ToString(out.OwnershipSettings.OwnerUserProfileName)
	}
	return sp, nil
}

// ListApps is sagemaker:ListApps of a domain over every page.
func (b *Backend) ListApps(ctx context.Context, domainID string) ([]awsops.App, error) {
	return awsops.AllPages(ctx, awsops.MaxPageSize, func(ctx context.Context, q awsops.PageQuery) ([]awsops.App, string, error) {
		return b.ListAppsPage(ctx, awsops.AppFilter{DomainID: domainID}, q)
	})
}

// ListAppsPage is one page of sagemaker:ListApps with the filters of f.
func (b *Backend) ListAppsPage(ctx context.Context, f awsops.AppFilter, q awsops.PageQuery) ([]awsops.App, string, error) {
	in := &sagemaker.ListAppsInput{DomainIdEquals: aws.String(f.DomainID), MaxResults: maxResults(q.Size), NextToken: token(q.Token)}
	if f.UserProfile != "" {
		in.UserProfileNameEquals = aws.String(f.UserProfile)
	}
	if f.Space != "" {
		in.SpaceNameEquals = aws.String(f.Space)
	}
	page, err := b.sm.ListApps(ctx, in)
	if err != nil {
		return nil, "", wrap("sagemaker:ListApps", err)
	}
	out := make([]awsops.App, 0, len(page.Apps))
	for _, a := range page.Apps {
		out = append(out, awsops.App{
			DomainID:     aws.ToString(a.DomainId),
			UserProfile:  aws.ToString(a.UserProfileName),
			SpaceName:    aws.ToString(a.SpaceName),
			AppType:      string(a.AppType),
			AppName:      aws.ToString(a.AppName),
			Status:       string(a.Status),
			CreationTime: aws.ToTime(a.CreationTime),
		})
	}
	return out, aws.ToString(page.NextToken), nil
}

// ListNotebookInstances is sagemaker:ListNotebookInstances over every page.
// AWS's list has no role: RoleARN is left empty, as ListUserProfiles leaves
// ExecutionRole; DescribeNotebookInstance has it.
func (b *Backend) ListNotebookInstances(ctx context.Context) ([]awsops.NotebookInstance, error) {
	return awsops.AllPages(ctx, awsops.MaxPageSize, b.ListNotebookInstancesPage)
}

// ListNotebookInstancesPage is one page of sagemaker:ListNotebookInstances.
func (b *Backend) ListNotebookInstancesPage(ctx context.Context, q awsops.PageQuery) ([]awsops.NotebookInstance, string, error) {
	page, err := b.sm.ListNotebookInstances(ctx, &sagemaker.ListNotebookInstancesInput{MaxResults: maxResults(q.Size), NextToken: token(q.Token)})
	if err != nil {
		return nil, "", wrap("sagemaker:ListNotebookInstances", err)
	}
	out := make([]awsops.NotebookInstance, 0, len(page.NotebookInstances))
	for _, n := range page.NotebookInstances {
		out = append(out, awsops.NotebookInstance{
			Name:         aws.ToString(n.NotebookInstanceName),
			ARN:          aws.ToString(n.NotebookInstanceArn),
			Status:       string(n.NotebookInstanceStatus),
			InstanceType: string(n.InstanceType),
		})
	}
	return out, aws.ToString(page.NextToken), nil
}

// DescribeNotebookInstance is sagemaker:DescribeNotebookInstance.
func (b *Backend) DescribeNotebookInstance(ctx context.Context, name string) (awsops.NotebookInstance, error) {
	out, err := b.sm.DescribeNotebookInstance(ctx, &sagemaker.DescribeNotebookInstanceInput{NotebookInstanceName: aws.String(name)})
	if err != nil {
		return awsops.NotebookInstance{}, wrap("sagemaker:DescribeNotebookInstance", err)
	}
	return awsops.NotebookInstance{
		Name:          aws.ToString(out.NotebookInstanceName),
		ARN:           aws.ToString(out.NotebookInstanceArn),
		Status:        string(out.NotebookInstanceStatus),
		RoleARN:       aws.ToString(out.RoleArn),
		InstanceType:  string(out.InstanceType),
		FailureReason: aws.ToString(out.FailureReason),
	}, nil
}

// UpdateDomainRoles is sagemaker:UpdateDomain with only the settings that
// change: an absent DefaultUserSettings or DefaultSpaceSettings leaves the
// domain's value as it is, so nothing else is sent.
func (b *Backend) UpdateDomainRoles(ctx context.Context, domainID string, roles awsops.DomainRoles) error {
	in := &sagemaker.UpdateDomainInput{DomainId: aws.String(domainID)}
	if roles.DefaultUserRole != nil {
		in.DefaultUserSettings = &smtypes.UserSettings{ExecutionRole: aws.String(*roles.DefaultUserRole)}
	}
	if roles.DefaultSpaceRole != nil {
		in.DefaultSpaceSettings = &smtypes.DefaultSpaceSettings{ExecutionRole: aws.String(*roles.DefaultSpaceRole)}
	}
	_, err := b.sm.UpdateDomain(ctx, in)
	return wrap("sagemaker:UpdateDomain", err)
}

// UpdateUserProfileRole is sagemaker:UpdateUserProfile setting
// UserSettings.ExecutionRole and nothing else.
func (b *Backend) UpdateUserProfileRole(ctx context.Context, domainID, name, roleARN string) error {
	_, err := b.sm.UpdateUserProfile(ctx, &sagemaker.UpdateUserProfileInput{
		DomainId:        aws.String(domainID),
		UserProfileName: aws.String(name),
		UserSettings:    &smtypes.UserSettings{ExecutionRole: aws.String(roleARN)},
	})
	return wrap("sagemaker:UpdateUserProfile", err)
}

// UpdateNotebookInstanceRole is sagemaker:UpdateNotebookInstance setting
// RoleArn; AWS accepts it only while the instance is Stopped.
func (b *Backend) UpdateNotebookInstanceRole(ctx context.Context, name, roleARN string) error {
	_, err := b.sm.UpdateNotebookInstance(ctx, &sagemaker.UpdateNotebookInstanceInput{
		NotebookInstanceName: aws.String(name),
		RoleArn:              aws.String(roleARN),
	})
	return wrap("sagemaker:UpdateNotebookInstance", err)
}

// StopNotebookInstance is sagemaker:StopNotebookInstance.
func (b *Backend) StopNotebookInstance(ctx context.Context, name string) error {
	_, err := b.sm.StopNotebookInstance(ctx, &sagemaker.StopNotebookInstanceInput{NotebookInstanceName: aws.String(name)})
	return wrap("sagemaker:StopNotebookInstance", err)
}

// StartNotebookInstance is sagemaker:StartNotebookInstance.
func (b *Backend) StartNotebookInstance(ctx context.Context, name string) error {
	_, err := b.sm.StartNotebookInstance(ctx, &sagemaker.StartNotebookInstanceInput{NotebookInstanceName: aws.String(name)})
	return wrap("sagemaker:StartNotebookInstance", err)
}
