// Package undo is the undo flow: revert a journaled run, reviewed as any
// forward plan is — the diff of every document the undo changes, who runs
// as each role it deletes or changes (the blast radius), what access it
// broadens or narrows — and refused, unless forced, when it would overwrite
// later changes, delete a role that identities run as, or take SageMaker's
// trust away from one.
package undo

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/sagerole/sagerole/awsops"
	"github.com/sagerole/sagerole/flows"
	"github.com/sagerole/sagerole/flows/find"
	"github.com/sagerole/sagerole/flows/modify"
	"github.com/sagerole/sagerole/flows/policy"
)

// Options are what Review needs besides the account and the entry.
type Options struct {
	// Uses finds who runs as a role (modify.AccountUses); nil leaves the
	// blast radius out, with a warning.
	Uses modify.UsesFunc
	// Force undoes anyway what drift or the blast radius would refuse;
	// what cannot be done at all (Undo.Blocked) stays refused.
	Force bool
}

// RoleChange is one role the undo deletes, creates or changes, and who
// runs as it.
type RoleChange struct {
	Name    string        `json:"name"`
	ARN     string        `json:"arn"`
	Deleted bool          `json:"deleted,omitempty"`
	Created bool          `json:"created,omitempty"`
	Diffs   []modify.Diff `json:"diffs,omitempty"`
	// LosesTrust: the role trusts SageMaker now and would not after.
	LosesTrust bool `json:"losesTrust,omitempty"`
	// UsedBy are the identities that run as the role and that the undo
	// does not point at another role first.
	UsedBy []modify.Use `json:"usedBy,omitempty"`
	// UsesUnknown says why UsedBy could not be read ("" when it was).
	UsesUnknown string `json:"usesUnknown,omitempty"`
}

// Result is an undo plan and what a person must see before it runs.
type Result struct {
	Undo *awsops.Undo
	// Plan is Undo.Plan with the review's sentences added: the blast
	// radius and the identities the undo moves in Notes, the broadening and
	// narrowing warnings in Warnings.
	Plan  awsops.Plan
	Roles []RoleChange
	// Refusals say why the undo must not run without --force: drift, a
	// role in use deleted, SageMaker's trust taken from a role in use.
	Refusals []string
	Force    bool
}

// Diffs are every role's document diffs, in order.
func (r *Result) Diffs() []modify.Diff {
	var out []modify.Diff
	for _, rc := range r.Roles {
		out = append(out, rc.Diffs...)
	}
	return out
}

// Check says whether the undo may run: never while something blocks it;
// not, unless forced, while something refuses it. The error is an
// *awsops.RefusedError that names what.
func (r *Result) Check() error {
	if len(r.Undo.Blocked) > 0 {
		return r.Undo.Check(r.Force)
	}
	if len(r.Refusals) > 0 && !r.Force {
		return &awsops.RefusedError{Msg: fmt.Sprintf("refusing to undo entry %s: %s; pass --force to undo anyway", r.Undo.Entry.ID, strings.Join(r.Refusals, "; "))}
	}
	return nil
}

// Review works out how to revert e and what that does, reading the
// account: awsops.PrepareUndo's plan and drift, then, for every role the
// plan touches, its documents now and after, who runs as it, and what
// access changes. e must be settled (awsops.Settle).
func Review(ctx context.Context, acct flows.Account, e *awsops.Entry, opts Options) (*Result, error) {
	u, err := awsops.PrepareUndo(ctx, acct, e, opts.Force)
	if err != nil {
		return nil, err
	}
	res := &Result{Undo: u, Plan: u.Plan, Force: opts.Force}
	p := &res.Plan
	p.Notes, p.Warnings = slices.Clone(p.Notes), slices.Clone(p.Warnings)
	if len(u.Drift) > 0 {
		res.Refusals = append(res.Refusals, fmt.Sprintf("%d later %s would be overwritten, or would make the undo fail", len(u.Drift), plural(len(u.Drift), "change", "changes")))
	}
	moves := movesOf(p.Steps)
	for _, m := range moves {
		p.Notes = append(p.Notes, m.sentence)
	}
	names := rolesOf(p.Steps)
	if len(names) == 0 {
		return res, nil
	}
	id, err := acct.CallerIdentity(ctx)
	if err != nil {
		return nil, fmt.Errorf("reading the caller's account: %w", err)
	}
	for _, name := range names {
		before, err := readRole(ctx, acct, name)
		if err != nil {
			return nil, err
		}
		after := before.apply(p.Steps, name, flows.Partition(id.ARN), id.Account)
		rc := RoleChange{Name: name, ARN: before.arn, Deleted: before.exists && !after.exists, Created: !before.exists && after.exists,
			LosesTrust: before.exists && find.TrustsSageMaker(before.trust) && !(after.exists && find.TrustsSageMaker(after.trust))}
		if rc.ARN == "" {
			rc.ARN = after.arn
		}
		rc.Diffs = diffs(name, before, after, len(names) > 1)
		p.Warnings = append(p.Warnings, accessChanges(name, before, after)...)
		if before.exists && len(rc.Diffs) > 0 {
			res.blastRadius(ctx, opts, &rc, moves)
		}
		res.Roles = append(res.Roles, rc)
	}
	return res, nil
}

// blastRadius finds who runs as a role the undo deletes or changes, less
// whom the undo points at another role first, and refuses what would break
// them.
func (res *Result) blastRadius(ctx context.Context, opts Options, rc *RoleChange, moves []move) {
	p := &res.Plan
	risky := rc.Deleted || rc.LosesTrust
	if opts.Uses == nil {
		rc.UsesUnknown = "not checked"
		p.Warnings = append(p.Warnings, fmt.Sprintf("who runs as %s was not checked", rc.Name))
		return
	}
	uses, warnings, err := opts.Uses(ctx, rc.ARN)
	if err != nil {
		rc.UsesUnknown = err.Error()
		p.Warnings = append(p.Warnings, fmt.Sprintf("who runs as %s could not be read, so the blast radius is unknown: %v", rc.Name, err))
		if risky {
			res.Refusals = append(res.Refusals, fmt.Sprintf("undo %s role %s, and who runs as it could not be read", riskVerb(rc), rc.Name))
		}
		return
	}
	p.Warnings = append(p.Warnings, warnings...)
	for _, use := range uses {
		if !slices.ContainsFunc(moves, func(m move) bool { return m.moves(use, rc.ARN) }) {
			rc.UsedBy = append(rc.UsedBy, use)
		}
	}
	role := awsops.Role{Name: rc.Name, ARN: rc.ARN}
	p.Notes = append(p.Notes, modify.RadiusSentence(role, rc.UsedBy))
	if risky && len(rc.UsedBy) > 0 {
		labels := make([]string, len(rc.UsedBy))
		for i, use := range rc.UsedBy {
			labels[i] = modify.UseLabel(use)
		}
		what := "they could no longer start"
		if !rc.Deleted {
			what = "SageMaker could no longer run as it"
		}
		res.Refusals = append(res.Refusals, fmt.Sprintf("undo %s role %s, which %d %s as: %s; %s",
			riskVerb(rc), rc.Name, len(rc.UsedBy), plural(len(rc.UsedBy), "identity runs", "identities run"), strings.Join(labels, ", "), what))
	}
}

func riskVerb(rc *RoleChange) string {
	if rc.Deleted {
		return "deletes"
	}
	return "removes " + policy.SageMakerService + "'s trust from"
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// rolesOf are the roles the plan's IAM steps touch, in order.
func rolesOf(steps []awsops.Op) []string {
	var out []string
	for _, op := range steps {
		if n := op.Args[awsops.ArgRoleName]; n != "" && !slices.ContainsFunc(out, func(s string) bool { return strings.EqualFold(s, n) }) {
			out = append(out, n)
		}
	}
	return out
}

// roleDocs is a role's documents, as the review compares them.
type roleDocs struct {
	exists   bool
	arn      string
	trust    string
	attached map[string]bool
	inline   map[string]string
	tags     map[string]string
}

func readRole(ctx context.Context, r awsops.IAMReader, name string) (roleDocs, error) {
	d := roleDocs{attached: map[string]bool{}, inline: map[string]string{}, tags: map[string]string{}}
	role, err := r.GetRole(ctx, name)
	if awsops.IsNotFound(err) {
		return d, nil
	}
	if err != nil {
		return d, fmt.Errorf("reading role %s: %w", name, err)
	}
	d.exists, d.arn, d.trust = true, role.ARN, role.TrustPolicy
	for _, t := range role.Tags {
		d.tags[t.Key] = t.Value
	}
	pols, err := r.ListAttachedRolePolicies(ctx, name)
	if err != nil {
		return d, fmt.Errorf("listing managed policies of %s: %w", name, err)
	}
	for _, p := range pols {
		d.attached[p.ARN] = true
	}
	if d.inline, err = flows.InlinePolicies(ctx, r, name); err != nil {
		return d, err
	}
	return d, nil
}

// apply plays the plan's steps on role name onto a copy of d.
func (d roleDocs) apply(steps []awsops.Op, name, partition, account string) roleDocs {
	out := roleDocs{exists: d.exists, arn: d.arn, trust: d.trust, attached: maps.Clone(d.attached), inline: maps.Clone(d.inline), tags: maps.Clone(d.tags)}
	for _, op := range steps {
		if !strings.EqualFold(op.Args[awsops.ArgRoleName], name) {
			continue
		}
		a := op.Args
		switch op.API {
		case awsops.APICreateRole:
			out = roleDocs{exists: true, trust: op.Documents[awsops.DocTrustPolicy], attached: map[string]bool{}, inline: map[string]string{}, tags: map[string]string{},
				arn: fmt.Sprintf("arn:%s:iam::%s:role%s%s", partition, account, a[awsops.ArgPath], name)}
			for _, t := range op.Tags {
				out.tags[t.Key] = t.Value
			}
		case awsops.APIDeleteRole:
			out = roleDocs{arn: out.arn, attached: map[string]bool{}, inline: map[string]string{}, tags: map[string]string{}}
		case awsops.APIUpdateAssumeRolePolicy:
			out.trust = op.Documents[awsops.DocTrustPolicy]
		case awsops.APIAttachRolePolicy:
			out.attached[a[awsops.ArgPolicyARN]] = true
		case awsops.APIDetachRolePolicy:
			delete(out.attached, a[awsops.ArgPolicyARN])
		case awsops.APIPutRolePolicy:
			out.inline[a[awsops.ArgPolicyName]] = op.Documents[awsops.DocPolicy]
		case awsops.APIDeleteRolePolicy:
			delete(out.inline, a[awsops.ArgPolicyName])
		case awsops.APITagRole:
			for _, t := range op.Tags {
				out.tags[t.Key] = t.Value
			}
		case awsops.APIUntagRole:
			for _, k := range op.Keys {
				for have := range out.tags {
					if strings.EqualFold(have, k) {
						delete(out.tags, have)
					}
				}
			}
		}
	}
	return out
}

// diffs are the unified diffs of every document of the role that the undo
// changes, labelled as modify labels them (prefixed with the role's name
// when the undo touches several roles).
func diffs(name string, before, after roleDocs, prefix bool) []modify.Diff {
	label := func(s string) string {
		if prefix {
			return name + "/" + s
		}
		return s
	}
	var out []modify.Diff
	add := func(doc, text string) {
		if text != "" {
			out = append(out, modify.Diff{Document: label(doc), Text: text})
		}
	}
	add("trust-policy", modify.DiffDocuments(label("trust-policy"), before.trust, after.trust))
	add("attached-policies", modify.DiffLists(label("attached-policies"), slices.Sorted(maps.Keys(before.attached)), slices.Sorted(maps.Keys(after.attached))))
	both := maps.Clone(before.inline)
	maps.Copy(both, after.inline)
	for _, n := range slices.Sorted(maps.Keys(both)) {
		if modify.Pretty(before.inline[n]) != modify.Pretty(after.inline[n]) {
			add("inline/"+n, modify.DiffDocuments(label("inline/"+n), before.inline[n], after.inline[n]))
		}
	}
	add("tags", modify.DiffLists(label("tags"), tagLines(before.tags), tagLines(after.tags)))
	return out
}

func tagLines(tags map[string]string) []string {
	var out []string
	for _, k := range slices.Sorted(maps.Keys(tags)) {
		out = append(out, k+"="+tags[k])
	}
	return out
}

// accessChanges says how the undo broadens access (modify's judgement of
// inline documents and attached policies) and how it narrows it: a role
// deleted, SageMaker's trust taken away, managed policies detached, inline
// policies deleted.
func accessChanges(name string, before, after roleDocs) []string {
	var out []string
	if after.exists {
		out = append(out, modify.InlineBroadening(before.inline, after.inline)...)
		for _, arn := range slices.Sorted(maps.Keys(after.attached)) {
			if w := modify.ManagedBroadening(arn); w != "" && !before.attached[arn] {
				out = append(out, w)
			}
		}
	}
	switch {
	case before.exists && !after.exists:
		out = append(out, fmt.Sprintf("narrows access: undo deletes role %s, with its %d managed and %d inline %s", name,
			len(before.attached), len(before.inline), plural(len(before.inline), "policy", "policies")))
		return out
	case !before.exists:
		return out
	}
	if find.TrustsSageMaker(before.trust) && !find.TrustsSageMaker(after.trust) {
		out = append(out, fmt.Sprintf("narrows access: undo removes %s from the trust policy of %s: SageMaker can no longer run as it", policy.SageMakerService, name))
	}
	for _, arn := range slices.Sorted(maps.Keys(before.attached)) {
		if !after.attached[arn] {
			out = append(out, fmt.Sprintf("narrows access: undo detaches %s from %s", arn, name))
		}
	}
	for _, n := range slices.Sorted(maps.Keys(before.inline)) {
		if _, ok := after.inline[n]; !ok {
			out = append(out, fmt.Sprintf("narrows access: undo deletes inline policy %s of %s", n, name))
		}
	}
	return out
}
