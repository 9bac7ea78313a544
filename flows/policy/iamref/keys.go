package iamref

import "strings"

// Type is a condition key's type as the reference writes it.
type Type string

// The types the reference uses.
const (
	String        Type = "String"
	ARN           Type = "ARN"
	Bool          Type = "Bool"
	Numeric       Type = "Numeric"
	Date          Type = "Date"
	IPAddress     Type = "IPAddress"
	Binary        Type = "Binary"
	ArrayOfString Type = "ArrayOfString"
	ArrayOfARN    Type = "ArrayOfARN"
	ArrayOfBool   Type = "ArrayOfBool"
)

// Multivalued reports whether a request can carry several values for the
// key (ArrayOf…): conditions on it need ForAnyValue or ForAllValues.
func (t Type) Multivalued() bool { return strings.HasPrefix(string(t), "ArrayOf") }

// Base is the type of one value: String for ArrayOfString, and so on.
func (t Type) Base() Type { return Type(strings.TrimPrefix(string(t), "ArrayOf")) }

// Key is a condition key.
type Key struct {
	// Name is the key as the reference writes it, with its variable part
	// when it has one: aws:ResourceTag/${TagKey}, s3:ExistingObjectTag/<key>.
	Name    string
	Type    Type
	Service string // the prefix before the first colon: aws, s3…
	// Global is set for the keys IAM offers across services; PerAction for
	// those of them the reference lists action by action (the tag keys).
	Global, PerAction bool
	Category          string // of a global key: principal, session, network, resource, request
	// Deprecated holds the reference's words when it calls the key
	// deprecated ("This key has been deprecated. It has been replaced by
	// sagemaker:VolumeKmsKeyArn"); "" otherwise.
	Deprecated string
}

// Multivalued is Type.Multivalued.
func (k Key) Multivalued() bool { return k.Type.Multivalued() }

// Variable reports whether the key has a variable part (a tag key, …).
func (k Key) Variable() bool { return strings.ContainsAny(k.Name, "$<") }

// ConditionKey returns the key a policy's condition names, case-
// insensitively: an exact key (s3:prefix, aws:SourceIp) or a key with a
// variable part filled in (aws:ResourceTag/team, aws:RequestTag/${TagKey},
// s3:ExistingObjectTag/project, kms:EncryptionContext:purpose). The Key
// returned has the reference's name, with the variable.
func (r *Reference) ConditionKey(name string) (Key, bool) {
	l := strings.ToLower(name)
	if k, ok := r.keys[l]; ok {
		return *k, true
	}
	for _, t := range r.templates {
		if t.match(l) {
			return *t.key, true
		}
	}
	if s := r.service(serviceOf(l)); s != nil {
		if k, ok := s.find(l); ok {
			return k, true
		}
	}
	// Some services own keys of another prefix (STS holds saml:aud,
	// accounts.google.com:aud…): look through every service.
	for _, p := range r.prefixes {
		if k, ok := r.service(p).find(l); ok {
			return k, true
		}
	}
	return Key{}, false
}

// find looks a lower-cased key name up among the service's own keys.
func (s *service) find(l string) (Key, bool) {
	if k, ok := s.keys[l]; ok {
		return *k, true
	}
	for _, t := range s.templates {
		if t.match(l) {
			return *t.key, true
		}
	}
	return Key{}, false
}

func serviceOf(key string) string {
	s, _, _ := strings.Cut(key, ":")
	return strings.ToLower(s)
}

// template matches a key with variable parts: the literal parts in order,
// each variable standing for one or more characters.
type template struct {
	parts []string // lower-cased literal parts; a variable between each two
	key   *Key
}

// newTemplate splits a key at its variables (${…} and <…>); ok is false
// for a key without one.
func newTemplate(k *Key) (template, bool) {
	s := strings.ToLower(k.Name)
	var parts []string
	for {
		i := strings.IndexAny(s, "$<")
		if i < 0 {
			break
		}
		end := -1
		switch {
		case s[i] == '$' && i+1 < len(s) && s[i+1] == '{':
			end = strings.IndexByte(s[i:], '}')
		case s[i] == '<':
			end = strings.IndexByte(s[i:], '>')
		}
		if end < 0 {
			break
		}
		parts = append(parts, s[:i])
		s = s[i+end+1:]
	}
	if parts == nil {
		return template{}, false
	}
	return template{parts: append(parts, s), key: k}, true
}

// match reports whether the lower-cased name fills the template's
// variables with at least one character each.
func (t template) match(name string) bool {
	first, last := t.parts[0], t.parts[len(t.parts)-1]
	if !strings.HasPrefix(name, first) {
		return false
	}
	rest := name[len(first):]
	for _, lit := range t.parts[1 : len(t.parts)-1] {
		// The variable before lit takes at least one character.
		if len(rest) < 1 {
			return false
		}
		i := strings.Index(rest[1:], lit)
		if i < 0 {
			return false
		}
		rest = rest[1+i+len(lit):]
	}
	return len(rest) > len(last) && strings.HasSuffix(rest, last)
}
