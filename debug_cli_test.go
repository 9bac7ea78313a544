package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync/atomic"
	"testing"
)

// Credentials of the shapes AWS issues, to look for where they must not be.
const (
	debugKeyID  = "ASIAY34FZKBOKMUTVV7A"
	debugSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
	debugToken  = "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQDr5Ht8aUw7QbX4iXr6+Hb4b9XzqJZcYQIgV3M8T1xvb1lQaGxwR2NpU0FrVjRQd0UrWkFnS3hIV3c9"
)

// echoingSTS answers GetCallerIdentity the first time, then refuses every
// call quoting back the request's Authorization and session token headers
// in its message, as AWS's SignatureDoesNotMatch does with the canonical
// request.
func echoingSTS(t *testing.T) string {
	t.Helper()
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/xml")
		w.Header().Set("X-Amzn-Requestid", fmt.Sprintf("req-%d", n.Add(1)))
		_ = r.ParseForm()
		if r.Form.Get("Action") == "GetCallerIdentity" {
			fmt.Fprint(w, `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/tester</Arn><UserId>AIDAEXAMPLEUSERID0001</UserId><Account>123456789012</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></GetCallerIdentityResponse>`)
			return
		}
		w.WriteHeader(http.StatusForbidden)
		fmt.Fprintf(w, `<ErrorResponse><Error><Type>Sender</Type><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does not match. Authorization was: %s x-amz-security-token:%s</Message></Error><RequestId>denied-1</RequestId></ErrorResponse>`,
			r.Header.Get("Authorization"), r.Header.Get("X-Amz-Security-Token"))
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// --debug (and SAGEROLE_DEBUG=1) logs every AWS call on stderr — service,
// operation, status, duration, attempts, request ID — and never the
// access key, the secret or the session token, not even when AWS quotes
// the signed request back.
func TestDebugLogsCallsWithoutCredentials(t *testing.T) {
	for _, c := range []struct {
		name string
		args []string
		env  string
	}{{"--debug", []string{"--debug"}, ""}, {"SAGEROLE_DEBUG=1", nil, "1"}} {
		t.Run(c.name, func(t *testing.T) {
			isolate(t)
			t.Setenv("AWS_ACCESS_KEY_ID", debugKeyID)
			t.Setenv("AWS_SECRET_ACCESS_KEY", debugSecret)
			t.Setenv("AWS_SESSION_TOKEN", debugToken)
			t.Setenv("AWS_MAX_ATTEMPTS", "1")
			if c.env != "" {
				t.Setenv("SAGEROLE_DEBUG", c.env)
			}
			url := echoingSTS(t)
			args := append(append([]string{}, c.args...), "--endpoint-url", url, "--region", "us-east-1", "modify", "ds-role")
			code, _, errOut := runCLI(t, args...)
			if code != exitFailed {
				t.Fatalf("exit %d\n%s", code, errOut)
			}
			for _, want := range []string{
				"sagerole debug: region us-east-1, endpoint " + url + ", retry mode adaptive (sagerole's default), max attempts 1 (AWS_MAX_ATTEMPTS or max_attempts)",
				"sagerole debug: credentials from EnvConfigCredentials",
				"sagerole debug: IAM GetRole: 403 SignatureDoesNotMatch in ",
				", 1 attempt, request ID req-1",
			} {
				if !strings.Contains(errOut, want) {
					t.Errorf("stderr lacks %q:\n%s", want, errOut)
				}
			}
			for _, secret := range []string{debugKeyID, debugSecret, debugToken, debugToken[:32]} {
				if strings.Contains(errOut, secret) {
					t.Errorf("stderr holds a credential (%.12s…):\n%s", secret, errOut)
				}
			}
		})
	}
	// Without either, not a debug line.
	isolate(t)
	t.Setenv("AWS_ACCESS_KEY_ID", debugKeyID)
	t.Setenv("AWS_SECRET_ACCESS_KEY", debugSecret)
	if _, _, errOut := runCLI(t, "--endpoint-url", echoingSTS(t), "--region", "us-east-1", "find", "--whoami"); strings.Contains(errOut, "debug") {
		t.Errorf("debug lines without --debug:\n%s", errOut)
	}
}

// The retry settings of a profile reach the command line's calls: a
// throttled GetCallerIdentity is tried max_attempts times.
func TestProfileMaxAttemptsOnTheCommandLine(t *testing.T) {
	for _, c := range []struct {
		attempts, throttles, calls int64
		code                       int
	}{{1, 1, 1, exitFailed}, {2, 1, 2, exitOK}} {
		t.Run(fmt.Sprintf("max_attempts=%d", c.attempts), func(t *testing.T) {
			isolate(t)
			var calls atomic.Int64
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/xml")
				if calls.Add(1) <= c.throttles {
					w.WriteHeader(http.StatusBadRequest)
					fmt.Fprint(w, `<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>t</RequestId></ErrorResponse>`)
					return
				}
				fmt.Fprint(w, `<GetCallerIdentityResponse><GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/tester</Arn><UserId>AIDAEXAMPLEUSERID0001</UserId><Account>123456789012</Account></GetCallerIdentityResult></GetCallerIdentityResponse>`)
			}))
			t.Cleanup(srv.Close)
			profile := fmt.Sprintf("[profile t]\nregion = us-east-1\naws_access_key_id = AKIDEXAMPLE\naws_secret_access_key = secretexample\nmax_attempts = %d\n", c.attempts)
			if err := os.WriteFile(os.Getenv("AWS_CONFIG_FILE"), []byte(profile), 0o600); err != nil {
				t.Fatal(err)
			}
			code, _, errOut := runCLI(t, "--profile", "t", "--endpoint-url", srv.URL, "find", "--whoami")
			if code != c.code || calls.Load() != c.calls {
				t.Errorf("exit %d after %d calls, want %d after %d\n%s", code, calls.Load(), c.code, c.calls, errOut)
			}
		})
	}
}
