package why

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/sagerole/sagerole/awsops/rules"
)

// Layer is a kind of policy AWS names in an access denied message.
type Layer string

// The layers AWS writes (docs.aws.amazon.com/IAM/latest/UserGuide/
// troubleshoot_access-denied.html): "because no TYPE policy allows the
// ACTION action" and "with an explicit deny in a TYPE policy".
const (
	LayerIdentity Layer = "identity-based"
	LayerResource Layer = "resource-based"
	LayerBoundary Layer = "permissions-boundary"
	LayerSession  Layer = "session"
	LayerSCP      Layer = "service-control"
	LayerRCP      Layer = "resource-control"
	LayerVPCE     Layer = "vpc-endpoint"
)

// Said is what AWS said of the decision.
type Said struct {
	// Explicit is set for "with an explicit deny"; otherwise the denial is
	// implicit ("because no … policy allows") or not said at all.
	Explicit bool `json:"explicit"`
	// Layer is the kind of policy AWS names; "" when the message names
	// none (older messages, and S3's short "Access Denied").
	Layer Layer `json:"layer,omitempty"`
	// PolicyARN is the policy AWS names, when the message carries one
	// ("… in a service control policy: arn:aws:organizations::…").
	PolicyARN string `json:"policyArn,omitempty"`
}

// String says it in words.
func (s Said) String() string {
	l := layerWords(s.Layer)
	switch {
	case s.Explicit && l != "":
		return "an explicit deny in " + l
	case s.Explicit:
		return "an explicit deny"
	case l != "":
		return "no " + strings.TrimPrefix(strings.TrimPrefix(l, "a "), "an ") + " allows it"
	}
	return "access denied, without saying why"
}

func layerWords(l Layer) string {
	switch l {
	case LayerIdentity:
		return "an identity-based policy"
	case LayerResource:
		return "a resource-based policy"
	case LayerBoundary:
		return "a permissions boundary"
	case LayerSession:
		return "a session policy"
	case LayerSCP:
		return "a service control policy"
	case LayerRCP:
		return "a resource control policy"
	case LayerVPCE:
		return "a VPC endpoint policy"
	}
	return ""
}

// Message is what an AccessDenied text says: who was denied what on which
// resource, and why AWS says it was.
type Message struct {
	// Caller is the principal's ARN as AWS wrote it
	// (arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION); "" when the text
	// does not name one.
	Caller  string `json:"caller,omitempty"`
	Account string `json:"account,omitempty"`
	// Role is the role's name when the caller is an assumed role or a
	// role; Session the session name of an assumed role. User is set
	// instead when the caller is an IAM user.
	Role    string `json:"role,omitempty"`
	Session string `json:"session,omitempty"`
	User    string `json:"user,omitempty"`
	// Action is service:Action; for S3's short form it comes from the
	// operation ("when calling the GetObject operation").
	Action    string `json:"action,omitempty"`
	Operation string `json:"operation,omitempty"`
	// Resource is the ARN denied, "" when the text does not name it.
	Resource string `json:"resource,omitempty"`
	// Code is the error code ("AccessDeniedException", "AccessDenied",
	// "403") when the text carries it.
	Code string `json:"code,omitempty"`
	Said Said   `json:"said"`
}

var (
	spaceRE     = regexp.MustCompile(`\s+`)
	callerRE    = regexp.MustCompile(`User:\s*(arn:[^\s"]+)\s+is not (?:authorized|permitted) to perform`)
	actionRE    = regexp.MustCompile(`is not (?:authorized|permitted) to perform:?\s+([A-Za-z0-9-]+:[A-Za-z0-9*]+)`)
	resourceRE  = regexp.MustCompile(`\bon (?:the )?resource:?\s+"?(arn:[^"\s]+|[^"\s]+?)"?(?:\s|$)`)
	operationRE = regexp.MustCompile(`when calling the (\w+) operation`)
	codeRE      = regexp.MustCompile(`An error occurred \(([\w.]+)\)`)
	explicitRE  = regexp.MustCompile(`with an explicit deny(?: in (?:a|an|the) ((?:[A-Za-z-]+ )*?(?:policy|policies|boundary))(?::\s*(arn:[^\s"()]+))?)?`)
	implicitRE  = regexp.MustCompile(`because no ((?:[A-Za-z-]+ )*?(?:policy|policies|boundary)) allows? the`)
	s3ShortRE   = regexp.MustCompile(`(?i)\b(Access Denied|Forbidden)\b`)
)

// layerOf reads the policy type AWS writes.
func layerOf(words string) Layer {
	w := strings.ToLower(strings.TrimSpace(words))
	w = strings.TrimSuffix(strings.TrimSuffix(w, " policies"), " policy")
	switch w {
	case "identity-based":
		return LayerIdentity
	case "resource-based":
		return LayerResource
	case "permissions boundary":
		return LayerBoundary
	case "session":
		return LayerSession
	case "service control":
		return LayerSCP
	case "resource control":
		return LayerRCP
	case "vpc endpoint":
		return LayerVPCE
	}
	return ""
}

// s3Operations maps the S3 operations whose denials say only "Access
// Denied" (or "Forbidden", for HEAD requests, which have no body) to the
// action IAM authorizes them with (Service Authorization Reference, the
// Amazon S3 API operations table).
var s3Operations = map[string]string{
	"GetObject": "s3:GetObject", "HeadObject": "s3:GetObject", "GetObjectAttributes": "s3:GetObject",
	"PutObject": "s3:PutObject", "CopyObject": "s3:PutObject", "CreateMultipartUpload": "s3:PutObject",
	"UploadPart": "s3:PutObject", "CompleteMultipartUpload": "s3:PutObject", "UploadPartCopy": "s3:PutObject",
	"AbortMultipartUpload": "s3:AbortMultipartUpload",
	"DeleteObject":         "s3:DeleteObject", "DeleteObjects": "s3:DeleteObject",
	"ListObjects": "s3:ListBucket", "ListObjectsV2": "s3:ListBucket", "HeadBucket": "s3:ListBucket",
	"ListBuckets":       "s3:ListAllMyBuckets",
	"GetBucketLocation": "s3:GetBucketLocation",
	"GetObjectTagging":  "s3:GetObjectTagging", "PutObjectTagging": "s3:PutObjectTagging",
	"GetObjectAcl": "s3:GetObjectAcl", "PutObjectAcl": "s3:PutObjectAcl",
	"GetBucketPolicy": "s3:GetBucketPolicy", "GetBucketAcl": "s3:GetBucketAcl",
}

// Parse reads an access denied message as AWS services write it: the IAM
// form "User: ARN is not authorized to perform: ACTION on resource: ARN
// because no … policy allows the ACTION action" (or "with an explicit deny
// in a … policy"), with or without the SDK's "An error occurred (CODE) when
// calling the OP operation:" around it and the service's "(Service: …)"
// after it; S3's short form "Access Denied", whose action comes from the
// operation and whose resource must be given separately; and the iam:PassRole
// form, whose resource is the role being passed. Text that is none of
// these is bad input, in one sentence.
func Parse(text string) (Message, error) {
	t := strings.TrimSpace(spaceRE.ReplaceAllString(text, " "))
	if t == "" {
		return Message{}, &rules.InputError{Field: "message", Msg: "the access denied message is empty; paste the text AWS printed"}
	}
	var m Message
	if g := codeRE.FindStringSubmatch(t); g != nil {
		m.Code = g[1]
	}
	if g := operationRE.FindStringSubmatch(t); g != nil {
		m.Operation = g[1]
	}
	if g := actionRE.FindStringSubmatch(t); g != nil {
		m.Action = g[1]
	}
	if g := callerRE.FindStringSubmatch(t); g != nil {
		m.Caller = strings.TrimRight(g[1], ".,;")
		m.readCaller()
	}
	if m.Action != "" {
		// Only what follows the action can be its resource.
		rest := t[strings.Index(t, m.Action)+len(m.Action):]
		if g := resourceRE.FindStringSubmatch(rest); g != nil && !strings.HasPrefix(rest, " on the resource associated") {
			m.Resource = strings.TrimRight(g[1], ".,;")
		}
	}
	if g := explicitRE.FindStringSubmatch(t); g != nil {
		m.Said.Explicit = true
		m.Said.Layer = layerOf(g[1])
		m.Said.PolicyARN = g[2]
	} else if g := implicitRE.FindStringSubmatch(t); g != nil {
		m.Said.Layer = layerOf(g[1])
	}
	if m.Action == "" {
		// S3's short form names no action: the operation does.
		if a, ok := s3Operations[m.Operation]; ok && s3ShortRE.MatchString(t) {
			m.Action = a
		}
	}
	if m.Action == "" {
		return Message{}, &rules.InputError{Field: "message", Msg: unparseable(t, m)}
	}
	return m, nil
}

// unparseable says what is missing from a text Parse cannot read.
func unparseable(t string, m Message) string {
	switch {
	case m.Operation != "" && s3ShortRE.MatchString(t):
		return fmt.Sprintf("the message says access to the %s operation was denied but not which action; give the role, the action and the resource instead", m.Operation)
	case strings.Contains(strings.ToLower(t), "not authorized") || strings.Contains(strings.ToLower(t), "access denied"):
		return "the message does not name the action that was denied (service:Action); give the role, the action and the resource instead"
	}
	return "the message is not an AWS access denied message (User: ARN is not authorized to perform: ACTION on resource: ARN …, or S3's Access Denied); give the role, the action and the resource instead"
}

// readCaller splits the caller's ARN: an assumed role
// (arn:aws:sts::A:assumed-role/ROLE/SESSION), a role
// (arn:aws:iam::A:role/PATH/ROLE) or a user (arn:aws:iam::A:user/NAME).
func (m *Message) readCaller() {
	m.Account = rules.AccountFromARN(m.Caller)
	parts := strings.SplitN(m.Caller, ":", 6)
	if len(parts) < 6 {
		return
	}
	res := parts[5]
	switch {
	case strings.HasPrefix(res, "assumed-role/"):
		role, session, _ := strings.Cut(strings.TrimPrefix(res, "assumed-role/"), "/")
		m.Role, m.Session = role, session
	case strings.HasPrefix(res, "role/"):
		m.Role = rules.RoleNameFromARN(m.Caller)
	case strings.HasPrefix(res, "user/"):
		m.User = rules.RoleNameFromARN(m.Caller)
	}
}
