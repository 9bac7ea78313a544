// Package tui is the wizard: every flow as bubbletea screens and huh forms.
// It is presentation only. What a flow does lives in flows/; how AWS is
// reached lives in awsops/. The wizard receives a backend already chosen
// (sandbox or AWS, wrapped in a dry run or not) and never decides that
// itself: the mode it shows is the one it was given.
package tui

import (
	"context"
	"io"
	"strings"
	"time"

	"github.com/sagerole/sagerole/awsops"
	"github.com/sagerole/sagerole/flows/find"
	"github.com/sagerole/sagerole/flows/policy"
	"github.com/sagerole/sagerole/flows/policy/iamref"
	"github.com/sagerole/sagerole/flows/pool"
)

// Modes, as main names them. The badge shows one of these.
const (
	ModeSandbox = "SANDBOX"
	ModeDryRun  = "DRY RUN"
	ModeLive    = "LIVE"
)

// Options is everything the wizard needs from main. Nothing here is
// decided by the wizard.
type Options struct {
	// Backend is the account: the sandbox or AWS, already wrapped in a dry
	// run when the user asked for one.
	Backend     awsops.Backend
	BackendName string // "aws", "sandbox" or "sandbox:FILE", as journal entries record it
	Mode        string // ModeSandbox, ModeDryRun or ModeLive
	// Sandbox is set on the sandbox account, also in a dry run: the header
	// shows both badges then.
	Sandbox bool
	Profile string
	// Credentials says where the credentials come from ("profile prod",
	// "environment credentials"); "profile "+Profile when empty.
	Credentials string
	// Endpoint is where every call goes when it is not AWS ("" for AWS).
	Endpoint string
	Region   string
	// Journal records runs; nil in a dry run (nothing is sent, so nothing
	// is recorded).
	Journal *awsops.Journal
	// History is the journal read by the undo screen; set in a dry run too,
	// so that an undo can be previewed.
	History *awsops.Journal
	// CLI is what printed aws commands carry to reach the same account.
	CLI awsops.CLIOptions

	NoColor    bool
	Accessible bool
	// In and Out are the streams of accessible mode (stdin, stdout).
	In  io.Reader
	Out io.Writer

	// Context is the parent of every read. Writes are detached from its
	// cancellation: a write in flight always finishes.
	Context context.Context
	// Now is the clock of elapsed times on screen; time.Now when nil. Tests
	// give a fixed clock so that screens are the same on every run.
	Now func() time.Time
	// RunNow stamps journal entries; time.Now when nil. Tests give a clock
	// of their own so that entries sort the same on every run.
	RunNow func() time.Time
	// Sleep waits between retries; tests make it instant.
	Sleep func(ctx context.Context, d time.Duration) error
	// Static stops animations (spinners do not tick), for golden tests.
	Static bool
	// Reads bounds every read of the wizard (--concurrency), shared by
	// every screen; nil is a limiter of pool.Default.
	Reads *pool.Limiter
}

// ProgramContext is shared by every screen: the terminal's size, the
// styles, the keys, the account, and the options. The root owns it; the
// screens read it.
type ProgramContext struct {
	Width, Height int
	// BodyHeight is what a screen may use: the terminal minus the header
	// and the help bar.
	BodyHeight int
	IsDark     bool
	Styles     Styles
	Keys       KeyMap
	Opts       Options
	Identity   awsops.Identity
	// IdentityErr is set when sts:GetCallerIdentity failed.
	IdentityErr error

	nextID int
}

// iamRef is the IAM reference the policy validator checks against: the
// one the policy builder reads, read once per process.
func (c *ProgramContext) iamRef() (*iamref.Reference, error) { return policy.Reference() }

func newProgramContext(opts Options) *ProgramContext {
	if opts.Context == nil {
		opts.Context = context.Background()
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Mode == "" {
		opts.Mode = ModeLive
	}
	if opts.Reads == nil {
		opts.Reads = pool.New(pool.Default)
	}
	c := &ProgramContext{Width: 80, Height: 24, IsDark: true, Opts: opts, Keys: NewKeyMap()}
	c.Styles = NewStyles(c.IsDark, opts.NoColor)
	c.layout()
	return c
}

// layout derives the body's height from the terminal's.
func (c *ProgramContext) layout() {
	c.BodyHeight = max(c.Height-headerHeight-helpHeight, 3)
}

// newID numbers screens, so that an async result reaches the screen that
// asked for it even when another one is on top by then.
func (c *ProgramContext) newID() int {
	c.nextID++
	return c.nextID
}

// ctx is the context of reads.
func (c *ProgramContext) ctx() context.Context { return c.Opts.Context }

// session is a find session for one read of the account (a screen's
// load, a plan's preview): the identity and each role read once, every
// call through the wizard's one limiter.
func (c *ProgramContext) session() *find.Session {
	return find.NewSession(c.Opts.Backend, c.Opts.Reads)
}

// DryRun reports whether writes are only shown: derived from the mode main
// decided, never decided here.
func (c *ProgramContext) DryRun() bool { return c.Opts.Mode == ModeDryRun }

// Account is the account ID, or "?" before it is known.
func (c *ProgramContext) Account() string {
	if c.Identity.Account == "" {
		return "?"
	}
	return c.Identity.Account
}

// check is a field's validator as the field uses it. In accessible mode an
// empty answer keeps the field's current value (huh validates what was
// typed, before it falls back on that value), so "" passes here and the
// flow's own validation, which refuses with the same sentence, sees the
// value actually kept.
func (c *ProgramContext) check(f func(string) error) func(string) error {
	if !c.Opts.Accessible {
		return f
	}
	return func(s string) error {
		if s == "" {
			return nil
		}
		return f(s)
	}
}

// badges are the modes the header shows: SANDBOX and DRY RUN together on a
// dry run of the sandbox (neither hides the other), else the one mode.
func (c *ProgramContext) badges() []string {
	switch {
	case c.Opts.Mode == ModeDryRun && c.Opts.Sandbox:
		return []string{ModeSandbox, ModeDryRun}
	case c.Opts.Sandbox && c.Opts.Mode == ModeLive:
		return []string{ModeSandbox}
	}
	return []string{c.Opts.Mode}
}

// credentials is what the header says of the credentials: nothing in the
// sandbox, which has none.
func (c *ProgramContext) credentials() string {
	switch {
	case c.Opts.Credentials != "":
		return c.Opts.Credentials
	case c.Opts.Sandbox || strings.HasPrefix(c.Opts.BackendName, "sandbox"):
		return ""
	case c.Opts.Profile != "":
		return "profile " + c.Opts.Profile
	}
	return "profile default"
}
