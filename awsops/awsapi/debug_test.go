package awsapi

import (
	"bytes"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sagerole/sagerole/awsops/motoserver"
)

// The debug lines of a call that was retried, and of one that AWS refused
// quoting the signed request: service, operation, statuses, attempts, the
// request ID — and none of the key ID, the secret or the session token the
// SDK sent.
func TestDebugLinesNameCallsNotCredentials(t *testing.T) {
	motoserver.Env(t)
	t.Setenv("AWS_ACCESS_KEY_ID", leakKeyID)
	t.Setenv("AWS_SECRET_ACCESS_KEY", leakSecret)
	t.Setenv("AWS_SESSION_TOKEN", leakToken)
	t.Setenv("AWS_RETRY_MODE", "standard")

	var debug bytes.Buffer
	url, _ := throttlingSTS(t, 2)
	b, err := New(t.Context(), Options{Region: "us-east-1", EndpointURL: url, MaxBackoff: time.Millisecond, Debug: &debug})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.CallerIdentity(t.Context()); err != nil {
		t.Fatal(err)
	}
	mismatch := httptest.NewServer(http.HandlerFunc(signatureMismatch))
	t.Cleanup(mismatch.Close)
	b, err = New(t.Context(), Options{Region: "us-east-1", EndpointURL: mismatch.URL, MaxAttempts: 1, Debug: &debug})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.GetRole(t.Context(), "ds-role"); err == nil {
		t.Fatal("the mismatch server accepted the call")
	}
	out := debug.String()
	for _, want := range []string{
		"sagerole debug: region us-east-1, endpoint " + url + ", retry mode standard (AWS_RETRY_MODE or retry_mode), max attempts 3 (the SDK's default)",
		"sagerole debug: credentials from EnvConfigCredentials",
		"sagerole debug: STS GetCallerIdentity: 200 in ",
		", 3 attempts (2 retries: 400 Throttling, 400 Throttling, 200), request ID ok-3",
		"sagerole debug: IAM GetRole: 403 SignatureDoesNotMatch in ",
		", 1 attempt, request ID 4d7a7ef4-7c5e-4b8a-9b3e-0c1f2b2d3e4f",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("debug output lacks %q:\n%s", want, out)
		}
	}
	for _, secret := range []string{leakKeyID, leakSecret, leakToken, leakToken[:40]} {
		if strings.Contains(out, secret) {
			t.Errorf("debug output holds a credential (%.12s…):\n%s", secret, out)
		}
	}
}

// A TLS endpoint whose certificate no known authority signed: the error
// names AWS_CA_BUNDLE and ca_bundle, and pointing AWS_CA_BUNDLE at the
// certificate makes the same call work — the hint is the fix.
func TestTLSErrorNamesTheCABundle(t *testing.T) {
	motoserver.Env(t)
	h, _ := throttling(0)
	srv := httptest.NewTLSServer(h)
	t.Cleanup(srv.Close)
	b, err := New(t.Context(), Options{Region: "us-east-1", EndpointURL: srv.URL, MaxAttempts: 1})
	if err != nil {
		t.Fatal(err)
	}
	_, err = b.CallerIdentity(t.Context())
	if err == nil || !strings.Contains(err.Error(), "AWS_CA_BUNDLE") || !strings.Contains(err.Error(), "ca_bundle") ||
		!strings.Contains(err.Error(), "unknown authority") {
		t.Fatalf("CallerIdentity over an untrusted certificate = %v; want the CA bundle named", err)
	}

	bundle := filepath.Join(t.TempDir(), "ca.pem")
	cert := srv.Certificate()
	if err := os.WriteFile(bundle, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("AWS_CA_BUNDLE", bundle)
	b, err = New(t.Context(), Options{Region: "us-east-1", EndpointURL: srv.URL, MaxAttempts: 1})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.CallerIdentity(t.Context()); err != nil {
		t.Errorf("with AWS_CA_BUNDLE set to the certificate: %v", err)
	}
}

// A profile whose credential_process fails is told about that command,
// not sent to `aws sso login`.
func TestCredentialProcessFailureHint(t *testing.T) {
	motoserver.EnvNoCredentials(t)
	writeAWSFiles(t, "[profile proc]\nregion = us-east-1\ncredential_process = sh -c 'echo broken >&2; exit 3'\n", "")
	_, err := New(t.Context(), Options{Profile: "proc"})
	if err == nil {
		t.Fatal("New succeeded with a failing credential_process")
	}
	msg := err.Error()
	if !strings.Contains(msg, `credential_process of profile "proc" failed`) || !strings.Contains(msg, "run that command yourself") {
		t.Errorf("message does not name the credential_process: %s", msg)
	}
	if strings.Contains(msg, "sso login") {
		t.Errorf("message sends a credential_process failure to aws sso login: %s", msg)
	}
}
