package lint

import (
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/sagerole/sagerole/flows/policy"
	"github.com/sagerole/sagerole/flows/policy/iamref"
)

// The actions a trust policy can allow, lower-cased: assuming the role
// and what a session may carry.
var trustActions = []string{
	"sts:assumerole", "sts:assumerolewithsaml", "sts:assumerolewithwebidentity",
	"sts:tagsession", "sts:setsourceidentity", "sts:setcontext",
}

// The assume action each kind of principal uses.
const (
	assumeRole         = "sts:AssumeRole"
	assumeWithSAML     = "sts:AssumeRoleWithSAML"
	assumeWithIdentity = "sts:AssumeRoleWithWebIdentity"
)

func (c *checker) trustShape(w at, s policy.Statement) {
	if s.Principal == nil && s.NotPrincipal == nil {
		c.add(w, Error, "missing-principal", "Principal", "", "A trust policy statement needs a Principal that may assume the role (for an execution role: {\"Service\": \"sagemaker.amazonaws.com\"}); add one.")
	}
	for _, el := range []struct {
		name string
		l    []string
	}{{"Resource", s.Resource}, {"NotResource", s.NotResource}} {
		if el.l != nil {
			c.add(w, Error, "trust-resource", el.name, "", "A trust policy has no %s (the role itself is the resource), and IAM refuses one; remove it.", el.name)
		}
	}
}

// trustActions checks that a trust policy allows only assuming the role
// and the session actions.
func (c *checker) trustActions(w at, s policy.Statement, acts []resolved) {
	for _, r := range acts {
		var other []string
		for _, a := range r.actions {
			if !slices.Contains(trustActions, strings.ToLower(a.FullName())) {
				other = append(other, a.FullName())
			}
		}
		if len(other) == 0 {
			continue
		}
		if strings.ContainsAny(r.pattern, "*?") {
			c.add(w, Warning, "trust-action", "Action", r.pattern, "%s also stands for actions a trust policy cannot grant (%s); name the assume actions (sts:AssumeRole, sts:AssumeRoleWithSAML, sts:AssumeRoleWithWebIdentity) and sts:TagSession if needed.", r.pattern, listSome(other))
			continue
		}
		c.add(w, Error, "trust-action", "Action", r.pattern, "%s is not an action a trust policy can allow (only assuming the role, sts:TagSession, sts:SetSourceIdentity and sts:SetContext); put it in a permissions policy.", r.pattern)
	}
}

var (
	accountRE  = regexp.MustCompile(`^\d{12}$`)
	awsPrinRE  = regexp.MustCompile(`^arn:aws[a-z-]*:(iam::(\d{12}|\*):(root|role/.+|user/.+|federated-user/.+)|sts::(\d{12}|\*):(assumed-role/.+|federated-user/.+))$`)
	serviceRE  = regexp.MustCompile(`^[a-z0-9.-]+\.amazonaws\.com(\.cn)?$`)
	samlRE     = regexp.MustCompile(`^arn:aws[a-z-]*:iam::\d{12}:saml-provider/.+$`)
	oidcRE     = regexp.MustCompile(`^arn:aws[a-z-]*:iam::\d{12}:oidc-provider/.+$`)
	webIDHosts = []string{"cognito-identity.amazonaws.com", "www.amazon.com", "graph.facebook.com", "accounts.google.com"}
)

// principals checks the principals of a trust policy statement, and that
// each can use the assume action the statement allows.
func (c *checker) principals(w at, s policy.Statement, all []iamref.Action) {
	for _, p := range []struct {
		el string
		v  policy.Principal
	}{{"Principal", s.Principal}, {"NotPrincipal", s.NotPrincipal}} {
		for _, typ := range slices.Sorted(maps.Keys(p.v)) {
			for _, id := range p.v[typ] {
				c.principal(w, p.el, typ, id)
			}
		}
	}
	if s.Effect != "Allow" {
		return
	}
	if s.NotPrincipal != nil {
		c.add(w, Warning, "not-principal-allow", "NotPrincipal", "", "An Allow with NotPrincipal lets every principal but those named assume the role; name the principals that may in Principal instead.")
	}
	if slices.Contains(s.Principal["AWS"], "*") && len(s.Condition) == 0 {
		c.add(w, Warning, "open-trust", "Principal", "*", "Principal \"*\" without a condition lets anyone in any AWS account assume the role; name the principals, or add a condition such as aws:PrincipalOrgID or sts:ExternalId.")
	}
	allowed := map[string]bool{}
	anyAssume := false
	for _, a := range all {
		n := strings.ToLower(a.FullName())
		if strings.HasPrefix(n, "sts:assumerole") {
			allowed[n], anyAssume = true, true
		}
	}
	if !anyAssume {
		return
	}
	for _, typ := range slices.Sorted(maps.Keys(s.Principal)) {
		for _, id := range s.Principal[typ] {
			need := needs(typ, id)
			if need != "" && !allowed[strings.ToLower(need)] {
				c.add(w, Error, "principal-action", "Principal", id, "Principal %s assumes a role with %s, which this statement does not allow, so it grants that principal nothing; add %s or give the principal its own statement.", id, need, need)
			}
		}
	}
}

// needs is the assume action a principal uses ("" when unknown).
func needs(typ, id string) string {
	switch typ {
	case "AWS", "Service":
		return assumeRole
	case "Federated":
		if samlRE.MatchString(id) {
			return assumeWithSAML
		}
		return assumeWithIdentity
	}
	return ""
}

func (c *checker) principal(w at, el, typ, id string) {
	bad := ""
	switch typ {
	case "AWS":
		if id != "*" && !accountRE.MatchString(id) && !awsPrinRE.MatchString(id) {
			bad = "an account ID, \"*\", or the ARN of an account root, role, user or assumed-role session"
		}
	case "Service":
		if !serviceRE.MatchString(id) {
			bad = "a service principal such as sagemaker.amazonaws.com (no wildcards)"
		}
	case "Federated":
		if !samlRE.MatchString(id) && !oidcRE.MatchString(id) && !slices.Contains(webIDHosts, id) {
			bad = "the ARN of a SAML or OIDC provider of IAM, or cognito-identity.amazonaws.com, www.amazon.com, graph.facebook.com or accounts.google.com"
		}
	default:
		c.add(w, Error, "invalid-principal", el, id, "%s type %s is not one a trust policy takes (AWS, Service or Federated); use one of them.", el, typ)
		return
	}
	if bad != "" {
		c.add(w, Error, "invalid-principal", el, id, "%s %s %q is not %s; IAM refuses it.", el, typ, id, bad)
	}
}
