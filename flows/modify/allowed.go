package modify

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/sagerole/sagerole/awsops"
	"github.com/sagerole/sagerole/flows"
	"github.com/sagerole/sagerole/flows/policy"
)

// allowedPatterns are the action patterns the role's other policies allow
// once this run is done — its managed policies (attached, less --detach,
// plus --attach) and its inline policies — so that a guardrail added to a
// role with AmazonSageMakerFullAccess restricts FullAccess's calls too. A
// NotAction Allow counts as "*". A document that cannot be read is left
// out, with a warning.
func allowedPatterns(ctx context.Context, acct flows.Account, in Input, partition string, attached []awsops.AttachedPolicy, inline map[string]string) ([]string, []string) {
	arns := map[string]bool{}
	for _, a := range attached {
		arns[a.ARN] = true
	}
	for _, v := range in.Detach {
		if arn, err := policyARN("detach", v, partition); err == nil {
			delete(arns, arn)
		}
	}
	for _, v := range in.Attach {
		if arn, err := policyARN("attach", v, partition); err == nil {
			arns[arn] = true
		}
	}
	var docs []policy.Document
	var warnings []string
	for _, arn := range sortedSetKeys(arns) {
		text, err := acct.GetPolicyDocument(ctx, arn)
		if err == nil {
			var d policy.Document
			if d, err = policy.Parse(text); err == nil {
				docs = append(docs, d)
				continue
			}
		}
		warnings = append(warnings, fmt.Sprintf("managed policy %s could not be read (%v), so the guardrails do not count what it allows", arn, err))
	}
	for _, name := range sortedSetKeys(inline) {
		if d, err := policy.Parse(inline[name]); err == nil {
			docs = append(docs, d)
		}
	}
	seen := map[string]bool{}
	for _, d := range docs {
		for _, s := range d.Statement {
			if s.Effect != "Allow" {
				continue
			}
			patterns := s.Action
			if s.NotAction != nil {
				patterns = []string{"*"}
			}
			for _, p := range patterns {
				seen[strings.ToLower(p)] = true
			}
		}
	}
	return sortedSetKeys(seen), warnings
}

func sortedSetKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
