package why

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/sagerole/sagerole/awsops"
	"github.com/sagerole/sagerole/flows"
	"github.com/sagerole/sagerole/flows/policy"
	"github.com/sagerole/sagerole/flows/policy/eval"
)

// Simulated is IAM's policy simulator's answer beside sagerole's.
type Simulated struct {
	Called bool `json:"called"`
	// ContextEntries are what the simulator was given: the same context
	// sagerole evaluated with.
	ContextEntries       []awsops.ContextEntry       `json:"contextEntries"`
	Decision             string                      `json:"decision,omitempty"` // allowed, explicitDeny, implicitDeny
	Matched              []awsops.SimulatedStatement `json:"matched,omitempty"`
	MissingContextValues []string                    `json:"missingContextValues,omitempty"`
	BoundaryAllowed      *bool                       `json:"boundaryAllowed,omitempty"`
	OrganizationsAllowed *bool                       `json:"organizationsAllowed,omitempty"`
	// Agrees is whether it decided as sagerole did; Difference says which
	// layer a difference points to.
	Agrees     *bool  `json:"agrees,omitempty"`
	Difference string `json:"difference,omitempty"`
	Error      string `json:"error,omitempty"`
}

func simDecision(d eval.Decision) string {
	switch d {
	case eval.Allow:
		return awsops.SimAllowed
	case eval.ExplicitDeny:
		return awsops.SimExplicitDeny
	}
	return awsops.SimImplicitDeny
}

// simulate asks iam:SimulatePrincipalPolicy with the same context and
// compares. A simulator that cannot be asked is said, not fatal.
func (r *Result) simulate(ctx context.Context, acct flows.Account) {
	s := &Simulated{Called: true, ContextEntries: contextEntries(r.ref, r.keys)}
	r.Simulator = s
	in := awsops.SimulateInput{PolicySourceARN: r.Request.RoleARN, Actions: []string{r.Request.Action}, Context: s.ContextEntries}
	if r.Request.Resource != "*" {
		in.Resources = []string{r.Request.Resource}
	}
	r.Reads = append(r.Reads, "iam:SimulatePrincipalPolicy "+r.Request.RoleARN)
	out, err := acct.SimulatePrincipalPolicy(ctx, in)
	if err != nil {
		s.Error = fmt.Sprintf("IAM's policy simulator could not be asked: %v", err)
		return
	}
	var got *awsops.SimulateResult
	for i := range out {
		if strings.EqualFold(out[i].Action, r.Request.Action) && (out[i].Resource == r.Request.Resource || got == nil) {
			got = &out[i]
		}
	}
	if got == nil {
		s.Error = "IAM's policy simulator answered without a result for this action"
		return
	}
	s.Decision, s.Matched, s.MissingContextValues = got.Decision, got.Matched, got.MissingContextValues
	s.BoundaryAllowed, s.OrganizationsAllowed = got.BoundaryAllowed, got.OrganizationsAllowed
	agrees := s.Decision == simDecision(r.Decision)
	s.Agrees = &agrees
	s.Difference = r.difference(s)
}

// difference says which layer a difference between the two points to —
// or, when both allow a request AWS denied, that neither sees the layer.
func (r *Result) difference(s *Simulated) string {
	mine := simDecision(r.Decision)
	missing := ""
	if len(s.MissingContextValues) > 0 {
		missing = fmt.Sprintf("the simulator lacked %s, which the policies turn on, so it could not evaluate those conditions", strings.Join(s.MissingContextValues, ", "))
	}
	switch {
	case s.Decision == mine && mine == awsops.SimAllowed && r.AWSSaid != nil:
		return "both sagerole and IAM's simulator allow it from the role's side, so the denial comes from a layer neither evaluates here: a condition of an SCP (the simulator cannot know the request's context for it), an RCP, a session policy, a VPC endpoint policy, or the resource's own policy"
	case s.Decision == mine:
		return ""
	case s.OrganizationsAllowed != nil && !*s.OrganizationsAllowed:
		return "the simulator counts a service control policy that denies it: the difference points to an SCP, which sagerole cannot read"
	case s.BoundaryAllowed != nil && !*s.BoundaryAllowed && r.IAM.PermissionsBoundary != "" && r.Eval.NotAllowedBy != eval.Boundary:
		return "the simulator says the permissions boundary does not allow it, where sagerole read " + r.IAM.PermissionsBoundary + " as allowing it: the boundary may have changed since it was read"
	case missing != "":
		return missing
	case mine == awsops.SimAllowed:
		return "the simulator denies what the documents sagerole read allow: a condition read differently, or a layer the simulator counts (an SCP); compare the statements it matched"
	}
	return "the simulator allows what sagerole denies: a context key sagerole assumed (listed with the request) may not be what the simulator uses, or the role's policies changed between the reads"
}

// UseEvaluator hands a backend without an IAM of its own — the sandbox —
// this package's evaluator to answer iam:SimulatePrincipalPolicy with,
// through a dry run too. Other backends are left as they are.
func UseEvaluator(b awsops.Reader) {
	if d, ok := b.(*awsops.DryRun); ok {
		b = d.Reader
	}
	if s, ok := b.(interface{ SetSimulator(awsops.Simulator) }); ok {
		s.SetSimulator(Simulate)
	}
}

// Simulate answers a simulation from a role's documents with the
// evaluator, as IAM's simulator answers from the role's identity-based
// policies and boundary: one result per action and resource.
func Simulate(_ context.Context, docs awsops.SimulateDocuments, in awsops.SimulateInput) ([]awsops.SimulateResult, error) {
	var role eval.Role
	for _, arn := range slices.Sorted(maps.Keys(docs.Managed)) {
		d, err := policy.Parse(docs.Managed[arn])
		if err != nil {
			return nil, fmt.Errorf("managed policy %s: %w", arn, err)
		}
		role.Policies = append(role.Policies, eval.Policy{Name: arn, Kind: eval.Managed, Document: d})
	}
	for _, n := range slices.Sorted(maps.Keys(docs.Inline)) {
		d, err := policy.Parse(docs.Inline[n])
		if err != nil {
			return nil, fmt.Errorf("inline policy %s: %w", n, err)
		}
		role.Policies = append(role.Policies, eval.Policy{Name: n, Kind: eval.Inline, Document: d})
	}
	if docs.Boundary != "" {
		d, err := policy.Parse(docs.Boundary)
		if err != nil {
			return nil, fmt.Errorf("permissions boundary %s: %w", docs.BoundaryARN, err)
		}
		role.Boundary = &eval.Policy{Name: docs.BoundaryARN, Kind: eval.Boundary, Document: d}
	}
	ctxMap := map[string][]string{}
	var multi []string
	for _, e := range in.Context {
		ctxMap[e.Key] = e.Values
		if strings.HasSuffix(e.Type, "List") {
			multi = append(multi, e.Key)
		}
	}
	resources := in.Resources
	if len(resources) == 0 {
		resources = []string{"*"}
	}
	var out []awsops.SimulateResult
	for _, a := range in.Actions {
		for _, res := range resources {
			e, err := eval.Evaluate(role, eval.Request{Action: a, Resource: res, Context: ctxMap, MultiValued: multi})
			if err != nil {
				return nil, err
			}
			sr := awsops.SimulateResult{Action: a, Resource: res, Decision: simDecision(e.Decision)}
			for _, d := range e.Deciding {
				sr.Matched = append(sr.Matched, awsops.SimulatedStatement{PolicyID: d.Policy, PolicyType: sourceType(d)})
			}
			if role.Boundary != nil {
				allowed := e.Decision == eval.Allow || e.NotAllowedBy == eval.Inline && boundaryAllows(role, a, res, ctxMap, multi)
				sr.BoundaryAllowed = &allowed
			}
			out = append(out, sr)
		}
	}
	return out, nil
}

// sourceType is IAM's PolicySourceType of a statement's policy.
func sourceType(ref eval.Ref) string {
	switch {
	case ref.Kind == eval.Inline:
		return "role"
	case ref.Kind == eval.Boundary:
		return "none"
	case strings.Contains(ref.Policy, ":iam::aws:policy/"):
		return "aws-managed"
	}
	return "user-managed"
}

// boundaryAllows is the boundary's own answer for a request the identity
// policies do not allow.
func boundaryAllows(role eval.Role, action, res string, ctx map[string][]string, multi []string) bool {
	b := eval.Role{Policies: []eval.Policy{{Name: role.Boundary.Name, Kind: eval.Managed, Document: role.Boundary.Document}}}
	e, err := eval.Evaluate(b, eval.Request{Action: action, Resource: res, Context: ctx, MultiValued: multi})
	return err == nil && e.Allowed()
}
