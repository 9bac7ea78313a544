package flows

import (
	"context"
	"errors"

	"github.com/sagerole/sagerole/awsops"
	"github.com/sagerole/sagerole/awsops/rules"
)

// PassRoleARNs resolves the roles given to --pass-role, by name or ARN, to
// the ARNs of roles that exist in the account, path included: a policy
// that lets a role pass a role by a wrong ARN passes nothing.
func PassRoleARNs(ctx context.Context, r awsops.IAMReader, roles []string) ([]string, error) {
	out := make([]string, 0, len(roles))
	for _, name := range roles {
		role, err := ResolveRole(ctx, r, name)
		var ie *rules.InputError
		if errors.As(err, &ie) {
			return nil, &rules.InputError{Field: "pass-role", Msg: "--pass-role: " + ie.Msg}
		}
		if err != nil {
			return nil, err
		}
		out = append(out, role.ARN)
	}
	return out, nil
}
