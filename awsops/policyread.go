package awsops

import "context"

// PolicyReader reads what decides a request besides a role's own policies:
// resource-based policies (a bucket's, a KMS key's), the key a bucket
// encrypts with, and IAM's policy simulator. Each is one read-only call;
// sagerole why uses them to narrow down a denial.
type PolicyReader interface {
	// GetBucketPolicy is s3:GetBucketPolicy: the bucket's policy document,
	// "" when the bucket has none (S3's NoSuchBucketPolicy).
	GetBucketPolicy(ctx context.Context, bucket string) (string, error)
	// BucketEncryptionKey is s3:GetBucketEncryption: the ARN (or ID) of the
	// KMS key the bucket's default encryption uses, "" when objects are
	// encrypted with S3-managed keys or the bucket has no configuration.
	BucketEncryptionKey(ctx context.Context, bucket string) (string, error)
	// GetKeyPolicy is kms:GetKeyPolicy of the key's default policy; key is
	// a key ID or key ARN.
	GetKeyPolicy(ctx context.Context, key string) (string, error)
	// SimulatePrincipalPolicy is iam:SimulatePrincipalPolicy: IAM's own
	// answer for the role's identity-based policies and permissions
	// boundary (and the given resource policy), one result per action and
	// resource.
	SimulatePrincipalPolicy(ctx context.Context, in SimulateInput) ([]SimulateResult, error)
}

// SimulateInput is one iam:SimulatePrincipalPolicy request.
type SimulateInput struct {
	PolicySourceARN string   `json:"policySourceArn"` // the role's ARN
	Actions         []string `json:"actions"`
	// Resources are ARNs; empty simulates "*".
	Resources []string       `json:"resources,omitempty"`
	Context   []ContextEntry `json:"contextEntries,omitempty"`
	// ResourcePolicy is a resource-based policy to simulate with (a
	// bucket's), "" for none.
	ResourcePolicy string `json:"resourcePolicy,omitempty"`
}

// ContextEntry is one condition key and its values, as the simulator takes
// them.
type ContextEntry struct {
	Key string `json:"key"`
	// Type is IAM's ContextKeyTypeEnum: string, stringList, numeric,
	// numericList, boolean, booleanList, ip, ipList, binary, binaryList,
	// date, dateList.
	Type   string   `json:"type"`
	Values []string `json:"values"`
}

// Simulator decisions, as IAM writes them (PolicyEvaluationDecisionType).
const (
	SimAllowed      = "allowed"
	SimExplicitDeny = "explicitDeny"
	SimImplicitDeny = "implicitDeny"
)

// SimulateResult is one evaluation result of the simulator.
type SimulateResult struct {
	Action   string `json:"action"`
	Resource string `json:"resource"`
	Decision string `json:"decision"` // SimAllowed, SimExplicitDeny or SimImplicitDeny
	// Matched are the statements that decided it.
	Matched []SimulatedStatement `json:"matched,omitempty"`
	// MissingContextValues are keys the policies name that the request did
	// not carry.
	MissingContextValues []string `json:"missingContextValues,omitempty"`
	// BoundaryAllowed is the permissions boundary's part; nil when the
	// simulator said nothing of one.
	BoundaryAllowed *bool `json:"boundaryAllowed,omitempty"`
	// OrganizationsAllowed is the SCPs' part; nil when the simulator said
	// nothing of them.
	OrganizationsAllowed *bool `json:"organizationsAllowed,omitempty"`
}

// SimulatedStatement is a statement the simulator matched.
type SimulatedStatement struct {
	PolicyID   string `json:"policyId"`
	PolicyType string `json:"policyType"` // IAM's PolicySourceType: role, aws-managed, user, resource, …
	StartLine  int    `json:"startLine,omitempty"`
	EndLine    int    `json:"endLine,omitempty"`
}

// SimulateDocuments are a role's documents as a backend without a
// simulator of its own hands them to a Simulator: inline policies by name,
// managed policies by ARN, and the permissions boundary.
type SimulateDocuments struct {
	RoleARN     string
	Inline      map[string]string
	Managed     map[string]string
	BoundaryARN string
	Boundary    string
}

// Simulator evaluates a simulation against a role's documents. The sandbox
// has no IAM of its own to ask: it is handed one (the evaluator lives above
// awsops) and answers from its own account's documents only.
type Simulator func(ctx context.Context, docs SimulateDocuments, in SimulateInput) ([]SimulateResult, error)
