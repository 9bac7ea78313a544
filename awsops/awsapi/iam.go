package awsapi

import (
	"context"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/sagerole/sagerole/awsops"
)

// CallerIdentity is sts:GetCallerIdentity.
func (b *Backend) CallerIdentity(ctx context.Context) (awsops.Identity, error) {
	out, err := b.sts.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return awsops.Identity{}, wrap("sts:GetCallerIdentity", err)
	}
	id := awsops.Identity{
		Account: aws.ToString(out.Account),
		ARN:     aws.ToString(out.Arn),
		UserID:  aws.ToString(out.UserId),
	}
	id.RoleName = assumedRoleName(id.ARN)
	return id, nil
}

// assumedRoleName returns ROLE of arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION,
// "" for any other ARN. The session name follows the role name, so the role
// is the second to last segment, not the last.
func assumedRoleName(arn string) string {
	_, rest, ok := strings.Cut(arn, ":assumed-role/")
	if !ok {
		return ""
	}
	role, _, _ := strings.Cut(rest, "/")
	return role
}

// GetRole is iam:GetRole.
func (b *Backend) GetRole(ctx context.Context, name string) (awsops.Role, error) {
	out, err := b.iam.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(name)})
	if err != nil {
		return awsops.Role{}, wrap("iam:GetRole", err)
	}
	if out.Role == nil {
		return awsops.Role{}, &awsops.Error{API: "iam:GetRole", Message: "response has no role"}
	}
	return fromIAMRole(*out.Role), nil
}

func fromIAMRole(r iamtypes.Role) awsops.Role {
	role := awsops.Role{
		Name:        aws.ToString(r.RoleName),
		Path:        aws.ToString(r.Path),
		ARN:         aws.ToString(r.Arn),
		RoleID:      aws.ToString(r.RoleId),
		Description: aws.ToString(r.Description),
		CreateDate:  aws.ToTime(r.CreateDate),
		TrustPolicy: decodeDocument(r.AssumeRolePolicyDocument),
	}
	if r.PermissionsBoundary != nil {
		role.PermissionsBoundary = aws.ToString(r.PermissionsBoundary.PermissionsBoundaryArn)
	}
	for _, t := range r.Tags {
		role.Tags = append(role.Tags, awsops.Tag{Key: aws.ToString(t.Key), Value: aws.ToString(t.Value)})
	}
	return role
}

// iamMaxItems is the largest page IAM's lists return (MaxItems: 1 to
// 1,000; 100 when it is not set).
const iamMaxItems = 1000

// ListRoles is iam:ListRoles over every page. AWS leaves tags out of the
// list; GetRole has them.
func (b *Backend) ListRoles(ctx context.Context, pathPrefix string) ([]awsops.Role, error) {
	in := &iam.ListRolesInput{MaxItems: aws.Int32(iamMaxItems)}
	if pathPrefix != "" {
		in.PathPrefix = aws.String(pathPrefix)
	}
	var roles []awsops.Role
	p := iam.NewListRolesPaginator(b.iam, in)
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, wrap("iam:ListRoles", err)
		}
		for _, r := range page.Roles {
			roles = append(roles, fromIAMRole(r))
		}
	}
	return roles, nil
}

// ListAttachedRolePolicies is iam:ListAttachedRolePolicies over every page.
func (b *Backend) ListAttachedRolePolicies(ctx context.Context, role string) ([]awsops.AttachedPolicy, error) {
	var pols []awsops.AttachedPolicy
	p := iam.NewListAttachedRolePoliciesPaginator(b.iam, &iam.ListAttachedRolePoliciesInput{RoleName: aws.String(role), MaxItems: aws.Int32(iamMaxItems)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, wrap("iam:ListAttachedRolePolicies", err)
		}
		for _, ap := range page.AttachedPolicies {
			pols = append(pols, awsops.AttachedPolicy{Name: aws.ToString(ap.PolicyName), ARN: aws.ToString(ap.PolicyArn)})
		}
	}
	return pols, nil
}

// ListRolePolicies is iam:ListRolePolicies over every page.
func (b *Backend) ListRolePolicies(ctx context.Context, role string) ([]string, error) {
	var names []string
	p := iam.NewListRolePoliciesPaginator(b.iam, &iam.ListRolePoliciesInput{RoleName: aws.String(role), MaxItems: aws.Int32(iamMaxItems)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, wrap("iam:ListRolePolicies", err)
		}
		names = append(names, page.PolicyNames...)
	}
	return names, nil
}

// ListInstanceProfilesForRole is iam:ListInstanceProfilesForRole over
// every page: the names of the instance profiles that hold the role.
func (b *Backend) ListInstanceProfilesForRole(ctx context.Context, role string) ([]string, error) {
	var names []string
	p := iam.NewListInstanceProfilesForRolePaginator(b.iam, &iam.ListInstanceProfilesForRoleInput{RoleName: aws.String(role)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, wrap("iam:ListInstanceProfilesForRole", err)
		}
		for _, ip := range page.InstanceProfiles {
			names = append(names, aws.ToString(ip.InstanceProfileName))
		}
	}
	return names, nil
}

// GetRolePolicy is iam:GetRolePolicy; the document comes back decoded.
func (b *Backend) GetRolePolicy(ctx context.Context, role, policyName string) (string, error) {
	out, err := b.iam.GetRolePolicy(ctx, &iam.GetRolePolicyInput{RoleName: aws.String(role), PolicyName: aws.String(policyName)})
	if err != nil {
		return "", wrap("iam:GetRolePolicy", err)
	}
	return decodeDocument(out.PolicyDocument), nil
}

// GetPolicyDocument is iam:GetPolicy (for the default version) and then
// iam:GetPolicyVersion; the document comes back decoded.
func (b *Backend) GetPolicyDocument(ctx context.Context, policyARN string) (string, error) {
	pol, err := b.iam.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: aws.String(policyARN)})
	if err != nil {
		return "", wrap("iam:GetPolicy", err)
	}
	if pol.Policy == nil || aws.ToString(pol.Policy.DefaultVersionId) == "" {
		return "", &awsops.Error{API: "iam:GetPolicy", Message: "policy " + policyARN + " has no default version"}
	}
	ver, err := b.iam.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: aws.String(policyARN), VersionId: pol.Policy.DefaultVersionId})
	if err != nil {
		return "", wrap("iam:GetPolicyVersion", err)
	}
	if ver.PolicyVersion == nil {
		return "", &awsops.Error{API: "iam:GetPolicyVersion", Message: "response has no policy version"}
	}
	return decodeDocument(ver.PolicyVersion.Document), nil
}

// Quotas reads the account's IAM limits from iam:GetAccountSummary. A
// caller who may not read the summary gets IAM's defaults: the limits are
// advice for validating input, not worth failing over.
func (b *Backend) Quotas(ctx context.Context) (awsops.Quotas, error) {
	q := awsops.DefaultQuotas()
	out, err := b.iam.GetAccountSummary(ctx, &iam.GetAccountSummaryInput{})
	if err != nil {
		werr := wrap("iam:GetAccountSummary", err)
		if awsops.KindOf(werr) == awsops.KindAccessDenied {
			return q, nil
		}
		return awsops.Quotas{}, werr
	}
	set := func(dst *int, key iamtypes.SummaryKeyType) {
		if v, ok := out.SummaryMap[string(key)]; ok && v > 0 {
			*dst = int(v)
		}
	}
	set(&q.AttachedPoliciesPerRole, iamtypes.SummaryKeyTypeAttachedPoliciesPerRoleQuota)
	set(&q.RolePolicySize, iamtypes.SummaryKeyTypeRolePolicySizeQuota)
	set(&q.PolicySize, iamtypes.SummaryKeyTypePolicySizeQuota)
	set(&q.TrustPolicySize, iamtypes.SummaryKeyTypeAssumeRolePolicySizeQuota)
	return q, nil
}

// CreateRole is iam:CreateRole.
func (b *Backend) CreateRole(ctx context.Context, in awsops.CreateRoleInput) (awsops.Role, error) {
	req := &iam.CreateRoleInput{
		RoleName:                 aws.String(in.Name),
		AssumeRolePolicyDocument: aws.String(in.TrustPolicy),
		Tags:                     toIAMTags(in.Tags),
	}
	if in.Path != "" {
		req.Path = aws.String(in.Path)
	}
	if in.Description != "" {
		req.Description = aws.String(in.Description)
	}
	out, err := b.iam.CreateRole(ctx, req)
	if err != nil {
		return awsops.Role{}, wrap("iam:CreateRole", err)
	}
	if out.Role == nil {
		return awsops.Role{}, &awsops.Error{API: "iam:CreateRole", Message: "response has no role"}
	}
	return fromIAMRole(*out.Role), nil
}

func toIAMTags(tags []awsops.Tag) []iamtypes.Tag {
	if len(tags) == 0 {
		return nil
	}
	out := make([]iamtypes.Tag, len(tags))
	for i, t := range tags {
		out[i] = iamtypes.Tag{Key: aws.String(t.Key), Value: aws.String(t.Value)}
	}
	return out
}

// DeleteRole is iam:DeleteRole.
func (b *Backend) DeleteRole(ctx context.Context, name string) error {
	_, err := b.iam.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String(name)})
	return wrap("iam:DeleteRole", err)
}

// UpdateTrustPolicy is iam:UpdateAssumeRolePolicy.
func (b *Backend) UpdateTrustPolicy(ctx context.Context, role, document string) error {
	_, err := b.iam.UpdateAssumeRolePolicy(ctx, &iam.UpdateAssumeRolePolicyInput{RoleName: aws.String(role), PolicyDocument: aws.String(document)})
	return wrap("iam:UpdateAssumeRolePolicy", err)
}

// AttachRolePolicy is iam:AttachRolePolicy.
func (b *Backend) AttachRolePolicy(ctx context.Context, role, policyARN string) error {
	_, err := b.iam.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String(role), PolicyArn: aws.String(policyARN)})
	return wrap("iam:AttachRolePolicy", err)
}

// DetachRolePolicy is iam:DetachRolePolicy.
func (b *Backend) DetachRolePolicy(ctx context.Context, role, policyARN string) error {
	_, err := b.iam.DetachRolePolicy(ctx, &iam.DetachRolePolicyInput{RoleName: aws.String(role), PolicyArn: aws.String(policyARN)})
	return wrap("iam:DetachRolePolicy", err)
}

// PutRolePolicy is iam:PutRolePolicy.
func (b *Backend) PutRolePolicy(ctx context.Context, role, policyName, document string) error {
	_, err := b.iam.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String(role), PolicyName: aws.String(policyName), PolicyDocument: aws.String(document)})
	return wrap("iam:PutRolePolicy", err)
}

// DeleteRolePolicy is iam:DeleteRolePolicy.
func (b *Backend) DeleteRolePolicy(ctx context.Context, role, policyName string) error {
	_, err := b.iam.DeleteRolePolicy(ctx, &iam.DeleteRolePolicyInput{RoleName: aws.String(role), PolicyName: aws.String(policyName)})
	return wrap("iam:DeleteRolePolicy", err)
}

// TagRole is iam:TagRole.
func (b *Backend) TagRole(ctx context.Context, role string, tags []awsops.Tag) error {
	_, err := b.iam.TagRole(ctx, &iam.TagRoleInput{RoleName: aws.String(role), Tags: toIAMTags(tags)})
	return wrap("iam:TagRole", err)
}

// UntagRole is iam:UntagRole.
func (b *Backend) UntagRole(ctx context.Context, role string, keys []string) error {
	_, err := b.iam.UntagRole(ctx, &iam.UntagRoleInput{RoleName: aws.String(role), TagKeys: keys})
	return wrap("iam:UntagRole", err)
}
