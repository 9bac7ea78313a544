package awsapi

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/credentials/processcreds"
)

// tlsProblem explains a TLS certificate that could not be verified, with
// what to set; "" when err is not one. A certificate from a private
// authority (a company's TLS-inspecting proxy, an emulator's own) is
// trusted through the CA bundle, as in the AWS CLI.
func tlsProblem(err error) string {
	var host x509.HostnameError
	if errors.As(err, &host) {
		return fmt.Sprintf("%v: the endpoint's TLS certificate is for another host; check --endpoint-url, AWS_ENDPOINT_URL or endpoint_url in your profile", host)
	}
	var expired x509.CertificateInvalidError
	if errors.As(err, &expired) {
		return fmt.Sprintf("%v: the endpoint's TLS certificate is not valid (expired, or not yet valid: check this machine's clock)", expired)
	}
	var unknown x509.UnknownAuthorityError
	var verify *tls.CertificateVerificationError
	if errors.As(err, &unknown) || errors.As(err, &verify) {
		what := "x509: certificate signed by unknown authority"
		if verify != nil {
			what = verify.Error()
		}
		return what + ": if a proxy or a private certificate authority signs the endpoint's certificate, point AWS_CA_BUNDLE (or ca_bundle in your profile) at that authority's PEM bundle"
	}
	return ""
}

// credentialProcessProblem explains a failed credential_process, or ""
// when err did not come from one. An SSO login does not help here: the
// command the profile names failed, or printed something else than
// credentials.
func credentialProcessProblem(profile string, err error) string {
	var pe *processcreds.ProviderError
	if !errors.As(err, &pe) {
		return ""
	}
	name := "the profile"
	if profile != "" {
		name = fmt.Sprintf("profile %q", profile)
	}
	return fmt.Sprintf("the credential_process of %s failed (%v): run that command yourself to see why; it must print credentials as JSON with Version 1, AccessKeyId and SecretAccessKey", name, pe.Err)
}
