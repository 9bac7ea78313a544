// Package why is the why flow: explain an AccessDenied from the role's own
// documents — the decision, the statements that made it, and why in a
// sentence or two, with what sagerole cannot see said as such — and offer
// the fix as a plan when the identity side is the cause and a sagerole
// change allows exactly the request.
package why

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/sagerole/sagerole/awsops"
	"github.com/sagerole/sagerole/awsops/rules"
	"github.com/sagerole/sagerole/flows"
	"github.com/sagerole/sagerole/flows/find"
	"github.com/sagerole/sagerole/flows/modify"
	"github.com/sagerole/sagerole/flows/policy"
	"github.com/sagerole/sagerole/flows/policy/eval"
	"github.com/sagerole/sagerole/flows/policy/iamref"
)

// Options are what Explain needs besides the account.
type Options struct {
	// Reference is the IAM reference; nil loads the embedded one.
	Reference *iamref.Reference
	// Uses finds who runs as a role, for the fix's blast radius; nil
	// leaves it out, with a warning in the plan.
	Uses modify.UsesFunc
}

// Request is the request explained, as sagerole evaluated it.
type Request struct {
	Role     string       `json:"role"`
	RoleARN  string       `json:"roleArn"`
	Caller   string       `json:"caller,omitempty"` // as the message named it
	Action   string       `json:"action"`
	Resource string       `json:"resource"`
	Context  []ContextKey `json:"context"`
	// Notes say what was made of the input (an s3:// resource read as a
	// bucket, a service the reference does not carry).
	Notes []string `json:"notes,omitempty"`
}

// Statement is one statement that decided the request, or nearly allowed
// it, with its lines.
type Statement struct {
	eval.Ref
	Lines string `json:"lines"`         // the statement as indented JSON
	Why   string `json:"why,omitempty"` // for a near miss: what did not match
}

// Result is the explanation.
type Result struct {
	Request  Request       `json:"request"`
	Decision eval.Decision `json:"decision"`
	// Deciding are the statements that decided it: the Denies that apply,
	// or the Allows; none for an implicit deny.
	Deciding []Statement `json:"deciding"`
	// NearMisses are, for an implicit deny, the Allows whose action matches
	// but whose resource or condition does not.
	NearMisses []Statement `json:"nearMisses,omitempty"`
	// Reason says why, in one or two sentences.
	Reason string `json:"reason"`
	// Classic names the well-known cause when it is one: fullaccess-bucket,
	// passrole-caller, studio-addtags, kms-key, guardrail.
	Classic string `json:"classic,omitempty"`
	// AWSSaid is what the message said, and Agrees whether sagerole's
	// identity-side decision agrees with it.
	AWSSaid *Said `json:"awsSaid,omitempty"`
	Agrees  *bool `json:"agrees,omitempty"`
	// UnknownKeys are condition keys the statements that speak to the
	// request turn on, which the request context does not have: sagerole
	// does not know them for this request.
	UnknownKeys []string `json:"unknownKeys,omitempty"`
	// Explanation is every statement that speaks to the request, one line
	// each, after the decision's sentence.
	Explanation []string `json:"explanation"`
	// Unseen are the layers that decide besides the role's documents.
	Unseen []Unseen `json:"unseen"`
	// Reads are the calls sagerole made to narrow it down.
	Reads     []string   `json:"reads"`
	Simulator *Simulated `json:"simulator"`
	Fix       *Fix       `json:"fix"`
	Warnings  []string   `json:"warnings,omitempty"`
	// NoTrust is set when the role does not trust SageMaker (said in
	// Warnings; the fix is modify's trust fix).
	NoTrust bool `json:"noSageMakerTrust,omitempty"`

	// Eval is the evaluator's whole result, Role the documents evaluated
	// and IAM the role as GetRole read it.
	Eval eval.Result `json:"-"`
	Role eval.Role   `json:"-"`
	IAM  awsops.Role `json:"-"`

	req   eval.Request      // the request as evaluated
	act   *iamref.Action    // nil for a service the reference does not keep
	ref   *iamref.Reference // the reference evaluated with
	docs  RoleDocuments     // the role's documents as read
	msg   *Message          // nil for the three-field form
	keys  []ContextKey      // the request context
	needs string            // what a guardrail's Deny asks of the request
}

var accountRE = regexp.MustCompile(`^\d{12}$`)

// Explain reads the role the input names, evaluates the request against
// its documents with the context SageMaker sends, and explains the
// decision: the statements, the classic causes, the layers sagerole cannot
// see (reading what it may), IAM's simulator beside it, and the fix.
// Every refusal of the input is a *rules.InputError, before anything but
// reads is done.
func Explain(ctx context.Context, acct flows.Account, in Input, opts Options) (*Result, error) {
	r, err := in.resolve()
	if err != nil {
		return nil, err
	}
	ref := opts.Reference
	if ref == nil {
		if ref, err = policy.Reference(); err != nil {
			return nil, err
		}
	}
	res := &Result{ref: ref, msg: r.msg, Reads: []string{}, Unseen: []Unseen{}, Deciding: []Statement{}}
	if r.msg != nil {
		said := r.msg.Said
		res.AWSSaid = &said
	}
	id, err := acct.CallerIdentity(ctx)
	if err != nil {
		return nil, fmt.Errorf("reading who you are: %w", err)
	}
	if r.msg != nil && accountRE.MatchString(r.msg.Account) && r.msg.Account != id.Account {
		return nil, &rules.InputError{Field: "message", Msg: fmt.Sprintf("the message is from account %s, but sagerole is reading account %s", r.msg.Account, id.Account),
			Remedy: "point sagerole at that account with --profile", Flag: "--profile"}
	}
	role, err := flows.ResolveRole(ctx, acct, r.role)
	if err != nil {
		return nil, err
	}
	res.IAM = role
	act, note, err := lookupAction(ref, r.action)
	if err != nil {
		return nil, err
	}
	res.act = act
	action := r.action
	if act != nil {
		action = act.FullName()
	}
	partition := flows.Partition(role.ARN)
	arn, extra, rnote, err := resourceARN(partition, act, r.resource)
	if err != nil {
		return nil, err
	}
	res.Request = Request{Role: role.Name, RoleARN: role.ARN, Action: action, Resource: arn}
	for _, n := range []string{note, rnote} {
		if n != "" {
			res.Request.Notes = append(res.Request.Notes, n)
		}
	}
	if act != nil && arn != "*" {
		if ok, _ := act.ResourceMatches(arn); !ok {
			res.Warnings = append(res.Warnings, fmt.Sprintf("%s does not act on a resource like %s (%s); it was evaluated as given", action, arn, resourceTypes(*act)))
		}
	}
	if r.msg != nil {
		res.Request.Caller = r.msg.Caller
	}
	res.Reads = append(res.Reads, "iam:GetRole "+role.Name+" (its trust policy and permissions boundary)")
	docs, err := readRole(ctx, acct, role)
	if err != nil {
		return nil, err
	}
	res.docs = docs
	res.Reads = append(res.Reads, fmt.Sprintf("iam:ListRolePolicies and iam:GetRolePolicy (%d inline), iam:ListAttachedRolePolicies and iam:GetPolicyVersion (%d managed)", len(docs.Inline), len(docs.Attached)))
	if role.PermissionsBoundary != "" {
		res.Reads = append(res.Reads, "iam:GetPolicyVersion "+role.PermissionsBoundary+" (the permissions boundary)")
	}
	if res.Role, err = evalRole(role, docs); err != nil {
		return nil, err
	}
	facts := requestFacts{role: role, action: action, act: act, resource: arn, region: acct.Region(), extra: extra, given: in.Context}
	if r.msg != nil {
		facts.session, facts.operation = r.msg.Session, r.msg.Operation
		_, s3op := s3Operations[r.msg.Operation]
		facts.viaS3 = s3op && act != nil && act.Service == "kms"
	}
	res.keys = buildContext(facts)
	res.Request.Context = res.keys
	m, multi := contextMap(ref, res.keys)
	res.req = eval.Request{Action: action, Resource: arn, Context: m, MultiValued: multi}
	if res.Eval, err = eval.Evaluate(res.Role, res.req); err != nil {
		return nil, fmt.Errorf("evaluating %s on %s against %s: %w", action, arn, role.Name, err)
	}
	res.Decision = res.Eval.Decision
	res.statements()
	res.Explanation = res.Eval.Explain()
	res.explain()
	if !find.TrustsSageMaker(role.TrustPolicy) {
		res.Warnings = append(res.Warnings, fmt.Sprintf("%s does not trust %s, so SageMaker cannot run as it at all", role.Name, policy.SageMakerService))
		res.NoTrust = true
	}
	res.unseen(ctx, acct)
	res.simulate(ctx, acct)
	if err := res.fix(ctx, acct, opts); err != nil {
		return nil, err
	}
	return res, nil
}

func resourceTypes(a iamref.Action) string {
	var names []string
	for _, rt := range a.ResourceTypes() {
		names = append(names, rt.Name+" "+rt.ARNFormat)
	}
	if len(names) == 0 {
		return `it takes "*" only`
	}
	return "it acts on " + strings.Join(names, ", ")
}

// statements fills Deciding, NearMisses and UnknownKeys from the
// evaluator's result.
func (r *Result) statements() {
	for _, d := range r.Eval.Deciding {
		s, _ := statementOf(r.Role, d)
		r.Deciding = append(r.Deciding, Statement{Ref: d, Lines: statementText(s)})
	}
	unknown := map[string]bool{}
	for _, st := range r.Eval.Statements {
		if !st.Action.Matched {
			continue
		}
		if st.Resource.Matched {
			for _, c := range st.Conditions {
				if !c.Present && !r.hasKey(c.Key) {
					unknown[c.Key] = true
				}
			}
		}
		if r.Decision != eval.ImplicitDeny || st.Applies || st.Effect != "Allow" {
			continue
		}
		s, _ := statementOf(r.Role, st.Ref)
		r.NearMisses = append(r.NearMisses, Statement{Ref: st.Ref, Lines: statementText(s), Why: missWhy(st)})
	}
	for k := range unknown {
		r.UnknownKeys = append(r.UnknownKeys, k)
	}
	slices.Sort(r.UnknownKeys)
}

func (r *Result) hasKey(k string) bool {
	_, ok := lookupFold(r.req.Context, k)
	return ok
}

func lookupFold(m map[string][]string, k string) ([]string, bool) {
	for key, v := range m {
		if strings.EqualFold(key, k) {
			return v, true
		}
	}
	return nil, false
}

// missWhy says what kept a statement whose action matches from applying.
func missWhy(st eval.Statement) string {
	if !st.Resource.Matched {
		return st.Resource.String()
	}
	var parts []string
	for _, c := range st.Conditions {
		if !c.Matched {
			parts = append(parts, c.String())
		}
	}
	return strings.Join(parts, "; ")
}
