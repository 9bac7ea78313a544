package why

import (
	"fmt"
	"slices"
	"strings"

	"github.com/sagerole/sagerole/awsops/rules"
	"github.com/sagerole/sagerole/flows/policy/iamref"
)

// Input is what why takes: an access denied message, or the three fields
// (role, action, resource), or a message with the fields it lacks (S3's
// short form names neither the role nor the resource).
type Input struct {
	Message  string // the text AWS printed; "" for the three-field form
	Role     string // name or ARN
	Action   string // service:Action
	Resource string // an ARN, s3://BUCKET/KEY, or "*"
	// Context holds --context KEY=VALUE values: they replace what sagerole
	// would assume for the key.
	Context map[string][]string
}

// ParseContext reads --context KEY=VALUE values; a key given twice has
// both values (a multivalued key such as aws:TagKeys).
func ParseContext(specs []string) (map[string][]string, error) {
	out := map[string][]string{}
	for _, s := range specs {
		k, v, ok := strings.Cut(s, "=")
		k = strings.TrimSpace(k)
		if !ok || k == "" || !strings.Contains(k, ":") {
			return nil, &rules.InputError{Field: "context", Msg: fmt.Sprintf("context %q is not of the form KEY=VALUE with a condition key such as aws:SourceIp=203.0.113.7", s)}
		}
		out[k] = append(out[k], v)
	}
	return out, nil
}

// request is the input resolved, before the account is read.
type request struct {
	msg      *Message
	role     string // name or ARN
	action   string
	resource string // as given: ARN, s3://…, or *
}

// resolve merges the message with the fields given beside it. A field
// given both ways must agree; what neither gives is bad input, in one
// sentence that says where to give it.
func (in Input) resolve() (request, error) {
	r := request{role: strings.TrimSpace(in.Role), action: strings.TrimSpace(in.Action), resource: strings.TrimSpace(in.Resource)}
	if in.Message != "" || (r.role == "" && r.action == "" && r.resource == "") {
		m, err := Parse(in.Message)
		if err != nil {
			return r, err
		}
		r.msg = &m
		if m.User != "" {
			return r, &rules.InputError{Field: "message", Msg: fmt.Sprintf("the caller in the message is IAM user %s, not a role; sagerole explains roles", m.User),
				Remedy: "give one with --role to see what it may do", Flag: "--role"}
		}
		var err2 error
		if r.role, err2 = agree("role", r.role, m.Role, sameRole); err2 != nil {
			return r, err2
		}
		if r.action, err2 = agree("action", r.action, m.Action, strings.EqualFold); err2 != nil {
			return r, err2
		}
		if r.resource, err2 = agree("resource", r.resource, m.Resource, sameResource); err2 != nil {
			return r, err2
		}
	}
	switch {
	case r.role == "":
		return r, &rules.InputError{Field: "role", Msg: "the message does not name the role that was denied", Remedy: "give it with --role ROLE", Flag: "--role"}
	case r.action == "":
		return r, &rules.InputError{Field: "action", Msg: "no action given; name it as service:Action, such as s3:GetObject"}
	case r.resource == "":
		if r.msg != nil {
			return r, &rules.InputError{Field: "resource", Msg: "the message does not name the resource (S3's short Access Denied never does)",
				Remedy: "give it with --resource ARN or s3://BUCKET/KEY", Flag: "--resource"}
		}
		return r, &rules.InputError{Field: "resource", Msg: "no resource given; name it as an ARN, s3://BUCKET/KEY, or * for an action without a resource type"}
	}
	if !strings.Contains(r.action, ":") || strings.ContainsAny(r.action, "*? ") {
		return r, &rules.InputError{Field: "action", Msg: fmt.Sprintf("action %q is not one action of the form service:Action, such as s3:GetObject", r.action)}
	}
	if rules.IsARN(r.role) {
		if err := rules.RoleARN(r.role); err != nil {
			return r, err
		}
	} else if err := rules.RoleName(r.role); err != nil {
		return r, err
	}
	return r, nil
}

// agree returns the field's value from the flag or the message, refusing
// two values that differ.
func agree(field, given, said string, same func(a, b string) bool) (string, error) {
	switch {
	case given == "":
		return said, nil
	case said == "" || same(given, said):
		return given, nil
	}
	return "", &rules.InputError{Field: field, Msg: fmt.Sprintf("the message names %s %s, not %s", field, said, given),
		Remedy: fmt.Sprintf("give the %s only once, with the message or --%s", field, field), Flag: "--" + field}
}

func sameRole(given, said string) bool {
	return given == said || rules.IsARN(given) && rules.RoleNameFromARN(given) == said
}

func sameResource(given, said string) bool {
	if given == said {
		return true
	}
	g, _, _ := s3URI("aws", given)
	return g != "" && g == said
}

// s3URI reads s3://BUCKET/KEY as the object ARN (or the bucket ARN when
// there is no key) and the key; ok is false for anything else.
func s3URI(partition, s string) (arn, key string, ok bool) {
	rest, found := strings.CutPrefix(s, "s3://")
	if !found || rest == "" {
		return "", "", false
	}
	bucket, key, _ := strings.Cut(rest, "/")
	if key == "" {
		return "arn:" + partition + ":s3:::" + bucket, "", true
	}
	return "arn:" + partition + ":s3:::" + bucket + "/" + key, key, true
}

// resourceARN turns the resource as given into the ARN IAM evaluates for
// the action: s3://BUCKET/KEY is the object for object actions, and the
// bucket with s3:prefix KEY for bucket actions (ListBucket). extra holds
// keys the resource itself tells; note says what was made of it.
func resourceARN(partition string, act *iamref.Action, res string) (arn string, extra map[string][]string, note string, err error) {
	if res == "*" {
		return "*", nil, "", nil
	}
	if obj, key, ok := s3URI(partition, res); ok {
		bucket, _, _ := strings.Cut(strings.TrimPrefix(obj, "arn:"+partition+":s3:::"), "/")
		bucketARN := "arn:" + partition + ":s3:::" + bucket
		if err := rules.BucketName(bucket); err != nil {
			return "", nil, "", err
		}
		if act == nil || key == "" {
			return obj, nil, "", nil
		}
		if ok, typ := act.ResourceMatches(obj); ok && typ == "object" {
			return obj, nil, "", nil
		}
		if ok, _ := act.ResourceMatches(bucketARN); ok {
			return bucketARN, map[string][]string{"s3:prefix": {key}},
				fmt.Sprintf("%s acts on the bucket, so s3://%s/%s is the bucket %s with s3:prefix %s", act.FullName(), bucket, key, bucketARN, key), nil
		}
		return obj, nil, "", nil
	}
	if !rules.IsARN(res) || strings.Count(res, ":") < 5 {
		return "", nil, "", &rules.InputError{Field: "resource", Msg: fmt.Sprintf("resource %q is not an ARN (arn:partition:service:region:account:…), s3://BUCKET/KEY, or *", res)}
	}
	return res, nil, "", nil
}

// lookupAction finds the action in the reference: nil (and a note) for a
// service the reference does not keep; bad input for one AWS does not have
// or an action its service does not have.
func lookupAction(ref *iamref.Reference, action string) (*iamref.Action, string, error) {
	if a, ok := ref.Action(action); ok {
		return &a, "", nil
	}
	svc, name, _ := strings.Cut(action, ":")
	switch {
	case !ref.AWSService(svc):
		return nil, "", &rules.InputError{Field: "action", Msg: fmt.Sprintf("action %s names service %s, which AWS does not have", action, svc)}
	case slices.ContainsFunc(ref.Services(), func(s iamref.Service) bool { return strings.EqualFold(s.Prefix, svc) }):
		return nil, "", &rules.InputError{Field: "action", Msg: fmt.Sprintf("service %s has no action %s in the IAM reference sagerole carries", svc, name)}
	}
	return nil, fmt.Sprintf("sagerole's IAM reference does not carry service %s, so no condition keys of %s were filled in and its resource was not checked", svc, action), nil
}
