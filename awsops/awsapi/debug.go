package awsapi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/sagerole/sagerole/awsops/redact"
)

// debugPrefix starts every debug line, so that it can be told from the
// command's own messages on stderr.
const debugPrefix = "sagerole debug: "

// debugf writes one debug line to w (nothing when w is nil), redacted: a
// line may quote what AWS answered.
func debugf(w io.Writer, format string, args ...any) {
	if w == nil {
		return
	}
	fmt.Fprint(w, redact.String(debugPrefix+fmt.Sprintf(format, args...))+"\n")
}

// callTrace is what one call's attempts answered, filled in by the
// deserialize step of each attempt.
type callTrace struct {
	mu       sync.Mutex
	attempts []string // "200", "400 Throttling", "no answer"
}

type traceKey struct{}

// withDebug logs every call when it ends: service, operation, the status
// of its last answer, its duration (retries and their waits included), and
// its attempts with what each answered. Only names, statuses, error codes
// and AWS's request ID are written: never a header, a body or a signature.
// Several calls in flight each end on a line of their own.
func withDebug(w io.Writer) func(*middleware.Stack) error {
	var mu sync.Mutex // one line at a time from concurrent calls
	return func(stack *middleware.Stack) error {
		err := stack.Initialize.Add(middleware.InitializeMiddlewareFunc("sagerole.Debug",
			func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
				trace := &callTrace{}
				start := time.Now()
				out, md, err := next.HandleInitialize(context.WithValue(ctx, traceKey{}, trace), in)
				line := trace.line(awsmiddleware.GetServiceID(ctx), awsmiddleware.GetOperationName(ctx), time.Since(start), err)
				if id, ok := awsmiddleware.GetRequestIDMetadata(md); ok && id != "" {
					line += ", request ID " + id
				}
				mu.Lock()
				debugf(w, "%s", line)
				mu.Unlock()
				return out, md, err
			}), middleware.Before)
		if err != nil {
			return err
		}
		return stack.Deserialize.Add(middleware.DeserializeMiddlewareFunc("sagerole.DebugAttempt",
			func(ctx context.Context, in middleware.DeserializeInput, next middleware.DeserializeHandler) (middleware.DeserializeOutput, middleware.Metadata, error) {
				out, md, err := next.HandleDeserialize(ctx, in)
				if trace, ok := ctx.Value(traceKey{}).(*callTrace); ok {
					trace.add(attemptText(out, err))
				}
				return out, md, err
			}), middleware.Before)
	}
}

func (t *callTrace) add(s string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.attempts = append(t.attempts, s)
}

// line is the call in one line: `IAM GetRole: 200 in 31ms, 1 attempt`, or
// with retries `… in 2.1s, 3 attempts (400 Throttling, 400 Throttling, 200)`.
func (t *callTrace) line(service, operation string, took time.Duration, err error) string {
	t.mu.Lock()
	defer t.mu.Unlock()
	n := len(t.attempts)
	last := "no answer"
	if n > 0 {
		last = t.attempts[n-1]
	}
	if err != nil && n == 0 {
		last = "not sent: " + firstLine(err.Error())
	}
	s := fmt.Sprintf("%s %s: %s in %s, %d attempt", service, operation, last, took.Round(time.Millisecond), n)
	if n != 1 {
		s += "s"
	}
	if n > 1 {
		s += fmt.Sprintf(" (%d retries: %s)", n-1, strings.Join(t.attempts, ", "))
	}
	switch {
	case errors.Is(err, context.Canceled):
		s += ", then interrupted"
	case errors.Is(err, context.DeadlineExceeded):
		s += ", then out of time"
	}
	return s
}

// attemptText is what one attempt got: the HTTP status and the service's
// error code, or why no answer came.
func attemptText(out middleware.DeserializeOutput, err error) string {
	status := 0
	if resp, ok := out.RawResponse.(*smithyhttp.Response); ok && resp != nil {
		status = resp.StatusCode
	}
	var re *smithyhttp.ResponseError
	if status == 0 && errors.As(err, &re) {
		status = re.HTTPStatusCode()
	}
	if status == 0 {
		if err == nil {
			return "no answer"
		}
		return "no answer (" + firstLine(err.Error()) + ")"
	}
	var ae smithy.APIError
	if errors.As(err, &ae) && ae.ErrorCode() != "" {
		return fmt.Sprintf("%d %s", status, ae.ErrorCode())
	}
	return fmt.Sprint(status)
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
