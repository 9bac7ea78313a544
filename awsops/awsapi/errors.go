package awsapi

import (
	"errors"
	"net/url"
	"strings"

	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"

	"github.com/sagerole/sagerole/awsops"
	"github.com/sagerole/sagerole/awsops/redact"
)

// wrap turns an SDK error from api ("iam:GetRole") into an *awsops.Error,
// keeping the service's code and message and the original error.
func wrap(api string, err error) error {
	if err == nil {
		return nil
	}
	e := &awsops.Error{API: api, Err: err}
	var late *callTimeout
	if errors.As(err, &late) {
		e.Kind = awsops.KindTimeout
		e.Message = late.Error() + "; raise the limit with --call-timeout or SAGEROLE_CALL_TIMEOUT"
		return e
	}
	if msg := tlsProblem(err); msg != "" {
		e.Message = msg
		return e
	}
	var ae smithy.APIError
	if errors.As(err, &ae) {
		e.Code = ae.ErrorCode()
		// Redacted here, at the source, so that no caller that prints
		// e.Message can leak what AWS echoed back.
		e.Message = redact.String(ae.ErrorMessage())
		e.Kind = awsops.KindForCode(e.Code)
	}
	// HeadBucket has no body, so its 404 carries no code of its own.
	var nf *s3types.NotFound
	var nsb *s3types.NoSuchBucket
	if errors.As(err, &nf) || errors.As(err, &nsb) {
		e.Kind = awsops.KindNotFound
	}
	if e.Kind == awsops.KindValidation && strings.HasPrefix(api, "sagemaker:") && sageMakerNotFound(e.Message) {
		e.Kind = awsops.KindNotFound
	}
	if e.Kind == awsops.KindOther && isCredentialsError(err) {
		e.Kind = awsops.KindCredentials
	}
	return e
}

// sageMakerNotFound reports whether a SageMaker ValidationException says
// that the resource does not exist. AWS itself answers this way for
// notebook instances ("RecordNotFound") and for many other resources
// ("Could not find model ..."); moto answers DescribeDomain the same way.
func sageMakerNotFound(msg string) bool {
	return strings.Contains(msg, "RecordNotFound") || strings.HasPrefix(msg, "Could not find")
}

// isCredentialsError reports whether the request failed before it was sent
// because credentials could not be had (e.g. an SSO session that expired
// during a long run).
func isCredentialsError(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "get identity: ") ||
		strings.Contains(msg, "failed to retrieve credentials") ||
		strings.Contains(msg, "failed to refresh cached credentials")
}

// decodeDocument decodes a policy document as IAM returns it (URL-encoded,
// RFC 3986). PathUnescape, not QueryUnescape: a literal "+" must stay a
// "+" (the AWS CLI decodes with Python's unquote, which agrees), and IAM
// encodes spaces as %20. A document that is not encoded is returned as is.
func decodeDocument(doc *string) string {
	if doc == nil {
		return ""
	}
	s, err := url.PathUnescape(*doc)
	if err != nil {
		return *doc
	}
	return s
}
