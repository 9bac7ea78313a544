package awsops

import "context"

// IdentityReader reads who the caller is (STS).
type IdentityReader interface {
	CallerIdentity(ctx context.Context) (Identity, error)
}

// IAMReader reads roles and their policies. Documents are returned decoded
// (IAM sends them URL-encoded).
type IAMReader interface {
	GetRole(ctx context.Context, name string) (Role, error)
	// ListRoles lists every role under pathPrefix ("/" or "" for all).
	ListRoles(ctx context.Context, pathPrefix string) ([]Role, error)
	ListAttachedRolePolicies(ctx context.Context, role string) ([]AttachedPolicy, error)
	// ListRolePolicies lists the names of a role's inline policies.
	ListRolePolicies(ctx context.Context, role string) ([]string, error)
	GetRolePolicy(ctx context.Context, role, policyName string) (string, error)
	// ListInstanceProfilesForRole lists the names of the instance profiles
	// that hold the role: iam:DeleteRole refuses a role that is in one.
	ListInstanceProfilesForRole(ctx context.Context, role string) ([]string, error)
	// GetPolicyDocument returns the default version document of a managed policy.
	GetPolicyDocument(ctx context.Context, policyARN string) (string, error)
	// Quotas returns the account's IAM limits for roles.
	Quotas(ctx context.Context) (Quotas, error)
}

// IAMWriter changes roles. Every method is a single IAM API call.
type IAMWriter interface {
	CreateRole(ctx context.Context, in CreateRoleInput) (Role, error)
	DeleteRole(ctx context.Context, name string) error
	UpdateTrustPolicy(ctx context.Context, role, document string) error
	AttachRolePolicy(ctx context.Context, role, policyARN string) error
	DetachRolePolicy(ctx context.Context, role, policyARN string) error
	PutRolePolicy(ctx context.Context, role, policyName, document string) error
	DeleteRolePolicy(ctx context.Context, role, policyName string) error
	TagRole(ctx context.Context, role string, tags []Tag) error
	UntagRole(ctx context.Context, role string, keys []string) error
}

// S3Reader reads buckets.
type S3Reader interface {
	ListBuckets(ctx context.Context) ([]Bucket, error)
	// BucketRegion returns the region a bucket lives in; a KindNotFound
	// error when it does not exist.
	BucketRegion(ctx context.Context, bucket string) (string, error)
}

// S3Writer creates and deletes buckets.
type S3Writer interface {
	// CreateBucket creates bucket in region, with the LocationConstraint that
	// region needs (none for us-east-1).
	CreateBucket(ctx context.Context, bucket, region string) error
	// DeleteBucket deletes an empty bucket (the inverse of CreateBucket).
	DeleteBucket(ctx context.Context, bucket string) error
}

// SageMakerReader reads domains, user profiles, spaces, apps and notebook
// instances. The List methods return every page, each asked for at
// MaxPageSize; the Page methods read one page, so that a caller can start
// on its items while the next one is read.
type SageMakerReader interface {
	ListDomains(ctx context.Context) ([]DomainSummary, error)
	DescribeDomain(ctx context.Context, domainID string) (Domain, error)
	// ListUserProfiles lists a domain's profiles; ExecutionRole is not part
	// of the list and is left empty.
	ListUserProfiles(ctx context.Context, domainID string) ([]UserProfile, error)
	// ListUserProfilesPage is one page of ListUserProfiles and the token of
	// the next ("" after the last).
	ListUserProfilesPage(ctx context.Context, domainID string, q PageQuery) ([]UserProfile, string, error)
	DescribeUserProfile(ctx context.Context, domainID, name string) (UserProfile, error)
	// ListSpaces lists a domain's spaces. Each item carries the sharing
	// type and the owner, which is all a space's role depends on.
	// SageMaker's ListSpaces filters by domain and by part of the name
	// only: there is no filter by owner.
	ListSpaces(ctx context.Context, domainID string) ([]Space, error)
	ListSpacesPage(ctx context.Context, domainID string, q PageQuery) ([]Space, string, error)
	DescribeSpace(ctx context.Context, domainID, name string) (Space, error)
	ListApps(ctx context.Context, domainID string) ([]App, error)
	// ListAppsPage is one page of the apps f selects.
	ListAppsPage(ctx context.Context, f AppFilter, q PageQuery) ([]App, string, error)
	// DescribeApp reads one app: its resource spec and its last user
	// activity. A deleted app is described for a day, then not found.
	DescribeApp(ctx context.Context, app AppRef) (AppDetail, error)
	ListNotebookInstances(ctx context.Context) ([]NotebookInstance, error)
	ListNotebookInstancesPage(ctx context.Context, q PageQuery) ([]NotebookInstance, string, error)
	DescribeNotebookInstance(ctx context.Context, name string) (NotebookInstance, error)
}

// SageMakerWriter changes which role SageMaker identities run as, and
// restarts what runs as them.
type SageMakerWriter interface {
	UpdateDomainRoles(ctx context.Context, domainID string, roles DomainRoles) error
	UpdateUserProfileRole(ctx context.Context, domainID, name, roleARN string) error
	// UpdateNotebookInstanceRole is accepted by AWS only while the instance
	// is Stopped.
	UpdateNotebookInstanceRole(ctx context.Context, name, roleARN string) error
	StopNotebookInstance(ctx context.Context, name string) error
	StartNotebookInstance(ctx context.Context, name string) error
	// DeleteApp stops and deletes a Studio app; it reports Deleting, then
	// Deleted.
	DeleteApp(ctx context.Context, app AppRef) error
	// CreateApp starts a Studio app with spec (unset fields take the
	// space's, profile's or domain's defaults); it reports Pending, then
	// InService.
	CreateApp(ctx context.Context, app AppRef, spec ResourceSpec) error
}

// Reader is every read.
type Reader interface {
	IdentityReader
	IAMReader
	S3Reader
	SageMakerReader
	PolicyReader
}

// Writer is every write.
type Writer interface {
	IAMWriter
	S3Writer
	SageMakerWriter
}

// Backend is one way to reach an account: AWS, the sandbox, or a dry run
// over either.
type Backend interface {
	Reader
	Writer
	// Region is the region the backend talks to.
	Region() string
}
