package iamref

import (
	"slices"
	"strings"
)

// Action is one IAM action and what the reference says of it. Its slices
// are shared with the Reference: read them, do not change them.
type Action struct {
	Service string // s3
	Name    string // GetObject, as the reference writes it
	// Access is the reference's access level: Read, List, Write,
	// "Tagging, Write", "Permissions management, Write"…
	Access string
	// Resources are the resource types the action acts on, in the
	// reference's order; none means it supports only "Resource": "*".
	Resources []ActionResource
	// ConditionKeys are the keys the reference lists for the action itself
	// (see Supports for the ones its resource types add).
	ConditionKeys    []string
	DependentActions []string
	// Deprecated holds the reference's words when it calls the action
	// deprecated; "" otherwise.
	Deprecated string

	ref *Reference
}

// ActionResource is one resource type an action acts on.
type ActionResource struct {
	Type             string // a resource type of the action's service: object, bucket, role…
	Required         bool   // the reference marks it required (*)
	ConditionKeys    []string
	DependentActions []string
}

// FullName is service:Name ("s3:GetObject").
func (a Action) FullName() string { return a.Service + ":" + a.Name }

// String is FullName.
func (a Action) String() string { return a.FullName() }

// ServiceInfo is the action's service.
func (a Action) ServiceInfo() Service {
	return a.ref.service(a.Service).info
}

// ResourceTypes are the resource types of Resources, resolved, in the same
// order; a name the service does not define is left out.
func (a Action) ResourceTypes() []ResourceType {
	s := a.ref.service(a.Service)
	out := make([]ResourceType, 0, len(a.Resources))
	for _, r := range a.Resources {
		if rt, ok := s.resources[r.Type]; ok {
			out = append(out, *rt)
		}
	}
	return out
}

// Supports reports whether a request for the action carries the condition
// key, so that a condition on it compares a value instead of finding the
// key missing. key may name a variable part (aws:ResourceTag/team,
// s3:ExistingObjectTag/project) or be written as the reference writes it
// (aws:ResourceTag/${TagKey}).
//
// Global keys count as supported by every action, as IAM puts them in every
// request (aws:SourceIp, aws:PrincipalArn, aws:CalledVia…) — except the
// tag keys (aws:RequestTag/…, aws:ResourceTag/…, aws:TagKeys), which the
// reference lists action by action: those, like service keys, are supported
// where the action lists them, for itself or for one of its resource types.
// An unknown key is supported by no action.
func (a Action) Supports(key string) bool {
	k, ok := a.ref.ConditionKey(key)
	if !ok {
		return false
	}
	if k.Global && !k.PerAction {
		return true
	}
	found := false
	a.eachKey(func(name string) bool {
		found = strings.EqualFold(name, k.Name)
		return !found
	})
	return found
}

// SupportedKeys lists the keys the reference lists for the action and its
// resource types, as it writes them, sorted and each once. The global keys
// every action supports are not repeated here (see Reference.GlobalKeys).
func (a Action) SupportedKeys() []string {
	var out []string
	a.eachKey(func(name string) bool {
		out = append(out, name)
		return true
	})
	slices.SortFunc(out, func(x, y string) int { return strings.Compare(strings.ToLower(x), strings.ToLower(y)) })
	return slices.CompactFunc(out, strings.EqualFold)
}

// eachKey calls f with every key of the action, of its resource rows and
// of its resource types, until f returns false.
func (a Action) eachKey(f func(string) bool) {
	for _, k := range a.ConditionKeys {
		if !f(k) {
			return
		}
	}
	s := a.ref.service(a.Service)
	for _, r := range a.Resources {
		for _, k := range r.ConditionKeys {
			if !f(k) {
				return
			}
		}
		if rt, ok := s.resources[r.Type]; ok {
			for _, k := range rt.ConditionKeys {
				if !f(k) {
					return
				}
			}
		}
	}
}

// ResourceMatches reports whether a policy's Resource value can name a
// resource the action acts on, and of which resource type (the first in the
// reference's order). arn may hold IAM's wildcards and policy variables
// (${aws:username} stands for any text): it matches a type when some ARN
// fits both arn and the type's ARN format (see ResourceType.Matches).
//
// "*" matches every action, with type "" (no type in particular). An action
// without resource types acts only on "*": any other arn does not match.
func (a Action) ResourceMatches(arn string) (bool, string) {
	if arn == "*" {
		return true, ""
	}
	s := a.ref.service(a.Service)
	g := compileGlob(arn)
	for _, r := range a.Resources {
		if rt, ok := s.resources[r.Type]; ok && rt.format.overlaps(g) {
			return true, r.Type
		}
	}
	return false, ""
}
