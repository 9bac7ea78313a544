package sandbox

import (
	"context"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/sagerole/sagerole/awsops"
	"github.com/sagerole/sagerole/awsops/rules"
)

// API names of the reads (the writes' are in awsops).
const (
	apiGetRole                  = "iam:GetRole"
	apiListRoles                = "iam:ListRoles"
	apiListAttachedRolePolicies = "iam:ListAttachedRolePolicies"
	apiListRolePolicies         = "iam:ListRolePolicies"
	apiGetRolePolicy            = "iam:GetRolePolicy"
	apiGetPolicy                = "iam:GetPolicy"
	apiGetAccountSummary        = "iam:GetAccountSummary"
)

// serviceLinkedPath is where AWS keeps roles that only AWS may change.
const serviceLinkedPath = "/aws-service-role/"

// IAM's request validation, in the words of its ValidationError messages.
var (
	iamNameRE        = regexp.MustCompile(`^[\w+=,.@-]+$`)
	iamPathCharsRE   = regexp.MustCompile(`^/([\x21-\x7e]+/)?$`)
	iamDescriptionRE = regexp.MustCompile("^[\u0009\u000A\u000D\u0020-\u007E\u00A1-\u00FF]*$")
	iamTagRE         = regexp.MustCompile(`^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$`)
)

func constraint(api, value, field, rule string) error {
	return awsops.NewError(api, "ValidationError",
		fmt.Sprintf("1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: %s", value, field, rule))
}

func checkName(api, field, name string, max int) error {
	switch {
	case name == "":
		return constraint(api, name, field, "Member must have length greater than or equal to 1")
	case len(name) > max:
		return constraint(api, name, field, fmt.Sprintf("Member must have length less than or equal to %d", max))
	case !iamNameRE.MatchString(name):
		return constraint(api, name, field, `Member must satisfy regular expression pattern: [\w+=,.@-]+`)
	}
	return nil
}

func noSuchRole(api, name string) error {
	return awsops.NewError(api, "NoSuchEntity", fmt.Sprintf("The role with name %s cannot be found.", name))
}

// roleLocked finds a role by name, as IAM does: case-insensitively.
func (a *Account) roleLocked(api, name string) (*role, error) {
	if err := checkName(api, "roleName", name, 64); err != nil {
		return nil, err
	}
	r, ok := a.st.roles[strings.ToLower(name)]
	if !ok {
		return nil, noSuchRole(api, name)
	}
	return r, nil
}

// mutableRoleLocked finds a role that the caller may change: AWS keeps
// service-linked roles to itself.
func (a *Account) mutableRoleLocked(api, name string) (*role, error) {
	r, err := a.roleLocked(api, name)
	if err != nil {
		return nil, err
	}
	if strings.HasPrefix(r.Path, serviceLinkedPath) {
		return nil, awsops.NewError(api, "UnmodifiableEntity",
			fmt.Sprintf("Cannot perform the operation on the protected role '%s' - this role is only modifiable by AWS", r.Name))
	}
	return r, nil
}

func (a *Account) roleARN(r *role) string {
	return fmt.Sprintf("arn:aws:iam::%s:role%s%s", a.st.account, r.Path, r.Name)
}

func (a *Account) roleOut(r *role, withTags bool) awsops.Role {
	out := awsops.Role{Name: r.Name, Path: r.Path, ARN: a.roleARN(r), RoleID: r.RoleID,
		Description: r.Description, CreateDate: r.CreateDate, TrustPolicy: string(r.TrustPolicy)}
	if withTags && len(r.Tags) > 0 {
		out.Tags = append([]awsops.Tag(nil), r.Tags...)
	}
	if withTags {
		out.PermissionsBoundary = r.PermissionsBoundary
	}
	return out
}

// GetRole is iam:GetRole.
func (a *Account) GetRole(ctx context.Context, name string) (awsops.Role, error) {
	if err := a.call(ctx, apiGetRole); err != nil {
		return awsops.Role{}, err
	}
	defer a.leave()
	r, err := a.roleLocked(apiGetRole, name)
	if err != nil {
		return awsops.Role{}, err
	}
	return a.roleOut(r, true), nil
}

// ListRoles is iam:ListRoles, every page, in name order. Like IAM's, the
// list does not carry tags: GetRole does.
func (a *Account) ListRoles(ctx context.Context, pathPrefix string) ([]awsops.Role, error) {
	if err := a.begin(ctx, apiListRoles); err != nil {
		return nil, err
	}
	if pathPrefix != "" && !strings.HasPrefix(pathPrefix, "/") {
		return nil, constraint(apiListRoles, pathPrefix, "pathPrefix", `Member must satisfy regular expression pattern: \u002F[\u0021-\u007F]*`)
	}
	if err := a.enter(ctx, apiListRoles); err != nil {
		return nil, err
	}
	defer a.leave()
	out := []awsops.Role{}
	for _, k := range slices.Sorted(maps.Keys(a.st.roles)) {
		r := a.st.roles[k]
		if strings.HasPrefix(r.Path, pathPrefix) {
			out = append(out, a.roleOut(r, false))
		}
	}
	return out, nil
}

// ListAttachedRolePolicies is iam:ListAttachedRolePolicies, in the order
// the policies were attached.
func (a *Account) ListAttachedRolePolicies(ctx context.Context, roleName string) ([]awsops.AttachedPolicy, error) {
	if err := a.call(ctx, apiListAttachedRolePolicies); err != nil {
		return nil, err
	}
	defer a.leave()
	r, err := a.roleLocked(apiListAttachedRolePolicies, roleName)
	if err != nil {
		return nil, err
	}
	out := []awsops.AttachedPolicy{}
	for _, arn := range r.AttachedPolicies {
		out = append(out, awsops.AttachedPolicy{Name: policyNameFromARN(arn), ARN: arn})
	}
	return out, nil
}

func policyNameFromARN(arn string) string {
	return arn[strings.LastIndex(arn, "/")+1:]
}

// ListRolePolicies is iam:ListRolePolicies, in name order.
func (a *Account) ListRolePolicies(ctx context.Context, roleName string) ([]string, error) {
	if err := a.call(ctx, apiListRolePolicies); err != nil {
		return nil, err
	}
	defer a.leave()
	r, err := a.roleLocked(apiListRolePolicies, roleName)
	if err != nil {
		return nil, err
	}
	out := slices.Sorted(maps.Keys(r.inline))
	return out, nil
}

// GetRolePolicy is iam:GetRolePolicy; the document comes back as it was put.
func (a *Account) GetRolePolicy(ctx context.Context, roleName, policyName string) (string, error) {
	if err := a.call(ctx, apiGetRolePolicy); err != nil {
		return "", err
	}
	defer a.leave()
	r, err := a.roleLocked(apiGetRolePolicy, roleName)
	if err != nil {
		return "", err
	}
	if err := checkName(apiGetRolePolicy, "policyName", policyName, 128); err != nil {
		return "", err
	}
	doc, ok := r.inline[policyName]
	if !ok {
		return "", noSuchRolePolicy(apiGetRolePolicy, policyName)
	}
	return doc, nil
}

func noSuchRolePolicy(api, name string) error {
	return awsops.NewError(api, "NoSuchEntity", fmt.Sprintf("The role policy with name %s cannot be found.", name))
}

// GetPolicyDocument is iam:GetPolicy + iam:GetPolicyVersion of the default
// version; faults and errors are those of iam:GetPolicy, the call that
// finds out whether the policy exists.
func (a *Account) GetPolicyDocument(ctx context.Context, policyARN string) (string, error) {
	if err := a.begin(ctx, apiGetPolicy); err != nil {
		return "", err
	}
	if err := checkPolicyARN(apiGetPolicy, policyARN); err != nil {
		return "", err
	}
	if err := a.enter(ctx, apiGetPolicy); err != nil {
		return "", err
	}
	defer a.leave()
	p, ok := a.st.policies[policyARN]
	if !ok {
		return "", noSuchPolicy(apiGetPolicy, policyARN)
	}
	return string(p.Document), nil
}

// checkPolicyARN is IAM's refusal of a policy ARN that is not one.
func checkPolicyARN(api, arn string) error {
	if rules.PolicyARN(arn) != nil {
		return awsops.NewError(api, "InvalidInput", fmt.Sprintf("ARN %s is not valid.", arn))
	}
	return nil
}

func noSuchPolicy(api, arn string) error {
	return awsops.NewError(api, "NoSuchEntity", fmt.Sprintf("Policy %s does not exist or is not attachable.", arn))
}

// Quotas are IAM's defaults: the sandbox account has no raised limits.
func (a *Account) Quotas(ctx context.Context) (awsops.Quotas, error) {
	if err := a.begin(ctx, apiGetAccountSummary); err != nil {
		return awsops.Quotas{}, err
	}
	return awsops.DefaultQuotas(), nil
}

// checkTrustPolicy validates an AssumeRolePolicyDocument as IAM does.
func checkTrustPolicy(api, doc string) error {
	if doc == "" {
		return constraint(api, doc, "assumeRolePolicyDocument", "Member must have length greater than or equal to 1")
	}
	if msg := policyProblem("trust policy", doc, true); msg != "" {
		return awsops.NewError(api, "MalformedPolicyDocument", msg)
	}
	if limit := awsops.DefaultQuotas().TrustPolicySize; rules.PolicySize(doc) > limit {
		return awsops.NewError(api, "LimitExceeded", fmt.Sprintf("Cannot exceed quota for ACLSizePerRole: %d", limit))
	}
	return nil
}

// checkTags validates the tags of one request: each tag, no key twice
// (IAM compares keys case-insensitively), at most 50.
func checkTags(api string, tags []awsops.Tag) error {
	if n := awsops.DefaultQuotas().TagsPerRole; len(tags) > n {
		return constraint(api, fmt.Sprintf("%d tags", len(tags)), "tags", fmt.Sprintf("Member must have length less than or equal to %d", n))
	}
	seen := map[string]bool{}
	for i, t := range tags {
		field := fmt.Sprintf("tags.%d.member", i+1)
		switch {
		case t.Key == "":
			return constraint(api, t.Key, field+".key", "Member must have length greater than or equal to 1")
		case utf8.RuneCountInString(t.Key) > 128:
			return constraint(api, t.Key, field+".key", "Member must have length less than or equal to 128")
		case !iamTagRE.MatchString(t.Key):
			return constraint(api, t.Key, field+".key", `Member must satisfy regular expression pattern: [\p{L}\p{Z}\p{N}_.:/=+\-@]+`)
		case utf8.RuneCountInString(t.Value) > 256:
			return constraint(api, t.Value, field+".value", "Member must have length less than or equal to 256")
		case !iamTagRE.MatchString(t.Value):
			return constraint(api, t.Value, field+".value", `Member must satisfy regular expression pattern: [\p{L}\p{Z}\p{N}_.:/=+\-@]*`)
		case strings.HasPrefix(strings.ToLower(t.Key), "aws:"):
			return awsops.NewError(api, "InvalidInput", fmt.Sprintf("Tag key %s uses the prefix aws:, which is reserved for AWS use.", t.Key))
		}
		k := strings.ToLower(t.Key)
		if seen[k] {
			return awsops.NewError(api, "InvalidInput", "Duplicate tag keys found. Please note that Tag keys are case insensitive.")
		}
		seen[k] = true
	}
	return nil
}

// CreateRole is iam:CreateRole.
func (a *Account) CreateRole(ctx context.Context, in awsops.CreateRoleInput) (awsops.Role, error) {
	const api = awsops.APICreateRole
	if err := a.begin(ctx, api); err != nil {
		return awsops.Role{}, err
	}
	if err := checkName(api, "roleName", in.Name, 64); err != nil {
		return awsops.Role{}, err
	}
	p := in.Path
	if p == "" {
		p = "/"
	}
	switch {
	case len(p) > 512:
		return awsops.Role{}, constraint(api, p, "path", "Member must have length less than or equal to 512")
	case !iamPathCharsRE.MatchString(p):
		return awsops.Role{}, awsops.NewError(api, "ValidationError",
			"The specified value for path is invalid. It must begin and end with / and contain only alphanumeric characters and/or / characters.")
	case strings.HasPrefix(p, serviceLinkedPath):
		return awsops.Role{}, awsops.NewError(api, "InvalidInput",
			fmt.Sprintf("The path %s is reserved for service-linked roles, which only AWS creates.", p))
	}
	switch {
	case utf8.RuneCountInString(in.Description) > 1000:
		return awsops.Role{}, constraint(api, in.Description, "description", "Member must have length less than or equal to 1000")
	case !iamDescriptionRE.MatchString(in.Description):
		return awsops.Role{}, constraint(api, in.Description, "description",
			`Member must satisfy regular expression pattern: [\u0009\u000A\u000D\u0020-\u007E\u00A1-\u00FF]*`)
	}
	if err := checkTrustPolicy(api, in.TrustPolicy); err != nil {
		return awsops.Role{}, err
	}
	if err := checkTags(api, in.Tags); err != nil {
		return awsops.Role{}, err
	}
	if err := a.enter(ctx, api); err != nil {
		return awsops.Role{}, err
	}
	defer a.leave()
	key := strings.ToLower(in.Name)
	if _, ok := a.st.roles[key]; ok {
		return awsops.Role{}, awsops.NewError(api, "EntityAlreadyExists", fmt.Sprintf("Role with name %s already exists.", in.Name))
	}
	created := a.tick()
	r := &role{fileRole: fileRole{Name: in.Name, Path: p, Description: in.Description, CreateDate: created,
		RoleID: roleID(a.st.account, in.Name, created), TrustPolicy: docText(in.TrustPolicy),
		Tags: append([]awsops.Tag(nil), in.Tags...)}, inline: map[string]string{}}
	a.st.roles[key] = r
	if err := a.commit(api); err != nil {
		return awsops.Role{}, err
	}
	return a.roleOut(r, true), nil
}

// DeleteRole is iam:DeleteRole: only a role with no policies left and in
// no instance profile.
func (a *Account) DeleteRole(ctx context.Context, name string) error {
	const api = awsops.APIDeleteRole
	if err := a.call(ctx, api); err != nil {
		return err
	}
	defer a.leave()
	r, err := a.mutableRoleLocked(api, name)
	if err != nil {
		return err
	}
	if len(r.InstanceProfiles) > 0 {
		return awsops.NewError(api, "DeleteConflict", "Cannot delete entity, must remove roles from instance profile first.")
	}
	if len(r.AttachedPolicies) > 0 {
		return awsops.NewError(api, "DeleteConflict", "Cannot delete entity, must detach all policies first.")
	}
	if len(r.inline) > 0 {
		return awsops.NewError(api, "DeleteConflict", "Cannot delete entity, must delete policies first.")
	}
	delete(a.st.roles, strings.ToLower(r.Name))
	return a.commit(api)
}

// UpdateTrustPolicy is iam:UpdateAssumeRolePolicy.
func (a *Account) UpdateTrustPolicy(ctx context.Context, roleName, document string) error {
	const api = awsops.APIUpdateAssumeRolePolicy
	if err := a.call(ctx, api); err != nil {
		return err
	}
	defer a.leave()
	r, err := a.mutableRoleLocked(api, roleName)
	if err != nil {
		return err
	}
	if err := checkTrustPolicy(api, document); err != nil {
		return err
	}
	r.TrustPolicy = docText(document)
	return a.commit(api)
}

// AttachRolePolicy is iam:AttachRolePolicy. Attaching a policy that is
// already attached succeeds and changes nothing, as in IAM.
func (a *Account) AttachRolePolicy(ctx context.Context, roleName, policyARN string) error {
	const api = awsops.APIAttachRolePolicy
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
	if slices.Contains(r.AttachedPolicies, policyARN) {
		return nil
	}
	if limit := awsops.DefaultQuotas().AttachedPoliciesPerRole; len(r.AttachedPolicies) >= limit {
		return awsops.NewError(api, "LimitExceeded", fmt.Sprintf("Cannot exceed quota for PoliciesPerRole: %d", limit))
	}
	r.AttachedPolicies = append(r.AttachedPolicies, policyARN)
	return a.commit(api)
}

// DetachRolePolicy is iam:DetachRolePolicy.
func (a *Account) DetachRolePolicy(ctx context.Context, roleName, policyARN string) error {
	const api = awsops.APIDetachRolePolicy
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
	i := slices.Index(r.AttachedPolicies, policyARN)
	if i < 0 {
		return awsops.NewError(api, "NoSuchEntity", fmt.Sprintf("Policy %s was not found.", policyARN))
	}
	r.AttachedPolicies = slices.Delete(r.AttachedPolicies, i, i+1)
	return a.commit(api)
}

// PutRolePolicy is iam:PutRolePolicy: it creates or replaces an inline
// policy, within the role's 10,240 characters of inline policies.
func (a *Account) PutRolePolicy(ctx context.Context, roleName, policyName, document string) error {
	const api = awsops.APIPutRolePolicy
	if err := a.begin(ctx, api); err != nil {
		return err
	}
	if err := checkName(api, "policyName", policyName, 128); err != nil {
		return err
	}
	if document == "" {
		return constraint(api, document, "policyDocument", "Member must have length greater than or equal to 1")
	}
	if err := a.enter(ctx, api); err != nil {
		return err
	}
	defer a.leave()
	r, err := a.mutableRoleLocked(api, roleName)
	if err != nil {
		return err
	}
	if msg := policyProblem("policy document", document, false); msg != "" {
		return awsops.NewError(api, "MalformedPolicyDocument", msg)
	}
	total := rules.PolicySize(document)
	for name, doc := range r.inline {
		if name != policyName {
			total += rules.PolicySize(doc)
		}
	}
	if limit := awsops.DefaultQuotas().RolePolicySize; total > limit {
		return awsops.NewError(api, "LimitExceeded", fmt.Sprintf("Maximum policy size of %d bytes exceeded for role %s", limit, r.Name))
	}
	r.inline[policyName] = document
	return a.commit(api)
}

// DeleteRolePolicy is iam:DeleteRolePolicy.
func (a *Account) DeleteRolePolicy(ctx context.Context, roleName, policyName string) error {
	const api = awsops.APIDeleteRolePolicy
	if err := a.begin(ctx, api); err != nil {
		return err
	}
	if err := checkName(api, "policyName", policyName, 128); err != nil {
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
	if _, ok := r.inline[policyName]; !ok {
		return noSuchRolePolicy(api, policyName)
	}
	delete(r.inline, policyName)
	return a.commit(api)
}

// TagRole is iam:TagRole: it adds tags and overwrites the values of keys
// the role already has (keys compare case-insensitively).
func (a *Account) TagRole(ctx context.Context, roleName string, tags []awsops.Tag) error {
	const api = awsops.APITagRole
	if err := a.begin(ctx, api); err != nil {
		return err
	}
	if len(tags) == 0 {
		return constraint(api, "[]", "tags", "Member must have length greater than or equal to 1")
	}
	if err := checkTags(api, tags); err != nil {
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
	merged := append([]awsops.Tag(nil), r.Tags...)
	for _, t := range tags {
		i := slices.IndexFunc(merged, func(m awsops.Tag) bool { return strings.EqualFold(m.Key, t.Key) })
		if i >= 0 {
			merged[i] = t
		} else {
			merged = append(merged, t)
		}
	}
	if limit := awsops.DefaultQuotas().TagsPerRole; len(merged) > limit {
		return awsops.NewError(api, "LimitExceeded", fmt.Sprintf("Cannot exceed quota for TagsPerRole: %d", limit))
	}
	r.Tags = merged
	return a.commit(api)
}

// UntagRole is iam:UntagRole; keys the role does not have are ignored.
func (a *Account) UntagRole(ctx context.Context, roleName string, keys []string) error {
	const api = awsops.APIUntagRole
	if err := a.begin(ctx, api); err != nil {
		return err
	}
	if len(keys) == 0 || len(keys) > awsops.DefaultQuotas().TagsPerRole {
		return constraint(api, fmt.Sprintf("%d keys", len(keys)), "tagKeys", "Member must have length between 1 and 50")
	}
	for _, k := range keys {
		if k == "" || utf8.RuneCountInString(k) > 128 || !iamTagRE.MatchString(k) {
			return constraint(api, k, "tagKeys", `Member must satisfy regular expression pattern: [\p{L}\p{Z}\p{N}_.:/=+\-@]+`)
		}
	}
	if err := a.enter(ctx, api); err != nil {
		return err
	}
	defer a.leave()
	r, err := a.roleLocked(api, roleName)
	if err != nil {
		return err
	}
	r.Tags = slices.DeleteFunc(r.Tags, func(t awsops.Tag) bool {
		return slices.ContainsFunc(keys, func(k string) bool { return strings.EqualFold(k, t.Key) })
	})
	return a.commit(api)
}

// roleByARN finds the role an ARN names in this account: the path must
// match too, since arn:…:role/X and arn:…:role/service-role/X are
// different roles.
func (a *Account) roleByARN(arn string) (*role, bool) {
	if rules.AccountFromARN(arn) != a.st.account || !strings.HasPrefix(arn, "arn:aws:iam::") {
		return nil, false
	}
	r, ok := a.st.roles[strings.ToLower(rules.RoleNameFromARN(arn))]
	if !ok || r.Path != rules.RolePathFromARN(arn) {
		return nil, false
	}
	return r, true
}
