package main

import (
	tea "charm.land/bubbletea/v2"
	"github.com/spf13/cobra"

	"github.com/sagerole/sagerole/tui"
)

// wizard runs the wizard: sagerole with no subcommand. Everything it needs
// was decided here, once: the backend (dry run or not), the mode shown, the
// journal (none for runs in a dry run).
func (a *app) wizard(cmd *cobra.Command) error {
	if !a.g.accessible && !(isTerminal(a.stdin) && isTerminal(a.stdout)) {
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
	opts := tui.Options{
		Backend:     b,
		BackendName: a.backendName,
		Mode:        a.mode(),
		Profile:     a.g.profile,
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
	if a.g.accessible {
		return tui.RunAccessible(opts)
	}
	return tui.Run(opts, tea.WithInput(a.stdin), tea.WithOutput(a.stdout))
}
