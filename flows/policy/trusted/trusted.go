// Package trusted says which service principals, besides SageMaker, a
// role's trust policy must name for its permissions to work: the services
// its policies let it pass itself to (iam:PassRole on its own ARN with
// iam:PassedToService), which then run as the role — EventBridge Scheduler
// for pipeline schedules, Glue for interactive sessions, EMR Serverless for
// its runtime role. It decides with the policy evaluator, so a Deny, a
// NotAction or a wildcard counts as IAM counts it.
package trusted

import (
	"fmt"

	"github.com/sagerole/sagerole/flows/policy"
	"github.com/sagerole/sagerole/flows/policy/eval"
)

// Need is one service the trust policy must name, and whether it does.
type Need struct {
	policy.TrustService
	Trusted bool // the trust policy given already lets it assume the role
}

// Needed returns the TrustServices the role's documents let it pass
// itself to (roleARN as the request's resource), in TrustServices order,
// each marked with whether trust already names it (trust may be empty).
func Needed(docs []policy.Document, roleARN string, trust policy.Document) ([]Need, error) {
	var role eval.Role
	for i, d := range docs {
		role.Policies = append(role.Policies, eval.Policy{Name: fmt.Sprintf("policy %d", i+1), Kind: eval.Inline, Document: d})
	}
	var out []Need
	for _, t := range policy.TrustServices() {
		res, err := eval.Evaluate(role, eval.Request{Action: "iam:PassRole", Resource: roleARN,
			Context: map[string][]string{"iam:PassedToService": {t.Principal}}})
		if err != nil {
			return nil, fmt.Errorf("deciding whether the role passes itself to %s: %w", t.Principal, err)
		}
		if res.Allowed() {
			out = append(out, Need{TrustService: t, Trusted: policy.Trusts(trust, t.Principal)})
		}
	}
	return out, nil
}

// Missing are the principals of needs the trust policy does not name.
func Missing(needs []Need) []string {
	var out []string
	for _, n := range needs {
		if !n.Trusted {
			out = append(out, n.Principal)
		}
	}
	return out
}

// Principals are the principals of needs.
func Principals(needs []Need) []string {
	out := make([]string, len(needs))
	for i, n := range needs {
		out[i] = n.Principal
	}
	return out
}

// Sentences say, one per need, why the trust policy names each service.
func Sentences(needs []Need) []string {
	out := make([]string, len(needs))
	for i, n := range needs {
		out[i] = fmt.Sprintf("Trust: %s may assume the role too: %s.", n.Principal, n.Why)
	}
	return out
}
