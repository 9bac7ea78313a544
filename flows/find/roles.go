package find

import (
	"context"
	"fmt"
	"strings"

	"github.com/sagerole/sagerole/awsops"
	"github.com/sagerole/sagerole/awsops/rules"
)

// RoleProblem says why SageMaker cannot use a role an identity points at.
type RoleProblem string

const (
	// RoleNotFound: no role exists at that ARN (deleted, or a role of that
	// name exists under another path).
	RoleNotFound RoleProblem = "not-found"
	// RoleNoTrust: the role exists but does not let sagemaker.amazonaws.com
	// call sts:AssumeRole.
	RoleNoTrust RoleProblem = "no-sagemaker-trust"
	// RoleOtherAccount: the role is in another account; it was not checked.
	RoleOtherAccount RoleProblem = "other-account"
	// RoleUnchecked: reading the role failed (e.g. AccessDenied); it was
	// not checked.
	RoleUnchecked RoleProblem = "unchecked"
)

// RoleCheck is what IAM says about a role ARN a SageMaker identity uses.
type RoleCheck struct {
	ARN             string      `json:"arn"`
	Name            string      `json:"name"`
	Exists          bool        `json:"exists"`
	TrustsSageMaker bool        `json:"trustsSageMaker"`
	Problem         RoleProblem `json:"problem,omitempty"`
	// Detail explains the problem: the ARN of a same-named role under
	// another path, or the error that stopped the check.
	Detail string `json:"detail,omitempty"`
	// Role is the role as IAM returned it, when it exists.
	Role *awsops.Role `json:"-"`
}

// CheckRole looks up the role an ARN names and whether SageMaker can
// assume it. A role is looked up by name (what follows the last /), and the
// ARN must then match exactly, path included: a role of the same name under
// another path is not the same role to SageMaker.
func CheckRole(ctx context.Context, r awsops.IAMReader, account, arn string) RoleCheck {
	c := RoleCheck{ARN: arn, Name: rules.RoleNameFromARN(arn)}
	if a := rules.AccountFromARN(arn); account != "" && a != "" && a != account {
		c.Problem = RoleOtherAccount
		c.Detail = fmt.Sprintf("the role is in account %s, not %s", a, account)
		return c
	}
	role, err := r.GetRole(ctx, c.Name)
	switch {
	case awsops.IsNotFound(err):
		c.Problem = RoleNotFound
		return c
	case err != nil:
		c.Problem = RoleUnchecked
		c.Detail = err.Error()
		return c
	}
	if !strings.EqualFold(role.ARN, arn) {
		c.Problem = RoleNotFound
		c.Detail = "a role named " + role.Name + " exists, but at " + role.ARN
		return c
	}
	return checkFound(c, role)
}

// checkFound completes c for the role IAM returned at c.ARN.
func checkFound(c RoleCheck, role awsops.Role) RoleCheck {
	c.Exists = true
	c.Role = &role
	c.TrustsSageMaker = TrustsSageMaker(role.TrustPolicy)
	if !c.TrustsSageMaker {
		c.Problem = RoleNoTrust
	}
	return c
}

// Sentence says the problem in words, "" when there is none.
func (c RoleCheck) Sentence() string {
	switch c.Problem {
	case RoleNotFound:
		s := "role " + c.ARN + " does not exist"
		if c.Detail != "" {
			s += " (" + c.Detail + ")"
		}
		return s
	case RoleNoTrust:
		return "role " + c.ARN + " does not let " + SageMakerService + " assume it (sts:AssumeRole)"
	case RoleOtherAccount:
		return "role " + c.ARN + " was not checked: " + c.Detail
	case RoleUnchecked:
		return "role " + c.ARN + " could not be read: " + c.Detail
	}
	return ""
}

// Flag is the short mark shown next to a role in a tree, "" when fine.
func (p RoleProblem) Flag() string {
	switch p {
	case RoleNotFound:
		return "⚠ role does not exist"
	case RoleNoTrust:
		return "⚠ role does not trust " + SageMakerService
	case RoleOtherAccount:
		return "? role in another account, not checked"
	case RoleUnchecked:
		return "? role could not be read"
	}
	return ""
}

// ShortRole is a role ARN as people read it in a tree: what follows
// ":role/", path included (service-role/X), or the whole ARN when it is
// not a role ARN.
func ShortRole(arn string) string {
	if _, rest, ok := strings.Cut(arn, ":role/"); ok {
		return rest
	}
	return arn
}
