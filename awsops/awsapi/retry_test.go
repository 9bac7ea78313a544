package awsapi

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/sagerole/sagerole/awsops"
	"github.com/sagerole/sagerole/awsops/motoserver"
)

// throttlingSTS answers GetCallerIdentity with Throttling the first n
// times, then with an identity; attempts counts every request.
func throttlingSTS(t *testing.T, n int64) (url string, attempts *atomic.Int64) {
	t.Helper()
	h, attempts := throttling(n)
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL, attempts
}

func throttling(n int64) (http.Handler, *atomic.Int64) {
	attempts := &atomic.Int64{}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/xml")
		w.Header().Set("X-Amzn-Requestid", fmt.Sprintf("ok-%d", attempts.Load()+1))
		if attempts.Add(1) <= n {
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprint(w, `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>throttled-1</RequestId></ErrorResponse>`)
			return
		}
		fmt.Fprint(w, `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/tester</Arn><UserId>AIDAEXAMPLEUSERID0001</UserId><Account>123456789012</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>ok</RequestId></ResponseMetadata></GetCallerIdentityResponse>`)
	}), attempts
}

// TestRetrySettingsFromTheProfile: max_attempts and retry_mode of the
// profile, and AWS_MAX_ATTEMPTS / AWS_RETRY_MODE, decide how often a
// throttled call is tried, as in the AWS CLI; adaptive mode is the
// default only when no retry mode is set. The endpoint throttles a fixed
// number of times and counts the attempts it got.
func TestRetrySettingsFromTheProfile(t *testing.T) {
	cases := []struct {
		name      string
		profile   string // lines added to [profile t]
		env       map[string]string
		opts      Options
		throttles int64
		attempts  int64
		ok        bool
		mode      aws.RetryMode
	}{
		// Adaptive mode waits on its own rate limiter after a throttle
		// (about 2 s a retry here): those cases throttle little.
		{"nothing set: adaptive, the SDK's 3 attempts", "", nil, Options{}, 2, 3, true, aws.RetryModeAdaptive},
		{"max_attempts = 2 gives up after 2", "max_attempts = 2\n", nil, Options{}, 3, 2, false, aws.RetryModeAdaptive},
		{"max_attempts = 1 does not retry", "max_attempts = 1\n", nil, Options{}, 3, 1, false, aws.RetryModeAdaptive},
		{"retry_mode = standard, max_attempts = 6 outlasts 5 throttles", "retry_mode = standard\nmax_attempts = 6\n", nil, Options{}, 5, 6, true, aws.RetryModeStandard},
		{"retry_mode = standard, max_attempts = 4 gives up after 4", "retry_mode = standard\nmax_attempts = 4\n", nil, Options{}, 10, 4, false, aws.RetryModeStandard},
		{"AWS_MAX_ATTEMPTS wins over the profile", "retry_mode = standard\nmax_attempts = 6\n", map[string]string{"AWS_MAX_ATTEMPTS": "2"}, Options{}, 10, 2, false, aws.RetryModeStandard},
		{"AWS_RETRY_MODE and AWS_MAX_ATTEMPTS", "", map[string]string{"AWS_RETRY_MODE": "standard", "AWS_MAX_ATTEMPTS": "5"}, Options{}, 4, 5, true, aws.RetryModeStandard},
		{"Options.MaxAttempts wins over both", "max_attempts = 5\n", map[string]string{"AWS_MAX_ATTEMPTS": "5"}, Options{MaxAttempts: 1}, 3, 1, false, aws.RetryModeAdaptive},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			motoserver.EnvNoCredentials(t)
			url, attempts := throttlingSTS(t, c.throttles)
			writeAWSFiles(t, "[profile t]\nregion = us-east-1\naws_access_key_id = AKIDEXAMPLE\naws_secret_access_key = secretexample\n"+c.profile, "")
			for k, v := range c.env {
				t.Setenv(k, v)
			}
			o := c.opts
			o.Profile, o.EndpointURL = "t", url
			o.MaxBackoff = 5 * time.Millisecond // the count matters here, not the waits
			b, err := New(t.Context(), o)
			if err != nil {
				t.Fatalf("New: %v", err)
			}
			if got := b.sts.(*sts.Client).Options().RetryMode; got != c.mode {
				t.Errorf("retry mode %q, want %q", got, c.mode)
			}
			_, err = b.CallerIdentity(t.Context())
			if got := attempts.Load(); got != c.attempts {
				t.Errorf("%d attempts, want %d", got, c.attempts)
			}
			switch {
			case c.ok && err != nil:
				t.Errorf("CallerIdentity failed after the throttles: %v", err)
			case !c.ok && awsops.KindOf(err) != awsops.KindThrottled:
				t.Errorf("CallerIdentity = %v, want a throttled error", err)
			}
		})
	}
}
