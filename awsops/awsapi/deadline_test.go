package awsapi

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sagerole/sagerole/awsops"
	"github.com/sagerole/sagerole/awsops/motoserver"
)

// silentServer accepts every request and never answers it (until the test
// ends): an endpoint that hangs.
func silentServer(t *testing.T) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var got atomic.Int32
	stop := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got.Add(1)
		select {
		case <-stop:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(func() { close(stop); srv.Close() })
	return srv, &got
}

// returns runs f and fails the test if it has not returned after limit:
// without a deadline the call would never return.
func returns(t *testing.T, limit time.Duration, f func() error) error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- f() }()
	select {
	case err := <-done:
		return err
	case <-time.After(limit):
		t.Fatalf("the call has not returned after %s", limit)
		return nil
	}
}

// A call to an endpoint that never answers ends at the call's deadline,
// retries included, with one sentence that names the service, the
// endpoint and the operation.
func TestCallDeadline(t *testing.T) {
	motoserver.Env(t)
	srv, got := silentServer(t)
	b, err := New(t.Context(), Options{Region: "us-east-1", EndpointURL: srv.URL, CallTimeout: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	for _, call := range []struct {
		api, service, op string
		f                func(ctx context.Context) error
	}{
		{"iam:GetRole", "IAM", "GetRole", func(ctx context.Context) error { _, err := b.GetRole(ctx, "r"); return err }},
		{"sagemaker:DescribeNotebookInstance", "SageMaker", "DescribeNotebookInstance", func(ctx context.Context) error {
			_, err := b.DescribeNotebookInstance(ctx, "nb")
			return err
		}},
		{"sts:GetCallerIdentity", "STS", "GetCallerIdentity", func(ctx context.Context) error { _, err := b.CallerIdentity(ctx); return err }},
	} {
		t.Run(call.api, func(t *testing.T) {
			err := returns(t, 20*time.Second, func() error { return call.f(t.Context()) })
			if awsops.KindOf(err) != awsops.KindTimeout {
				t.Fatalf("error %v is not a timeout", err)
			}
			msg := err.Error()
			want := call.api + ": " + call.service + " at " + srv.URL + " did not answer " + call.op + " within 300ms; raise the limit with --call-timeout or SAGEROLE_CALL_TIMEOUT"
			if msg != want {
				t.Errorf("message\n got %q\nwant %q", msg, want)
			}
		})
	}
	if got.Load() == 0 {
		t.Fatal("no request reached the server")
	}
}

// The caller's own cancellation (ctrl+c) is not a timeout.
func TestCallCancelledIsNotTimeout(t *testing.T) {
	motoserver.Env(t)
	srv, _ := silentServer(t)
	b, err := New(t.Context(), Options{Region: "us-east-1", EndpointURL: srv.URL, CallTimeout: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
	defer cancel()
	err = returns(t, 20*time.Second, func() error { _, err := b.GetRole(ctx, "r"); return err })
	if err == nil || awsops.KindOf(err) == awsops.KindTimeout || strings.Contains(err.Error(), "did not answer") {
		t.Fatalf("a cancelled call reads as %v", err)
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("the caller's own deadline is lost: %v", err)
	}
}
