package redact

import (
	"encoding/base64"
	"strings"
	"testing"
)

// Test credentials of the shapes AWS issues (the examples of AWS's own
// documentation, and a session token of the IQoJ… form).
const (
	keyID     = "AKIAIOSFODNN7EXAMPLE"
	tempKeyID = "ASIAY34FZKBOKMUTVV7A"
	secret    = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
	token     = "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQDr5Ht8aUw7QbX4iXr6+Hb4b9XzqJZcYQIgV3M8T1xvb1lQaGxwR2NpU0FrVjRQd0UrWkFnS3hIV3c9"
	signature = "fe5f80f77d5fa3beca038a248ff027d0445342fe2855ddc963176630326f1024"
)

// longToken is 160 characters of base64 of no known prefix, as random as a
// token: base64 of a fixed byte sequence.
func longToken() string {
	b := make([]byte, 120)
	for i := range b {
		b[i] = byte(i*151 + 7*i*i)
	}
	return base64.RawStdEncoding.EncodeToString(b)
}

func TestString(t *testing.T) {
	tests := []struct {
		name string
		in   string
		gone []string // secrets that must not survive
		keep []string // text that must survive
	}{
		{"access key ID", "The security token included in the request is invalid: " + keyID,
			[]string{keyID}, []string{"AKIA" + Mask, "security token included"}},
		{"temporary key ID", "user " + tempKeyID + " denied", []string{tempKeyID}, []string{"ASIA" + Mask}},
		{"secret key in config form", "aws_secret_access_key = " + secret, []string{secret}, []string{"aws_secret_access_key = " + Mask}},
		{"secret key in JSON", `{"SecretAccessKey": "` + secret + `"}`, []string{secret}, []string{"SecretAccessKey"}},
		{"bare secret key", "key " + secret + " rejected", []string{secret}, []string{"key " + Mask + " rejected"}},
		{"session token in canonical request", "x-amz-date:20261124T013746Z\nx-amz-security-token:" + token + "\n\nhost;x-amz-date",
			[]string{token, token[:30]}, []string{"x-amz-security-token:" + Mask, "x-amz-date:20261124T013746Z", "host;x-amz-date"}},
		{"session token header", "X-Amz-Security-Token: " + token, []string{token[:30]}, []string{"X-Amz-Security-Token: " + Mask}},
		{"presigned URL", "GET https://b.s3.amazonaws.com/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=" + tempKeyID +
			"%2F20261124%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Security-Token=IQoJb3JpZ2luX2Vj%2F%2Fabc%2Bdef%3D&X-Amz-Signature=" + signature + "&x=1",
			[]string{tempKeyID, signature, "IQoJb3JpZ2luX2Vj%2F"}, []string{"X-Amz-Algorithm=AWS4-HMAC-SHA256", "%2F20261124%2Fus-east-1%2Fs3%2Faws4_request", "&x=1"}},
		{"authorization header", "Authorization: AWS4-HMAC-SHA256 Credential=" + keyID + "/20261124/us-east-1/iam/aws4_request, SignedHeaders=host;x-amz-date, Signature=" + signature + "\nHost: iam.amazonaws.com",
			[]string{keyID, signature, "SignedHeaders"}, []string{"Authorization: " + Mask, "Host: iam.amazonaws.com"}},
		{"credential scope alone", "Credential=" + keyID + "/20261124/us-east-1/iam/aws4_request", []string{keyID}, []string{"/20261124/us-east-1/iam/aws4_request"}},
		{"S3 error XML", "<AWSAccessKeyId>" + keyID + "</AWSAccessKeyId><SignatureProvided>" + signature + "</SignatureProvided><StringToSign>AWS4-HMAC-SHA256</StringToSign>",
			[]string{keyID, signature}, []string{"<StringToSign>AWS4-HMAC-SHA256</StringToSign>"}},
		{"unlabelled long token", "token " + longToken() + " end", []string{longToken()}, []string{"token ", " end"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := String(tc.in)
			for _, g := range tc.gone {
				if strings.Contains(got, g) {
					t.Errorf("%q survived:\n%s", g, got)
				}
			}
			for _, k := range tc.keep {
				if !strings.Contains(got, k) {
					t.Errorf("%q was lost:\n%s", k, got)
				}
			}
		})
	}
}

// What sagerole prints every day must come through unchanged: ARNs, role
// IDs, hashes, policy documents, AWS's usual messages.
func TestStringKeepsOrdinaryText(t *testing.T) {
	for _, s := range []string{
		"iam:GetRole: NoSuchEntity: The role with name ds-role cannot be found.",
		"arn:aws:iam::111122223333:role/service-role/AmazonSageMaker-ExecutionRole-20261124T013746",
		"arn:aws:iam::aws:policy/service-role/AmazonSageMakerServiceCatalogProductsUseRole",
		"AROAXXXXXXXXXXXXXXXXX:sandbox-session",
		"AROA5Q3DRGCZ6PXKIM4FO", // a role ID, not a key
		"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
		"da39a3ee5e6b4b0d3255bfef95601890afd80709", // a 40-character SHA-1: hex, not a key
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::team-raw-data/*"}]}`,
		"User: arn:aws:sts::111122223333:assumed-role/Admin/s is not authorized to perform: iam:PutRolePolicy",
		"sagemaker:UpdateDomain: ValidationException: SageMaker is unable to assume your associated ExecutionRole.",
		"Authorization failed for this request",
		// Paths of files named in messages (40 and 100+ characters of the
		// base64 alphabet, but paths).
		"policy file /tmp/TestModifyBadInput152444929/001/acl.json for --put-inline acl",
		"/tmp/TestPolicyLint2590793121/001/broken.json:1:41: not a policy document",
		"/home/alice/work/Projects2026/SageMaker/Roles/Research/Policies/Inline/Drafts/Reviewed/Final/Current/v3",
	} {
		if got := String(s); got != s {
			t.Errorf("changed:\n in: %s\nout: %s", s, got)
		}
	}
}

// SignatureMismatchMessage is what IAM and STS answer when the signature
// does not match: the canonical request and the string to sign they
// expected, with the session token in the signed headers.
func SignatureMismatchMessage() string {
	return "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.\n\n" +
		"The Canonical String for this request should have been\n'POST\n/\n\n" +
		"content-type:application/x-www-form-urlencoded; charset=utf-8\nhost:iam.amazonaws.com\nx-amz-date:20261124T013746Z\n" +
		"x-amz-security-token:" + token + "\n\n" +
		"content-type;host;x-amz-date;x-amz-security-token\n" + signature + "'\n\n" +
		"The String-to-Sign should have been\n'AWS4-HMAC-SHA256\n20261124T013746Z\n20261124/us-east-1/iam/aws4_request\n" +
		"5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7'\n"
}

func TestSignatureMismatch(t *testing.T) {
	got := String(SignatureMismatchMessage())
	if strings.Contains(got, token[:16]) || strings.Contains(got, "wEaCXVzLWVhc3Qt") {
		t.Fatalf("the session token survived:\n%s", got)
	}
	for _, keep := range []string{"does not match the signature you provided", "host:iam.amazonaws.com",
		"x-amz-security-token:" + Mask, "content-type;host;x-amz-date;x-amz-security-token", "20261124/us-east-1/iam/aws4_request"} {
		if !strings.Contains(got, keep) {
			t.Errorf("%q was lost:\n%s", keep, got)
		}
	}
}

func FuzzString(f *testing.F) {
	f.Add(SignatureMismatchMessage())
	f.Add("Credential=" + keyID + "/x, Signature=" + signature)
	f.Fuzz(func(t *testing.T, s string) {
		once := String(s)
		// Redacting is idempotent, and what it leaves holds no key ID.
		if twice := String(once); twice != once {
			t.Errorf("not idempotent:\n%q\n%q", once, twice)
		}
		if m := accessKeyID.FindString(strings.ReplaceAll(once, Mask, " ")); m != "" {
			t.Errorf("key ID %q survived in %q", m, once)
		}
	})
}
