package sandbox

import (
	"encoding/json"
	"path"
	"strings"

	"github.com/sagerole/sagerole/awsops/rules"
)

// statement is one policy statement, decoded loosely: IAM accepts a string
// or a list in most places.
type statement map[string]json.RawMessage

func (s statement) has(key string) bool {
	_, ok := s[key]
	return ok
}

// strings returns a field that may be a string or a list of strings.
func (s statement) strings(key string) []string {
	raw, ok := s[key]
	if !ok {
		return nil
	}
	return stringOrList(raw)
}

func stringOrList(raw json.RawMessage) []string {
	var one string
	if err := json.Unmarshal(raw, &one); err == nil {
		return []string{one}
	}
	var many []string
	if err := json.Unmarshal(raw, &many); err == nil {
		return many
	}
	return nil
}

// statements decodes doc's Statement, which rules.PolicyDocument has
// already found to be an object or a list of objects.
func statements(doc string) []statement {
	var top map[string]json.RawMessage
	if json.Unmarshal([]byte(doc), &top) != nil {
		return nil
	}
	var list []statement
	if json.Unmarshal(top["Statement"], &list) == nil {
		return list
	}
	var one statement
	if json.Unmarshal(top["Statement"], &one) == nil {
		return []statement{one}
	}
	return nil
}

// policyProblem is why IAM would refuse a document as malformed, in IAM's
// words where they are known; "" when IAM would take it. trust selects the
// rules of a trust policy (a Principal, no Resource) over those of a
// permissions policy (a Resource, no Principal).
func policyProblem(field, doc string, trust bool) string {
	var top map[string]json.RawMessage
	if err := json.Unmarshal([]byte(doc), &top); err != nil {
		return "This policy contains invalid Json"
	}
	if err := rules.PolicyDocument(field, doc); err != nil {
		return "Syntax errors in policy. " + capitalize(err.Error()) + "."
	}
	if v, ok := top["Version"]; ok {
		var version string
		if json.Unmarshal(v, &version) != nil || (version != "2012-10-17" && version != "2008-10-17") {
			return "The policy failed legacy parsing"
		}
	}
	for _, s := range statements(doc) {
		if !s.has("Action") && !s.has("NotAction") {
			if trust {
				return "Missing required field Action"
			}
			return "Policy statement must contain actions."
		}
		if trust {
			if s.has("Resource") || s.has("NotResource") {
				return "Has prohibited field Resource"
			}
			if !s.has("Principal") && !s.has("NotPrincipal") {
				return "Missing required field Principal"
			}
		} else {
			if s.has("Principal") || s.has("NotPrincipal") {
				return "Policy document should not specify a principal."
			}
			if !s.has("Resource") && !s.has("NotResource") {
				return "Policy statement must contain resources."
			}
		}
	}
	return ""
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// sageMakerService is the principal every execution role must trust.
const sageMakerService = "sagemaker.amazonaws.com"

// trustsService reports whether a trust policy lets service call
// sts:AssumeRole: an Allow that names the service (or any principal) for an
// action matching sts:AssumeRole, and no Deny that does. Conditions are not
// evaluated; the ones execution roles carry (aws:SourceAccount and the
// like) hold when SageMaker assumes the role in its own account.
func trustsService(doc, service string) bool {
	allowed := false
	for _, s := range statements(doc) {
		var effect string
		_ = json.Unmarshal(s["Effect"], &effect)
		if !actionMatches(s, "sts:AssumeRole") || !principalMatches(s["Principal"], service) {
			continue
		}
		switch effect {
		case "Deny":
			return false
		case "Allow":
			allowed = true
		}
	}
	return allowed
}

func actionMatches(s statement, action string) bool {
	if s.has("NotAction") {
		for _, p := range s.strings("NotAction") {
			if wildcardMatch(p, action) {
				return false
			}
		}
		return true
	}
	for _, p := range s.strings("Action") {
		if wildcardMatch(p, action) {
			return true
		}
	}
	return false
}

func principalMatches(raw json.RawMessage, service string) bool {
	if raw == nil {
		return false
	}
	var star string
	if json.Unmarshal(raw, &star) == nil {
		return star == "*"
	}
	var p map[string]json.RawMessage
	if json.Unmarshal(raw, &p) != nil {
		return false
	}
	for _, v := range stringOrList(p["Service"]) {
		if v == service {
			return true
		}
	}
	for _, v := range stringOrList(p["AWS"]) {
		if v == "*" {
			return true
		}
	}
	return false
}

// wildcardMatch matches IAM action patterns, case-insensitively as IAM
// compares actions.
func wildcardMatch(pattern, s string) bool {
	ok, err := path.Match(strings.ToLower(pattern), strings.ToLower(s))
	return err == nil && ok
}
