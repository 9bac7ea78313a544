// Package sandbox is an in-memory AWS account that implements
// awsops.Backend with AWS's semantics: the same validation, the same error
// codes and close to the same messages, SageMaker statuses that move on as
// they are polled, and deterministic IDs and timestamps so that a recorded
// demo prints the same output every run.
//
// It starts from the seed in assets (account 111122223333, us-east-1).
// Open keeps the account in a state file so that several sagerole commands
// share it. Options inject latency and faults for tests and benchmarks.
package sandbox

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"sync"
	"time"

	"github.com/sagerole/sagerole/assets"
	"github.com/sagerole/sagerole/awsops"
)

// defaultClockStart is where the sandbox's clock starts when neither the
// seed nor Options set it.
var defaultClockStart = time.Date(2026, 1, 15, 9, 0, 0, 0, time.UTC)

// Options tune an Account.
type Options struct {
	// Region overrides the seed's region (us-east-1).
	Region string
	// Latency is slept at the start of every call, reads included; a
	// cancelled context ends the sleep with the context's error.
	Latency time.Duration
	// Faults make calls fail, keyed by API name ("iam:PutRolePolicy",
	// "sagemaker:DescribeUserProfile"), by service ("sagemaker:*") or "*".
	// The most specific key that matches is used.
	Faults map[string]Fault
	// RateLimits throttle calls as AWS does: at most Rate calls a second
	// (and as many at once) to the APIs a key names, an API name or a
	// prefix ending in "*" ("sagemaker:Describe*"), all of them drawing on
	// one bucket; the most specific key applies. A call beyond the rate
	// fails with ThrottlingException after its latency.
	RateLimits map[string]float64
	// AppPolls is how many DescribeApp calls see an app Deleting or Pending
	// before it settles (default 2).
	AppPolls int
	// Now stamps what writes create (CreateDate, CreationDate). The default
	// is a deterministic clock that starts at 2026-01-15T09:00:00Z and
	// advances one second per write; a state file carries it on.
	Now func() time.Time
}

// Fault makes calls to one API fail.
type Fault struct {
	// Err is returned as is when set. Otherwise the call fails with an
	// *awsops.Error built from Code (default "InternalFailure") and Message.
	Err     error
	Code    string
	Message string
	// Times is how many calls fail before the API works again; 0 means
	// every call fails.
	Times int
}

// Account is one in-memory AWS account. It is safe for concurrent use.
type Account struct {
	latency     time.Duration
	now         func() time.Time
	appPollsOpt int
	// file is where the account is kept between processes; nil keeps it
	// in memory only.
	file *stateFile
	// plan is held by LockAccount: one plan at a time in this process.
	plan chan struct{}

	mu         sync.Mutex
	st         *state
	region     string
	faults     map[string]Fault
	faultCalls map[string]int // calls counted against each fault key
	calls      map[string]int // every call by API name
	rateKeys   []string       // of Options.RateLimits, most specific first
	buckets    map[string]*bucket
	simulator  awsops.Simulator
}

var _ awsops.Backend = (*Account)(nil)

// New returns an account seeded from the embedded seed.
func New(opts Options) (*Account, error) {
	st, err := decodeState(assets.SandboxSeed)
	if err != nil {
		return nil, fmt.Errorf("sandbox seed: %w", err)
	}
	return build(st, nil, opts), nil
}

// unwrapPath drops the *fs.PathError wrapper, whose text repeats the path
// the message already names.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

func build(st *state, file *stateFile, opts Options) *Account {
	a := &Account{latency: opts.Latency, now: opts.Now, appPollsOpt: opts.AppPolls, file: file, plan: make(chan struct{}, 1), st: st, region: st.region,
		faults: map[string]Fault{}, faultCalls: map[string]int{}, calls: map[string]int{},
		rateKeys: rateKeys(opts.RateLimits), buckets: newBuckets(opts.RateLimits)}
	if opts.Region != "" {
		a.region = opts.Region
	}
	for k, f := range opts.Faults {
		a.faults[k] = f
	}
	return a
}

// SetFault installs (or replaces) the fault for key and restarts its count.
func (a *Account) SetFault(key string, f Fault) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.faults[key] = f
	delete(a.faultCalls, key)
}

// ClearFaults removes every fault.
func (a *Account) ClearFaults() {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.faults = map[string]Fault{}
	a.faultCalls = map[string]int{}
}

// Calls returns how many times each API was called (faulted calls
// included), e.g. to prove that a dry run sent no write.
func (a *Account) Calls() map[string]int {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := make(map[string]int, len(a.calls))
	for k, v := range a.calls {
		out[k] = v
	}
	return out
}

// Region is the region the account answers for.
func (a *Account) Region() string { return a.region }

// begin is the start of every API call: the context, the injected latency
// and faults. It is called without the lock held so that calls overlap
// their latency as real ones do.
func (a *Account) begin(ctx context.Context, api string) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("%s: %w", api, err)
	}
	if a.latency > 0 {
		if err := awsops.Sleep(ctx, a.latency); err != nil {
			return fmt.Errorf("%s: %w", api, err)
		}
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	a.calls[api]++
	if err := a.throttle(api); err != nil {
		return err
	}
	key, f, ok := a.faultFor(api)
	if !ok {
		return nil
	}
	n := a.faultCalls[key]
	a.faultCalls[key] = n + 1
	if f.Times > 0 && n >= f.Times {
		return nil
	}
	if f.Err != nil {
		return f.Err
	}
	code, msg := f.Code, f.Message
	if code == "" {
		code = "InternalFailure"
	}
	if msg == "" {
		msg = "fault injected by the sandbox"
	}
	return awsops.NewError(api, code, msg)
}

func (a *Account) faultFor(api string) (string, Fault, bool) {
	keys := []string{api}
	if svc, _, ok := strings.Cut(api, ":"); ok {
		keys = append(keys, svc+":*")
	}
	keys = append(keys, "*")
	for _, k := range keys {
		if f, ok := a.faults[k]; ok {
			return k, f, true
		}
	}
	return "", Fault{}, false
}

// tick returns the time a write happens at. Called with the lock held.
func (a *Account) tick() time.Time {
	if a.now != nil {
		return a.now().UTC()
	}
	t := a.st.clock
	a.st.clock = t.Add(time.Second)
	return t
}

// CallerIdentity is sts:GetCallerIdentity: an assumed role.
func (a *Account) CallerIdentity(ctx context.Context) (awsops.Identity, error) {
	const api = "sts:GetCallerIdentity"
	if err := a.call(ctx, api); err != nil {
		return awsops.Identity{}, err
	}
	defer a.leave()
	c := a.st.caller
	id := "AROA" + strings.Repeat("X", 17)
	if r, ok := a.st.roles[strings.ToLower(c.RoleName)]; ok {
		id = r.RoleID
	}
	return awsops.Identity{
		Account:  a.st.account,
		ARN:      fmt.Sprintf("arn:aws:sts::%s:assumed-role/%s/%s", a.st.account, c.RoleName, c.SessionName),
		UserID:   id + ":" + c.SessionName,
		RoleName: c.RoleName,
	}, nil
}
