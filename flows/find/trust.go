package find

import "github.com/sagerole/sagerole/flows/policy"

// SageMakerService is the service principal every execution role must trust.
const SageMakerService = policy.SageMakerService

// TrustsSageMaker reports whether a trust policy (JSON) lets SageMaker
// assume the role; a document that does not parse trusts no one. The rule
// itself is the policy package's, so that find, change and modify agree.
func TrustsSageMaker(doc string) bool {
	d, err := policy.Parse(doc)
	return err == nil && policy.TrustsSageMaker(d)
}
