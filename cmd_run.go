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
		if !isTerminal(a.stdin) {
			preview := awsops.View(plan, nil, false, opts)
			if err := awsops.WriteText(a.stderr, preview); err != nil {
				return nil, err
			}
			return nil, usagef("nothing was changed: pass --yes to run this plan without a terminal to confirm it")
		}
		if err := awsops.WriteText(a.stdout, awsops.View(plan, nil, false, opts)); err != nil {
			return nil, err
		}
		question := fmt.Sprintf("\nRun these %d steps on account %s? [y/N] ", len(plan.Steps), x.Account)
		if len(plan.Steps) == 1 {
			question = fmt.Sprintf("\nRun this step on account %s? [y/N] ", x.Account)
		}
		ok, err := confirm(a.stdin, a.stdout, question)
		if err != nil {
			return nil, err
		}
		if !ok {
			fmt.Fprintln(a.stdout, "Nothing was changed.")
			return nil, nil
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

// isTerminal reports whether stream (stdin or stdout) is an interactive
// terminal (/dev/null, a character device too, is not).
func isTerminal(stream any) bool {
	f, ok := stream.(*os.File)
	return ok && term.IsTerminal(f.Fd())
}

func confirm(in io.Reader, out io.Writer, question string) (bool, error) {
	fmt.Fprint(out, question)
	line, err := bufio.NewReader(in).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return false, fmt.Errorf("reading the answer: %w", err)
	}
	switch strings.ToLower(strings.TrimSpace(line)) {
	case "y", "yes":
		return true, nil
	}
	return false, nil
}
