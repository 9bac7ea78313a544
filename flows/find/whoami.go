// Package find resolves which role SageMaker identities run as.
package find

import (
	"context"
	"fmt"

	"github.com/sagerole/sagerole/awsops"
)

// WhoAmI is the caller and where the tool is pointed.
type WhoAmI struct {
	awsops.Identity
	Region string `json:"region"`
	Mode   string `json:"mode"` // SANDBOX, DRY RUN or LIVE
}

// Caller reads the caller identity through r.
func Caller(ctx context.Context, r awsops.IdentityReader, region, mode string) (WhoAmI, error) {
	id, err := r.CallerIdentity(ctx)
	if err != nil {
		return WhoAmI{}, fmt.Errorf("who am I: %w", err)
	}
	return WhoAmI{Identity: id, Region: region, Mode: mode}, nil
}
