package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/sagerole/sagerole/awsops"
	"github.com/sagerole/sagerole/awsops/awsapi"
	"github.com/sagerole/sagerole/awsops/motoserver"
	"github.com/sagerole/sagerole/flows/find"
	"github.com/sagerole/sagerole/flows/modify"
	"github.com/sagerole/sagerole/flows/undo"
)

// The fault matrix: a multi-step plan runs against moto through the fault
// proxy, with one fault at one step; then the journal must say what really
// happened, and undo must put back exactly what direct reads (the SDK
// straight to moto, not through sagerole) showed before the run.

const (
	fullAccessARN = "arn:aws:iam::aws:policy/AmazonSageMakerFullAccess"
	s3ReadOnlyARN = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"
	lambdaTrust   = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	oldInline     = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::old-bucket"}]}`
	newInline     = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::new-bucket/*"}]}`
)

// direct reads moto with the SDK, bypassing sagerole and the proxy.
type direct struct {
	iam *iam.Client
	s3  *s3.Client
}

func newDirect(t *testing.T, endpoint string) direct {
	t.Helper()
	cfg, err := config.LoadDefaultConfig(context.Background(), config.WithRegion("us-east-1"), config.WithBaseEndpoint(endpoint))
	if err != nil {
		t.Fatal(err)
	}
	return direct{iam: iam.NewFromConfig(cfg), s3: s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })}
}

// roleDocs is everything of a role a run may change, documents decoded so
// that they compare as JSON.
type roleDocs struct {
	Exists      bool
	Path        string
	Description string
	Trust       any
	Attached    []string
	Inline      map[string]any
	Tags        map[string]string
}

func decodeDoc(t *testing.T, doc *string) any {
	t.Helper()
	s, err := url.PathUnescape(aws.ToString(doc))
	if err != nil {
		t.Fatal(err)
	}
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatalf("document %q: %v", s, err)
	}
	return v
}

func (d direct) role(t *testing.T, name string) roleDocs {
	t.Helper()
	ctx := context.Background()
	out, err := d.iam.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(name)})
	var nse *iamtypes.NoSuchEntityException
	if errors.As(err, &nse) {
		return roleDocs{}
	}
	if err != nil {
		t.Fatal(err)
	}
	r := roleDocs{Exists: true, Path: aws.ToString(out.Role.Path), Description: aws.ToString(out.Role.Description),
		Trust: decodeDoc(t, out.Role.AssumeRolePolicyDocument), Attached: []string{}, Inline: map[string]any{}, Tags: map[string]string{}}
	att, err := d.iam.ListAttachedRolePolicies(ctx, &iam.ListAttachedRolePoliciesInput{RoleName: aws.String(name)})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range att.AttachedPolicies {
		r.Attached = append(r.Attached, aws.ToString(p.PolicyArn))
	}
	slices.Sort(r.Attached)
	names, err := d.iam.ListRolePolicies(ctx, &iam.ListRolePoliciesInput{RoleName: aws.String(name)})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range names.PolicyNames {
		p, err := d.iam.GetRolePolicy(ctx, &iam.GetRolePolicyInput{RoleName: aws.String(name), PolicyName: aws.String(n)})
		if err != nil {
			t.Fatal(err)
		}
		r.Inline[n] = decodeDoc(t, p.PolicyDocument)
	}
	tags, err := d.iam.ListRoleTags(ctx, &iam.ListRoleTagsInput{RoleName: aws.String(name)})
	if err != nil {
		t.Fatal(err)
	}
	for _, tg := range tags.Tags {
		r.Tags[aws.ToString(tg.Key)] = aws.ToString(tg.Value)
	}
	return r
}

func (d direct) createRole(t *testing.T, name, trust string, attach []string, inline map[string]string) {
	t.Helper()
	ctx := context.Background()
	if _, err := d.iam.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(name), AssumeRolePolicyDocument: aws.String(trust)}); err != nil {
		t.Fatal(err)
	}
	for _, arn := range attach {
		if _, err := d.iam.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String(name), PolicyArn: aws.String(arn)}); err != nil {
			t.Fatal(err)
		}
	}
	for n, doc := range inline {
		if _, err := d.iam.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String(name), PolicyName: aws.String(n), PolicyDocument: aws.String(doc)}); err != nil {
			t.Fatal(err)
		}
	}
}

func (d direct) createBucket(t *testing.T, name string) {
	t.Helper()
	if _, err := d.s3.CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: aws.String(name)}); err != nil {
		t.Fatal(err)
	}
}

// faultEnv starts moto with the fault proxy in front of it, for a test of
// its own: direct reads of moto, the proxy, and the global flags that send
// sagerole through the proxy.
func faultEnv(t *testing.T) (direct, *faultProxy, []string) {
	t.Helper()
	isolate(t)
	srv := moto(t)
	srv.Reset(t)
	motoserver.Env(t)
	p := newFaultProxy(t, srv.URL())
	return newDirect(t, srv.URL()), p, []string{"--endpoint-url", p.URL(), "--region", "us-east-1"}
}

func suffix() string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// matrixPlan is one multi-step command of the matrix, on names of its own.
type matrixPlan struct {
	name  string
	steps []string // the write of each step, as the proxy names it
	// setup creates what the command needs and returns its arguments and
	// the role it changes.
	setup func(t *testing.T, d direct, dir string) (args []string, role string)
}

var matrixPlans = []matrixPlan{
	{name: "create-role", steps: []string{"iam:CreateRole", "iam:AttachRolePolicy", "iam:PutRolePolicy"},
		setup: func(t *testing.T, d direct, _ string) ([]string, string) {
			role, bucket := "fm-c-"+suffix(), "fm-bucket-"+suffix()
			d.createBucket(t, bucket)
			return []string{"create-role", role, "--bucket", bucket}, role
		}},
	{name: "modify", steps: []string{"iam:UpdateAssumeRolePolicy", "iam:DetachRolePolicy", "iam:AttachRolePolicy",
		"iam:DeleteRolePolicy", "iam:PutRolePolicy"},
		setup: func(t *testing.T, d direct, dir string) ([]string, string) {
			role := "fm-m-" + suffix()
			d.createRole(t, role, lambdaTrust, []string{fullAccessARN}, map[string]string{"old-policy": oldInline})
			file := filepath.Join(dir, role+".json")
			if err := os.WriteFile(file, []byte(newInline), 0o600); err != nil {
				t.Fatal(err)
			}
			return []string{"modify", role, "--fix-trust", "--detach", "full", "--attach", s3ReadOnlyARN,
				"--delete-inline", "old-policy", "--put-inline", "new-policy=" + file}, role
		}},
}

// runUntilFault runs the command; a hanging fault is ended as ctrl+c
// would end it, by cancelling the run's context once the proxy holds the
// request.
func runUntilFault(t *testing.T, p *faultProxy, mode faultMode, args []string) (int, string, string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if mode.hangs() {
		go func() {
			select {
			case <-p.hit:
				cancel()
			case <-ctx.Done():
			case <-time.After(time.Minute):
				cancel()
			}
		}()
	}
	var out, errb strings.Builder
	code := run(ctx, args, strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

// journalEntries is `sagerole journal --output json`.
func journalEntries(t *testing.T, args []string) []journalEntry {
	t.Helper()
	code, out, errOut := runCLI(t, append(slices.Clone(args), "--output", "json", "journal")...)
	if code != 0 {
		t.Fatalf("journal: exit %d: %s", code, errOut)
	}
	var es []journalEntry
	if err := json.Unmarshal([]byte(out), &es); err != nil {
		t.Fatalf("journal json: %v\n%s", err, out)
	}
	return es
}

func diffJSON(a, b any) string {
	x, _ := json.MarshalIndent(a, "", " ")
	y, _ := json.MarshalIndent(b, "", " ")
	return fmt.Sprintf("before the run:\n%s\nnow:\n%s", x, y)
}

// TestFaultMatrix: for every step of two multi-step plans, each fault of
// the proxy; then the journal says whether the faulted step took effect,
// and both ways back — sagerole undo, and the wizard's roll back (read
// back, review, run) — restore the role document by document. Each way
// back gets a run of its own.
func TestFaultMatrix(t *testing.T) {
	d, p, global := faultEnv(t)
	// The SDK's retries as they will be by default: the same attempts, with
	// a 50 ms base delay instead of one second, so that the matrix is quick.
	t.Setenv("AWS_NEW_RETRIES_2026", "true")
	modes := []faultMode{failBefore, dropFirst, dropAll, hangBefore, hangAfter}
	for _, plan := range matrixPlans {
		for step := range plan.steps {
			for _, mode := range modes {
				for _, back := range []string{"undo", "rollback"} {
					name := fmt.Sprintf("%s/step%d-%s/%s/%s", plan.name, step+1, plan.steps[step], mode, back)
					t.Run(name, func(t *testing.T) {
						faultCase(t, d, p, global, plan, step, mode, back)
					})
				}
			}
		}
	}
}

func faultCase(t *testing.T, d direct, p *faultProxy, global []string, plan matrixPlan, step int, mode faultMode, back string) {
	args, role := plan.setup(t, d, t.TempDir())
	before := d.role(t, role)
	p.arm(step+1, mode)
	code, out, errOut := runUntilFault(t, p, mode, append(slices.Clone(global), append([]string{"--yes"}, args...)...))
	writes := p.writes()
	p.disarm()
	if len(writes) <= step || writes[step] != plan.steps[step] {
		t.Fatalf("the plan's writes were %v; step %d should be %s", writes, step+1, plan.steps[step])
	}
	es := journalEntries(t, global)
	if len(es) == 0 {
		t.Fatalf("nothing journaled; exit %d\n%s\n%s", code, out, errOut)
	}
	e := es[0]
	t.Logf("run: exit %d, entry %s, steps %v", code, e.Status, stepStatuses(e))
	checkFaultedStep(t, e, step, mode, errOut)
	// A first step that never reached AWS leaves nothing to undo.
	nothing := step == 0 && !mode.applied()

	switch back {
	case "undo":
		code, out, errOut = runCLI(t, append(slices.Clone(global), "--yes", "undo", e.ID)...)
		switch {
		case nothing && (code != exitBadUsage || !strings.Contains(errOut, "changed nothing")):
			t.Errorf("undo of a run that changed nothing: exit %d, want 2 saying so\n%s\n%s", code, out, errOut)
		case !nothing && code != 0:
			t.Errorf("undo %s: exit %d\n%s\n%s", e.ID, code, out, errOut)
		}
	case "rollback":
		if err := rollbackAsTheWizard(t, p.URL(), e.ID); err != nil && !nothing {
			t.Errorf("roll back: %v", err)
		}
	}
	if now := d.role(t, role); !reflect.DeepEqual(now, before) {
		t.Errorf("after %s, role %s is not as before the run:\n%s\n%s\n%s", back, role, diffJSON(before, now), out, errOut)
	}
	for _, je := range journalEntries(t, global) {
		if je.ID == e.ID && !nothing && je.Status != "undone" {
			t.Errorf("after %s the entry is %s, want undone", back, je.Status)
		}
	}
}

// rollbackAsTheWizard is the wizard's roll back (tui's undo screen): read
// back what is unknown, review the undo, run it through the executor.
func rollbackAsTheWizard(t *testing.T, endpoint, id string) error {
	t.Helper()
	ctx := context.Background()
	b, err := awsapi.New(ctx, awsapi.Options{Region: "us-east-1", EndpointURL: endpoint})
	if err != nil {
		t.Fatal(err)
	}
	dir, _ := awsops.DefaultJournalDir()
	j := &awsops.Journal{Dir: dir}
	e, err := j.Load(id)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := undo.Settle(ctx, b, j, e); err != nil {
		return err
	}
	if !e.Undoable() {
		return errors.New("nothing to undo")
	}
	res, err := undo.Review(ctx, b, e, undo.Options{Uses: modify.AccountUses(find.NewSession(b, nil))})
	if err != nil {
		return err
	}
	if err := res.Check(); err != nil {
		return err
	}
	x := &awsops.Executor{Backend: b, Journal: j, Account: e.Account, BackendName: "aws"}
	_, err = x.Run(ctx, res.Plan)
	return err
}

func stepStatuses(e journalEntry) []string {
	var out []string
	for _, s := range e.Steps {
		out = append(out, string(s.Status))
	}
	return out
}

// checkFaultedStep: the journal says what the read-back showed, and the
// run's message does not claim otherwise.
func checkFaultedStep(t *testing.T, e journalEntry, step int, mode faultMode, errOut string) {
	t.Helper()
	if step >= len(e.Steps) {
		t.Fatalf("entry has %d steps, the fault was at step %d", len(e.Steps), step+1)
	}
	got := string(e.Steps[step].Status)
	want := []string{"not-applied"}
	if mode.applied() {
		want = []string{"applied"}
		if mode == dropFirst {
			// The SDK's retry of an idempotent write succeeds.
			want = append(want, "done")
		}
	}
	if !slices.Contains(want, got) {
		t.Errorf("step %d is journaled %q; the write %s, so want %v", step+1, got,
			map[bool]string{true: "reached moto", false: "never reached moto"}[mode.applied()], want)
	}
	for i, s := range e.Steps[:step] {
		if s.Status != "done" {
			t.Errorf("step %d before the fault is %s, want done", i+1, s.Status)
		}
	}
	if strings.Contains(errOut, "no step of it changed anything") && mode.applied() {
		t.Errorf("the message says nothing changed, though step %d took effect:\n%s", step+1, errOut)
	}
}

// TestCallTimeoutEndsAHang: the endpoint holds a write — before it is
// forwarded, or after, withholding moto's answer — and never answers.
// --call-timeout ends the call (no ctrl+c, no deadline of the run's), and
// the step is journaled as reading it back showed: applied when the write
// reached moto (the run goes on: nothing was interrupted), not-applied when
// it did not (the run stops there); either way the journal and the message
// say which endpoint did not answer, and undo restores the role document by
// document.
func TestCallTimeoutEndsAHang(t *testing.T) {
	d, p, global := faultEnv(t)
	host := strings.TrimPrefix(p.URL(), "http://")
	for _, mode := range []faultMode{hangBefore, hangAfter} {
		t.Run(string(mode), func(t *testing.T) {
			args, role := matrixPlans[1].setup(t, d, t.TempDir())
			before := d.role(t, role)
			p.arm(2, mode)
			// Only a safety net: the call's own deadline must end the hang.
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			var out, errb strings.Builder
			code := run(ctx, append(slices.Clone(global), append([]string{"--call-timeout", "2s", "--yes"}, args...)...), strings.NewReader(""), &out, &errb)
			p.disarm()
			if ctx.Err() != nil {
				t.Fatalf("--call-timeout did not end the hang\n%s\n%s", out.String(), errb.String())
			}
			es := journalEntries(t, global)
			if len(es) == 0 {
				t.Fatalf("nothing journaled; exit %d\n%s\n%s", code, out.String(), errb.String())
			}
			e := es[0]
			s := e.Steps[1]
			t.Logf("exit %d, steps %v; step 2: %s", code, stepStatuses(e), s.Error)
			if !strings.Contains(s.Error, "did not answer") || !strings.Contains(s.Error, host) || !strings.Contains(s.Error, "within 2s") {
				t.Errorf("step 2's error %q does not say that %s did not answer within 2s", s.Error, host)
			}
			if !strings.Contains(s.Outcome, "no answer came in time") {
				t.Errorf("step 2's outcome %q does not say why it was read back", s.Outcome)
			}
			switch mode {
			case hangAfter:
				if s.Status != "applied" {
					t.Errorf("step 2 reached moto, but is journaled %s", s.Status)
				}
				for i, rest := range e.Steps[2:] {
					if rest.Status != "done" {
						t.Errorf("step %d after the timed-out write is %s: the run should have gone on", i+3, rest.Status)
					}
				}
				if code != 0 || !strings.Contains(out.String(), "applied (its answer was lost; read back, it took effect)") {
					t.Errorf("exit %d: every step took effect, and the plan should say how step 2 is known to have\n%s\n%s", code, out.String(), errb.String())
				}
			case hangBefore:
				if s.Status != "not-applied" {
					t.Errorf("step 2 never reached moto, but is journaled %s", s.Status)
				}
				if code != exitFailed || !strings.Contains(errb.String(), "did not take effect") || !strings.Contains(errb.String(), host) {
					t.Errorf("exit %d; want %d, saying the step did not take effect and which endpoint did not answer:\n%s", code, exitFailed, errb.String())
				}
			}
			if code, uout, uerr := runCLI(t, append(slices.Clone(global), "--yes", "undo", e.ID)...); code != 0 {
				t.Fatalf("undo: exit %d\n%s\n%s", code, uout, uerr)
			}
			if now := d.role(t, role); !reflect.DeepEqual(now, before) {
				t.Errorf("after undo:\n%s", diffJSON(before, now))
			}
		})
	}
}
