package find

import (
	"context"

	"github.com/sagerole/sagerole/awsops"
	"github.com/sagerole/sagerole/flows/pool"
)

// Inventory reads the account through a session of its own with
// opts.Concurrency calls in flight.
//
// Deprecated: read through a Session, which shares one limiter and one
// identity and role cache with the run's other reads. Kept until the
// wizard's find screen does.
func Inventory(ctx context.Context, r awsops.Reader, opts Options) (*Tree, error) {
	return NewSession(r, pool.New(opts.Concurrency)).Inventory(ctx, opts)
}
