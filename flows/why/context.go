package why

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"unicode"

	"github.com/sagerole/sagerole/awsops"
	"github.com/sagerole/sagerole/awsops/rules"
	"github.com/sagerole/sagerole/flows/policy"
	"github.com/sagerole/sagerole/flows/policy/iamref"
)

// Source says where a context value came from.
type Source string

const (
	// FromRole: read from the role itself (its ARN, account, tags).
	FromRole Source = "role"
	// FromRequest: from the message or the resource given (the operation,
	// the key of an s3:// resource).
	FromRequest Source = "request"
	// Assumed: what SageMaker, S3 or an SDK sends for such a request,
	// which sagerole cannot see and says so.
	Assumed Source = "assumed"
	// Given: --context.
	Given Source = "given"
)

// ContextKey is one key of the request context and why it has its values.
type ContextKey struct {
	Key    string   `json:"key"`
	Values []string `json:"values"`
	Source Source   `json:"source"`
	Why    string   `json:"why"`
}

// contextBuilder collects the request context, keeping the first source
// that sets a key; --context goes first so that it wins.
type contextBuilder struct {
	keys []ContextKey
	seen map[string]bool
}

func (b *contextBuilder) set(key string, values []string, src Source, why string) {
	if b.seen == nil {
		b.seen = map[string]bool{}
	}
	l := strings.ToLower(key)
	if b.seen[l] || len(values) == 0 {
		return
	}
	b.seen[l] = true
	b.keys = append(b.keys, ContextKey{Key: key, Values: values, Source: src, Why: why})
}

// requestFacts are what the context is built from.
type requestFacts struct {
	role      awsops.Role
	session   string
	action    string
	act       *iamref.Action // nil for a service the reference does not keep
	resource  string         // the ARN evaluated
	operation string         // from the message, "" when unknown
	region    string         // the backend's
	viaS3     bool           // a KMS request S3 makes for an object of an SSE-KMS bucket
	extra     map[string][]string
	given     map[string][]string
}

// buildContext fills the request context: what the role tells, what the
// request tells, and what SageMaker and the SDKs send for such a request —
// the last said as assumed. Keys the action's requests never carry are not
// filled (a condition on one finds it missing, as in AWS).
func buildContext(f requestFacts) []ContextKey {
	var b contextBuilder
	for _, k := range slices.Sorted(maps.Keys(f.given)) {
		b.set(k, f.given[k], Given, "given by you")
	}
	for _, k := range slices.Sorted(maps.Keys(f.extra)) {
		b.set(k, f.extra[k], FromRequest, "from the resource given")
	}
	account := rules.AccountFromARN(f.role.ARN)
	b.set("aws:PrincipalArn", []string{f.role.ARN}, FromRole, "the role's ARN")
	b.set("aws:PrincipalAccount", []string{account}, FromRole, "the role's account")
	b.set("aws:PrincipalType", []string{"AssumedRole"}, FromRole, "the caller is a session of the role")
	if f.session != "" && f.role.RoleID != "" {
		b.set("aws:userid", []string{f.role.RoleID + ":" + f.session}, FromRole, "the role's ID and the session named in the message")
	}
	for _, t := range f.role.Tags {
		b.set("aws:PrincipalTag/"+t.Key, []string{t.Value}, FromRole, "a tag of the role")
	}
	if region := regionOf(f.resource, f.region); region != "" {
		b.set("aws:RequestedRegion", []string{region}, FromRequest, "the resource's region, or the region sagerole reads")
	}
	if acct := rules.AccountFromARN(f.resource); acct != "" {
		b.set("aws:ResourceAccount", []string{acct}, FromRequest, "the resource's account")
	}
	b.set("aws:SecureTransport", []string{"true"}, Assumed, "AWS SDKs, the CLI and the console call over HTTPS")
	if f.viaS3 {
		b.set("aws:ViaAWSService", []string{"true"}, Assumed, "S3 calls KMS on the role's behalf for an SSE-KMS object")
	} else {
		b.set("aws:ViaAWSService", []string{"false"}, Assumed, "the role's own credentials made the call")
	}
	switch strings.ToLower(f.action) {
	case "iam:passrole":
		b.set("iam:PassedToService", []string{policy.SageMakerService}, Assumed, "SageMaker is the service the role is passed to")
	case "sagemaker:addtags":
		if op := taggingAction(f.operation, f.resource); op != "" {
			why := "SageMaker sends the tags of a create request through AddTags, naming the create operation"
			if f.operation == "" {
				why += " (taken from the resource type)"
			}
			b.set("sagemaker:TaggingAction", []string{op}, Assumed, why)
		}
	}
	if f.act != nil && f.act.Service == "kms" {
		b.set("kms:CallerAccount", []string{account}, FromRole, "the role's account")
		if f.viaS3 {
			b.set("kms:ViaService", []string{"s3." + regionOf(f.resource, f.region) + ".amazonaws.com"}, Assumed, "S3 asks KMS for the object's key")
		}
	}
	// A key the action's requests never carry is dropped, whoever set it,
	// except what was given: the user may know better than the reference.
	if f.act != nil {
		out := b.keys[:0]
		for _, k := range b.keys {
			if k.Source == Given || f.act.Supports(k.Key) {
				out = append(out, k)
			}
		}
		b.keys = out
	}
	return b.keys
}

// regionOf is the region of an ARN, or def when it has none.
func regionOf(arn, def string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) == 6 && parts[3] != "" {
		return parts[3]
	}
	return def
}

// taggingAction is the create operation AddTags is called for: the
// message's operation when it is a Create, else Create and the resource
// type (space → CreateSpace, training-job → CreateTrainingJob).
func taggingAction(operation, resource string) string {
	if strings.HasPrefix(operation, "Create") {
		return operation
	}
	parts := strings.SplitN(resource, ":", 6)
	if len(parts) < 6 || parts[2] != "sagemaker" {
		return ""
	}
	typ, _, _ := strings.Cut(parts[5], "/")
	if typ == "" {
		return ""
	}
	var b strings.Builder
	b.WriteString("Create")
	for _, w := range strings.Split(typ, "-") {
		if w == "" {
			continue
		}
		r := []rune(w)
		r[0] = unicode.ToUpper(r[0])
		b.WriteString(string(r))
	}
	return b.String()
}

// contextMap is the context as the evaluator takes it, with the keys the
// reference types as multivalued.
func contextMap(ref *iamref.Reference, keys []ContextKey) (map[string][]string, []string) {
	m := make(map[string][]string, len(keys))
	var multi []string
	for _, k := range keys {
		m[k.Key] = k.Values
		if key, ok := ref.ConditionKey(k.Key); ok && key.Multivalued() {
			multi = append(multi, k.Key)
		}
	}
	return m, multi
}

// contextEntries is the context as IAM's simulator takes it, typed from
// the reference.
func contextEntries(ref *iamref.Reference, keys []ContextKey) []awsops.ContextEntry {
	out := make([]awsops.ContextEntry, 0, len(keys))
	for _, k := range keys {
		typ := "string"
		if key, ok := ref.ConditionKey(k.Key); ok {
			typ = simulatorType(key.Type)
		}
		out = append(out, awsops.ContextEntry{Key: k.Key, Type: typ, Values: k.Values})
	}
	return out
}

// simulatorType maps the reference's key types to IAM's ContextKeyTypeEnum
// (ARNs are strings there).
func simulatorType(t iamref.Type) string {
	base := map[iamref.Type]string{iamref.String: "string", iamref.ARN: "string", iamref.Bool: "boolean",
		iamref.Numeric: "numeric", iamref.Date: "date", iamref.IPAddress: "ip", iamref.Binary: "binary"}[t.Base()]
	if base == "" {
		base = "string"
	}
	if t.Multivalued() {
		return base + "List"
	}
	return base
}

// assumedSentence lists the assumed keys in one sentence.
func assumedSentence(keys []ContextKey) string {
	var parts []string
	for _, k := range keys {
		if k.Source == Assumed {
			parts = append(parts, fmt.Sprintf("%s=%s (%s)", k.Key, strings.Join(k.Values, ","), k.Why))
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return "assumed, as sagerole cannot see them: " + strings.Join(parts, "; ")
}
