package main

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// --call-timeout and SAGEROLE_CALL_TIMEOUT bound each call: an endpoint
// that never answers ends the command (exit 1) with a sentence naming the
// service, the endpoint and the operation; a bad limit is bad input.
func TestCallTimeoutFlagAndEnv(t *testing.T) {
	isolate(t)
	t.Setenv("AWS_ACCESS_KEY_ID", "testing")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "testing")
	t.Setenv("AWS_REGION", "us-east-1")
	stop := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-stop:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(func() { close(stop); srv.Close() })
	want := "sts:GetCallerIdentity: STS at " + srv.URL + " did not answer GetCallerIdentity within 250ms"

	code, _, errOut := runCLI(t, "--endpoint-url", srv.URL, "--call-timeout", "250ms", "find", "--whoami")
	if code != exitFailed || !strings.Contains(errOut, want) {
		t.Fatalf("--call-timeout: exit %d, stderr %q", code, errOut)
	}

	t.Setenv(callTimeoutEnv, "250ms")
	code, _, errOut = runCLI(t, "--endpoint-url", srv.URL, "find", "--whoami")
	if code != exitFailed || !strings.Contains(errOut, want) {
		t.Fatalf("%s: exit %d, stderr %q", callTimeoutEnv, code, errOut)
	}
	// The flag wins over the environment.
	t.Setenv(callTimeoutEnv, "1h")
	code, _, errOut = runCLI(t, "--endpoint-url", srv.URL, "--call-timeout", "250ms", "find", "--whoami")
	if code != exitFailed || !strings.Contains(errOut, want) {
		t.Fatalf("flag over environment: exit %d, stderr %q", code, errOut)
	}

	for _, tc := range []struct {
		env  string
		args []string
		msg  string
	}{
		{"", []string{"--call-timeout", "0s"}, "--call-timeout must be a positive duration"},
		{"", []string{"--call-timeout", "-5s"}, "--call-timeout must be a positive duration"},
		{"", []string{"--call-timeout", "soon"}, `invalid argument "soon" for "--call-timeout"`},
		{"abc", nil, `SAGEROLE_CALL_TIMEOUT="abc" is not a positive duration`},
		{"", nil, "SAGEROLE_CALL_TIMEOUT is set but empty: give it a value, or unset it"},
	} {
		t.Setenv(callTimeoutEnv, tc.env)
		args := append(append([]string{"--endpoint-url", srv.URL}, tc.args...), "find", "--whoami")
		code, _, errOut := runCLI(t, args...)
		if code != exitBadUsage || !strings.Contains(errOut, tc.msg) || strings.Count(errOut, "\n") != 1 {
			t.Errorf("%v with %s=%q: exit %d, stderr %q", tc.args, callTimeoutEnv, tc.env, code, errOut)
		}
	}
}
