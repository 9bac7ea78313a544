package awsops

import (
	"errors"
	"fmt"

	"github.com/sagerole/sagerole/awsops/redact"
)

// Kind classifies an AWS failure the way callers need to react to it.
type Kind int

const (
	KindOther           Kind = iota
	KindNotFound             // NoSuchEntity, ResourceNotFound, NoSuchBucket
	KindAlreadyExists        // EntityAlreadyExists, BucketAlreadyOwnedByYou, BucketAlreadyExists, ResourceInUse
	KindMalformedPolicy      // MalformedPolicyDocument
	KindLimitExceeded        // LimitExceeded, ResourceLimitExceeded, TooManyBuckets
	KindValidation           // ValidationException, ValidationError, InvalidParameterValue, InvalidInput
	KindConflict             // DeleteConflict, ConcurrentModification, BucketNotEmpty
	KindAccessDenied         // AccessDenied, AccessDeniedException, UnauthorizedOperation
	KindThrottled            // Throttling, ThrottlingException, SlowDown
	KindCredentials          // no credentials / expired token
	KindTimeout              // no answer within the call's deadline
)

func (k Kind) String() string {
	switch k {
	case KindNotFound:
		return "not found"
	case KindAlreadyExists:
		return "already exists"
	case KindMalformedPolicy:
		return "malformed policy"
	case KindLimitExceeded:
		return "limit exceeded"
	case KindValidation:
		return "validation"
	case KindConflict:
		return "conflict"
	case KindAccessDenied:
		return "access denied"
	case KindThrottled:
		return "throttled"
	case KindCredentials:
		return "credentials"
	case KindTimeout:
		return "timeout"
	}
	return "other"
}

// Error is an AWS failure in domain terms. Both backends return it, with
// the service's error code and message, so callers never see SDK types.
type Error struct {
	Kind    Kind
	API     string // "iam:CreateRole"
	Code    string // the service's error code, e.g. "NoSuchEntity"
	Message string // the service's message
	Err     error  // the underlying error, if any
}

// Error is the failure as sagerole prints and journals it, redacted: AWS
// can echo credentials back (a SignatureDoesNotMatch quotes the canonical
// request, session token included).
func (e *Error) Error() string {
	msg := e.Message
	if msg == "" && e.Err != nil {
		msg = e.Err.Error()
	}
	if e.Code != "" {
		return redact.String(fmt.Sprintf("%s: %s: %s", e.API, e.Code, msg))
	}
	return redact.String(fmt.Sprintf("%s: %s", e.API, msg))
}

func (e *Error) Unwrap() error { return e.Err }

// KindOf reports the Kind of err, KindOther when it is not an *Error.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return KindOther
}

// IsNotFound reports whether err says the resource does not exist.
func IsNotFound(err error) bool { return KindOf(err) == KindNotFound }

// KindForCode maps a service error code to its Kind. Both backends use it,
// so the sandbox and AWS classify the same codes the same way.
func KindForCode(code string) Kind {
	switch code {
	case "NoSuchEntity", "ResourceNotFound", "NoSuchBucket", "NotFound", "NoSuchEntityException", "NotFoundException":
		return KindNotFound
	case "EntityAlreadyExists", "BucketAlreadyOwnedByYou", "BucketAlreadyExists", "ResourceInUse":
		return KindAlreadyExists
	case "MalformedPolicyDocument":
		return KindMalformedPolicy
	case "LimitExceeded", "ResourceLimitExceeded", "TooManyBuckets":
		return KindLimitExceeded
	case "ValidationException", "ValidationError", "InvalidParameterValue", "InvalidInput", "InvalidBucketName", "IllegalLocationConstraintException", "InvalidLocationConstraint":
		return KindValidation
	case "DeleteConflict", "ConcurrentModification", "OperationAborted", "BucketNotEmpty":
		return KindConflict
	case "AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "UnrecognizedClientException", "InvalidClientTokenId", "SignatureDoesNotMatch":
		return KindAccessDenied
	case "Throttling", "ThrottlingException", "SlowDown", "RequestLimitExceeded", "TooManyRequestsException":
		return KindThrottled
	case "ExpiredToken", "ExpiredTokenException":
		return KindCredentials
	}
	return KindOther
}

// NewError builds an *Error whose Kind follows from code. The message is
// kept redacted.
func NewError(api, code, message string) *Error {
	return &Error{Kind: KindForCode(code), API: api, Code: code, Message: redact.String(message)}
}

// ConfigError says the tool cannot reach an account as configured (no
// credentials, no region, an unreadable sandbox state file). It is bad
// input, not an AWS failure: nothing was sent.
type ConfigError struct {
	Msg string
	Err error
}

func (e *ConfigError) Error() string { return e.Msg }
func (e *ConfigError) Unwrap() error { return e.Err }
