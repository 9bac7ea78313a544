package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/charmbracelet/x/term"

	"github.com/sagerole/sagerole/awsops"
)

// execute shows plan and runs it: in a dry run it only shows it; otherwise
// it asks (unless --yes), runs it through the journaled executor, and
// reports what was done. Every mutating command goes through here; tune,
// when not nil, sets what a command needs of the executor (retries for IAM
// propagation, progress lines).
func (a *app) execute(ctx context.Context, b awsops.Backend, plan awsops.Plan, tune func(*awsops.Executor)) (*awsops.Entry, error) {
	opts := a.cliOptions()
	x := &awsops.Executor{Backend: b, BackendName: a.backendName}
	if tune != nil {
		tune(x)
	}
	if id, err := b.CallerIdentity(ctx); err == nil {
		x.Account = id.Account
	}
	if a.g.dryRun {
		// The backend is a DryRun: writes are recorded, never sent, and
		// nothing is journaled because nothing happened.
		e, err := x.Run(ctx, plan)
		if err != nil {
			return e, err
		}
		return e, a.writeView(awsops.View(plan, e, true, opts))
	}
	if len(plan.Steps) == 0 {
		return nil, a.writeView(awsops.View(plan, nil, false, opts))
	}
	if !a.g.yes {
		if err := a.confirmPlan(ctx, plan, x.Account, opts); errors.Is(err, errDeclined) {
			return nil, nil
		} else if err != nil {
			return nil, err
		}
	}
	j, err := a.journal()
	if err != nil {
		return nil, err
	}
	x.Journal = j
	e, runErr := x.Run(ctx, plan)
	if e != nil {
		if err := a.writeView(awsops.View(plan, e, false, opts)); err != nil && runErr == nil {
			return e, err
		}
	}
	return e, runErr
}

func (a *app) writeView(v awsops.PlanView) error {
	if a.g.output == "json" {
		return awsops.WriteJSON(a.stdout, v)
	}
	return awsops.WriteText(a.stdout, v)
}

// confirmPlan shows the plan and asks before it runs. The plan and the
// question go to stderr, never into standard output, which may be a pipe
// into a script (`--output json | jq`); with --output json the command
// refuses rather than ask at all: a script that means it passes --yes.
// ctrl+c at the question is exit 130 with nothing sent.
func (a *app) confirmPlan(ctx context.Context, plan awsops.Plan, account string, opts awsops.CLIOptions) error {
	preview := awsops.View(plan, nil, false, opts)
	if err := awsops.WriteText(a.stderr, preview); err != nil {
		return err
	}
	switch {
	case a.g.output == "json":
		return usagef("nothing was changed: --output json needs --yes to run this plan (it is not confirmed through a pipe)")
	case !isTerminal(a.stdin):
		return usagef("nothing was changed: pass --yes to run this plan without a terminal to confirm it")
	}
	question := fmt.Sprintf("\nRun these %d steps on account %s? [y/N] ", len(plan.Steps), account)
	if len(plan.Steps) == 1 {
		question = fmt.Sprintf("\nRun this step on account %s? [y/N] ", account)
	}
	ok, err := confirm(ctx, a.stdin, a.stderr, question)
	if err != nil {
		return err
	}
	if !ok {
		fmt.Fprintln(a.stderr, "Nothing was changed.")
		return errDeclined
	}
	return nil
}

// reviewStream is where a command's review of its plan goes: with the
// plan. A plan that will be confirmed is shown on stderr, with its
// question; a dry run's or one run with --yes is the command's output.
func (a *app) reviewStream(steps int) io.Writer {
	if steps > 0 && !a.g.dryRun && !a.g.yes {
		return a.stderr
	}
	return a.stdout
}

// errDeclined is a plan the user said no to: nothing was sent, exit 0.
var errDeclined = errors.New("declined")

// isTerminal reports whether stream (stdin or stdout) is an interactive
// terminal (/dev/null, a character device too, is not).
func isTerminal(stream any) bool {
	f, ok := stream.(*os.File)
	return ok && term.IsTerminal(f.Fd())
}

// confirm asks question and reads the answer. ctrl+c (ctx done) ends the
// wait at once with errInterrupted: in a terminal in line mode the key is
// a SIGINT, and the read it interrupts would otherwise never return.
func confirm(ctx context.Context, in io.Reader, out io.Writer, question string) (bool, error) {
	fmt.Fprint(out, question)
	line, err := bufio.NewReader(interruptible(ctx, in)).ReadString('\n')
	if ctx.Err() != nil {
		return false, errInterrupted
	}
	if err != nil && !errors.Is(err, io.EOF) {
		return false, fmt.Errorf("reading the answer: %w", err)
	}
	switch strings.ToLower(strings.TrimSpace(line)) {
	case "y", "yes":
		return true, nil
	}
	return false, nil
}

// interruptible is r whose reads end with io.EOF as soon as ctx is done.
// The read in flight is left behind: the process is ending.
func interruptible(ctx context.Context, r io.Reader) io.Reader {
	return &ctxReader{ctx: ctx, r: r}
}

type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

type readResult struct {
	n   int
	err error
}

func (c *ctxReader) Read(p []byte) (int, error) {
	if c.ctx.Err() != nil {
		return 0, io.EOF
	}
	buf := make([]byte, len(p))
	done := make(chan readResult, 1)
	go func() {
		n, err := c.r.Read(buf)
		done <- readResult{n, err}
	}()
	select {
	case r := <-done:
		copy(p, buf[:r.n])
		return r.n, r.err
	case <-c.ctx.Done():
		return 0, io.EOF
	}
}
