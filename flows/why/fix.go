package why

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/sagerole/sagerole/awsops"
	"github.com/sagerole/sagerole/awsops/rules"
	"github.com/sagerole/sagerole/flows"
	"github.com/sagerole/sagerole/flows/modify"
	"github.com/sagerole/sagerole/flows/policy"
	"github.com/sagerole/sagerole/flows/policy/eval"
)

// ssoPath is where IAM Identity Center keeps the roles of its permission
// sets: a change made to one outside the permission set is undone.
const ssoPath = "/aws-reserved/sso.amazonaws.com/"

// PassRolePolicyName is the inline policy the PassRole fix merges into.
const PassRolePolicyName = "sagerole-passrole"

// Fix is the change that would allow the request, proven not to broaden
// the role beyond it, or why there is none.
type Fix struct {
	Offered bool   `json:"offered"`
	Reason  string `json:"reason"`
	// Command is the sagerole command that makes the same change, when
	// there is one.
	Command string `json:"command,omitempty"`
	// Words says the change in words.
	Words string `json:"words,omitempty"`
	// Scope says, in words, the requests the fix may also allow: the
	// request's own resource and kind of access.
	Scope string `json:"scope,omitempty"`
	// Checked is how many neighbouring requests were evaluated before and
	// after; AlsoAllows lists those the fix allows besides the request,
	// all within Scope.
	Checked    int      `json:"checked,omitempty"`
	AlsoAllows []string `json:"alsoAllows,omitempty"`
	// Rejected are the changes that would allow the request but were not
	// offered, and why.
	Rejected []Rejected `json:"rejected,omitempty"`
	// Plan is the plan's view, filled in by the command that prints it.
	Plan *awsops.PlanView `json:"plan,omitempty"`
	// Modify is the plan with its diffs, blast radius and broadening.
	Modify *modify.Result `json:"-"`
}

// Rejected is a change that was considered and not offered.
type Rejected struct {
	Command string `json:"command"`
	Words   string `json:"words"` // the change in words, for the wizard
	Why     string `json:"why"`
}

// candidate is one change that may fix the request.
type candidate struct {
	command string
	words   string // the change in words
	input   modify.Input
	env     envelope
}

// envelope is the set of requests a fix may allow besides the request.
type envelope struct {
	words string
	in    func(eval.Request) bool
}

// fix finds, when the role's own policies are the cause, the change that
// allows the request and nothing outside its scope, and plans it with the
// modify flow, so that it is shown like every other plan.
func (r *Result) fix(ctx context.Context, acct flows.Account, opts Options) error {
	f := &Fix{}
	r.Fix = f
	switch {
	case r.Decision == eval.Allow:
		f.Reason = "the role's own policies allow the request: there is nothing to change on the role"
		return nil
	case r.Decision == eval.ExplicitDeny:
		f.Reason = "an explicit Deny decides it; removing or loosening a Deny would let other requests through too, so no change is offered"
		if r.needs != "" {
			f.Reason += ": make the request so that " + r.needs
		}
		return nil
	case r.Eval.NotAllowedBy == eval.Boundary:
		f.Reason = "the permissions boundary does not allow it; sagerole does not change boundaries, which an administrator sets to cap the role"
		return nil
	}
	if strings.HasPrefix(r.IAM.Path, ssoPath) {
		f.Reason = "the role belongs to IAM Identity Center, which puts its policies back from the permission set: change the permission set instead"
		return nil
	}
	cands := r.candidates(ctx, acct)
	if len(cands) == 0 {
		f.Reason = fmt.Sprintf("no sagerole change grants %s alone: adding buckets or KMS keys, the PassRole statement, the addtags-on-create guardrail and the activities do not cover it", r.Request.Action)
		return nil
	}
	for _, c := range cands {
		c.input.Role = r.IAM.ARN
		plan, err := modify.Plan(ctx, acct, c.input, modify.Options{Uses: opts.Uses, Reference: r.ref})
		if err != nil {
			if !rules.IsInput(err) && awsops.KindOf(err) == awsops.KindOther {
				return fmt.Errorf("planning the fix %s: %w", c.command, err)
			}
			// The fact only: the remedy a refusal names is the command line's.
			why := err.Error()
			var ie *rules.InputError
			if errors.As(err, &ie) {
				why = ie.Msg
			}
			f.Rejected = append(f.Rejected, Rejected{Command: c.command, Words: c.words, Why: why})
			continue
		}
		why, checked, changed, also, err := r.prove(ctx, acct, plan, c.env)
		if err != nil {
			return err
		}
		if why != "" {
			f.Rejected = append(f.Rejected, Rejected{Command: c.command, Words: c.words, Why: why})
			continue
		}
		plan.Plan.Command = strings.TrimPrefix(c.command, "sagerole ")
		f.Offered, f.Modify, f.Scope, f.Checked, f.AlsoAllows, f.Words = true, plan, c.env.words, checked, also, c.words
		if !strings.Contains(c.command, "=FILE") {
			f.Command = c.command
		}
		f.Reason = fmt.Sprintf("this change allows %s on %s; of %d neighbouring requests sagerole evaluated before and after, it changes only %d, all %s", r.Request.Action, r.Request.Resource, checked, changed, c.env.words)
		return nil
	}
	f.Reason = "no change sagerole can make allows exactly this request: " + f.Rejected[0].Why
	return nil
}

// candidates are the changes that may allow the request, narrowest first.
func (r *Result) candidates(ctx context.Context, acct flows.Account) []candidate {
	role, action, res := r.Request.Role, strings.ToLower(r.Request.Action), r.Request.Resource
	partition := flows.Partition(r.Request.RoleARN)
	account := rules.AccountFromARN(r.Request.RoleARN)
	var out []candidate
	switch {
	case strings.HasPrefix(action, "s3:") && strings.HasPrefix(res, "arn:"+partition+":s3:::") && res != "arn:"+partition+":s3:::*":
		bucket, _, _ := strings.Cut(strings.TrimPrefix(res, "arn:"+partition+":s3:::"), "/")
		readOnly := r.act != nil && (r.act.Access == "Read" || r.act.Access == "List")
		bucketARN := "arn:" + partition + ":s3:::" + bucket
		cmd := fmt.Sprintf("sagerole add-buckets %s %s", role, bucket)
		scope := fmt.Sprintf("S3 actions on bucket %s and its objects", bucket)
		if readOnly {
			cmd += " --read-only"
			scope = fmt.Sprintf("S3 reads of bucket %s and its objects", bucket)
		}
		words := "adding bucket " + bucket + " to " + role
		if readOnly {
			words = "adding bucket " + bucket + " read-only to " + role
		}
		out = append(out, candidate{command: cmd, words: words, input: modify.Input{AddBuckets: []string{bucket}, AddBucketsReadOnly: readOnly},
			env: envelope{words: scope, in: func(n eval.Request) bool {
				if !strings.HasPrefix(strings.ToLower(n.Action), "s3:") || (n.Resource != bucketARN && !strings.HasPrefix(n.Resource, bucketARN+"/")) {
					return false
				}
				if !readOnly {
					return true
				}
				a, ok := r.ref.Action(n.Action)
				return ok && (a.Access == "Read" || a.Access == "List")
			}}})
	case strings.HasPrefix(action, "kms:") && rules.KMSKeyARN(res) == nil && rules.AccountFromARN(res) == account:
		out = append(out, candidate{command: fmt.Sprintf("sagerole modify %s --kms-key %s", role, res), words: "adding KMS key " + res + " to " + role, input: modify.Input{Scope: policy.Scope{KMSKeys: []string{res}}},
			env: envelope{words: "KMS actions on key " + res, in: func(n eval.Request) bool {
				return strings.HasPrefix(strings.ToLower(n.Action), "kms:") && n.Resource == res
			}}})
	case action == "iam:passrole" && rules.RoleARN(res) == nil:
		if c, ok := r.passRoleCandidate(); ok {
			out = append(out, c)
		}
	case action == "sagemaker:addtags" && strings.HasPrefix(r.taggingAction(), "Create"):
		out = append(out, candidate{command: fmt.Sprintf("sagerole modify %s --add-guardrail %s", role, policy.AddTagsOnCreate),
			words: "the " + policy.AddTagsOnCreate + " guardrail on " + role,
			input: modify.Input{Scope: policy.Scope{Guardrails: []string{policy.AddTagsOnCreate}}},
			env: envelope{words: "tagging SageMaker resources while creating them (sagemaker:AddTags with a Create sagemaker:TaggingAction)", in: func(n eval.Request) bool {
				v, ok := lookupFold(n.Context, "sagemaker:TaggingAction")
				return strings.EqualFold(n.Action, "sagemaker:AddTags") && ok && len(v) > 0 && strings.HasPrefix(v[0], "Create")
			}}})
	}
	out = append(out, r.activityCandidates()...)
	return out
}

// activityCandidates are the activities whose policy, on its own, allows
// the request: their scope is the request's action, and the proof says
// what else they grant.
func (r *Result) activityCandidates() []candidate {
	var out []candidate
	for _, a := range policy.Activities() {
		if a.Name == policy.DomainKMS {
			continue // needs a key: the KMS candidate covers keys
		}
		doc, err := policy.Build(policy.Scope{Activities: []string{a.Name}, RoleARN: r.IAM.ARN,
			Partition: flows.Partition(r.IAM.ARN), Account: rules.AccountFromARN(r.IAM.ARN), Region: regionOf(r.Request.Resource, "")})
		if err != nil {
			continue
		}
		e, err := eval.Evaluate(eval.Role{Policies: []eval.Policy{{Name: a.Name, Document: doc}}}, r.req)
		if err != nil || !e.Allowed() {
			continue
		}
		action := r.Request.Action
		out = append(out, candidate{command: fmt.Sprintf("sagerole modify %s --add-activity %s", r.Request.Role, a.Name),
			words: "the " + a.Name + " activity on " + r.Request.Role,
			input: modify.Input{Scope: policy.Scope{Activities: []string{a.Name}}},
			env:   envelope{words: action + " itself", in: func(n eval.Request) bool { return strings.EqualFold(n.Action, action) }}})
	}
	return out
}

// passRoleCandidate merges one statement — iam:PassRole on the role, to
// SageMaker only — into the role's sagerole-passrole inline policy.
func (r *Result) passRoleCandidate() (candidate, bool) {
	passed := r.Request.Resource
	st := policy.Statement{Effect: "Allow", Action: []string{"iam:PassRole"}, Resource: []string{passed},
		Condition: policy.Condition{"StringEquals": {"iam:PassedToService": {policy.SageMakerService}}}}
	doc := policy.Document{Version: policy.Version, Statement: []policy.Statement{st}}
	if old, ok := r.docs.Inline[PassRolePolicyName]; ok {
		d, err := policy.Parse(old)
		if err != nil {
			return candidate{}, false
		}
		doc = policy.MergeDocuments(d, doc)
	}
	return candidate{
		command: fmt.Sprintf("sagerole modify %s --put-inline %s=FILE", r.Request.Role, PassRolePolicyName),
		words:   fmt.Sprintf("an iam:PassRole statement for %s in %s's %s policy", nameOfARN(passed), r.Request.Role, PassRolePolicyName),
		input:   modify.Input{PutInline: []modify.Inline{{Name: PassRolePolicyName, File: "(generated by sagerole why)", Document: doc.String()}}},
		env: envelope{words: fmt.Sprintf("passing %s to SageMaker", nameOfARN(passed)), in: func(n eval.Request) bool {
			v, _ := lookupFold(n.Context, "iam:PassedToService")
			return strings.EqualFold(n.Action, "iam:PassRole") && n.Resource == passed && len(v) == 1 && v[0] == policy.SageMakerService
		}},
	}, true
}

// prove applies the plan to the role's documents and evaluates the request
// and its neighbours before and after: the request must be allowed after,
// and a neighbour may change only from denied to allowed, and only inside
// the envelope. why is "" when the fix holds.
func (r *Result) prove(ctx context.Context, acct flows.Account, plan *modify.Result, env envelope) (why string, checked, changed int, also []string, err error) {
	if len(plan.Plan.Steps) == 0 {
		return "it changes nothing: " + strings.Join(plan.Plan.Notes, "; "), 0, 0, nil, nil
	}
	after, err := r.applied(ctx, acct, plan.Plan.Steps)
	if err != nil {
		return "", 0, 0, nil, err
	}
	e, err := eval.Evaluate(after, r.req)
	if err != nil {
		return "", 0, 0, nil, err
	}
	if !e.Allowed() {
		return "it would not allow the request: " + e.String(), 0, 0, nil, nil
	}
	var beyond []string
	for _, nb := range r.neighbours() {
		n := nb.req
		b, err1 := eval.Evaluate(r.Role, n)
		a, err2 := eval.Evaluate(after, n)
		if err1 != nil || err2 != nil {
			continue
		}
		checked++
		if a.Allowed() == b.Allowed() {
			continue
		}
		what := nb.what
		switch {
		case a.Allowed() && env.in(n):
			changed++
			if !nb.variant && !slices.Contains(also, what) {
				also = append(also, what)
			}
		case a.Allowed():
			beyond = append(beyond, what)
		default:
			beyond = append(beyond, what+" (allowed before, denied after)")
		}
	}
	if len(beyond) > 0 {
		return fmt.Sprintf("it would also change %d neighbouring requests outside %s, such as %s", len(beyond), env.words, listSome(beyond, 3)), checked, changed, also, nil
	}
	return "", checked, changed, also, nil
}

// applied is the role's documents with the plan's steps played onto them.
func (r *Result) applied(ctx context.Context, acct flows.Account, steps []awsops.Op) (eval.Role, error) {
	docs := r.docs
	docs.Inline = maps.Clone(r.docs.Inline)
	docs.Managed = maps.Clone(r.docs.Managed)
	docs.Attached = append([]awsops.AttachedPolicy(nil), r.docs.Attached...)
	modify.ApplyInline(docs.Inline, steps)
	for _, op := range steps {
		arn := op.Args[awsops.ArgPolicyARN]
		switch op.API {
		case awsops.APIAttachRolePolicy:
			d, err := acct.GetPolicyDocument(ctx, arn)
			if err != nil {
				return eval.Role{}, fmt.Errorf("reading %s to check the fix: %w", arn, err)
			}
			docs.Managed[arn] = d
			docs.Attached = append(docs.Attached, awsops.AttachedPolicy{Name: nameOfARN(arn), ARN: arn})
		case awsops.APIDetachRolePolicy:
			delete(docs.Managed, arn)
			for i, a := range docs.Attached {
				if a.ARN == arn {
					docs.Attached = append(docs.Attached[:i:i], docs.Attached[i+1:]...)
					break
				}
			}
		}
	}
	return evalRole(r.IAM, docs)
}

func describe(n eval.Request) string {
	s := n.Action + " on " + n.Resource
	for _, k := range []string{"iam:PassedToService", "sagemaker:TaggingAction"} {
		if v, ok := lookupFold(n.Context, k); ok {
			s += fmt.Sprintf(" (%s=%s)", k, strings.Join(v, ","))
		} else if strings.EqualFold(n.Action, "iam:PassRole") && k == "iam:PassedToService" || strings.EqualFold(n.Action, "sagemaker:AddTags") && k == "sagemaker:TaggingAction" {
			s += fmt.Sprintf(" (no %s)", k)
		}
	}
	return s
}

func listSome(l []string, n int) string {
	if len(l) <= n {
		return strings.Join(l, "; ")
	}
	return strings.Join(l[:n], "; ") + fmt.Sprintf("; and %d more", len(l)-n)
}
