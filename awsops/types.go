// Package awsops is the one operations layer sagerole talks to AWS through.
//
// It holds domain types (never SDK types), the narrow read and write
// interfaces grouped by service, Ops (a write described as data: API, target,
// documents, CLI equivalent, inverse), plans, the dry-run wrapper, and the
// executor with its journal. Backends live in sub-packages: awsops/awsapi
// (aws-sdk-go-v2) and awsops/sandbox (an in-memory account).
package awsops

import "time"

// Identity is the caller, as sts:GetCallerIdentity reports it.
type Identity struct {
	Account string `json:"account"`
	ARN     string `json:"arn"`
	UserID  string `json:"userId"`
	// RoleName is set when the caller is an assumed role
	// (arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION).
	RoleName string `json:"roleName,omitempty"`
}

// Tag is an IAM or SageMaker tag.
type Tag struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// Role is an IAM role. TrustPolicy is the decoded JSON document.
type Role struct {
	Name        string    `json:"name"`
	Path        string    `json:"path"`
	ARN         string    `json:"arn"`
	RoleID      string    `json:"roleId,omitempty"`
	Description string    `json:"description,omitempty"`
	CreateDate  time.Time `json:"createDate"`
	TrustPolicy string    `json:"trustPolicy"`
	Tags        []Tag     `json:"tags,omitempty"`
	// PermissionsBoundary is the ARN of the managed policy set as the
	// role's permissions boundary; GetRole has it, ListRoles does not.
	PermissionsBoundary string `json:"permissionsBoundary,omitempty"`
}

// CreateRoleInput is what iam:CreateRole takes.
type CreateRoleInput struct {
	Name        string `json:"name"`
	Path        string `json:"path,omitempty"` // "/" when empty
	Description string `json:"description,omitempty"`
	TrustPolicy string `json:"trustPolicy"`
	Tags        []Tag  `json:"tags,omitempty"`
}

// AttachedPolicy is a managed policy attached to a role.
type AttachedPolicy struct {
	Name string `json:"name"`
	ARN  string `json:"arn"`
}

// Quotas are the IAM limits that apply to a role, from iam:GetAccountSummary
// in a real account, or IAM's documented defaults.
type Quotas struct {
	AttachedPoliciesPerRole int `json:"attachedPoliciesPerRole"`
	RolePolicySize          int `json:"rolePolicySize"`  // all inline policies of a role together
	PolicySize              int `json:"policySize"`      // one managed policy
	TrustPolicySize         int `json:"trustPolicySize"` // AssumeRolePolicySizeMax
	TagsPerRole             int `json:"tagsPerRole"`
}

// DefaultQuotas are IAM's documented defaults.
func DefaultQuotas() Quotas {
	return Quotas{AttachedPoliciesPerRole: 10, RolePolicySize: 10240, PolicySize: 6144, TrustPolicySize: 2048, TagsPerRole: 50}
}

// Bucket is an S3 bucket.
type Bucket struct {
	Name         string    `json:"name"`
	CreationDate time.Time `json:"creationDate"`
}

// SageMaker statuses the tool reads.
const (
	StatusInService    = "InService"
	StatusUpdating     = "Updating"
	StatusUpdateFailed = "Update_Failed"
	StatusPending      = "Pending"
	StatusStopped      = "Stopped"
	StatusStopping     = "Stopping"
	StatusFailed       = "Failed"
	StatusDeleting     = "Deleting"
)

// Space sharing types.
const (
	SharingPrivate = "Private"
	SharingShared  = "Shared"
)

// DomainSummary is one item of sagemaker:ListDomains.
type DomainSummary struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	ARN    string `json:"arn"`
	Status string `json:"status"`
}

// Domain is sagemaker:DescribeDomain, reduced to what matters for roles.
type Domain struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	ARN    string `json:"arn"`
	Status string `json:"status"`
	// DefaultUserRole is DefaultUserSettings.ExecutionRole: the role of
	// every user profile that has none of its own.
	DefaultUserRole string `json:"defaultUserRole"`
	// DefaultSpaceRole is DefaultSpaceSettings.ExecutionRole: the role of
	// shared spaces. Empty when the domain has none.
	DefaultSpaceRole string `json:"defaultSpaceRole"`
	FailureReason    string `json:"failureReason,omitempty"`
	// LastModifiedTime is when the domain was last updated (any setting).
	LastModifiedTime time.Time `json:"lastModifiedTime,omitzero"`
}

// DomainRoles changes a domain's defaults; nil fields are left as they are.
type DomainRoles struct {
	DefaultUserRole  *string `json:"defaultUserRole,omitempty"`
	DefaultSpaceRole *string `json:"defaultSpaceRole,omitempty"`
}

// UserProfile is sagemaker:DescribeUserProfile (or a list item, where
// ExecutionRole is not known and left empty).
type UserProfile struct {
	DomainID string `json:"domainId"`
	Name     string `json:"name"`
	ARN      string `json:"arn,omitempty"`
	Status   string `json:"status"`
	// ExecutionRole is UserSettings.ExecutionRole; empty means the profile
	// inherits the domain's DefaultUserRole.
	ExecutionRole string `json:"executionRole"`
	FailureReason string `json:"failureReason,omitempty"`
	// LastModifiedTime is when the profile was last updated (any setting);
	// DescribeUserProfile has it, the list does not.
	LastModifiedTime time.Time `json:"lastModifiedTime,omitzero"`
}

// Space is sagemaker:DescribeSpace. A space has no role of its own: a
// private space runs as its owner's role, a shared space as the domain's
// default space role.
type Space struct {
	DomainID    string `json:"domainId"`
	Name        string `json:"name"`
	ARN         string `json:"arn,omitempty"`
	Status      string `json:"status"`
	SharingType string `json:"sharingType"` // Private or Shared
	Owner       string `json:"owner"`       // OwnershipSettings.OwnerUserProfileName
}

// App is one item of sagemaker:ListApps.
type App struct {
	DomainID    string `json:"domainId"`
	UserProfile string `json:"userProfile,omitempty"`
	SpaceName   string `json:"spaceName,omitempty"`
	AppType     string `json:"appType"`
	AppName     string `json:"appName"`
	Status      string `json:"status"`
	// CreationTime is when the app was started: it runs as the role its
	// identity had then.
	CreationTime time.Time `json:"creationTime,omitzero"`
}

// NotebookInstance is sagemaker:DescribeNotebookInstance (or a list item).
type NotebookInstance struct {
	Name          string `json:"name"`
	ARN           string `json:"arn,omitempty"`
	Status        string `json:"status"`
	RoleARN       string `json:"roleArn"`
	InstanceType  string `json:"instanceType,omitempty"`
	FailureReason string `json:"failureReason,omitempty"`
}
