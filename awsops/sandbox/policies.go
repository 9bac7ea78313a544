package sandbox

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/sagerole/sagerole/awsops"
	"github.com/sagerole/sagerole/awsops/rules"
)

// API names of the policy reads.
const (
	apiGetBucketPolicy          = "s3:GetBucketPolicy"
	apiGetBucketEncryption      = "s3:GetBucketEncryption"
	apiGetKeyPolicy             = "kms:GetKeyPolicy"
	apiSimulatePrincipalPolicy  = "iam:SimulatePrincipalPolicy"
	apiPutBucketPolicy          = "s3:PutBucketPolicy"
	apiPutBucketEncryption      = "s3:PutBucketEncryption"
	apiCreateKey                = "kms:CreateKey"
	apiPutRolePermissionsBounds = "iam:PutRolePermissionsBoundary"
)

// ownBucketLocked finds a bucket of this account. A bucket another account
// owns exists, but its configuration is that account's: AccessDenied, as S3
// answers a caller the bucket's policy does not name.
func (a *Account) ownBucketLocked(api, bucket string) (*fileBucket, error) {
	if b, ok := a.st.buckets[bucket]; ok {
		return b, nil
	}
	if a.st.otherBuckets[bucket] {
		return nil, awsops.NewError(api, "AccessDenied", "Access Denied")
	}
	return nil, noSuchBucket(api)
}

// GetBucketPolicy is s3:GetBucketPolicy; "" for a bucket without one
// (S3's NoSuchBucketPolicy).
func (a *Account) GetBucketPolicy(ctx context.Context, bucket string) (string, error) {
	if err := a.call(ctx, apiGetBucketPolicy); err != nil {
		return "", err
	}
	defer a.leave()
	b, err := a.ownBucketLocked(apiGetBucketPolicy, bucket)
	if err != nil {
		return "", err
	}
	return string(b.Policy), nil
}

// BucketEncryptionKey is s3:GetBucketEncryption: the KMS key of the
// bucket's default encryption, "" for S3-managed keys.
func (a *Account) BucketEncryptionKey(ctx context.Context, bucket string) (string, error) {
	if err := a.call(ctx, apiGetBucketEncryption); err != nil {
		return "", err
	}
	defer a.leave()
	b, err := a.ownBucketLocked(apiGetBucketEncryption, bucket)
	if err != nil {
		return "", err
	}
	return b.KMSKey, nil
}

// keyLocked finds a key of this account by ID or ARN, as KMS does; a key
// of another account (or region) is not found.
func (a *Account) keyLocked(api, key string) (*fileKey, error) {
	id := key
	if rules.IsARN(key) {
		parts := strings.SplitN(key, ":", 6)
		if len(parts) < 6 || parts[2] != "kms" || parts[4] != a.st.account || !strings.HasPrefix(parts[5], "key/") {
			return nil, awsops.NewError(api, "NotFoundException", fmt.Sprintf("Key '%s' does not exist", key))
		}
		id = strings.TrimPrefix(parts[5], "key/")
		if k, ok := a.st.keys[id]; ok && k.Region == parts[3] {
			return k, nil
		}
		return nil, awsops.NewError(api, "NotFoundException", fmt.Sprintf("Key '%s' does not exist", key))
	}
	if k, ok := a.st.keys[id]; ok && k.Region == a.region {
		return k, nil
	}
	return nil, awsops.NewError(api, "NotFoundException", fmt.Sprintf("Key 'arn:aws:kms:%s:%s:key/%s' does not exist", a.region, a.st.account, id))
}

// GetKeyPolicy is kms:GetKeyPolicy of the default policy.
func (a *Account) GetKeyPolicy(ctx context.Context, key string) (string, error) {
	if err := a.call(ctx, apiGetKeyPolicy); err != nil {
		return "", err
	}
	defer a.leave()
	k, err := a.keyLocked(apiGetKeyPolicy, key)
	if err != nil {
		return "", err
	}
	return string(k.Policy), nil
}

// SetSimulator gives the account the evaluator iam:SimulatePrincipalPolicy
// answers with. Without one the call fails: the sandbox has no IAM of its
// own to ask.
func (a *Account) SetSimulator(s awsops.Simulator) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.simulator = s
}

// SimulatePrincipalPolicy is iam:SimulatePrincipalPolicy, answered from
// this account's documents only: the role's inline and managed policies and
// its permissions boundary, evaluated by the account's Simulator. There are
// no SCPs or other accounts here to see.
func (a *Account) SimulatePrincipalPolicy(ctx context.Context, in awsops.SimulateInput) ([]awsops.SimulateResult, error) {
	const api = apiSimulatePrincipalPolicy
	if err := a.begin(ctx, api); err != nil {
		return nil, err
	}
	if len(in.Actions) == 0 {
		return nil, constraint(api, "", "actionNames", "Member must not be null")
	}
	if err := a.enter(ctx, api); err != nil {
		return nil, err
	}
	sim := a.simulator
	r, ok := a.roleByARN(in.PolicySourceARN)
	if !ok {
		a.leave()
		return nil, awsops.NewError(api, "NoSuchEntity", fmt.Sprintf("The role with name %s cannot be found.", rules.RoleNameFromARN(in.PolicySourceARN)))
	}
	docs := awsops.SimulateDocuments{RoleARN: a.roleARN(r), Inline: map[string]string{}, Managed: map[string]string{}}
	for n, d := range r.inline {
		docs.Inline[n] = d
	}
	for _, arn := range r.AttachedPolicies {
		docs.Managed[arn] = string(a.st.policies[arn].Document)
	}
	if b := r.PermissionsBoundary; b != "" {
		docs.BoundaryARN, docs.Boundary = b, string(a.st.policies[b].Document)
	}
	a.leave()
	if sim == nil {
		return nil, awsops.NewError(api, "NotImplemented", "the sandbox has no policy simulator to answer with")
	}
	out, err := sim(ctx, docs, in)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", api, err)
	}
	return out, nil
}

// The fixtures below set up what sagerole reads but never writes.

// PutBucketPolicy is s3:PutBucketPolicy.
func (a *Account) PutBucketPolicy(ctx context.Context, bucket, doc string) error {
	const api = apiPutBucketPolicy
	if err := a.begin(ctx, api); err != nil {
		return err
	}
	if msg := resourcePolicyProblem("bucket policy", doc); msg != "" {
		return awsops.NewError(api, "MalformedPolicy", msg)
	}
	if err := a.enter(ctx, api); err != nil {
		return err
	}
	defer a.leave()
	b, err := a.ownBucketLocked(api, bucket)
	if err != nil {
		return err
	}
	b.Policy = docText(doc)
	return a.commit(api)
}

// PutBucketEncryption is s3:PutBucketEncryption with SSE-KMS and key (an
// ARN), or SSE-S3 when key is "".
func (a *Account) PutBucketEncryption(ctx context.Context, bucket, key string) error {
	const api = apiPutBucketEncryption
	if err := a.call(ctx, api); err != nil {
		return err
	}
	defer a.leave()
	b, err := a.ownBucketLocked(api, bucket)
	if err != nil {
		return err
	}
	b.KMSKey = key
	return a.commit(api)
}

// CreateKey is kms:CreateKey with a key policy, in the account's region;
// it returns the key's ARN. The ID is derived from the account, the
// description and the clock, so it is the same every run.
func (a *Account) CreateKey(ctx context.Context, description, policy string) (string, error) {
	const api = apiCreateKey
	if err := a.begin(ctx, api); err != nil {
		return "", err
	}
	if msg := resourcePolicyProblem("key policy", policy); msg != "" {
		return "", awsops.NewError(api, "MalformedPolicyDocumentException", msg)
	}
	if err := a.enter(ctx, api); err != nil {
		return "", err
	}
	defer a.leave()
	t := a.tick()
	sum := sha256.Sum256(fmt.Appendf(nil, "%s/%s/%s", a.st.account, description, t))
	h := fmt.Sprintf("%x", sum[:16])
	id := h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
	a.st.keys[id] = &fileKey{ID: id, Region: a.region, Description: description, Policy: docText(policy)}
	if err := a.commit(api); err != nil {
		return "", err
	}
	return fmt.Sprintf("arn:aws:kms:%s:%s:key/%s", a.region, a.st.account, id), nil
}

// PutRolePermissionsBoundary is iam:PutRolePermissionsBoundary: the
// boundary must be a managed policy of the account (or AWS's).
func (a *Account) PutRolePermissionsBoundary(ctx context.Context, roleName, policyARN string) error {
	const api = apiPutRolePermissionsBounds
	if err := a.begin(ctx, api); err != nil {
		return err
	}
	if err := checkPolicyARN(api, policyARN); err != nil {
		return err
	}
	if err := a.enter(ctx, api); err != nil {
		return err
	}
	defer a.leave()
	r, err := a.mutableRoleLocked(api, roleName)
	if err != nil {
		return err
	}
	if _, ok := a.st.policies[policyARN]; !ok {
		return noSuchPolicy(api, policyARN)
	}
	r.PermissionsBoundary = policyARN
	return a.commit(api)
}

// resourcePolicyProblem is why a service would refuse a resource-based
// policy: valid JSON of the policy grammar, and every statement names a
// principal, actions and resources (a key policy's Resource is "*", the
// key itself).
func resourcePolicyProblem(field, doc string) string {
	var top map[string]json.RawMessage
	if err := json.Unmarshal([]byte(doc), &top); err != nil {
		return "This policy contains invalid Json"
	}
	if err := rules.PolicyDocument(field, doc); err != nil {
		return "Syntax errors in policy. " + capitalize(err.Error()) + "."
	}
	for _, s := range statements(doc) {
		switch {
		case !s.has("Principal") && !s.has("NotPrincipal"):
			return "Missing required field Principal"
		case !s.has("Action") && !s.has("NotAction"):
			return "Missing required field Action"
		case !s.has("Resource") && !s.has("NotResource"):
			return "Missing required field Resource"
		}
	}
	return ""
}
