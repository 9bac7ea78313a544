package tui

import (
	"context"
	"strings"
	"time"

	"github.com/sagerole/sagerole/flows/policy"
	"github.com/sagerole/sagerole/flows/policy/eval"
)

// decision is one request a role's policies must decide as want.
type decision struct {
	what     string
	action   string
	resource string
	ctx      map[string][]string
	want     eval.Decision
}

// decide evaluates requests against every inline policy of a role in the
// sandbox, as IAM would: the wizard's choices are tested by what the role
// they made may do, not by the words of its documents.
func (h *harness) decide(role string, ds ...decision) {
	h.t.Helper()
	ctx := context.Background()
	names, err := h.acct.ListRolePolicies(ctx, role)
	if err != nil {
		h.t.Fatal(err)
	}
	var r eval.Role
	for _, n := range names {
		doc, err := h.acct.GetRolePolicy(ctx, role, n)
		if err != nil {
			h.t.Fatal(err)
		}
		p, err := policy.Parse(doc)
		if err != nil {
			h.t.Fatalf("%s: %v", n, err)
		}
		r.Policies = append(r.Policies, eval.Policy{Name: n, Kind: eval.Inline, Document: p})
	}
	for _, d := range ds {
		res, err := eval.Evaluate(r, eval.Request{Action: d.action, Resource: d.resource, Context: d.ctx,
			MultiValued: []string{"sagemaker:VpcSubnets", "sagemaker:VpcSecurityGroupIds"}})
		if err != nil || res.Decision != d.want {
			h.t.Errorf("%s (%s on %s): %v (%v), want %v", d.what, d.action, d.resource, res.Decision, err, d.want)
		}
	}
}

// The context of a PassRole to SageMaker.
var toSageMaker = map[string][]string{"iam:PassedToService": {"sagemaker.amazonaws.com"}}

// waitForWords waits until the screen says sentence, however it is
// wrapped, and returns the screen.
func (h *harness) waitForWords(sentence string) string {
	h.t.Helper()
	want := strings.Join(strings.Fields(sentence), " ")
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		f := h.frame()
		var words []string
		for _, l := range strings.Split(f, "\n") {
			words = append(words, strings.Fields(strings.TrimLeft(l, "┃ "))...)
		}
		if strings.Contains(strings.Join(words, " "), want) {
			return f
		}
		time.Sleep(15 * time.Millisecond)
	}
	h.t.Fatalf("the screen never said %q; it shows:\n%s", sentence, h.frame())
	return ""
}
