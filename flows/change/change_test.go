package change_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/sagerole/sagerole/awsops"
	"github.com/sagerole/sagerole/awsops/rules"
	"github.com/sagerole/sagerole/awsops/sandbox"
	"github.com/sagerole/sagerole/flows/change"
	"github.com/sagerole/sagerole/flows/find"
)

const (
	researchARN   = "arn:aws:iam::111122223333:role/service-role/AmazonSageMaker-ExecutionRole-Research"
	sharedARN     = "arn:aws:iam::111122223333:role/SageMakerSharedSpaceRole"
	restrictedARN = "arn:aws:iam::111122223333:role/sagemaker/DataScientistRestricted"
	platformARN   = "arn:aws:iam::111122223333:role/service-role/AmazonSageMaker-ExecutionRole-20240918T143027"
	pipelineARN   = "arn:aws:iam::111122223333:role/mlops-pipeline-PipelineExecutionRole-7QX2M9KD4B1Z"
	notebooksARN  = "arn:aws:iam::111122223333:role/service-role/AmazonSageMaker-ExecutionRole-Notebooks"
)

func newSandbox(t *testing.T, opts sandbox.Options) *sandbox.Account {
	t.Helper()
	a, err := sandbox.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func prepare(t *testing.T, r awsops.Reader, req change.Request) *change.Prepared {
	t.Helper()
	p, err := change.Prepare(context.Background(), find.NewSession(r, nil), req)
	if err != nil {
		t.Fatalf("Prepare(%+v): %v", req, err)
	}
	return p
}

func moves(p *change.Prepared) []string {
	var out []string
	for _, m := range p.Impact.Moves {
		out = append(out, fmt.Sprintf("%s %s: %s -> %s", m.Kind, m.Name, find.ShortRole(m.From), find.ShortRole(m.To)))
	}
	return out
}

func apps(p *change.Prepared) []string {
	var out []string
	for _, a := range p.Impact.Apps {
		out = append(out, fmt.Sprintf("%s%s %s", a.UserProfile, a.Space, a.Type))
	}
	return out
}

func eq(a, b []string) bool { return strings.Join(a, "\n") == strings.Join(b, "\n") }

// TestImpactPreview checks, on the seed account, who moves and which
// running apps keep the old role, for every kind of target.
func TestImpactPreview(t *testing.T) {
	cases := []struct {
		name       string
		req        change.Request
		effective  change.TargetKind
		resolution string
		steps      []string
		moves      []string
		apps       []string
		notes      string // in Notes, when set
		warning    string // in Warnings, when set
		check      string // a non-OK pre-flight check, when set
	}{
		{name: "user who inherits",
			req:       change.Request{Target: change.TargetUser, DomainID: "d-research1", Name: "alice", Role: "DataScientistRestricted"},
			effective: change.TargetUser,
			steps:     []string{awsops.APIUpdateUserProfile},
			moves: []string{"user-profile alice: service-role/AmazonSageMaker-ExecutionRole-Research -> sagemaker/DataScientistRestricted",
				"space alice-lab: service-role/AmazonSageMaker-ExecutionRole-Research -> sagemaker/DataScientistRestricted"},
			apps:  []string{"alice-lab JupyterLab"},
			notes: "undo sets that role on the profile explicitly"},
		{name: "user with her own role and a Canvas app",
			req:       change.Request{Target: change.TargetUser, DomainID: "d-research1", Name: "bob", Role: researchARN},
			effective: change.TargetUser,
			steps:     []string{awsops.APIUpdateUserProfile},
			moves: []string{"user-profile bob: sagemaker/DataScientistRestricted -> service-role/AmazonSageMaker-ExecutionRole-Research",
				"space bob-experiments: sagemaker/DataScientistRestricted -> service-role/AmazonSageMaker-ExecutionRole-Research"},
			apps: []string{"bob Canvas"}},
		{name: "domain default user role",
			req:       change.Request{Target: change.TargetDefaultUser, DomainID: "d-research1", Role: "DataScientistRestricted"},
			effective: change.TargetDefaultUser,
			steps:     []string{awsops.APIUpdateDomain},
			moves: []string{"domain-default-user-role : service-role/AmazonSageMaker-ExecutionRole-Research -> sagemaker/DataScientistRestricted",
				"user-profile alice: service-role/AmazonSageMaker-ExecutionRole-Research -> sagemaker/DataScientistRestricted",
				"space alice-lab: service-role/AmazonSageMaker-ExecutionRole-Research -> sagemaker/DataScientistRestricted"},
			apps: []string{"alice-lab JupyterLab"}},
		{name: "domain default space role",
			req:       change.Request{Target: change.TargetDefaultSpace, DomainID: "d-research1", Role: "DataScientistRestricted"},
			effective: change.TargetDefaultSpace,
			steps:     []string{awsops.APIUpdateDomain},
			moves: []string{"domain-default-space-role : SageMakerSharedSpaceRole -> sagemaker/DataScientistRestricted",
				"space forecasting-demo: SageMakerSharedSpaceRole -> sagemaker/DataScientistRestricted",
				"space team-notebooks: SageMakerSharedSpaceRole -> sagemaker/DataScientistRestricted"},
			apps: []string{"team-notebooks JupyterLab"}},
		{name: "a domain's first default space role cannot be undone",
			req:       change.Request{Target: change.TargetDefaultSpace, DomainID: "d-mlplatform", Role: platformARN},
			effective: change.TargetDefaultSpace,
			steps:     []string{awsops.APIUpdateDomain},
			moves: []string{"domain-default-space-role :  -> service-role/AmazonSageMaker-ExecutionRole-20240918T143027",
				"space platform-shared:  -> service-role/AmazonSageMaker-ExecutionRole-20240918T143027"},
			warning: "this change cannot be undone: the domain had no default space role"},
		{name: "private space changes its owner",
			req:        change.Request{Target: change.TargetSpace, DomainID: "d-research1", Name: "alice-lab", Role: "DataScientistRestricted"},
			effective:  change.TargetUser,
			resolution: "space alice-lab is private: a private space runs as its owner's role, so this changes the role of user profile alice",
			steps:      []string{awsops.APIUpdateUserProfile},
			moves: []string{"user-profile alice: service-role/AmazonSageMaker-ExecutionRole-Research -> sagemaker/DataScientistRestricted",
				"space alice-lab: service-role/AmazonSageMaker-ExecutionRole-Research -> sagemaker/DataScientistRestricted"},
			apps: []string{"alice-lab JupyterLab"}},
		{name: "shared space changes the domain's space default",
			req:        change.Request{Target: change.TargetSpace, DomainID: "d-research1", Name: "team-notebooks", Role: "DataScientistRestricted"},
			effective:  change.TargetDefaultSpace,
			resolution: "space team-notebooks is shared: a shared space runs as the domain's default space role, so this changes the default space role of domain research (d-research1)",
			steps:      []string{awsops.APIUpdateDomain},
			moves: []string{"domain-default-space-role : SageMakerSharedSpaceRole -> sagemaker/DataScientistRestricted",
				"space forecasting-demo: SageMakerSharedSpaceRole -> sagemaker/DataScientistRestricted",
				"space team-notebooks: SageMakerSharedSpaceRole -> sagemaker/DataScientistRestricted"},
			apps: []string{"team-notebooks JupyterLab"}},
		{name: "a profile managed by CloudFormation",
			req:       change.Request{Target: change.TargetUser, DomainID: "d-mlplatform", Name: "grace", Role: researchARN},
			effective: change.TargetUser,
			steps:     []string{awsops.APIUpdateUserProfile},
			moves: []string{"user-profile grace: mlops-pipeline-PipelineExecutionRole-7QX2M9KD4B1Z -> service-role/AmazonSageMaker-ExecutionRole-Research",
				"space grace-sandbox: mlops-pipeline-PipelineExecutionRole-7QX2M9KD4B1Z -> service-role/AmazonSageMaker-ExecutionRole-Research"},
			apps:  []string{"grace-sandbox CodeEditor"},
			check: "managed by CloudFormation stack mlops-pipeline: the stack will revert this change at its next update (or the update breaks); change its code instead (ExecutionRole to " + researchARN + ") — sagerole export --domain d-mlplatform --format cloudformation"},
		{name: "stopped notebook instance",
			req:       change.Request{Target: change.TargetNotebook, Name: "legacy-xgboost-training", Role: notebooksARN},
			effective: change.TargetNotebook,
			steps:     []string{awsops.APIUpdateNotebookInstance},
			moves:     []string{"notebook-instance legacy-xgboost-training: service-role/AmazonSageMaker-ExecutionRole-Research -> service-role/AmazonSageMaker-ExecutionRole-Notebooks"}},
		{name: "running notebook instance with restart",
			req:       change.Request{Target: change.TargetNotebook, Name: "churn-prediction", Role: researchARN, Restart: true},
			effective: change.TargetNotebook,
			steps:     []string{awsops.APIStopNotebookInstance, awsops.APIUpdateNotebookInstance, awsops.APIStartNotebookInstance},
			moves:     []string{"notebook-instance churn-prediction: service-role/AmazonSageMaker-ExecutionRole-Notebooks -> service-role/AmazonSageMaker-ExecutionRole-Research"},
			warning:   "will be stopped and started again"},
		{name: "nothing to do",
			req:       change.Request{Target: change.TargetUser, DomainID: "d-research1", Name: "bob", Role: restrictedARN},
			effective: change.TargetUser,
			notes:     "already has the role"},
		{name: "inherited role made explicit: nobody moves",
			req:       change.Request{Target: change.TargetUser, DomainID: "d-research1", Name: "alice", Role: researchARN},
			effective: change.TargetUser,
			steps:     []string{awsops.APIUpdateUserProfile},
			notes:     "already runs as"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := newSandbox(t, sandbox.Options{})
			p := prepare(t, awsops.NewDryRun(a), c.req)
			if p.Effective != c.effective {
				t.Errorf("effective target = %s, want %s", p.Effective, c.effective)
			}
			if !strings.HasPrefix(p.Resolution, c.resolution) {
				t.Errorf("resolution = %q, want it to start with %q", p.Resolution, c.resolution)
			}
			var steps []string
			for _, op := range p.Steps {
				steps = append(steps, op.API)
			}
			if !eq(steps, c.steps) {
				t.Errorf("steps = %v, want %v", steps, c.steps)
			}
			if got := moves(p); !eq(got, c.moves) {
				t.Errorf("moves =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(c.moves, "\n"))
			}
			if got := apps(p); !eq(got, c.apps) {
				t.Errorf("apps = %v, want %v", got, c.apps)
			}
			if c.notes != "" && !strings.Contains(strings.Join(p.Notes, "\n"), c.notes) {
				t.Errorf("notes %q lack %q", p.Notes, c.notes)
			}
			if c.warning != "" && !strings.Contains(strings.Join(p.Warnings, "\n"), c.warning) {
				t.Errorf("warnings %q lack %q", p.Warnings, c.warning)
			}
			var bad []string
			for _, ch := range p.Checks {
				if ch.Status != change.CheckOK {
					bad = append(bad, ch.Text)
				}
			}
			if c.check == "" && len(bad) > 0 || c.check != "" && !strings.Contains(strings.Join(bad, "\n"), c.check) {
				t.Errorf("non-OK checks %q, want %q", bad, c.check)
			}
			// Preparing reads only.
			for api, n := range a.Calls() {
				if !strings.Contains(api, ":Describe") && !strings.Contains(api, ":List") && !strings.Contains(api, ":Get") {
					t.Errorf("Prepare called %s %d times", api, n)
				}
			}
			// The full ARN is what gets set, path included.
			for _, op := range p.Steps {
				for k, v := range op.Args {
					if strings.Contains(k, "Role") && !strings.Contains(v, "/") {
						t.Errorf("%s sets %s=%s without its path", op.API, k, v)
					}
				}
			}
		})
	}
}

func TestPrepareBadInput(t *testing.T) {
	cases := []struct {
		name  string
		req   change.Request
		field string
		want  string
	}{
		{"no target", change.Request{Role: "X"}, "target", "change needs a target"},
		{"unknown domain", change.Request{Target: change.TargetDefaultUser, DomainID: "d-nosuchdomain", Role: researchARN}, "domain", "domain d-nosuchdomain does not exist"},
		{"malformed domain", change.Request{Target: change.TargetDefaultUser, DomainID: "research", Role: researchARN}, "domain", "not of the form d-"},
		{"unknown user", change.Request{Target: change.TargetUser, DomainID: "d-research1", Name: "zoe", Role: researchARN}, "user", "user profile zoe does not exist in domain d-research1"},
		{"unknown space", change.Request{Target: change.TargetSpace, DomainID: "d-research1", Name: "nope", Role: researchARN}, "space", "space nope does not exist in domain d-research1"},
		{"unknown notebook", change.Request{Target: change.TargetNotebook, Name: "nope", Role: researchARN}, "notebook", "notebook instance nope does not exist in region us-east-1"},
		{"running notebook without restart", change.Request{Target: change.TargetNotebook, Name: "churn-prediction", Role: researchARN}, "restart", "pass --restart"},
		{"restart on a user", change.Request{Target: change.TargetUser, DomainID: "d-research1", Name: "alice", Role: researchARN, Restart: true}, "restart", "--restart is for --notebook"},
		{"no role", change.Request{Target: change.TargetUser, DomainID: "d-research1", Name: "alice"}, "role", "change needs --role"},
		{"role ARN of the wrong shape", change.Request{Target: change.TargetUser, DomainID: "d-research1", Name: "alice", Role: "arn:aws:iam::1111:role/X"}, "role", "is not of the form arn:aws:iam::123456789012:role/PATH/NAME"},
		{"role name of the wrong shape", change.Request{Target: change.TargetUser, DomainID: "d-research1", Name: "alice", Role: "my role"}, "role name", "character IAM does not allow"},
		{"role that does not exist", change.Request{Target: change.TargetUser, DomainID: "d-research1", Name: "alice", Role: "NoSuchRole"}, "role", "create it with: sagerole create-role NoSuchRole"},
		{"role without SageMaker trust", change.Request{Target: change.TargetUser, DomainID: "d-research1", Name: "alice", Role: "LambdaBasic"}, "role", "sagerole modify LambdaBasic --fix-trust"},
		{"role ARN without its path", change.Request{Target: change.TargetUser, DomainID: "d-research1", Name: "alice",
			Role: "arn:aws:iam::111122223333:role/AmazonSageMaker-ExecutionRole-Research"}, "role", "the role named AmazonSageMaker-ExecutionRole-Research is " + researchARN},
		{"role of another account", change.Request{Target: change.TargetUser, DomainID: "d-research1", Name: "alice",
			Role: "arn:aws:iam::999988887777:role/service-role/X"}, "role", "is in account 999988887777"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := newSandbox(t, sandbox.Options{})
			_, err := change.Prepare(context.Background(), find.NewSession(a, nil), c.req)
			ie, ok := err.(*rules.InputError)
			if !ok || !strings.Contains(err.Error(), c.want) || ie.Field != c.field {
				t.Fatalf("err = %#v, want an input error on %q mentioning %q", err, c.field, c.want)
			}
		})
	}
}

// fakeSleep records the waits asked for instead of sleeping.
type fakeSleep struct{ slept []time.Duration }

func (f *fakeSleep) sleep(_ context.Context, d time.Duration) error {
	f.slept = append(f.slept, d)
	return nil
}

func (f *fakeSleep) total() time.Duration {
	var t time.Duration
	for _, d := range f.slept {
		t += d
	}
	return t
}

// run runs a prepared change as the command does: journaled, retried while
// IAM propagates, notebook writes waiting for the instance; then settles.
func run(t *testing.T, a *sandbox.Account, p *change.Prepared, sl *fakeSleep, lines *[]string) (*awsops.Entry, change.Outcome, error) {
	t.Helper()
	return runIn(t, t.TempDir(), a, p, sl, lines)
}

func runIn(t *testing.T, journal string, a *sandbox.Account, p *change.Prepared, sl *fakeSleep, lines *[]string) (*awsops.Entry, change.Outcome, error) {
	t.Helper()
	w := change.Waiter{Sleep: sl.sleep, Say: func(s string) { *lines = append(*lines, s) }}
	x := &awsops.Executor{Backend: change.WithNotebookWaits(a, w), Journal: &awsops.Journal{Dir: journal},
		Retry: change.PropagationRetry(change.PropagationLimit), Sleep: sl.sleep,
		Progress: func(ev awsops.Event) {
			if l := change.ProgressLine(ev); l != "" {
				*lines = append(*lines, l)
			}
		}}
	e, err := x.Run(context.Background(), p.Plan(false))
	if err != nil {
		return e, change.Outcome{}, err
	}
	o, err := change.Settle(context.Background(), a, p, w)
	return e, o, err
}

const notAssumable = `The execution role ARN "arn:aws:iam::111122223333:role/sagemaker/DataScientistRestricted" is invalid. Please ensure that the role exists and that its trust relationship policy allows the action "sts:AssumeRole" for the service principal "sagemaker.amazonaws.com".`

// TestPropagationRetry: a role that SageMaker cannot assume yet is retried
// with backoff, saying so, until it is accepted.
func TestPropagationRetry(t *testing.T) {
	a := newSandbox(t, sandbox.Options{Faults: map[string]sandbox.Fault{
		awsops.APIUpdateUserProfile: {Code: "ValidationException", Message: notAssumable, Times: 2}}})
	p := prepare(t, a, change.Request{Target: change.TargetUser, DomainID: "d-research1", Name: "alice", Role: "DataScientistRestricted"})
	sl := &fakeSleep{}
	var lines []string
	e, o, err := run(t, a, p, sl, &lines)
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	if !o.OK() || o.Role != restrictedARN || o.Status != awsops.StatusInService {
		t.Errorf("outcome = %+v", o)
	}
	if e.Steps[0].Attempts != 3 || a.Calls()[awsops.APIUpdateUserProfile] != 3 {
		t.Errorf("attempts = %d, calls %d, want 3", e.Steps[0].Attempts, a.Calls()[awsops.APIUpdateUserProfile])
	}
	if want := []time.Duration{2 * time.Second, 4 * time.Second}; fmt.Sprint(sl.slept) != fmt.Sprint(want) {
		t.Errorf("slept %v, want %v", sl.slept, want)
	}
	if len(lines) != 2 || !strings.Contains(lines[0], "waiting for IAM to propagate, try 2") || !strings.Contains(lines[1], "try 3") {
		t.Errorf("progress lines = %q", lines)
	}
}

// TestPropagationGivesUp after about a minute, and other errors at once.
func TestPropagationGivesUp(t *testing.T) {
	a := newSandbox(t, sandbox.Options{Faults: map[string]sandbox.Fault{
		awsops.APIUpdateDomain: {Code: "ValidationException", Message: notAssumable}}})
	p := prepare(t, a, change.Request{Target: change.TargetDefaultUser, DomainID: "d-research1", Role: "DataScientistRestricted"})
	sl := &fakeSleep{}
	var lines []string
	e, _, err := run(t, a, p, sl, &lines)
	if err == nil {
		t.Fatal("run succeeded against a role that never propagates")
	}
	if tot := sl.total(); tot < 50*time.Second || tot > change.PropagationLimit {
		t.Errorf("waited %s in all (%v), want about a minute and no more", tot, sl.slept)
	}
	if e.Steps[0].Status != awsops.StepFailed || e.Steps[0].Attempts != len(sl.slept)+1 {
		t.Errorf("step = %+v", e.Steps[0])
	}

	b := newSandbox(t, sandbox.Options{Faults: map[string]sandbox.Fault{
		awsops.APIUpdateDomain: {Code: "ValidationException", Message: "1 validation error detected: Value 'x' at 'domainId'"}}})
	p = prepare(t, b, change.Request{Target: change.TargetDefaultUser, DomainID: "d-research1", Role: "DataScientistRestricted"})
	sl = &fakeSleep{}
	if _, _, err := run(t, b, p, sl, &lines); err == nil || len(sl.slept) != 0 {
		t.Errorf("an unrelated validation error was retried: err %v, slept %v", err, sl.slept)
	}
}

// slowReader reports statuses for describes of a domain and a profile: a
// list for each, one per call, the last repeating.
type slowReader struct {
	awsops.Backend
	domain  []string
	profile []string
	reason  string
}

func next(s *[]string) string {
	v := (*s)[0]
	if len(*s) > 1 {
		*s = (*s)[1:]
	}
	return v
}

func (r *slowReader) DescribeDomain(ctx context.Context, id string) (awsops.Domain, error) {
	d, err := r.Backend.DescribeDomain(ctx, id)
	d.Status = next(&r.domain)
	if d.Status == awsops.StatusUpdateFailed {
		d.FailureReason = r.reason
	}
	return d, err
}

func (r *slowReader) DescribeUserProfile(ctx context.Context, d, name string) (awsops.UserProfile, error) {
	u, err := r.Backend.DescribeUserProfile(ctx, d, name)
	u.Status = next(&r.profile)
	if u.Status == awsops.StatusUpdateFailed {
		u.FailureReason = r.reason
	}
	return u, err
}

func TestSettleWaitsForInService(t *testing.T) {
	a := newSandbox(t, sandbox.Options{})
	p := prepare(t, a, change.Request{Target: change.TargetUser, DomainID: "d-research1", Name: "bob", Role: researchARN})
	if err := a.UpdateUserProfileRole(context.Background(), "d-research1", "bob", researchARN); err != nil {
		t.Fatal(err)
	}
	r := &slowReader{Backend: a, profile: []string{"Updating", "Updating", "Updating", awsops.StatusInService}}
	sl := &fakeSleep{}
	var said []string
	o, err := change.Settle(context.Background(), r, p, change.Waiter{Sleep: sl.sleep, Say: func(s string) { said = append(said, s) }})
	if err != nil {
		t.Fatal(err)
	}
	if !o.OK() || o.Status != awsops.StatusInService || o.Role != researchARN {
		t.Errorf("outcome = %+v", o)
	}
	if fmt.Sprint(sl.slept) != fmt.Sprint([]time.Duration{time.Second, 2 * time.Second, 4 * time.Second}) {
		t.Errorf("slept %v", sl.slept)
	}
	if len(said) != 1 || !strings.Contains(said[0], "user profile bob is Updating") {
		t.Errorf("said %q", said)
	}
	if !strings.Contains(o.Text(), "is InService; its role is now "+researchARN) {
		t.Errorf("text = %q", o.Text())
	}
}

// A domain's default is not InService: the domain is. The sentence says
// which resource has the status, then the role it now holds.
func TestSettleSaysTheDomainIsInService(t *testing.T) {
	a := newSandbox(t, sandbox.Options{})
	p := prepare(t, a, change.Request{Target: change.TargetDefaultSpace, DomainID: "d-mlplatform", Role: researchARN})
	for _, op := range p.Steps {
		if err := awsops.Apply(context.Background(), a, op); err != nil {
			t.Fatal(err)
		}
	}
	o, err := change.Settle(context.Background(), a, p, change.Waiter{Sleep: (&fakeSleep{}).sleep})
	if err != nil {
		t.Fatal(err)
	}
	want := "domain ml-platform (d-mlplatform) is InService; its default space role is now " + researchARN
	if o.Text() != want {
		t.Errorf("text = %q\nwant   %q", o.Text(), want)
	}
}

func TestSettleReportsUpdateFailed(t *testing.T) {
	a := newSandbox(t, sandbox.Options{})
	p := prepare(t, a, change.Request{Target: change.TargetDefaultSpace, DomainID: "d-research1", Role: researchARN})
	r := &slowReader{Backend: a, domain: []string{"Updating", awsops.StatusUpdateFailed}, reason: "KMS key not accessible"}
	o, err := change.Settle(context.Background(), r, p, change.Waiter{Sleep: (&fakeSleep{}).sleep})
	if err != nil {
		t.Fatal(err)
	}
	if o.OK() || !strings.Contains(o.Text(), "Update_Failed: KMS key not accessible") {
		t.Errorf("outcome = %+v, text %q", o, o.Text())
	}
}

func TestSettleTimesOut(t *testing.T) {
	a := newSandbox(t, sandbox.Options{})
	p := prepare(t, a, change.Request{Target: change.TargetDefaultUser, DomainID: "d-research1", Role: "DataScientistRestricted"})
	r := &slowReader{Backend: a, domain: []string{"Updating"}}
	sl := &fakeSleep{}
	_, err := change.Settle(context.Background(), r, p, change.Waiter{Sleep: sl.sleep, Timeout: time.Minute})
	if err == nil || !strings.Contains(err.Error(), "still Updating") || sl.total() > time.Minute {
		t.Errorf("err = %v after %s", err, sl.total())
	}
}

// TestRunJournalAndRollback: a change is journaled with what it replaced;
// rolling it back puts the previous effective role back, explicitly.
func TestRunJournalAndRollback(t *testing.T) {
	a := newSandbox(t, sandbox.Options{})
	p := prepare(t, a, change.Request{Target: change.TargetUser, DomainID: "d-research1", Name: "alice", Role: "DataScientistRestricted"})
	sl := &fakeSleep{}
	var lines []string
	journal := t.TempDir()
	e, o, err := runIn(t, journal, a, p, sl, &lines)
	if err != nil || !o.OK() {
		t.Fatalf("run: %v, outcome %+v", err, o)
	}
	st := e.Steps[0]
	if st.Before[awsops.StExecutionRole] != "" || st.Before[awsops.StInheritedRole] != researchARN {
		t.Errorf("journal recorded before = %v", st.Before)
	}
	if len(st.Undo) != 1 || st.Undo[0].Args[awsops.ArgExecutionRole] != researchARN || !strings.Contains(st.Undo[0].Note, "no known way to make a profile inherit") {
		t.Errorf("undo = %+v", st.Undo)
	}
	x := &awsops.Executor{Backend: a, Journal: &awsops.Journal{Dir: journal}}
	if _, err := x.Rollback(context.Background(), e); err != nil {
		t.Fatalf("Rollback: %v", err)
	}
	u, err := a.DescribeUserProfile(context.Background(), "d-research1", "alice")
	if err != nil {
		t.Fatal(err)
	}
	if u.ExecutionRole != researchARN {
		t.Errorf("after rollback alice has %q, want %s set explicitly", u.ExecutionRole, researchARN)
	}
}

// TestNotebookRestart: a running notebook instance is stopped, changed once
// Stopped, and started again; the run is one journal entry, and rolling it
// back (with the same waits) restores the role and leaves it running.
func TestNotebookRestart(t *testing.T) {
	a := newSandbox(t, sandbox.Options{})
	p := prepare(t, a, change.Request{Target: change.TargetNotebook, Name: "churn-prediction", Role: researchARN, Restart: true})
	sl := &fakeSleep{}
	var lines []string
	journal := t.TempDir()
	e, o, err := runIn(t, journal, a, p, sl, &lines)
	if err != nil {
		t.Fatalf("run: %v (lines %q)", err, lines)
	}
	if !o.OK() || o.Status != awsops.StatusInService || o.Role != researchARN {
		t.Errorf("outcome = %+v", o)
	}
	for i, s := range e.Steps {
		if s.Status != awsops.StepDone || s.NoUndo != "" || len(s.Undo) != 1 {
			t.Errorf("step %d = %s %s, undo %+v %q", i+1, s.Op.API, s.Status, s.Undo, s.NoUndo)
		}
	}
	if e.Steps[1].Before[awsops.StStatus] != awsops.StatusStopped {
		t.Errorf("the update was sent while the instance was %s", e.Steps[1].Before[awsops.StStatus])
	}
	if len(sl.slept) == 0 || !strings.Contains(strings.Join(lines, "\n"), "notebook instance churn-prediction is Stopping: waiting") {
		t.Errorf("no wait for Stopped: slept %v, lines %q", sl.slept, lines)
	}

	w := change.Waiter{Sleep: sl.sleep}
	x := &awsops.Executor{Backend: change.WithNotebookWaits(a, w), Journal: &awsops.Journal{Dir: journal}}
	if _, err := x.Rollback(context.Background(), e); err != nil {
		t.Fatalf("Rollback: %v", err)
	}
	nb, err := a.DescribeNotebookInstance(context.Background(), "churn-prediction")
	if err != nil {
		t.Fatal(err)
	}
	if nb.RoleARN != notebooksARN || nb.Status != awsops.StatusInService {
		t.Errorf("after rollback: %s, %s", nb.RoleARN, nb.Status)
	}
}

// TestNotebookUpdateFailsAfterStop: the stop is done and journaled, the
// update fails; the error names the step and the rollback starts it again.
func TestNotebookUpdateFailsAfterStop(t *testing.T) {
	a := newSandbox(t, sandbox.Options{Faults: map[string]sandbox.Fault{
		awsops.APIUpdateNotebookInstance: {Code: "ResourceLimitExceeded", Message: "limit"}}})
	p := prepare(t, a, change.Request{Target: change.TargetNotebook, Name: "churn-prediction", Role: researchARN, Restart: true})
	var lines []string
	e, _, err := run(t, a, p, &fakeSleep{}, &lines)
	re, ok := err.(*awsops.RunError)
	if !ok || re.Step != 1 || e.Steps[0].Status != awsops.StepDone || e.Steps[2].Status != awsops.StepNotRun {
		t.Fatalf("err = %v", err)
	}
	if !strings.Contains(re.Summary(), "sagerole undo "+e.ID) {
		t.Errorf("summary does not say how to roll back:\n%s", re.Summary())
	}
}

func TestPlanJSONCarriesImpact(t *testing.T) {
	a := newSandbox(t, sandbox.Options{})
	p := prepare(t, a, change.Request{Target: change.TargetSpace, DomainID: "d-mlplatform", Name: "grace-sandbox", Role: researchARN})
	plan := p.Plan(true)
	notes, warns := strings.Join(plan.Notes, "\n"), strings.Join(plan.Warnings, "\n")
	for _, want := range []string{"space grace-sandbox is private", "moves: user grace:", "moves: space grace-sandbox:"} {
		if !strings.Contains(notes, want) {
			t.Errorf("notes lack %q:\n%s", want, notes)
		}
	}
	for _, want := range []string{"CloudFormation stack mlops-pipeline", "app CodeEditor/default in space grace-sandbox (d-mlplatform) keeps the old role until it is restarted"} {
		if !strings.Contains(warns, want) {
			t.Errorf("warnings lack %q:\n%s", want, warns)
		}
	}
	if text := p.Plan(false); len(text.Notes) != 0 || len(text.Warnings) != 0 {
		t.Errorf("the text plan repeats the preview: %+v", text)
	}
	if plan.Command != "change --domain d-mlplatform --space grace-sandbox --role "+researchARN {
		t.Errorf("command = %q", plan.Command)
	}
}

func TestWritePreview(t *testing.T) {
	a := newSandbox(t, sandbox.Options{})
	p := prepare(t, a, change.Request{Target: change.TargetSpace, DomainID: "d-research1", Name: "alice-lab", Role: "DataScientistRestricted"})
	var b strings.Builder
	if err := change.WritePreview(&b, p); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if !strings.HasPrefix(out, "space alice-lab is private") {
		t.Errorf("the resolution is not said first:\n%s", out)
	}
	for _, want := range []string{"Pre-flight checks:", "✓ role " + restrictedARN + " exists; its full ARN (path /sagemaker/ included)",
		"(inherited from the domain default)", "Impact: 2 identities whose role moves:", "Running apps of the identities that move (1)",
		"JupyterLab/default  space alice-lab  InService  ml.t3.medium", "left running: keeps the old role until restarted",
		"Do not move:", "space team-notebooks: SageMakerSharedSpaceRole (shared space that alice created"} {
		if !strings.Contains(out, want) {
			t.Errorf("preview lacks %q:\n%s", want, out)
		}
	}
}
