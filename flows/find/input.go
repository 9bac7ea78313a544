package find

import (
	"fmt"
	"regexp"

	"github.com/sagerole/sagerole/awsops/rules"
)

var (
	domainIDRE = regexp.MustCompile(`^d-(-*[a-z0-9]){1,61}$`)
	// SageMaker's pattern for user profile, space and notebook instance
	// names.
	sageMakerNameRE = regexp.MustCompile(`^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$`)
)

// CheckDomainID checks the shape of a SageMaker domain ID (d-xxxxxxxxxxxx).
func CheckDomainID(id string) error {
	if !domainIDRE.MatchString(id) {
		return &rules.InputError{Field: "domain", Msg: fmt.Sprintf("domain ID %q is not of the form d-xxxxxxxxxxxx (d- then lowercase letters and digits)", id)}
	}
	return nil
}

// CheckName checks a user profile, space or notebook instance name against
// SageMaker's rule; what names the field in the message ("user profile").
func CheckName(what, name string) error {
	if !sageMakerNameRE.MatchString(name) {
		return &rules.InputError{Field: what, Msg: fmt.Sprintf("%s name %q must be 1 to 63 letters, digits and hyphens, starting with a letter or digit", what, name)}
	}
	return nil
}

// CheckRoleInput checks a role given as a name or an ARN (before anything
// is looked up).
func CheckRoleInput(role string) error {
	if rules.IsARN(role) {
		return rules.RoleARN(role)
	}
	return rules.RoleName(role)
}

func notFound(field, format string, args ...any) error {
	return &rules.InputError{Field: field, Msg: fmt.Sprintf(format, args...)}
}
