package main

import (
	"context"
	"os"

	tea "charm.land/bubbletea/v2"
	"github.com/spf13/cobra"

	"github.com/sagerole/sagerole/awsops"
	"github.com/sagerole/sagerole/tui"
)

// wizard runs the wizard: sagerole with no subcommand. Everything it needs
// was decided here, once: the backend (dry run or not), the mode shown, the
// journal (none for runs in a dry run). ctrl+c leaves it with exit 130
// (tui.ErrInterrupted); in the line-by-line prompts, where ctrl+c is a
// SIGINT, the prompt waiting for input ends at once.
func (a *app) wizard(cmd *cobra.Command) error {
	// A terminal that cannot address its cursor (TERM=dumb) gets the
	// line-by-line prompts, as huh gives them; so does ACCESSIBLE=1
	// (applied to --accessible with the other environment defaults).
	accessible := a.g.accessible || os.Getenv("TERM") == "dumb"
	if !accessible && !(isTerminal(a.stdin) && isTerminal(a.stdout)) {
		return usagef("the wizard needs a terminal: use a subcommand (sagerole --help), or --accessible to answer prompts line by line")
	}
	ctx := cmd.Context()
	b, err := a.open(ctx)
	if err != nil {
		return err
	}
	j, err := a.journal()
	if err != nil {
		return err
	}
	opts := a.wizardOptions(ctx, b, j)
	if accessible {
		opts.In = interruptible(ctx, a.stdin)
		err := tui.RunAccessible(opts)
		if ctx.Err() != nil {
			// What ran was said as it ran, and is journaled.
			return tui.ErrInterrupted
		}
		return err
	}
	return tui.Run(opts, tea.WithInput(a.stdin), tea.WithOutput(a.stdout))
}

// wizardOptions is what the wizard is given: the backend, the journal
// (none for runs in a dry run), and this invocation's settings.
func (a *app) wizardOptions(ctx context.Context, b awsops.Backend, j *awsops.Journal) tui.Options {
	opts := tui.Options{
		Backend:     b,
		BackendName: a.backendName,
		Mode:        a.mode(),
		Sandbox:     a.g.sandbox,
		Profile:     a.g.profile,
		Credentials: a.credentialsShown(),
		Endpoint:    a.endpointShown(),
		Region:      a.g.region,
		History:     j,
		CLI:         a.cliOptions(),
		NoColor:     a.g.noColor,
		Context:     ctx,
		In:          a.stdin,
		Out:         a.stdout,
		Reads:       a.reads(),
	}
	if !a.g.dryRun {
		opts.Journal = j
	}
	if a.demo != nil {
		opts.Now = a.demo.Screen.Now
	}
	return opts
}

// credentialsShown says, for the wizard's header, where the credentials
// come from, in the AWS SDK's order: --profile, then the environment's
// keys (which win over AWS_PROFILE), a web identity token, AWS_PROFILE,
// the default profile. "" in the sandbox, which has none.
func (a *app) credentialsShown() string {
	switch {
	case a.g.sandbox:
		return ""
	case a.g.profile != "":
		return "profile " + a.g.profile
	case os.Getenv("AWS_ACCESS_KEY_ID") != "" && os.Getenv("AWS_SECRET_ACCESS_KEY") != "":
		return "environment credentials"
	case os.Getenv("AWS_WEB_IDENTITY_TOKEN_FILE") != "":
		return "web identity token"
	case os.Getenv("AWS_PROFILE") != "":
		return "profile " + os.Getenv("AWS_PROFILE")
	}
	return "profile default"
}

// endpointShown is the endpoint every call goes to, when it is not AWS's
// own: --endpoint-url, or AWS_ENDPOINT_URL as the SDK reads it.
func (a *app) endpointShown() string {
	if a.g.sandbox {
		return ""
	}
	if a.g.endpointURL != "" {
		return a.g.endpointURL
	}
	return os.Getenv("AWS_ENDPOINT_URL")
}
