package main

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/sagerole/sagerole/awsops"
)

// journal is where runs are recorded: $XDG_STATE_HOME/sagerole, except for
// the plain --sandbox account, which lasts one process. Its runs go to a
// journal of the same lifetime (removed by run when it returns), so undo
// works within a wizard session and the user's journal holds only runs on
// accounts that still exist.
func (a *app) journal() (*awsops.Journal, error) {
	if a.g.sandbox && a.g.sandboxState == "" {
		if a.processJournal == "" {
			dir, err := os.MkdirTemp("", "sagerole-sandbox-journal-")
			if err != nil {
				return nil, fmt.Errorf("sandbox journal: %w", err)
			}
			a.processJournal = dir
		}
		return &awsops.Journal{Dir: a.processJournal}, nil
	}
	dir, err := awsops.DefaultJournalDir()
	if err != nil {
		return nil, &awsops.ConfigError{Msg: err.Error(), Err: err}
	}
	return &awsops.Journal{Dir: dir}, nil
}

// journalStep and journalEntry are the JSON shape of `sagerole journal`.
type journalStep struct {
	API    string            `json:"api"`
	Target string            `json:"target"`
	Status awsops.StepStatus `json:"status"`
	Error  string            `json:"error,omitempty"`
}

type journalEntry struct {
	ID       string        `json:"id"`
	Time     string        `json:"time"`
	Command  string        `json:"command"`
	Account  string        `json:"account"`
	Region   string        `json:"region"`
	Backend  string        `json:"backend"`
	Status   string        `json:"status"`
	UndoOf   string        `json:"undoOf,omitempty"`
	UndoneBy string        `json:"undoneBy,omitempty"`
	Steps    []journalStep `json:"steps"`
}

func (a *app) journalCommand() *cobra.Command {
	return &cobra.Command{
		Use:     "journal",
		Short:   "List the journaled runs, newest first",
		Example: "  sagerole journal\n  sagerole --sandbox-state acct.json --output json journal",
		GroupID: groupUndo,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			j, err := a.journal()
			if err != nil {
				return err
			}
			entries, err := j.List()
			if err != nil {
				return err
			}
			if a.g.output == "json" {
				out := make([]journalEntry, 0, len(entries))
				for _, e := range entries {
					je := journalEntry{ID: e.ID, Time: e.Time.Format("2006-01-02T15:04:05Z"), Command: e.Command, Account: e.Account,
						Region: e.Region, Backend: e.Backend, Status: e.Status(), UndoOf: e.UndoOf, UndoneBy: e.UndoneBy, Steps: []journalStep{}}
					for _, s := range e.Steps {
						je.Steps = append(je.Steps, journalStep{API: s.Op.API, Target: s.Op.Target, Status: s.Status, Error: s.Error})
					}
					out = append(out, je)
				}
				return awsops.WriteJSON(a.stdout, out)
			}
			if len(entries) == 0 {
				_, err := fmt.Fprintf(a.stdout, "The journal is empty (%s).\n", j.Dir)
				return err
			}
			var b strings.Builder
			for _, e := range entries {
				fmt.Fprintf(&b, "%s  %s  %-8s %s  (%s %s, %s)\n", e.ID, e.Time.Format("2006-01-02 15:04"), e.Status(),
					e.Command, e.Account, e.Region, e.Backend)
				if e.UndoOf != "" {
					fmt.Fprintf(&b, "    undid %s\n", e.UndoOf)
				}
				if e.UndoneBy != "" {
					fmt.Fprintf(&b, "    undone by %s\n", e.UndoneBy)
				}
				for _, s := range e.Steps {
					fmt.Fprintf(&b, "    %s %s %s\n", s.Status.Mark(), s.Op.API, s.Op.Target)
					if s.Error != "" {
						fmt.Fprintf(&b, "      %s\n", s.Error)
					}
				}
			}
			_, err = fmt.Fprint(a.stdout, b.String())
			return err
		},
	}
}

func (a *app) undoCommand() *cobra.Command {
	var force bool
	cmd := &cobra.Command{
		Use:   "undo [ENTRY]",
		Short: "Revert a journaled run (default: the latest change on this account not yet undone)",
		Long: `Revert a journaled run, or roll back what a partly failed run did.
Without ENTRY, the latest change made on this account that is not yet undone
(undo runs themselves are skipped; name one to redo what it undid). Before
anything is sent, the account is compared with what the run left: if
something else changed it since, undo refuses and shows the difference,
unless --force.`,
		Example: `  sagerole undo
  sagerole undo 20261124T013746Z-a1b2c3
  sagerole --dry-run undo`,
		GroupID:           groupUndo,
		ValidArgsFunction: a.completeEntries,
		Args:              cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			b, err := a.open(ctx)
			if err != nil {
				return err
			}
			j, err := a.journal()
			if err != nil {
				return err
			}
			account := ""
			if id, err := b.CallerIdentity(ctx); err == nil {
				account = id.Account
			}
			var e *awsops.Entry
			if len(args) == 1 {
				if e, err = j.Load(args[0]); err != nil {
					return usagef("%v", err)
				}
			} else if e, err = a.latestUndoable(j, account); err != nil {
				return err
			}
			if e.Backend != a.backendName || (account != "" && e.Account != account) {
				return usagef("entry %s was made on %s account %s, not on this one (%s account %s)", e.ID, e.Backend, e.Account, a.backendName, account)
			}
			if e.UndoneBy != "" {
				return usagef("entry %s was already undone by %s; undo that entry to redo it", e.ID, e.UndoneBy)
			}
			if err := a.checkDrift(ctx, b, e, force); err != nil {
				return err
			}
			plan := awsops.UndoPlan(e)
			if len(plan.Steps) == 0 {
				return usagef("entry %s has nothing that can be undone: %s", e.ID, strings.Join(append(plan.Warnings, "no step of it changed anything"), "; "))
			}
			// An undo sends the same kinds of writes as the run it reverts.
			_, err = a.execute(ctx, b, plan, a.sageMakerTune(a.waiter(ctx)))
			return err
		},
	}
	cmd.Flags().BoolVar(&force, "force", false, "undo even if something else changed the same resources since")
	return cmd
}

// latestUndoable is the newest entry made on this backend and account that
// did something and is not yet undone; undo runs are skipped.
func (a *app) latestUndoable(j *awsops.Journal, account string) (*awsops.Entry, error) {
	entries, err := j.List()
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		if e.UndoOf == "" && e.Backend == a.backendName && (account == "" || e.Account == account) && e.Undoable() {
			return e, nil
		}
	}
	return nil, usagef("nothing to undo: the journal has no change on this account that is not undone yet (see sagerole journal)")
}

func (a *app) checkDrift(ctx context.Context, b awsops.Backend, e *awsops.Entry, force bool) error {
	drift, err := awsops.DetectDrift(ctx, b, e)
	if err != nil {
		return err
	}
	if len(drift) == 0 {
		return nil
	}
	fmt.Fprintf(a.stderr, "Since entry %s ran, something else changed what it touched:\n", e.ID)
	for _, d := range drift {
		fmt.Fprintf(a.stderr, "  step %d %s %s, %s:\n    left:  %s\n    now:   %s\n", d.Step, d.API, d.Target, d.Field, orNone(d.Recorded), orNone(d.Current))
	}
	if force {
		fmt.Fprintln(a.stderr, "Undoing anyway (--force): those later changes will be overwritten.")
		return nil
	}
	return usagef("refusing to undo entry %s: %d later change(s) would be overwritten (shown above); pass --force to undo anyway", e.ID, len(drift))
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}
