package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/sagerole/sagerole/awsops"
	"github.com/sagerole/sagerole/awsops/redact"
	"github.com/sagerole/sagerole/awsops/rules"
	"github.com/sagerole/sagerole/tui"
)

// Exit statuses of the command line contract (`sagerole help exit-codes`).
const (
	exitOK         = 0
	exitFailed     = 1   // an AWS operation failed
	exitBadUsage   = 2   // bad input or usage; nothing was sent
	exitIncomplete = 3   // the answer was written, but part of the account could not be read
	exitInterrupt  = 130 // interrupted (ctrl+c, SIGINT), after saying what ran
)

// exitCodes are the statuses as `help exit-codes` and the README give them.
var exitCodes = []struct {
	code  int
	about string
}{
	{exitOK, "done"},
	{exitFailed, "an AWS operation failed: the service's message, what was and was not done, and how to roll back are on stderr"},
	{exitBadUsage, "bad input or usage (a bad value, an unknown command or flag, a stray argument, a plan that needs --yes): nothing was sent"},
	{exitIncomplete, "the answer was written, but part of the account could not be read (denied, throttled past the retries, deleted meanwhile): it may be missing identities; the warnings are on stderr"},
	{exitInterrupt, "interrupted (ctrl+c or SIGINT, as the AWS CLI and gum do): what ran and what did not is said first"},
}

// silentExit ends the command with a status, its output already written.
type silentExit struct{ code int }

func (e *silentExit) Error() string { return fmt.Sprintf("exit status %d", e.code) }

// incompleteError is an answer that was written whole but for what could
// not be read: the warnings that say what is missing, on stderr, exit 3.
// shown: they are in the text just written to the same terminal, and are
// only counted on stderr.
type incompleteError struct {
	missing []string
	shown   bool
}

// partial is an answer that knows what it could not read.
type partial interface{ Incomplete() []string }

// complete is nil when answer was read whole, else an *incompleteError.
func (a *app) complete(answer any) error {
	p, ok := answer.(partial)
	if !ok || len(p.Incomplete()) == 0 {
		return nil
	}
	return &incompleteError{missing: p.Incomplete(), shown: a.g.output == "text" && isTerminal(a.stdout)}
}

func (e *incompleteError) Error() string {
	if len(e.missing) == 1 {
		return "the answer is incomplete: 1 part of the account could not be read"
	}
	return fmt.Sprintf("the answer is incomplete: %d parts of the account could not be read", len(e.missing))
}

// errInterrupted is ctrl+c at a prompt: nothing was sent.
var errInterrupted = errors.New("interrupted at the prompt: nothing was changed")

// exitStatus reports err (nil when the command succeeded) and returns the
// exit status. An interrupt is 130 whatever else went wrong, once what
// ran and what did not has been said. Everything printed is redacted: an
// AWS error may quote credentials.
func (a *app) exitStatus(ctx context.Context, err error) int {
	interrupted := ctx.Err() != nil || errors.Is(err, context.Canceled) || errors.Is(err, errInterrupted) ||
		errors.Is(err, tui.ErrInterrupted)
	if err == nil {
		if interrupted {
			a.say("sagerole: interrupted\n")
			return exitInterrupt
		}
		return exitOK
	}
	code := a.report(err, interrupted)
	if interrupted {
		return exitInterrupt
	}
	return code
}

func (a *app) say(format string, args ...any) {
	fmt.Fprint(a.stderr, redact.String(fmt.Sprintf(format, args...)))
}

// report prints err the way its kind deserves and returns its status.
func (a *app) report(err error, interrupted bool) int {
	var runErr *awsops.RunError
	var cfgErr *awsops.ConfigError
	var useErr *usageError
	var awsErr *awsops.Error
	var silent *silentExit
	var partial *incompleteError
	switch {
	case errors.As(err, &silent):
		return silent.code
	case errors.Is(err, tui.ErrInterrupted):
		// The wizard said on its screens what it ran; its journal keeps it.
		return exitInterrupt
	case errors.As(err, &runErr):
		// What ran and what did not, and how to roll back.
		a.say("sagerole: %s", runErr.Summary())
		if interrupted {
			a.say("sagerole: interrupted: the steps not run were not sent\n")
		}
		return exitFailed
	case interrupted:
		if errors.Is(err, errInterrupted) {
			a.say("\nsagerole: %v\n", err)
		} else {
			a.say("sagerole: interrupted: nothing was changed\n")
		}
		return exitInterrupt
	case errors.As(err, &partial):
		if partial.shown {
			a.say("sagerole: %v (see the warnings above)\n", err)
			return exitIncomplete
		}
		for _, w := range partial.missing {
			a.say("sagerole: warning: %s\n", w)
		}
		a.say("sagerole: %v\n", err)
		return exitIncomplete
	case errors.As(err, &useErr), errors.As(err, &cfgErr), rules.IsInput(err):
		a.say("sagerole: %v\n", err)
		return exitBadUsage
	case errors.As(err, &awsErr):
		a.say("sagerole: %v\nnothing was changed.\n", err)
		return exitFailed
	}
	a.say("sagerole: %v\n", err)
	return exitFailed
}
