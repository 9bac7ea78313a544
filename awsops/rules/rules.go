// Package rules holds AWS's documented rules for names, paths, ARNs, tags
// and policy documents. The sandbox enforces them as AWS does; the command
// line and the wizard check them before anything is sent. Every refusal is
// one sentence that names the field and the rule.
package rules

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// InputError is bad input: Field names what was wrong, Error is the sentence.
type InputError struct {
	Field string
	Msg   string
	// Remedy, when set, is what the command line tells the user to do
	// about it ("pass --create-missing to create it in us-east-1"), and
	// Flag the flag or command it names ("--create-missing"). They are
	// kept apart from Msg so that the wizard, whose user typed no flag,
	// can say the fact and its own remedy instead.
	Remedy string
	Flag   string
}

func (e *InputError) Error() string {
	if e.Remedy == "" {
		return e.Msg
	}
	return e.Msg + "; " + e.Remedy
}

// IsInput reports whether err is (or wraps) an *InputError.
func IsInput(err error) bool {
	var ie *InputError
	return errors.As(err, &ie)
}

func bad(field, format string, args ...any) error {
	return &InputError{Field: field, Msg: fmt.Sprintf(format, args...)}
}

var roleNameRE = regexp.MustCompile(`^[\w+=,.@-]+$`)

// RoleName checks IAM's role name rule: 1 to 64 of letters, digits and + = , . @ _ -.
func RoleName(name string) error {
	switch {
	case name == "":
		return bad("role name", "role name is empty; IAM needs 1 to 64 characters")
	case len(name) > 64:
		return bad("role name", "role name %q is %d characters long; IAM allows at most 64", name, len(name))
	case !roleNameRE.MatchString(name):
		return bad("role name", "role name %q has a character IAM does not allow; use letters, digits and + = , . @ _ -", name)
	}
	return nil
}

// Path checks IAM's path rule: "/" or /segments/ of printable ASCII, at most 512.
func Path(p string) error {
	if p == "/" {
		return nil
	}
	if len(p) > 512 {
		return bad("path", "path is %d characters long; IAM allows at most 512", len(p))
	}
	if len(p) < 3 || p[0] != '/' || p[len(p)-1] != '/' || strings.Contains(p, "//") {
		return bad("path", "path %q must be / or of the form /a/b/ (starting and ending with /)", p)
	}
	for _, r := range p {
		if r < 0x21 || r > 0x7e {
			return bad("path", "path %q has a character IAM does not allow; use printable ASCII without spaces", p)
		}
	}
	return nil
}

// Description checks IAM's role description rule: at most 1,000 of tab,
// CR, LF, U+0020–U+007E and U+00A1–U+00FF.
func Description(d string) error {
	if utf8.RuneCountInString(d) > 1000 {
		return bad("description", "description is %d characters long; IAM allows at most 1000", utf8.RuneCountInString(d))
	}
	for _, r := range d {
		if !(r == '\t' || r == '\n' || r == '\r' || (r >= 0x20 && r <= 0x7e) || (r >= 0xa1 && r <= 0xff)) {
			return bad("description", "description has the character %q, which IAM does not allow; use Latin-1 letters, digits, punctuation and spaces", r)
		}
	}
	return nil
}

var tagCharsRE = regexp.MustCompile(`^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$`)

// MaxTagsPerRole is IAM's limit.
const MaxTagsPerRole = 50

// Tag checks one IAM tag: key 1–128, value 0–256, letters, digits, spaces and _ . : / = + - @,
// and no key starting with the reserved prefix aws:.
func Tag(key, value string) error {
	switch {
	case key == "":
		return bad("tag", "tag key is empty; IAM needs 1 to 128 characters")
	case utf8.RuneCountInString(key) > 128:
		return bad("tag", "tag key %q is longer than IAM's 128 characters", key)
	case utf8.RuneCountInString(value) > 256:
		return bad("tag", "tag value for %q is longer than IAM's 256 characters", key)
	case strings.HasPrefix(strings.ToLower(key), "aws:"):
		return bad("tag", "tag key %q starts with aws:, which AWS reserves for itself", key)
	case !tagCharsRE.MatchString(key) || !tagCharsRE.MatchString(value):
		return bad("tag", "tag %s=%s has a character IAM does not allow; use letters, digits, spaces and _ . : / = + - @", key, value)
	}
	return nil
}

// ParseTag parses KEY=VALUE (the value may be empty, the = may not be missing).
func ParseTag(s string) (key, value string, err error) {
	k, v, ok := strings.Cut(s, "=")
	if !ok {
		return "", "", bad("tag", "tag %q is not of the form KEY=VALUE", s)
	}
	return k, v, Tag(k, v)
}

// Tags checks a list of tags: each tag, no key twice, at most 50.
func Tags(keys, values []string) error {
	if len(keys) > MaxTagsPerRole {
		return bad("tag", "%d tags given; IAM allows at most %d per role", len(keys), MaxTagsPerRole)
	}
	seen := map[string]bool{}
	for i, k := range keys {
		if err := Tag(k, values[i]); err != nil {
			return err
		}
		if seen[strings.ToLower(k)] {
			return bad("tag", "tag key %q is given twice; keys must be unique (case-insensitively)", k)
		}
		seen[strings.ToLower(k)] = true
	}
	return nil
}

// roleARNRE is the pattern SageMaker documents for an execution role
// (arn:aws[a-z-]*:iam::\d{12}:role/?[a-zA-Z_0-9+=,.@\-_/]+), made stricter:
// SageMaker's optional slash lets "...:role0" through, which names no role.
// Here a role ARN is role/, an optional path, and a valid role name.
var roleARNRE = regexp.MustCompile(`^arn:aws[a-z\-]*:iam::\d{12}:role/(?:[a-zA-Z_0-9+=,.@\-]+/)*[\w+=,.@-]{1,64}$`)

// RoleARN checks the ARN shape SageMaker accepts for an execution role.
func RoleARN(arn string) error {
	if len(arn) > 2048 || !roleARNRE.MatchString(arn) {
		return bad("role", "role ARN %q is not of the form arn:aws:iam::123456789012:role/PATH/NAME", arn)
	}
	return nil
}

// IsARN reports whether s looks like an ARN rather than a name.
func IsARN(s string) bool { return strings.HasPrefix(s, "arn:") }

// RoleNameFromARN returns what follows the last / of a role ARN: the name,
// without its path.
func RoleNameFromARN(arn string) string {
	if i := strings.LastIndex(arn, "/"); i >= 0 {
		return arn[i+1:]
	}
	return arn
}

// RolePathFromARN returns the path of a role ARN ("/service-role/" for
// arn:aws:iam::1:role/service-role/X, "/" for arn:aws:iam::1:role/X).
func RolePathFromARN(arn string) string {
	i := strings.Index(arn, ":role/")
	j := strings.LastIndex(arn, "/")
	if i < 0 || j < i+len(":role/")-1 {
		return "/"
	}
	return arn[i+len(":role") : j+1]
}

// AccountFromARN returns the 12-digit account of an ARN, "" when absent.
func AccountFromARN(arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 {
		return ""
	}
	return parts[4]
}

// ReservedBucketPrefixes and suffixes are S3's.
var (
	reservedBucketPrefixes = []string{"xn--", "sthree-", "amzn-s3-demo-"}
	reservedBucketSuffixes = []string{"-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"}
	bucketCharsRE          = regexp.MustCompile(`^[a-z0-9][a-z0-9.\-]*[a-z0-9]$`)
)

// BucketName checks S3's general purpose bucket naming rules.
func BucketName(name string) error {
	switch {
	case len(name) < 3 || len(name) > 63:
		return bad("bucket", "bucket name %q is %d characters long; S3 needs 3 to 63", name, len(name))
	case !bucketCharsRE.MatchString(name):
		return bad("bucket", "bucket name %q must be lowercase letters, digits, . and -, starting and ending with a letter or digit", name)
	case strings.Contains(name, ".."):
		return bad("bucket", "bucket name %q has two adjacent periods, which S3 does not allow", name)
	case net.ParseIP(name) != nil:
		return bad("bucket", "bucket name %q is formatted as an IP address, which S3 does not allow", name)
	}
	for _, p := range reservedBucketPrefixes {
		if strings.HasPrefix(name, p) {
			return bad("bucket", "bucket name %q starts with %s, which S3 reserves", name, p)
		}
	}
	for _, s := range reservedBucketSuffixes {
		if strings.HasSuffix(name, s) {
			return bad("bucket", "bucket name %q ends with %s, which S3 reserves", name, s)
		}
	}
	return nil
}

// CIDR checks an IPv4 or IPv6 CIDR block such as 192.0.2.0/24.
func CIDR(s string) error {
	if _, _, err := net.ParseCIDR(s); err != nil {
		return bad("source IP", "source IP %q is not a CIDR block such as 192.0.2.0/24", s)
	}
	return nil
}

var (
	kmsKeyARNRE   = regexp.MustCompile(`^arn:aws[a-z\-]*:kms:[a-z0-9\-]+:\d{12}:key/[a-zA-Z0-9\-]+$`)
	kmsAliasARNRE = regexp.MustCompile(`^arn:aws[a-z\-]*:kms:[a-z0-9\-]+:\d{12}:alias/([a-zA-Z0-9/_\-]+)$`)
)

// KMSKeyARN checks the shape of a KMS key ARN. An alias ARN is refused:
// Decrypt, Encrypt, GenerateDataKey, CreateGrant and DescribeKey act on
// key/… ARNs only (Service Authorization Reference, AWS KMS), so a policy
// naming the alias would grant nothing.
func KMSKeyARN(s string) error {
	if m := kmsAliasARNRE.FindStringSubmatch(s); m != nil {
		return bad("KMS key", "KMS key %q is an alias, and IAM grants KMS actions on the key's own ARN only; give the key ARN (arn:aws:kms:REGION:123456789012:key/ID), which aws kms describe-key --key-id alias/%s shows", s, m[1])
	}
	if !kmsKeyARNRE.MatchString(s) {
		return bad("KMS key", "KMS key %q is not an ARN of the form arn:aws:kms:REGION:123456789012:key/ID", s)
	}
	return nil
}

var policyARNRE = regexp.MustCompile(`^arn:aws[a-z\-]*:iam::(aws|\d{12}):policy/([\x21-\x7e]+/)?[\w+=,.@\-]{1,128}$`)

// PolicyARN checks the shape of a managed policy ARN.
func PolicyARN(s string) error {
	if !policyARNRE.MatchString(s) {
		return bad("policy", "managed policy %q is not an ARN of the form arn:aws:iam::aws:policy/NAME", s)
	}
	return nil
}

var policyNameRE = regexp.MustCompile(`^[\w+=,.@-]{1,128}$`)

// PolicyName checks IAM's inline policy name rule.
func PolicyName(name string) error {
	if !policyNameRE.MatchString(name) {
		return bad("policy name", "policy name %q must be 1 to 128 letters, digits and + = , . @ _ -", name)
	}
	return nil
}

// PolicySize is the size IAM counts for a policy document: every character
// except white space.
func PolicySize(doc string) int {
	n := 0
	for _, r := range doc {
		if !unicode.IsSpace(r) {
			n++
		}
	}
	return n
}

// PolicyDocument checks that doc is a JSON policy IAM would parse: an object
// with a Statement (an object or a non-empty array of objects), each with an
// Effect of Allow or Deny. It does not judge what the policy allows.
func PolicyDocument(field, doc string) error {
	var top map[string]json.RawMessage
	if err := json.Unmarshal([]byte(doc), &top); err != nil {
		return bad(field, "%s is not valid JSON: %v", field, err)
	}
	raw, ok := top["Statement"]
	if !ok {
		return bad(field, "%s has no Statement", field)
	}
	var stmts []map[string]json.RawMessage
	if err := json.Unmarshal(raw, &stmts); err != nil {
		var one map[string]json.RawMessage
		if err := json.Unmarshal(raw, &one); err != nil {
			return bad(field, "%s: Statement must be an object or an array of objects", field)
		}
		stmts = append(stmts, one)
	}
	if len(stmts) == 0 {
		return bad(field, "%s has an empty Statement list", field)
	}
	for i, s := range stmts {
		var effect string
		if err := json.Unmarshal(s["Effect"], &effect); err != nil || (effect != "Allow" && effect != "Deny") {
			return bad(field, "%s: statement %d needs an Effect of Allow or Deny", field, i+1)
		}
	}
	return nil
}
