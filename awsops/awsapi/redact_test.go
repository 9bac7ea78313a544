package awsapi

import (
	"encoding/xml"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/sagerole/sagerole/awsops"
	"github.com/sagerole/sagerole/awsops/motoserver"
)

// A session token and key of the shapes STS issues.
const (
	leakToken  = "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQDr5Ht8aUw7QbX4iXr6+Hb4b9XzqJZcYQIgV3M8T1xvb1lQaGxwR2NpU0FrVjRQd0UrWkFnS3hIV3c9"
	leakKeyID  = "ASIAY34FZKBOKMUTVV7A"
	leakSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
)

// signatureMismatch answers every request as IAM does when the signature
// does not match: 403 SignatureDoesNotMatch, its message quoting the
// canonical request it expected — built from the request it got, so the
// session token the SDK really sent is in it.
func signatureMismatch(w http.ResponseWriter, r *http.Request) {
	var canon strings.Builder
	fmt.Fprintf(&canon, "%s\n/\n\n", r.Method)
	fmt.Fprintf(&canon, "content-type:%s\nhost:%s\nx-amz-date:%s\nx-amz-security-token:%s\n\n",
		r.Header.Get("Content-Type"), r.Host, r.Header.Get("X-Amz-Date"), r.Header.Get("X-Amz-Security-Token"))
	canon.WriteString("content-type;host;x-amz-date;x-amz-security-token\n")
	canon.WriteString("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
	msg := "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.\n\n" +
		"The Canonical String for this request should have been\n'" + canon.String() + "'\n\n" +
		"The String-to-Sign should have been\n'AWS4-HMAC-SHA256\n" + r.Header.Get("X-Amz-Date") + "\n" +
		"20261124/us-east-1/iam/aws4_request\n5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7'\n" +
		"Authorization was: " + r.Header.Get("Authorization")
	var esc strings.Builder
	_ = xml.EscapeText(&esc, []byte(msg))
	w.Header().Set("Content-Type", "text/xml")
	w.WriteHeader(http.StatusForbidden)
	fmt.Fprintf(w, `<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>Sender</Type><Code>SignatureDoesNotMatch</Code><Message>%s</Message></Error><RequestId>4d7a7ef4-7c5e-4b8a-9b3e-0c1f2b2d3e4f</RequestId></ErrorResponse>`, esc.String())
}

// The error of a real SDK call that came back with the canonical request
// in it: what sagerole prints (Error) and keeps (Message) holds neither the
// session token, nor the key ID, nor the signature the SDK sent.
func TestSignatureMismatchIsRedacted(t *testing.T) {
	motoserver.Env(t)
	t.Setenv("AWS_ACCESS_KEY_ID", leakKeyID)
	t.Setenv("AWS_SECRET_ACCESS_KEY", leakSecret)
	t.Setenv("AWS_SESSION_TOKEN", leakToken)
	var sentAuth string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sentAuth = r.Header.Get("Authorization")
		signatureMismatch(w, r)
	}))
	t.Cleanup(srv.Close)
	b, err := New(t.Context(), Options{Region: "us-east-1", EndpointURL: srv.URL, MaxAttempts: 1})
	if err != nil {
		t.Fatal(err)
	}
	_, err = b.GetRole(t.Context(), "ds-role")
	if err == nil {
		t.Fatal("GetRole succeeded against a server that refuses every signature")
	}
	var ae *awsops.Error
	if !strings.Contains(err.Error(), "SignatureDoesNotMatch") || !asError(err, &ae) {
		t.Fatalf("not the service's error: %v", err)
	}
	_, sig, _ := strings.Cut(sentAuth, "Signature=")
	if len(sig) < 64 {
		t.Fatalf("the SDK sent no signature? Authorization %q", sentAuth)
	}
	for _, text := range []string{err.Error(), ae.Message} {
		for _, secret := range []string{leakToken, leakToken[:24], leakKeyID, sig[:64], leakSecret} {
			if strings.Contains(text, secret) {
				t.Errorf("%q survived in:\n%s", secret, text)
			}
		}
		for _, keep := range []string{"does not match the signature you provided", "x-amz-security-token:[REDACTED]", "/iam/aws4_request"} {
			if !strings.Contains(text, keep) {
				t.Errorf("%q was lost from:\n%s", keep, text)
			}
		}
	}
}

func asError(err error, target **awsops.Error) bool {
	e, ok := err.(*awsops.Error)
	if ok {
		*target = e
	}
	return ok
}
