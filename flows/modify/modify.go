// Package modify is the modify flow: show an execution role (trust policy,
// managed and inline policies, tags, and who runs as it), and change its
// permissions — attach and detach managed policies, put and delete inline
// policies, add S3 buckets, add activities and guardrails to its sagerole
// scope, fix its trust policy — with a diff of every document, the blast
// radius and a warning when access broadens, before anything runs.
package modify

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/sagerole/sagerole/awsops"
	"github.com/sagerole/sagerole/awsops/rules"
	"github.com/sagerole/sagerole/flows"
	"github.com/sagerole/sagerole/flows/buckets"
	"github.com/sagerole/sagerole/flows/export"
	"github.com/sagerole/sagerole/flows/find"
	"github.com/sagerole/sagerole/flows/policy"
	"github.com/sagerole/sagerole/flows/policy/iamref"
	"github.com/sagerole/sagerole/flows/policy/trusted"
)

// Full is what --attach and --detach take for AmazonSageMakerFullAccess.
const Full = "full"

// serviceLinkedPath is where AWS keeps roles only AWS may change.
const serviceLinkedPath = "/aws-service-role/"

// Inline is one --put-inline: an inline policy's name and document, and
// the file it came from (for messages; "" when it was typed in the wizard).
type Inline struct {
	Name     string
	File     string
	Document string
}

// Input is what modify takes. A zero Input besides Role changes nothing:
// the role is shown.
type Input struct {
	Role         string // name or ARN
	Attach       []string
	Detach       []string
	PutInline    []Inline
	DeleteInline []string
	// AddBuckets are BUCKET or BUCKET/PREFIX, merged into sagerole-buckets
	// read-write, as add-buckets does.
	AddBuckets []string
	// AddBucketsReadOnly grants AddBuckets read-only, as add-buckets
	// --read-only does (sagerole why offers it for a denied read).
	AddBucketsReadOnly bool
	// Scope holds the activities, guardrails and their options to merge
	// into the role's sagerole-scope policies (Persona is not used);
	// Partition, Account and Region are the role's, set by Plan.
	Scope    policy.Scope
	FixTrust bool
	// Force puts --put-inline documents even when the validator finds
	// errors in them (they are shown as warnings then).
	Force bool
}

// scopeNamed reports whether the input adds anything to the scope.
func (in Input) scopeNamed() bool {
	s := in.Scope
	return len(s.Activities) > 0 || len(s.Guardrails) > 0 || len(s.ECRRepos) > 0 || s.LogGroups || s.VPC ||
		len(s.KMSKeys) > 0 || len(s.InstanceTypes) > 0 || len(s.SourceIPs) > 0 || len(s.SourceVPCEs) > 0 ||
		s.ResourceTagKey != "" || s.ResourceTagValue != "" || len(s.PassRoles) > 0 || len(s.Subnets) > 0 || len(s.SecurityGroups) > 0 ||
		len(s.GlueDatabases) > 0 || len(s.AthenaWorkgroups) > 0
}

// scope is the scope to merge, with the --add-bucket buckets narrowing
// its S3 access when its activities reach S3, as create-role's --bucket
// does (s3-buckets grants nothing else).
func (in Input) scope() (policy.Scope, error) {
	s := in.Scope
	if len(in.AddBuckets) == 0 {
		return s, nil
	}
	uses, err := s.UsesS3()
	if err != nil {
		return s, err
	}
	if uses {
		for _, b := range in.AddBuckets {
			s.Buckets = append(s.Buckets, policy.ParseGrant(b))
		}
	}
	return s, nil
}

// Changes reports whether the input asks for any change.
func (in Input) Changes() bool {
	return len(in.Attach)+len(in.Detach)+len(in.PutInline)+len(in.DeleteInline)+len(in.AddBuckets) > 0 ||
		in.scopeNamed() || in.FixTrust
}

// ParseInlineSpec splits a --put-inline value NAME=FILE.
func ParseInlineSpec(spec string) (name, file string, err error) {
	name, file, ok := strings.Cut(spec, "=")
	if !ok || name == "" || file == "" {
		return "", "", &rules.InputError{Field: "put-inline", Msg: fmt.Sprintf("--put-inline %q is not of the form NAME=FILE", spec)}
	}
	if err := rules.PolicyName(name); err != nil {
		return "", "", err
	}
	return name, file, nil
}

// policyARN resolves "full" to AmazonSageMakerFullAccess in the role's
// partition, and checks the shape of anything else.
func policyARN(flag, v, partition string) (string, error) {
	if strings.EqualFold(v, Full) {
		return policy.FullAccessARNIn(partition), nil
	}
	if err := rules.PolicyARN(v); err != nil {
		return "", &rules.InputError{Field: flag, Msg: fmt.Sprintf("--%s %q is not full or a managed policy ARN of the form arn:aws:iam::aws:policy/NAME", flag, v)}
	}
	return v, nil
}

// CheckPermissionsPolicy refuses what rules.PolicyDocument lets through
// but IAM refuses in a role's inline policy: a Principal, which belongs in
// a trust policy (the usual mistake: the wrong file).
func CheckPermissionsPolicy(what, doc string) error {
	if err := rules.PolicyDocument(what, doc); err != nil {
		return err
	}
	for i, s := range looseRaw(doc) {
		if _, ok := s["Principal"]; ok {
			return &rules.InputError{Field: "put-inline", Msg: fmt.Sprintf("%s: statement %d names a Principal, which an inline policy cannot (is it a trust policy?)", what, i+1)}
		}
		if _, ok := s["NotPrincipal"]; ok {
			return &rules.InputError{Field: "put-inline", Msg: fmt.Sprintf("%s: statement %d names a NotPrincipal, which an inline policy cannot (is it a trust policy?)", what, i+1)}
		}
		_, a := s["Action"]
		_, na := s["NotAction"]
		if !a && !na {
			return &rules.InputError{Field: "put-inline", Msg: fmt.Sprintf("%s: statement %d has no Action or NotAction, which IAM requires", what, i+1)}
		}
		_, r := s["Resource"]
		_, nr := s["NotResource"]
		if !r && !nr {
			return &rules.InputError{Field: "put-inline", Msg: fmt.Sprintf("%s: statement %d has no Resource or NotResource, which IAM requires in an inline policy", what, i+1)}
		}
	}
	// Strictly, so that what is previewed and judged for broadening is the
	// document sent: no key twice, valid UTF-8, a known Version and
	// elements.
	if _, err := policy.Parse(doc); err != nil {
		return &rules.InputError{Field: "put-inline", Msg: fmt.Sprintf("%s: %v", what, err)}
	}
	return nil
}

// Validate checks everything that can be checked without the account.
func (in Input) Validate() error {
	if in.Role == "" {
		return &rules.InputError{Field: "role", Msg: "modify needs the ROLE to show or change, by name or ARN"}
	}
	seen := map[string]string{}
	for _, l := range []struct {
		flag string
		vals []string
	}{{"attach", in.Attach}, {"detach", in.Detach}} {
		for _, v := range l.vals {
			arn, err := policyARN(l.flag, v, "aws")
			if err != nil {
				return err
			}
			if prev, ok := seen[arn]; ok {
				if prev == l.flag {
					return &rules.InputError{Field: l.flag, Msg: fmt.Sprintf("--%s %s is given twice", l.flag, v)}
				}
				return &rules.InputError{Field: l.flag, Msg: fmt.Sprintf("%s is given to both --attach and --detach; choose one", v)}
			}
			seen[arn] = l.flag
		}
	}
	names := map[string]string{}
	for _, p := range in.PutInline {
		if err := rules.PolicyName(p.Name); err != nil {
			return err
		}
		if _, ok := names[strings.ToLower(p.Name)]; ok {
			return &rules.InputError{Field: "put-inline", Msg: fmt.Sprintf("--put-inline %s is given twice", p.Name)}
		}
		names[strings.ToLower(p.Name)] = "put-inline"
		what := fmt.Sprintf("policy file %s for --put-inline %s", p.File, p.Name)
		if p.File == "" {
			what = "inline policy " + p.Name
		}
		if err := CheckPermissionsPolicy(what, p.Document); err != nil {
			return err
		}
	}
	for _, n := range in.DeleteInline {
		if err := rules.PolicyName(n); err != nil {
			return err
		}
		switch names[strings.ToLower(n)] {
		case "put-inline":
			return &rules.InputError{Field: "delete-inline", Msg: fmt.Sprintf("inline policy %s is given to both --put-inline and --delete-inline; choose one", n)}
		case "delete-inline":
			return &rules.InputError{Field: "delete-inline", Msg: fmt.Sprintf("--delete-inline %s is given twice", n)}
		}
		names[strings.ToLower(n)] = "delete-inline"
	}
	for _, b := range in.AddBuckets {
		if err := policy.ParseGrant(b).Validate(); err != nil {
			return err
		}
	}
	// sagerole writes its own policy families from merges; an explicit put
	// or delete of one of them in the same run would race that merge.
	for n, flag := range names {
		switch {
		case len(in.AddBuckets) > 0 && flows.IsFamily(n, policy.BucketPolicyName):
			return &rules.InputError{Field: flag, Msg: fmt.Sprintf("--%s %s and --add-bucket both change the %s policy; run them separately", flag, n, policy.BucketPolicyName)}
		case in.scopeNamed() && flows.IsFamily(n, policy.ScopePolicyName):
			return &rules.InputError{Field: flag, Msg: fmt.Sprintf("--%s %s and --add-activity/--add-guardrail both change the %s policy; run them separately", flag, n, policy.ScopePolicyName)}
		}
	}
	if in.Scope.Persona != "" {
		return &rules.InputError{Field: "persona", Msg: "modify adds activities and guardrails, not personas; name the activities with --add-activity"}
	}
	if in.scopeNamed() {
		s, err := in.scope()
		if err != nil {
			return err
		}
		if err := s.Validate(); err != nil {
			return err
		}
	}
	return nil
}

// Result is a modify plan and what the user must see before it runs.
type Result struct {
	Plan awsops.Plan
	Role awsops.Role
	// Diffs are unified diffs of every document that changes: the trust
	// policy, the list of attached managed policies, each inline policy.
	Diffs []Diff
	// UsedBy is the blast radius: every identity that runs as the role.
	UsedBy []Use
	// Broadening is the subset of Plan.Warnings that says how the change
	// broadens access.
	Broadening []string
}

// Diff is the unified diff of one document.
type Diff struct {
	Document string `json:"document"` // trust-policy, attached-policies, inline/NAME
	Text     string `json:"diff"`
}

// Options are what Plan and Show need besides the account.
type Options struct {
	// Uses finds who runs as the role (AccountUses); nil leaves the blast
	// radius out, with a warning.
	Uses UsesFunc
	// Reference is the IAM reference the --put-inline documents are
	// checked against; nil loads it.
	Reference *iamref.Reference
}

// blastRadius reads who runs as the role. It never fails the flow: a
// change is still possible when SageMaker cannot be read, and the user is
// told the radius is unknown.
func blastRadius(ctx context.Context, opts Options, role awsops.Role) ([]Use, []string) {
	if opts.Uses == nil {
		return nil, []string{"who runs as this role was not checked"}
	}
	uses, warnings, err := opts.Uses(ctx, role.ARN)
	if err != nil {
		return nil, []string{"who runs as this role could not be read, so the blast radius is unknown: " + err.Error()}
	}
	return uses, warnings
}

// roleWarnings are what is worth knowing about a role whatever is done to
// it: a CloudFormation stack or Terraform that owns it (with the export
// that writes it as their code), a trust policy SageMaker cannot use.
func roleWarnings(role awsops.Role, fixingTrust bool) []string {
	var out []string
	if m, ok := export.ManagedBy(role.Tags); ok {
		out = append(out, export.RoleWarning(role.Name, m))
	}
	if !fixingTrust {
		if !find.TrustsSageMaker(role.TrustPolicy) {
			out = append(out, fmt.Sprintf("role %s does not trust %s, so SageMaker cannot run as it; fix it with: sagerole modify %s --fix-trust", role.Name, policy.SageMakerService, role.Name))
		}
	}
	return out
}

// Plan reads the role and returns the ops that make the changes in, with
// every document's diff, the blast radius and the broadening warnings.
// Every refusal is a *rules.InputError, and nothing is sent.
//
// Steps run in this order: the trust policy, detaches (freeing quota),
// attaches, inline deletes (freeing size), inline puts, the bucket merge,
// the scope merge.
func Plan(ctx context.Context, acct flows.Account, in Input, opts Options) (*Result, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	if !in.Changes() {
		return nil, &rules.InputError{Field: "change", Msg: "no change asked for; name one with --attach, --detach, --put-inline, --delete-inline, --add-bucket, --add-activity, --add-guardrail or --fix-trust"}
	}
	// The documents are checked before the account is read: an error
	// refuses the plan whatever the account holds.
	lintWarnings, lintNotes, err := lintInline(in, opts.Reference)
	if err != nil {
		return nil, err
	}
	role, err := flows.ResolveRole(ctx, acct, in.Role)
	if err != nil {
		return nil, err
	}
	if strings.HasPrefix(role.Path, serviceLinkedPath) {
		return nil, &rules.InputError{Field: "role", Msg: fmt.Sprintf("role %s is a service-linked role (path %s), which only AWS may change", role.Name, role.Path)}
	}
	quotas, err := acct.Quotas(ctx)
	if err != nil {
		return nil, fmt.Errorf("reading IAM quotas: %w", err)
	}
	attached, err := acct.ListAttachedRolePolicies(ctx, role.Name)
	if err != nil {
		return nil, fmt.Errorf("listing managed policies of %s: %w", role.Name, err)
	}
	inline, err := flows.InlinePolicies(ctx, acct, role.Name)
	if err != nil {
		return nil, err
	}
	partition := flows.Partition(role.ARN)
	res := &Result{Role: role, Plan: awsops.Plan{Command: "modify " + role.Name, Outputs: map[string]string{"roleArn": role.ARN}}}
	p := &res.Plan
	p.Warnings = append(p.Warnings, roleWarnings(role, in.FixTrust)...)
	p.Warnings = append(p.Warnings, lintWarnings...)
	p.Notes = append(p.Notes, lintNotes...)

	// Managed policies.
	if err := planManaged(ctx, acct, in, role, partition, attached, quotas, res); err != nil {
		return nil, err
	}

	// Inline policies: explicit deletes and puts, then the merges.
	after := maps.Clone(inline)
	for _, n := range in.DeleteInline {
		if _, ok := inline[n]; !ok {
			return nil, &rules.InputError{Field: "delete-inline", Msg: fmt.Sprintf("role %s has no inline policy named %s (it has: %s)", role.Name, n, namesOrNone(slices.Sorted(maps.Keys(inline))))}
		}
		p.Steps = append(p.Steps, awsops.DeleteRolePolicyOp(role.Name, n))
		delete(after, n)
	}
	for _, put := range in.PutInline {
		if old, ok := inline[put.Name]; ok && Pretty(old) == Pretty(put.Document) {
			if put.File == "" {
				p.Notes = append(p.Notes, fmt.Sprintf("inline policy %s already has this document: nothing to change", put.Name))
			} else {
				p.Notes = append(p.Notes, fmt.Sprintf("inline policy %s already has the document of %s: nothing to change", put.Name, put.File))
			}
			continue
		}
		p.Steps = append(p.Steps, awsops.PutRolePolicyOp(role.Name, put.Name, put.Document))
		after[put.Name] = put.Document
	}
	if len(in.AddBuckets) > 0 {
		st := buckets.RoleState{Inline: inline, Attached: attached, Limits: flows.LimitsOf(quotas)}
		if err := planBuckets(ctx, acct, in, role, st, res, after); err != nil {
			return nil, err
		}
	}
	if in.scopeNamed() {
		passRoles, err := flows.PassRoleARNs(ctx, acct, in.Scope.PassRoles)
		if err != nil {
			return nil, err
		}
		in.Scope.PassRoles = passRoles
		var warnings []string
		in.Scope.Allowed, warnings = allowedPatterns(ctx, acct, in, partition, attached, after)
		p.Warnings = append(p.Warnings, warnings...)
		if err := planScope(acct.Region(), in, role, partition, inline, flows.LimitsOf(quotas), res, after); err != nil {
			return nil, err
		}
	}
	// Trust: worked out from the inline policies as they will be, sent
	// first.
	if err := planTrust(in, role, after, quotas, res); err != nil {
		return nil, err
	}
	if total := inlineTotal(after); total > quotas.RolePolicySize && total > inlineTotal(inline) {
		return nil, &rules.InputError{Field: "policy size", Msg: fmt.Sprintf("the inline policies of %s would come to %s characters (white space not counted); IAM allows at most %s for all inline policies of a role together (RolePolicySizeQuota)", role.Name, policy.Thousands(total), policy.Thousands(quotas.RolePolicySize))}
	}
	for _, n := range slices.Sorted(maps.Keys(unionKeys(inline, after))) {
		if inline[n] != after[n] {
			res.Diffs = append(res.Diffs, Diff{Document: "inline/" + n, Text: DiffDocuments("inline/"+n, inline[n], after[n])})
		}
	}
	inlineWarnings := InlineBroadening(inline, after)
	res.Broadening = append(res.Broadening, inlineWarnings...)
	p.Warnings = append(p.Warnings, inlineWarnings...)

	// The blast radius, only when something is to be sent.
	if len(p.Steps) > 0 {
		uses, warnings := blastRadius(ctx, opts, role)
		res.UsedBy = uses
		p.Warnings = append(p.Warnings, warnings...)
		p.Notes = append(p.Notes, RadiusSentence(role, uses))
	}
	return res, nil
}

func unionKeys(a, b map[string]string) map[string]bool {
	out := map[string]bool{}
	for k := range a {
		out[k] = true
	}
	for k := range b {
		out[k] = true
	}
	return out
}

func inlineTotal(docs map[string]string) int {
	n := 0
	for _, d := range docs {
		n += rules.PolicySize(d)
	}
	return n
}

func namesOrNone(names []string) string {
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}

// planManaged adds the detaches, then the attaches, checking each against
// the role and the account, and the quota of managed policies per role.
func planManaged(ctx context.Context, acct flows.Account, in Input, role awsops.Role, partition string,
	attached []awsops.AttachedPolicy, quotas awsops.Quotas, res *Result) error {
	p := &res.Plan
	on := map[string]bool{}
	var before []string
	for _, a := range attached {
		on[a.ARN] = true
		before = append(before, a.ARN)
	}
	now := maps.Clone(on)
	for _, v := range in.Detach {
		arn, err := policyARN("detach", v, partition)
		if err != nil {
			return err
		}
		if !on[arn] {
			return &rules.InputError{Field: "detach", Msg: fmt.Sprintf("policy %s is not attached to role %s (attached: %s)", arn, role.Name, namesOrNone(before))}
		}
		p.Steps = append(p.Steps, awsops.DetachRolePolicyOp(role.Name, arn))
		delete(now, arn)
	}
	for _, v := range in.Attach {
		arn, err := policyARN("attach", v, partition)
		if err != nil {
			return err
		}
		if on[arn] {
			p.Notes = append(p.Notes, fmt.Sprintf("policy %s is already attached to %s: --attach changes nothing", arn, role.Name))
			continue
		}
		// A policy that does not exist fails at IAM after the steps before
		// it ran; refuse it here, when nothing has been sent.
		if _, err := acct.GetPolicyDocument(ctx, arn); awsops.IsNotFound(err) {
			return &rules.InputError{Field: "attach", Msg: fmt.Sprintf("managed policy %s does not exist in this account", arn)}
		} else if err != nil {
			p.Warnings = append(p.Warnings, fmt.Sprintf("policy %s could not be read to check that it exists: %v", arn, err))
		}
		p.Steps = append(p.Steps, awsops.AttachRolePolicyOp(role.Name, arn))
		now[arn] = true
		if w := ManagedBroadening(arn); w != "" {
			res.Broadening = append(res.Broadening, w)
			p.Warnings = append(p.Warnings, w)
		}
	}
	if limit := quotas.AttachedPoliciesPerRole; len(now) > limit && len(now) > len(on) {
		return &rules.InputError{Field: "attach", Msg: fmt.Sprintf("role %s would have %d managed policies attached; IAM allows at most %d per role (PoliciesPerRole quota)", role.Name, len(now), limit),
			Remedy: "so detach one in the same run with --detach", Flag: "--detach"}
	}
	if !maps.Equal(on, now) {
		after := slices.Sorted(maps.Keys(now))
		slices.Sort(before)
		res.Diffs = append(res.Diffs, Diff{Document: "attached-policies", Text: DiffLists("attached-policies", before, after)})
	}
	return nil
}

// planBuckets merges the buckets into sagerole-buckets with the add-buckets
// flow's own merge, from the role as Plan read it, and records the result
// in after.
func planBuckets(ctx context.Context, acct flows.Account, in Input, role awsops.Role, st buckets.RoleState, res *Result, after map[string]string) error {
	grants := make([]policy.BucketGrant, len(in.AddBuckets))
	var missing []string
	for i, b := range in.AddBuckets {
		grants[i] = policy.ParseGrant(b)
		_, err := acct.BucketRegion(ctx, grants[i].Bucket)
		switch {
		case awsops.IsNotFound(err):
			missing = append(missing, grants[i].Bucket)
		case awsops.KindOf(err) == awsops.KindAccessDenied:
			res.Plan.Warnings = append(res.Plan.Warnings, fmt.Sprintf("bucket %s exists but is not readable by you (another account's, or its policy denies you): the role gets the permission, and the bucket's own policy must allow the role too", grants[i].Bucket))
		case err != nil:
			return fmt.Errorf("looking up bucket %s: %w", grants[i].Bucket, err)
		}
	}
	if len(missing) > 0 {
		what := "bucket " + missing[0] + " does"
		if len(missing) > 1 {
			what = "buckets " + strings.Join(missing, ", ") + " do"
		}
		return &rules.InputError{Field: "add-bucket", Msg: what + " not exist in this account",
			Remedy: fmt.Sprintf("create with: sagerole add-buckets %s %s --create-missing", role.Name, strings.Join(missing, " ")), Flag: "--create-missing"}
	}
	ops, notes, err := buckets.GrantOps(role, st, grants, in.AddBucketsReadOnly)
	if err != nil {
		return err
	}
	res.Plan.Notes = append(res.Plan.Notes, notes...)
	res.Plan.Steps = append(res.Plan.Steps, ops...)
	ApplyInline(after, ops)
	return nil
}

// planScope merges the activities and guardrails into the role's
// sagerole-scope policies, assembled as create-role assembles them.
func planScope(region string, in Input, role awsops.Role, partition string,
	inline map[string]string, limits policy.Limits, res *Result, after map[string]string) error {
	// The role passes itself: PassRole names its ARN, path included.
	s, err := in.scope()
	if err != nil {
		return err
	}
	s.Partition, s.Account, s.Region, s.RoleARN = partition, rules.AccountFromARN(role.ARN), region, role.ARN
	add, err := policy.Build(s)
	if err != nil {
		return err
	}
	summary, err := policy.Summarize(s)
	if err != nil {
		return err
	}
	res.Plan.Notes = append(res.Plan.Notes, summary...)
	docs := []policy.Document{}
	for _, name := range slices.Sorted(maps.Keys(inline)) {
		if !flows.IsFamily(name, policy.ScopePolicyName) {
			continue
		}
		d, err := policy.Parse(inline[name])
		if err != nil {
			return &rules.InputError{Field: "add-activity", Msg: fmt.Sprintf("role %s's inline policy %s cannot be merged into (%v); fix or delete it first", role.Name, name, err)}
		}
		docs = append(docs, d)
	}
	merged := policy.MergeDocuments(append(docs, add)...)
	limits.InUse = flows.OtherInlineSize(after, policy.ScopePolicyName)
	named, err := policy.Fit(policy.ScopePolicyName, merged, limits)
	if err != nil {
		return err
	}
	ops := flows.ReplaceFamily(role.Name, policy.ScopePolicyName, inline, named)
	if len(ops) == 0 {
		res.Plan.Notes = append(res.Plan.Notes, fmt.Sprintf("%s already has everything these activities and guardrails add: nothing to change", policy.ScopePolicyName))
	}
	res.Plan.Steps = append(res.Plan.Steps, ops...)
	ApplyInline(after, ops)
	return nil
}

// planTrust adds the trust policy's change, as the first step: SageMaker's
// statement with --fix-trust, and, with --fix-trust or when activities
// are added, the statements of the services the role's inline policies
// (as they will be) let it pass itself to — EventBridge Scheduler for
// pipelines, Glue, EMR Serverless — each with the sentence that says why.
func planTrust(in Input, role awsops.Role, after map[string]string, quotas awsops.Quotas, res *Result) error {
	if !in.FixTrust && !in.scopeNamed() {
		return nil
	}
	p := &res.Plan
	doc := role.TrustPolicy
	var why []string
	if in.FixTrust {
		fixed, changed, err := AddSageMakerTrust(doc)
		if err != nil {
			return err
		}
		if changed {
			doc = fixed
			why = append(why, "SageMaker")
		}
	}
	current, err := policy.Parse(doc)
	if err != nil && !in.FixTrust {
		// Left as it is: --fix-trust is the way to have sagerole edit it.
		p.Warnings = append(p.Warnings, fmt.Sprintf("the trust policy of %s cannot be read (%v), so the services the new activities need were not checked", role.Name, err))
		return nil
	}
	var docs []policy.Document
	for _, n := range slices.Sorted(maps.Keys(after)) {
		if d, err := policy.Parse(after[n]); err == nil {
			docs = append(docs, d)
		}
	}
	needs, err := trusted.Needed(docs, role.ARN, current)
	if err != nil {
		return err
	}
	if missing := trusted.Missing(needs); len(missing) > 0 {
		fixed, added, err := AddServiceTrust(doc, missing, rules.AccountFromARN(role.ARN))
		if err != nil {
			return err
		}
		doc = fixed
		for _, n := range needs {
			if slices.Contains(added, n.Principal) {
				p.Notes = append(p.Notes, trusted.Sentences([]trusted.Need{n})...)
				why = append(why, n.Principal)
			}
		}
	}
	if len(why) == 0 {
		if in.FixTrust {
			p.Notes = append(p.Notes, fmt.Sprintf("the trust policy of %s already lets %s assume it (and every service its policies pass it to): --fix-trust changes nothing", role.Name, policy.SageMakerService))
		}
		return nil
	}
	if n := rules.PolicySize(doc); n > quotas.TrustPolicySize {
		return &rules.InputError{Field: "trust policy", Msg: fmt.Sprintf("with the statements of %s the trust policy would be %s characters (white space not counted); IAM allows at most %s (AssumeRolePolicySizeQuota)", strings.Join(why, ", "), policy.Thousands(n), policy.Thousands(quotas.TrustPolicySize))}
	}
	p.Steps = append([]awsops.Op{awsops.UpdateTrustPolicyOp(role.Name, doc)}, p.Steps...)
	res.Diffs = append([]Diff{{Document: "trust-policy", Text: DiffDocuments("trust-policy", role.TrustPolicy, doc)}}, res.Diffs...)
	return nil
}

// ApplyInline plays inline-policy ops onto a name → document map.
func ApplyInline(docs map[string]string, ops []awsops.Op) {
	for _, op := range ops {
		switch op.API {
		case awsops.APIPutRolePolicy:
			docs[op.Args[awsops.ArgPolicyName]] = op.Documents[awsops.DocPolicy]
		case awsops.APIDeleteRolePolicy:
			delete(docs, op.Args[awsops.ArgPolicyName])
		}
	}
}

// RadiusSentence says in one sentence who a change to role reaches.
func RadiusSentence(role awsops.Role, uses []Use) string {
	if len(uses) == 0 {
		return fmt.Sprintf("no domain, user profile, space or notebook instance in this region runs as %s", role.Name)
	}
	running := 0
	for _, u := range uses {
		running += len(u.RunningApps())
	}
	s := fmt.Sprintf("%d %s as %s and get%s this change: %s", len(uses), plural(len(uses), "identity runs", "identities run"), role.Name, plural(len(uses), "s", ""), useList(uses))
	if running > 0 {
		s += fmt.Sprintf("; %d running %s the old permissions until restarted, and IAM takes a moment to propagate", running, plural(running, "app keeps", "apps keep"))
	}
	return s
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func useList(uses []Use) string {
	parts := make([]string, len(uses))
	for i, u := range uses {
		parts[i] = UseLabel(u)
	}
	return listSome(parts)
}

// UseLabel names a use in a few words.
func UseLabel(u Use) string {
	switch u.Kind {
	case find.UseDefaultUserRole:
		return "the default user role of domain " + u.DomainID
	case find.UseDefaultSpaceRole:
		return "the default space role of domain " + u.DomainID
	case find.UseUser:
		return "user " + u.Name + " (" + u.DomainID + ")"
	case find.UseSpace:
		return "space " + u.Name + " (" + u.DomainID + ")"
	case find.UseNotebook:
		return "notebook instance " + u.Name
	}
	return string(u.Kind) + " " + u.Name
}
