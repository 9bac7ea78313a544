package eval

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/sagerole/sagerole/flows/policy"
)

// Decision is the outcome of a request.
type Decision int

const (
	// ImplicitDeny: nothing allows the request (the default).
	ImplicitDeny Decision = iota
	// Allow: an identity-based policy allows it, the permissions boundary
	// (if any) does too, and nothing denies it.
	Allow
	// ExplicitDeny: a Deny statement applies; it overrides every Allow.
	ExplicitDeny
)

func (d Decision) String() string {
	switch d {
	case Allow:
		return "allow"
	case ExplicitDeny:
		return "explicit deny"
	}
	return "implicit deny"
}

// MarshalText writes the decision as a JSON-friendly word: allow,
// explicitDeny or implicitDeny.
func (d Decision) MarshalText() ([]byte, error) {
	switch d {
	case Allow:
		return []byte("allow"), nil
	case ExplicitDeny:
		return []byte("explicitDeny"), nil
	}
	return []byte("implicitDeny"), nil
}

// Kind says what a policy is to the role.
type Kind string

const (
	Inline   Kind = "inline"               // an inline policy of the role
	Managed  Kind = "managed"              // an attached managed policy
	Boundary Kind = "permissions-boundary" // the role's permissions boundary
)

// Policy is one named document of a role.
type Policy struct {
	Name     string // the inline policy's name, or the managed policy's name or ARN
	Kind     Kind   // Inline or Managed (Role.Boundary is always Boundary)
	Document policy.Document
}

// Role is what IAM evaluates for a request made with the role's
// credentials: its identity-based policies and its permissions boundary.
// Resource-based policies, SCPs and session policies are not part of it.
type Role struct {
	Policies []Policy
	Boundary *Policy // nil when the role has none
}

// Request is one API call as IAM's request context holds it.
type Request struct {
	Action string // service:Action, e.g. s3:GetObject (no wildcards)
	// Resource is the ARN acted on, or "*" for an action that has no
	// resource type (s3:ListAllMyBuckets): only a Resource of "*" matches it.
	Resource string
	// Context holds the condition keys of the request and their values.
	// Key names are matched case-insensitively. A key that is not in the
	// map is absent; a key with several values (or none) is multivalued.
	Context map[string][]string
	// MultiValued names keys that are multivalued whatever the number of
	// values the request has for them (the reference types them
	// ArrayOf…): an operator without ForAnyValue/ForAllValues never
	// matches one.
	MultiValued []string
}

// Ref identifies one statement of a role's documents.
type Ref struct {
	Policy string `json:"policy"`
	Kind   Kind   `json:"kind"`
	Index  int    `json:"statementIndex"` // 0-based, into Document.Statement
	Sid    string `json:"sid,omitempty"`
	Effect string `json:"effect"`
}

// Result is a decision and what it was made of.
type Result struct {
	Decision Decision
	// Deciding are the statements that decided it: every Deny that applies
	// (ExplicitDeny), or every Allow that applies, of the identity-based
	// policies and of the boundary (Allow). Empty for an ImplicitDeny.
	Deciding []Ref
	// NotAllowedBy says, for an ImplicitDeny, what had no Allow for the
	// request: Inline (no identity-based policy allows it) or Boundary (the
	// identity-based policies do, the permissions boundary does not).
	NotAllowedBy Kind
	// Statements explains every statement of every document, in order:
	// the identity-based policies as given, then the boundary.
	Statements []Statement
}

// Allowed reports whether the request is allowed.
func (r Result) Allowed() bool { return r.Decision == Allow }

// Statement is how one statement met the request.
type Statement struct {
	Ref
	// Applies is true when the action, the resource and every condition
	// match: the statement's Effect then takes part in the decision.
	Applies    bool
	Action     Element
	Resource   Element
	Conditions []Condition // one per operator and key, sorted by operator then key
}

// Element is how an Action, NotAction, Resource or NotResource element met
// the request.
type Element struct {
	Name    string // Action, NotAction, Resource or NotResource
	Request string // the request's action or resource
	// Matched is true when the element lets the statement apply: a pattern
	// of Action/Resource matched, or none of NotAction/NotResource did.
	Matched bool
	// Pattern is the pattern that matched the request ("" when none did) —
	// for NotAction/NotResource, the one that excluded it.
	Pattern string
	// Resolved is Pattern with its policy variables substituted, when it
	// has any.
	Resolved string
	// Unresolved are policy variables the request has no value for; a
	// pattern with one cannot match (reference_policies_variables.html).
	Unresolved []string
}

// Condition is how one condition (operator, key, values) met the request.
type Condition struct {
	Operator string   // as written, e.g. ForAnyValue:StringNotLike
	Key      string   // as written
	Values   []string // the policy's values, as written
	// Resolved are Values with policy variables substituted, when any has
	// one.
	Resolved []string
	Present  bool     // the request has the key
	Request  []string // the request's values (nil when absent)
	Matched  bool
	Why      string // one clause saying why it matched or not
}

// Evaluate decides req against the role's documents as IAM does within one
// account (reference_policies_evaluation-logic.html): an applying Deny in
// any of them is an explicit deny; otherwise the request needs an applying
// Allow in an identity-based policy and, when the role has a permissions
// boundary, one in the boundary too; otherwise it is implicitly denied.
//
// It refuses (with an error) a request without an action or resource, and
// documents IAM would not accept as identity policies in a way that changes
// the decision: a Principal, a statement without Resource or NotResource,
// an unknown condition operator.
func Evaluate(role Role, req Request) (Result, error) {
	if err := req.check(); err != nil {
		return Result{}, err
	}
	c := newContext(req)
	var res Result
	var idAllow, bAllow, deny []Ref
	evalPolicy := func(p Policy, kind Kind) error {
		for i, s := range p.Document.Statement {
			ref := Ref{Policy: p.Name, Kind: kind, Index: i, Sid: s.Sid, Effect: s.Effect}
			st, err := c.statement(ref, s, p.Document.Version)
			if err != nil {
				return fmt.Errorf("%s policy %s, statement %d: %w", kind, p.Name, i+1, err)
			}
			res.Statements = append(res.Statements, st)
			if !st.Applies {
				continue
			}
			switch {
			case s.Effect == "Deny":
				deny = append(deny, ref)
			case kind == Boundary:
				bAllow = append(bAllow, ref)
			default:
				idAllow = append(idAllow, ref)
			}
		}
		return nil
	}
	for _, p := range role.Policies {
		kind := p.Kind
		if kind == "" || kind == Boundary {
			kind = Inline
		}
		if err := evalPolicy(p, kind); err != nil {
			return Result{}, err
		}
	}
	if role.Boundary != nil {
		if err := evalPolicy(*role.Boundary, Boundary); err != nil {
			return Result{}, err
		}
	}
	switch {
	case len(deny) > 0:
		res.Decision, res.Deciding = ExplicitDeny, deny
	case len(idAllow) == 0:
		res.Decision, res.NotAllowedBy = ImplicitDeny, Inline
	case role.Boundary != nil && len(bAllow) == 0:
		res.Decision, res.NotAllowedBy = ImplicitDeny, Boundary
	default:
		res.Decision, res.Deciding = Allow, append(idAllow, bAllow...)
	}
	return res, nil
}

func (r Request) check() error {
	switch {
	case r.Action == "":
		return errors.New("request has no action")
	case !strings.Contains(r.Action, ":"):
		return fmt.Errorf("request action %q is not of the form service:Action", r.Action)
	case strings.ContainsAny(r.Action, "*?"):
		return fmt.Errorf("request action %q has a wildcard; a request names one action", r.Action)
	case r.Resource == "":
		return errors.New(`request has no resource; use "*" for an action without a resource type`)
	}
	return nil
}

// context is a request prepared for evaluation.
type context struct {
	req    Request
	action string              // lower-cased
	keys   map[string][]string // lower-cased key → values
	multi  map[string]bool     // lower-cased multivalued keys
}

func newContext(req Request) *context {
	c := &context{req: req, action: strings.ToLower(req.Action), keys: map[string][]string{}, multi: map[string]bool{}}
	for k, v := range req.Context {
		c.keys[strings.ToLower(k)] = v
	}
	for _, k := range req.MultiValued {
		c.multi[strings.ToLower(k)] = true
	}
	return c
}

func (c *context) statement(ref Ref, s policy.Statement, version string) (Statement, error) {
	if s.Principal != nil || s.NotPrincipal != nil {
		return Statement{}, errors.New("an identity-based policy has no Principal or NotPrincipal")
	}
	if s.Resource == nil && s.NotResource == nil {
		return Statement{}, errors.New("the statement has neither Resource nor NotResource, which an identity-based policy needs")
	}
	if s.Effect != "Allow" && s.Effect != "Deny" {
		return Statement{}, fmt.Errorf("effect %q is not Allow or Deny", s.Effect)
	}
	v := vars{ctx: c.keys, enabled: version == "2012-10-17"}
	st := Statement{Ref: ref}
	if s.Action != nil {
		st.Action = c.actionElement("Action", s.Action)
	} else {
		st.Action = c.actionElement("NotAction", s.NotAction)
		st.Action.Matched = !st.Action.Matched
	}
	if s.Resource != nil {
		st.Resource = c.resourceElement("Resource", s.Resource, v)
	} else {
		st.Resource = c.resourceElement("NotResource", s.NotResource, v)
		// A NotResource with a pattern that cannot be resolved cannot
		// tell what it excludes: the statement does not apply.
		st.Resource.Matched = !st.Resource.Matched && len(st.Resource.Unresolved) == 0
	}
	ops := make([]string, 0, len(s.Condition))
	for op := range s.Condition {
		ops = append(ops, op)
	}
	sort.Strings(ops)
	allMatch := true
	for _, opName := range ops {
		op, err := parseOperator(opName)
		if err != nil {
			return Statement{}, err
		}
		keys := make([]string, 0, len(s.Condition[opName]))
		for k := range s.Condition[opName] {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			cr := c.condition(op, k, s.Condition[opName][k], v)
			allMatch = allMatch && cr.Matched
			st.Conditions = append(st.Conditions, cr)
		}
	}
	st.Applies = st.Action.Matched && st.Resource.Matched && allMatch
	return st, nil
}

// actionElement matches the action against the patterns, case-insensitively
// ("The prefix and the action name are case insensitive",
// reference_policies_elements_action.html). Matched is whether a pattern
// matched; the caller inverts it for NotAction.
func (c *context) actionElement(name string, patterns []string) Element {
	e := Element{Name: name, Request: c.req.Action}
	novars := vars{}
	for _, p := range patterns {
		pat, _ := novars.compile(strings.ToLower(p), true)
		if pat.match(c.action) {
			e.Matched, e.Pattern = true, p
			return e
		}
	}
	return e
}

// resourceElement matches the resource against the patterns; Matched is
// whether one matched, which the caller inverts for NotResource.
func (c *context) resourceElement(name string, patterns []string, v vars) Element {
	e := Element{Name: name, Request: c.req.Resource}
	for _, p := range patterns {
		if p == "*" {
			e.Matched, e.Pattern = true, p
			return e
		}
		pat, unresolved := v.compile(p, true)
		if len(unresolved) > 0 {
			e.Unresolved = append(e.Unresolved, unresolved...)
			continue
		}
		if c.req.Resource == "*" {
			// An action without a resource type matches only "*".
			continue
		}
		var ok bool
		if strings.HasPrefix(p, "arn:") {
			ok = pat.matchARN(c.req.Resource)
		} else {
			ok = pat.match(c.req.Resource)
		}
		if ok {
			e.Matched, e.Pattern = true, p
			if pat.hasValue() {
				e.Resolved = pat.String()
			}
			return e
		}
	}
	return e
}
