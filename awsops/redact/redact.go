// Package redact masks AWS credentials and request signatures in text that
// sagerole prints or journals. AWS echoes parts of a request back in some
// errors — a SignatureDoesNotMatch carries the canonical request, with the
// x-amz-security-token header in it — and SDK errors can quote URLs with
// presigned query strings. Every AWS error text goes through String before
// anyone sees it.
package redact

import (
	"regexp"
	"strings"
)

// Mask is what a secret is replaced with.
const Mask = "[REDACTED]"

// keyed are secrets named by the text around them: a header, a query
// parameter, a config or JSON key, an XML element. Group 1 is kept (the
// name), group 2 is masked (the value).
var keyed = []*regexp.Regexp{
	// Authorization: AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…
	// (the whole value, to the end of the line or the quote around it).
	regexp.MustCompile(`(?i)(\bauthorization["']?\s*[:=]\s*["']?)([^\r\n"']+)`),
	// x-amz-security-token:VALUE in a canonical request, X-Amz-Security-Token=VALUE
	// in a query string, and the older X-Amz-Security-Token header.
	regexp.MustCompile(`(?i)(\bx-amz-security-token["']?\s*[:=]\s*["']?)([^\s&"'<,;\\]+)`),
	// Signature=HEX, X-Amz-Signature=HEX.
	regexp.MustCompile(`(?i)(\b(?:x-amz-)?signature["']?\s*[:=]\s*["']?)([0-9a-f]{16,})`),
	// Credential=AKIA…/20261124/us-east-1/iam/aws4_request: the key ID part.
	regexp.MustCompile(`(?i)(\b(?:x-amz-)?credential["']?\s*[:=]\s*["']?)([A-Z0-9]{16,128})`),
	// aws_secret_access_key = …, "SecretAccessKey": "…", aws_session_token=…
	regexp.MustCompile(`(?i)(\b(?:aws_)?(?:secret_?access_?key|secret_?key|session_?token|security_?token)["']?\s*[:=]\s*["']?)([A-Za-z0-9/+=%]{16,})`),
	// S3's error XML: <SignatureProvided>, <AWSAccessKeyId>, <StringToSignBytes>.
	regexp.MustCompile(`(?i)(<(?:SignatureProvided|AWSAccessKeyId|StringToSignBytes)>)([^<]+)`),
}

// accessKeyID is an access key ID: AKIA (long-term), ASIA (temporary), and
// the rarer ABIA/ACCA. Its prefix is kept: it says what kind of key leaked.
var accessKeyID = regexp.MustCompile(`\b(AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}\b`)

// sessionToken is a session token by the prefixes STS gives them (base64 of
// their binary header), URL-encoded or not.
var sessionToken = regexp.MustCompile(`(IQoJb3JpZ2lu|FwoGZXIvYXdz|FQoGZXIvYXdz)[A-Za-z0-9/+=%]*`)

// base64Run finds runs that may be a bare secret key (40 characters) or a
// session token of a kind not listed above (long).
var base64Run = regexp.MustCompile(`[A-Za-z0-9/+=]+`)

// String returns s with every credential and signature it holds masked.
// Text without any is returned unchanged.
func String(s string) string {
	if s == "" {
		return s
	}
	for _, re := range keyed {
		s = re.ReplaceAllString(s, "${1}"+Mask)
	}
	s = sessionToken.ReplaceAllString(s, Mask)
	s = accessKeyID.ReplaceAllString(s, "${1}"+Mask)
	return bareSecrets(s)
}

// Error is String of err's text, "" for nil.
func Error(err error) string {
	if err == nil {
		return ""
	}
	return String(err.Error())
}

// bareSecrets masks unlabelled secrets: a run of exactly 40 base64
// characters that looks like a secret access key, or a base64 run of 100
// or more characters (a session token; nothing else sagerole prints is
// that long without a separator).
func bareSecrets(s string) string {
	var b strings.Builder
	last := 0
	for _, m := range base64Run.FindAllStringIndex(s, -1) {
		run := s[m[0]:m[1]]
		if pathLike(run) || !secretKey(run) && !(len(run) >= 100 && mixed(run)) {
			continue
		}
		b.WriteString(s[last:m[0]])
		b.WriteString(Mask)
		last = m[1]
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// pathLike reports whether run reads as a file path rather than base64: it
// starts or ends with a slash, or has more slashes than random base64
// would (2 of its 64 characters are / and +).
func pathLike(run string) bool {
	n := strings.Count(run, "/")
	return strings.HasPrefix(run, "/") || strings.HasSuffix(run, "/") || strings.Contains(run, "//") || n > 3 && n > len(run)/16
}

// secretKey reports whether run has the shape of a secret access key: 40
// characters of base64 (no padding), upper and lower case letters and
// digits, or a / or +. A 40-digit hex hash (lower case only) is not one.
func secretKey(run string) bool {
	return len(run) == 40 && !strings.Contains(run, "=") && mixed(run)
}

func mixed(run string) bool {
	var upper, lower, digit, sym bool
	for _, r := range run {
		switch {
		case r >= 'A' && r <= 'Z':
			upper = true
		case r >= 'a' && r <= 'z':
			lower = true
		case r >= '0' && r <= '9':
			digit = true
		case r == '/' || r == '+':
			sym = true
		}
	}
	return upper && lower && (digit || sym)
}
