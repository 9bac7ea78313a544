package awsapi

import (
	"context"
	"errors"
	"fmt"
	"time"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// DefaultCallTimeout bounds one AWS call, its retries included, when
// Options.CallTimeout is not set. Waits for a resource to settle (a
// notebook instance Stopped, a domain InService) are made of many calls and
// have limits of their own.
const DefaultCallTimeout = 60 * time.Second

// callTimeout is a call that got no answer in time: the SDK's error, with
// where the call went.
type callTimeout struct {
	service, operation, endpoint string
	after                        time.Duration
	err                          error
}

func (e *callTimeout) Error() string {
	return fmt.Sprintf("%s at %s did not answer %s within %s", e.service, e.endpointText(), e.operation, e.after)
}

func (e *callTimeout) Unwrap() error { return e.err }

func (e *callTimeout) endpointText() string {
	if e.endpoint == "" {
		return "its endpoint"
	}
	return e.endpoint
}

// endpointKey holds, in a call's context, where its last attempt was sent.
type endpointKey struct{}

// withCallDeadline bounds every operation of a client to d, retries
// included: an endpoint that accepts the connection and never answers ends
// the call with a *callTimeout instead of hanging. A context the caller
// cancels (ctrl+c) is not a timeout, and is not reported as one.
func withCallDeadline(d time.Duration) func(*middleware.Stack) error {
	return func(stack *middleware.Stack) error {
		err := stack.Initialize.Add(middleware.InitializeMiddlewareFunc("sagerole.CallDeadline",
			func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
				var endpoint string
				bounded, cancel := context.WithTimeout(context.WithValue(ctx, endpointKey{}, &endpoint), d)
				defer cancel()
				out, md, err := next.HandleInitialize(bounded, in)
				if err != nil && ctx.Err() == nil && errors.Is(bounded.Err(), context.DeadlineExceeded) {
					err = &callTimeout{service: awsmiddleware.GetServiceID(ctx), operation: awsmiddleware.GetOperationName(ctx),
						endpoint: endpoint, after: d, err: err}
				}
				return out, md, err
			}), middleware.After)
		if err != nil {
			return err
		}
		// At the end of Finalize the endpoint is resolved, on every attempt.
		return stack.Finalize.Add(middleware.FinalizeMiddlewareFunc("sagerole.RecordEndpoint",
			func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
				if req, ok := in.Request.(*smithyhttp.Request); ok && req.URL != nil {
					if p, ok := ctx.Value(endpointKey{}).(*string); ok {
						*p = req.URL.Scheme + "://" + req.URL.Host
					}
				}
				return next.HandleFinalize(ctx, in)
			}), middleware.After)
	}
}
