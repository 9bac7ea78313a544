package lint

// Codes lists every finding code with what it means. The README's table
// and the tests' known-bad corpus follow it: each code must be found there
// at least once.
var Codes = map[string]string{
	// The document.
	"no-version":    "the document has no Version, or the old 2008-10-17, under which policy variables are plain text",
	"invalid-sid":   "a Sid has characters other than A-Z, a-z and 0-9, which IAM refuses",
	"duplicate-sid": "two statements share a Sid, which IAM refuses",
	// Actions.
	"unknown-service":   "an action's service prefix is no AWS service",
	"unknown-action":    "an action, or every action a wildcard could stand for, does not exist",
	"not-checked":       "an action or condition key the reference cannot check: a service it does not keep, or an identity provider's key",
	"ended-service":     "an action belongs to a service AWS has ended",
	"deprecated-action": "the reference calls the action deprecated",
	// Resources.
	"invalid-resource":    "a Resource is neither \"*\" nor an ARN",
	"resource-mismatch":   "an action acts on none of the statement's Resources, so the statement grants (or denies) it nothing",
	"resource-star":       "an action without resource types is given specific ARNs, which never match it: it needs \"*\"",
	"resource-unused":     "a Resource names no resource any action of the statement acts on",
	"missing-resource":    "a permissions policy statement has no Resource or NotResource, which IAM requires",
	"pass-role-wildcard":  "iam:PassRole on \"*\" lets the role pass any role, an administrator's too",
	"grant-unconditioned": "kms:CreateGrant without kms:GrantIsForAWSResource lets the role grant its keys to anyone",
	// Conditions.
	"unknown-operator": "a condition operator does not exist, or is combined in a way IAM refuses",
	"unknown-key":      "a condition key does not exist",
	"deprecated-key":   "the reference calls the condition key deprecated",
	"unsupported-key":  "a condition key is not in the request of some of the statement's actions, so the condition never (or always) holds for them",
	"operator-type":    "a condition operator does not fit the key's type",
	"set-operator":     "ForAnyValue/ForAllValues on a key with one value, or a key with several values without them",
	"condition-value":  "a condition value does not fit its operator (Bool, Null, Numeric, Date, IpAddress, Arn)",
	"literal-wildcard": "a value with * or ? under an operator that compares it literally",
	// Trust policies and principals.
	"principal-in-identity": "a permissions policy statement names a Principal, which belongs in a trust policy",
	"missing-principal":     "a trust policy statement has no Principal",
	"trust-action":          "a trust policy allows an action other than assuming the role or tagging the session",
	"trust-resource":        "a trust policy statement has a Resource, which IAM refuses there",
	"invalid-principal":     "a principal is not a form IAM accepts for its type",
	"principal-action":      "the principal cannot use the statement's assume action (a service with AssumeRoleWithSAML…)",
	"open-trust":            "anyone in any AWS account may assume the role",
	"not-principal-allow":   "an Allow with NotPrincipal allows every principal but those named",
}
