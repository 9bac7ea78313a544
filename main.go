// Command sagerole creates, finds, changes and edits Amazon SageMaker AI
// execution roles: a terminal wizard, one-shot commands for scripts, and an
// embedded sandbox account.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"time"

	"github.com/spf13/cobra"

	"github.com/sagerole/sagerole/awsops"
	"github.com/sagerole/sagerole/awsops/awsapi"
	"github.com/sagerole/sagerole/awsops/demo"
	"github.com/sagerole/sagerole/awsops/sandbox"
	"github.com/sagerole/sagerole/flows/find"
	"github.com/sagerole/sagerole/flows/pool"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// globals are the flags every command carries.
type globals struct {
	profile      string
	region       string
	endpointURL  string
	sandbox      bool
	sandboxState string
	dryRun       bool
	yes          bool
	output       string
	noColor      bool
	accessible   bool
	debug        bool
	callTimeout  time.Duration
	concurrency  int
}

// callTimeoutEnv sets --call-timeout when the flag is not given.
const callTimeoutEnv = "SAGEROLE_CALL_TIMEOUT"

// app is one invocation: its flags, streams, and the backend once opened.
type app struct {
	g      globals
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer

	backend     awsops.Backend
	backendName string
	// writes is set for a command that changes the account: it holds the
	// account (a Locker's lock) from open until it returns.
	writes bool
	unlock func()
	// limiter bounds every read of the invocation (--concurrency).
	limiter *pool.Limiter
	// processJournal is the plain sandbox's journal directory, removed
	// when the invocation ends.
	processJournal string
	// demo is the sandbox's deterministic demo mode (SAGEROLE_SANDBOX_DEMO),
	// nil when it is off; decided as the backend is opened.
	demo *demo.Mode
}

// usageError is bad usage: one sentence, exit 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return &usageError{fmt.Sprintf(format, args...)} }

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	a := &app{stdin: stdin, stdout: stdout, stderr: stderr}
	root := a.rootCommand()
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.ExecuteContext(ctx)
	if a.unlock != nil {
		a.unlock()
	}
	if a.processJournal != "" {
		os.RemoveAll(a.processJournal)
	}
	return a.exitStatus(ctx, err)
}

func (a *app) rootCommand() *cobra.Command {
	info := buildVersion()
	root := &cobra.Command{
		Use:   "sagerole",
		Short: "Create, find, change and edit Amazon SageMaker AI execution roles",
		Long: `sagerole creates, finds, changes and edits Amazon SageMaker AI execution roles.
Every change is shown as a plan first, journaled, and undoable.
With no subcommand it opens the wizard. Try it without an AWS account:
sagerole --sandbox`,
		Example: `  sagerole --sandbox                         # the wizard, on a sandbox account
  sagerole --profile my-admin find --whoami  # who you are on AWS
  sagerole find --role ds-role               # everything that runs as ds-role`,
		Version:       info.Version,
		SilenceUsage:  true,
		SilenceErrors: true,
		Args:          unknownCommand,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.wizard(cmd)
		},
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			a.writes = cmd.Annotations[annotationWrites] == "true"
			return a.checkGlobals(cmd)
		},
	}
	root.SetVersionTemplate(info.String() + "\n")
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		if e := (*emptyValueError)(nil); errors.As(err, &e) {
			return &usageError{e.Error()}
		}
		// `sagerole fnd --whoami`: the mistake is the command, not the
		// flag the root does not know.
		if !c.HasParent() && c.Flags().NArg() > 0 {
			return unknownCommandError(c, c.Flags().Arg(0))
		}
		return &usageError{err.Error()}
	})
	f := root.PersistentFlags()
	f.StringVar(&a.g.profile, "profile", "", "AWS profile from your shared config (as the AWS CLI's --profile; default AWS_PROFILE)")
	f.StringVar(&a.g.region, "region", "", "AWS region (default: AWS_REGION or the profile's region)")
	f.StringVar(&a.g.endpointURL, "endpoint-url", "", "send every AWS call to this endpoint (an emulator such as moto; default AWS_ENDPOINT_URL)")
	f.BoolVar(&a.g.sandbox, "sandbox", false, "use the embedded sandbox account instead of AWS")
	f.StringVar(&a.g.sandboxState, "sandbox-state", "", "load the sandbox account from `FILE` and save it after each change (implies --sandbox)")
	f.BoolVar(&a.g.dryRun, "dry-run", false, "show the plan; send no change")
	f.BoolVar(&a.g.yes, "yes", false, "run the plan without asking")
	f.StringVar(&a.g.output, "output", "text", "output format: text or json (also SAGEROLE_OUTPUT, AWS_DEFAULT_OUTPUT)")
	f.BoolVar(&a.g.noColor, "no-color", false, "no colour (also NO_COLOR)")
	f.BoolVar(&a.g.accessible, "accessible", false, "plain line-by-line prompts for screen readers and scripts (also ACCESSIBLE)")
	f.BoolVar(&a.g.debug, "debug", false, "log every AWS call on stderr: service, operation, status, duration, attempts; never credentials (also SAGEROLE_DEBUG=1)")
	f.DurationVar(&a.g.callTimeout, "call-timeout", awsapi.DefaultCallTimeout, "give up an AWS call that has not answered in `DURATION`, retries included (also "+callTimeoutEnv+"); waits for a resource to settle are not bounded by it")
	f.IntVar(&a.g.concurrency, "concurrency", pool.Default, fmt.Sprintf("AWS reads in flight at most (1 to %d); fewer while AWS throttles", pool.Max))
	globalKinds(f, globalsAccount, "profile", "region", "endpoint-url", "sandbox", "sandbox-state", "call-timeout", "debug", "concurrency")
	globalKinds(f, globalsWrites, "dry-run", "yes")
	globalKinds(f, globalsOutput, "output")
	globalKinds(f, globalsWizard, "no-color", "accessible")
	a.registerGlobalCompletions(root)

	a.addGroups(root)
	root.AddCommand(a.versionCommand(), a.findCommand(), a.journalCommand(), a.undoCommand(),
		a.createRoleCommand(), a.addBucketsCommand(), a.policyCommand(), a.changeCommand(), a.modifyCommand(), a.exportCommand(),
		a.whyCommand(), a.releaseFilesCommand())
	markWriters(root, "create-role", "add-buckets", "change", "modify", "undo")
	a.addHelp(root)
	requireValues(root)
	strictArgs(root)
	return root
}

// annotationWrites marks a command that changes the account.
const annotationWrites = "sagerole/writes"

// markWriters marks the commands that change the account: they hold it
// (see app.hold) from the reads their plan is built from to the end of its
// run.
func markWriters(root *cobra.Command, names ...string) {
	for _, c := range root.Commands() {
		if slices.Contains(names, c.Name()) {
			if c.Annotations == nil {
				c.Annotations = map[string]string{}
			}
			c.Annotations[annotationWrites] = "true"
		}
	}
}

// checkGlobals applies the environment's defaults (see envDefaults) and
// refuses global flags that cannot work together.
func (a *app) checkGlobals(cmd *cobra.Command) error {
	if err := applyEnv(cmd); err != nil {
		return err
	}
	if a.g.output != "text" && a.g.output != "json" {
		return usagef("--output must be text or json, not %q", a.g.output)
	}
	if a.g.callTimeout <= 0 {
		return usagef("--call-timeout must be a positive duration such as 90s or 2m, not %s", a.g.callTimeout)
	}
	if a.g.concurrency < 1 || a.g.concurrency > pool.Max {
		return usagef("--concurrency must be between 1 and %d, not %d", pool.Max, a.g.concurrency)
	}
	if a.g.sandboxState != "" {
		a.g.sandbox = true
	}
	if a.g.sandbox && (a.g.profile != "" || a.g.endpointURL != "") {
		return usagef("--sandbox cannot be combined with --profile or --endpoint-url: the sandbox is not an AWS account")
	}
	return nil
}

// open returns the backend the flags ask for: the sandbox or AWS, wrapped in
// a dry run when --dry-run is set. It is decided here, once.
func (a *app) open(ctx context.Context) (awsops.Backend, error) {
	if a.backend != nil {
		return a.backend, nil
	}
	var b awsops.Backend
	// What the sandbox creates is stamped with the real clock, as the
	// journal is: a role made today must not say it was made on the seed's
	// day. The demo mode stamps both with its fixed clock instead.
	so := sandbox.Options{Region: a.g.region, Now: time.Now}
	name := "sandbox"
	if a.g.sandboxState != "" {
		abs, _ := filepath.Abs(a.g.sandboxState)
		name = "sandbox:" + abs
	}
	m, err := a.startDemo(name)
	if err != nil {
		return nil, err
	}
	if m != nil {
		so.Now = m.Run.Now
	}
	if a.g.sandbox {
		if err := sandboxKnobs(&so); err != nil {
			return nil, err
		}
		if a.g.debug {
			a.say("sagerole debug: the sandbox answers every call in this process: none reaches AWS\n")
		}
	}
	switch {
	case a.g.sandboxState != "":
		acct, err := sandbox.Open(a.g.sandboxState, so)
		if err != nil {
			return nil, err
		}
		b, a.backendName = acct, name
	case a.g.sandbox:
		acct, err := sandbox.New(so)
		if err != nil {
			return nil, err
		}
		b, a.backendName = acct, name
	default:
		o := awsapi.Options{Profile: a.g.profile, Region: a.g.region, EndpointURL: a.g.endpointURL, CallTimeout: a.g.callTimeout}
		if a.g.debug {
			o.Debug = a.stderr
		}
		be, err := awsapi.New(ctx, o)
		if err != nil {
			return nil, err
		}
		b, a.backendName = be, "aws"
	}
	if a.writes && !a.g.dryRun {
		if err := a.hold(ctx, b); err != nil {
			return nil, err
		}
	}
	if a.g.dryRun {
		b = awsops.NewDryRun(b)
	}
	a.backend = b
	return b, nil
}

// hold takes the account for this command when other processes may change
// it at the same time (a --sandbox-state file): from before the first read
// a plan is built from until the command ends, so that no other run changes
// what the plan replaces. It says so when another run holds it.
func (a *app) hold(ctx context.Context, b awsops.Backend) error {
	l, ok := b.(awsops.Locker)
	if !ok {
		return nil
	}
	quick, cancel := context.WithTimeout(ctx, time.Second)
	unlock, err := l.LockAccount(quick)
	cancel()
	if errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil {
		fmt.Fprintf(a.stderr, "sagerole: another sagerole run is changing %s: waiting for it to finish\n", a.g.sandboxState)
		unlock, err = l.LockAccount(ctx)
	}
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return &awsops.ConfigError{Msg: fmt.Sprintf("sandbox state file %s cannot be locked: %v", a.g.sandboxState, err), Err: err}
	}
	a.unlock = unlock
	return nil
}

// reads returns the limiter every read of the invocation goes through:
// one, so that the calls of find, a change's preview, a blast radius and
// the wizard share --concurrency and back off together when AWS throttles.
func (a *app) reads() *pool.Limiter {
	if a.limiter == nil {
		a.limiter = pool.New(a.g.concurrency)
	}
	return a.limiter
}

// session is a find session for one command: the caller identity and each
// role read once, every call through the invocation's limiter.
func (a *app) session(b awsops.Backend) *find.Session { return find.NewSession(b, a.reads()) }

// mode is the badge the user sees: SANDBOX, DRY RUN or LIVE.
func (a *app) mode() string {
	switch {
	case a.g.dryRun:
		return "DRY RUN"
	case a.g.sandbox:
		return "SANDBOX"
	}
	return "LIVE"
}

// cliOptions are what printed aws commands carry to reach the same account.
func (a *app) cliOptions() awsops.CLIOptions {
	o := awsops.CLIOptions{Profile: a.g.profile, Region: a.g.region, EndpointURL: a.g.endpointURL}
	if a.backend != nil && o.Region == "" && !a.g.sandbox {
		o.Region = a.backend.Region()
	}
	return o
}
