package undo_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/sagerole/sagerole/awsops"
	"github.com/sagerole/sagerole/awsops/sandbox"
	"github.com/sagerole/sagerole/flows/find"
	"github.com/sagerole/sagerole/flows/modify"
	"github.com/sagerole/sagerole/flows/policy"
	"github.com/sagerole/sagerole/flows/undo"
)

const (
	account   = "111122223333"
	newRole   = "undo-review-role"
	newARN    = "arn:aws:iam::" + account + ":role/" + newRole
	research  = "AmazonSageMaker-ExecutionRole-Research"
	resARN    = "arn:aws:iam::" + account + ":role/service-role/" + research
	s3RO      = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"
	inlineDoc = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::team-raw-data/*"}]}`
)

func newAccount(t *testing.T) (*sandbox.Account, *awsops.Journal) {
	t.Helper()
	acct, err := sandbox.New(sandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return acct, &awsops.Journal{Dir: t.TempDir()}
}

func runPlan(t *testing.T, b awsops.Backend, j *awsops.Journal, steps ...awsops.Op) *awsops.Entry {
	t.Helper()
	e, err := (&awsops.Executor{Backend: b, Journal: j, Account: account}).Run(context.Background(), awsops.Plan{Command: "test", Steps: steps})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func createRole() []awsops.Op {
	return []awsops.Op{
		awsops.CreateRoleOp(awsops.CreateRoleInput{Name: newRole, TrustPolicy: policy.Trust()}),
		awsops.AttachRolePolicyOp(newRole, policy.FullAccessARN),
	}
}

func review(t *testing.T, acct *sandbox.Account, e *awsops.Entry, force bool) *undo.Result {
	t.Helper()
	res, err := undo.Review(context.Background(), acct, e, undo.Options{Uses: modify.AccountUses(find.NewSession(acct, nil)), Force: force})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func refusedFor(t *testing.T, res *undo.Result, want ...string) {
	t.Helper()
	err := res.Check()
	var refused *awsops.RefusedError
	if !errors.As(err, &refused) {
		t.Fatalf("want a refusal, got %v", err)
	}
	for _, w := range want {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("refusal lacks %q: %v", w, err)
		}
	}
}

// Undoing a create-role deletes the role: refused while an identity runs
// as it, naming them; forced, it goes, and the review says it narrows.
func TestDeletingARoleInUseIsRefused(t *testing.T) {
	acct, j := newAccount(t)
	e := runPlan(t, acct, j, createRole()...)
	if err := acct.UpdateUserProfileRole(context.Background(), "d-research1", "alice", newARN); err != nil {
		t.Fatal(err)
	}
	res := review(t, acct, e, false)
	refusedFor(t, res, "deletes role "+newRole, "user alice (d-research1)", "space alice-lab (d-research1)", "could no longer start")
	if len(res.Roles) != 1 || !res.Roles[0].Deleted || len(res.Roles[0].UsedBy) != 2 {
		t.Errorf("roles %+v, want %s deleted with alice and her space", res.Roles, newRole)
	}
	forced := review(t, acct, e, true)
	if err := forced.Check(); err != nil {
		t.Fatalf("forced: %v", err)
	}
	if !slices.ContainsFunc(forced.Plan.Warnings, func(w string) bool { return strings.HasPrefix(w, "narrows access: undo deletes role "+newRole) }) {
		t.Errorf("no narrowing warning: %q", forced.Plan.Warnings)
	}
	if !slices.ContainsFunc(forced.Plan.Notes, func(n string) bool { return strings.Contains(n, "2 identities run as "+newRole) }) {
		t.Errorf("no blast radius note: %q", forced.Plan.Notes)
	}
}

// A run that created a role and moved alice to it: its undo moves her back
// first, so deleting the role breaks nobody and is not refused.
func TestUndoThatMovesIdentitiesAwayFirst(t *testing.T) {
	acct, j := newAccount(t)
	e := runPlan(t, acct, j, append(createRole(), awsops.UpdateUserProfileRoleOp("d-research1", "alice", newARN))...)
	res := review(t, acct, e, false)
	if err := res.Check(); err != nil {
		t.Fatalf("the undo moves alice back before it deletes the role, yet: %v", err)
	}
	if len(res.Roles) != 1 || len(res.Roles[0].UsedBy) != 0 {
		t.Errorf("uses left after the moves: %+v", res.Roles)
	}
	if !slices.ContainsFunc(res.Plan.Notes, func(n string) bool {
		return strings.Contains(n, "undo sets the role of user profile alice (d-research1) to "+resARN)
	}) {
		t.Errorf("the move is not said: %q", res.Plan.Notes)
	}
}

// Undoing a modify that detached FullAccess and deleted an inline policy
// puts them back: the diffs show it, and re-attaching FullAccess is said to
// broaden access.
func TestUndoReviewDiffsAndBroadening(t *testing.T) {
	acct, j := newAccount(t)
	e := runPlan(t, acct, j,
		awsops.DetachRolePolicyOp(research, policy.FullAccessARN),
		awsops.PutRolePolicyOp(research, "extra", inlineDoc),
		awsops.AttachRolePolicyOp(research, s3RO))
	res := review(t, acct, e, false)
	if err := res.Check(); err != nil {
		t.Fatal(err)
	}
	var docs []string
	text := ""
	for _, d := range res.Diffs() {
		docs = append(docs, d.Document)
		text += d.Text
	}
	if want := []string{"attached-policies", "inline/extra"}; !slices.Equal(docs, want) {
		t.Errorf("diffs of %v, want %v", docs, want)
	}
	for _, want := range []string{"+" + policy.FullAccessARN, "-" + s3RO, "+++ /dev/null"} {
		if !strings.Contains(text, want) {
			t.Errorf("diffs lack %q:\n%s", want, text)
		}
	}
	w := strings.Join(res.Plan.Warnings, "\n")
	for _, want := range []string{"broadens access: attaching AmazonSageMakerFullAccess", "narrows access: undo detaches " + s3RO, "narrows access: undo deletes inline policy extra"} {
		if !strings.Contains(w, want) {
			t.Errorf("warnings lack %q:\n%s", want, w)
		}
	}
}

// Undoing a --fix-trust takes SageMaker's trust away again: refused while
// someone runs as the role.
func TestRemovingTrustFromARoleInUseIsRefused(t *testing.T) {
	acct, j := newAccount(t)
	role, err := acct.GetRole(context.Background(), research)
	if err != nil {
		t.Fatal(err)
	}
	lambda := strings.ReplaceAll(role.TrustPolicy, "sagemaker.amazonaws.com", "lambda.amazonaws.com")
	if err := acct.UpdateTrustPolicy(context.Background(), research, lambda); err != nil {
		t.Fatal(err)
	}
	e := runPlan(t, acct, j, awsops.UpdateTrustPolicyOp(research, role.TrustPolicy))
	res := review(t, acct, e, false)
	refusedFor(t, res, "removes sagemaker.amazonaws.com's trust from role "+research, "the default user role of domain d-research1")
	if !res.Roles[0].LosesTrust || res.Roles[0].Deleted {
		t.Errorf("role change %+v", res.Roles[0])
	}
}

// Who runs as the role cannot be read: a deletion is refused (unless
// forced), since it might break someone.
func TestUnknownBlastRadiusRefusesADeletion(t *testing.T) {
	acct, j := newAccount(t)
	e := runPlan(t, acct, j, createRole()...)
	failing := func(context.Context, string) ([]modify.Use, []string, error) {
		return nil, nil, errors.New("sagemaker:ListDomains: AccessDenied")
	}
	res, err := undo.Review(context.Background(), acct, e, undo.Options{Uses: failing})
	if err != nil {
		t.Fatal(err)
	}
	refusedFor(t, res, "deletes role "+newRole+", and who runs as it could not be read")
	res, err = undo.Review(context.Background(), acct, e, undo.Options{Uses: failing, Force: true})
	if err != nil || res.Check() != nil {
		t.Fatalf("forced: %v / %v", err, res.Check())
	}
}
