package lint

import (
	"fmt"
	"strings"

	"github.com/sagerole/sagerole/flows/policy"
	"github.com/sagerole/sagerole/flows/policy/iamref"
)

// resourceShape checks that r is "*" or looks like an ARN.
func (c *checker) resourceShape(w at, el, r string) bool {
	if r == "*" {
		return true
	}
	if strings.HasPrefix(r, "arn:") && (strings.Count(r, ":") >= 5 || strings.Contains(r, "*")) {
		return true
	}
	c.add(w, Error, "invalid-resource", el, r, "%s %q is not \"*\" or an ARN (arn:partition:service:region:account:resource); write the full ARN.", el, r)
	return false
}

func verb(effect string) string {
	if effect == "Deny" {
		return "denies"
	}
	return "grants"
}

// resources checks that each action acts on some Resource of the
// statement, and that each Resource names something an action acts on.
func (c *checker) resources(w at, s policy.Statement, acts []resolved, all []iamref.Action) {
	if s.Resource == nil {
		return
	}
	var arns []string
	star, invalid := false, false
	for _, r := range s.Resource {
		if !c.resourceShape(w, "Resource", r) {
			invalid = true
			continue
		}
		if r == "*" {
			star = true
			continue
		}
		arns = append(arns, r)
	}
	if s.Effect == "Allow" && star && named(acts, "iam", "PassRole") {
		c.add(w, Warning, "pass-role-wildcard", "Resource", "*", "iam:PassRole on \"*\" lets this role pass any role, an administrator's too, to a service it can start; name the role ARNs it may pass and add an iam:PassedToService condition.")
	}
	if s.Effect == "Allow" && named(acts, "kms", "CreateGrant") && !hasKey(s.Condition, "kms:GrantIsForAWSResource") {
		c.add(w, Suggestion, "grant-unconditioned", "Action", "kms:CreateGrant", "kms:CreateGrant without a kms:GrantIsForAWSResource condition lets the role grant use of the keys to any principal; add \"Bool\": {\"kms:GrantIsForAWSResource\": \"true\"} if the grants are for AWS services such as SageMaker.")
	}
	if star || invalid && len(arns) == 0 {
		return // every action acts on "*" (the ARNs beside it add nothing), or there is nothing to compare
	}
	for _, r := range acts {
		if len(r.actions) == 0 {
			continue
		}
		if !strings.ContainsAny(r.pattern, "*?") {
			c.actionResources(w, s.Effect, r.actions[0], arns)
			continue
		}
		if !anyActs(r.actions, arns) {
			c.add(w, Error, "resource-mismatch", "Action", r.pattern, "%s stands for %d actions, and none of them acts on this statement's Resources, so the statement %s nothing; fix the ARNs or the pattern.", r.pattern, len(r.actions), verb(s.Effect))
		}
	}
	if len(all) == 0 {
		return
	}
	types := distinctTypes(all)
	for _, arn := range arns {
		used := false
		for _, rt := range types {
			if rt.Matches(arn) {
				used = true
				break
			}
		}
		if !used {
			c.add(w, Warning, "resource-unused", "Resource", arn, "Resource %s is no resource that the statement's actions (%s) act on, so it adds nothing; fix the ARN or remove it.", arn, listSome(fullNames(all)))
		}
	}
}

func (c *checker) actionResources(w at, effect string, a iamref.Action, arns []string) {
	name := a.FullName()
	if len(a.Resources) == 0 {
		c.add(w, Error, "resource-star", "Action", name, "%s acts on no resource type, so only \"Resource\": \"*\" names it and this statement %s it nothing; move it to a statement with \"*\".", name, verb(effect))
		return
	}
	for _, arn := range arns {
		if ok, _ := a.ResourceMatches(arn); ok {
			return
		}
	}
	c.add(w, Error, "resource-mismatch", "Action", name, "%s acts on %s, and no Resource of this statement is one, so the statement %s it nothing; add such an ARN or move the action to a statement that has one.", name, describeTypes(a), verb(effect))
}

// hasKey reports whether some operator of the condition tests key.
func hasKey(c policy.Condition, key string) bool {
	for _, keys := range c {
		for k := range keys {
			if strings.EqualFold(k, key) {
				return true
			}
		}
	}
	return false
}

// anyActs reports whether some action acts on some of the ARNs.
func anyActs(acts []iamref.Action, arns []string) bool {
	for _, rt := range distinctTypes(acts) {
		for _, arn := range arns {
			if rt.Matches(arn) {
				return true
			}
		}
	}
	return false
}

// distinctTypes are the resource types the actions act on, each once.
func distinctTypes(acts []iamref.Action) []iamref.ResourceType {
	seen := map[[2]string]bool{}
	var out []iamref.ResourceType
	for _, a := range acts {
		for _, rt := range a.ResourceTypes() {
			k := [2]string{rt.Service, rt.Name}
			if !seen[k] {
				seen[k] = true
				out = append(out, rt)
			}
		}
	}
	return out
}

// describeTypes names an action's resource types with their ARN formats,
// the required ones first: "object ARNs (arn:${Partition}:s3:::…)".
func describeTypes(a iamref.Action) string {
	rts := a.ResourceTypes()
	req := map[string]bool{}
	for _, r := range a.Resources {
		req[r.Type] = r.Required
	}
	var first, rest []string
	for _, rt := range rts {
		d := fmt.Sprintf("%s ARNs (%s)", rt.Name, rt.ARNFormat)
		if req[rt.Name] {
			first = append(first, d)
		} else {
			rest = append(rest, d)
		}
	}
	all := append(first, rest...)
	if len(all) > 2 {
		return fmt.Sprintf("%s, %s or %d other types", all[0], all[1], len(all)-2)
	}
	return strings.Join(all, " or ")
}
