package main

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/sagerole/sagerole/awsops"
	"github.com/sagerole/sagerole/flows/modify"
	"github.com/sagerole/sagerole/flows/undo"
)

// journal is where runs are recorded: $XDG_STATE_HOME/sagerole, except for
// the plain --sandbox account, which lasts one process. Its runs go to a
// journal of the same lifetime (removed by run when it returns), so undo
// works within a wizard session and the user's journal holds only runs on
// accounts that still exist. In the demo mode it stamps entries with the
// demo's clock and ids.
func (a *app) journal() (*awsops.Journal, error) {
	j, err := a.plainJournal()
	if err != nil {
		return nil, err
	}
	if a.demo != nil {
		a.demo.Stamp(j)
	}
	return j, nil
}

// plainJournal is the journal's directory, before the demo mode (if on)
// gives it its clock.
func (a *app) plainJournal() (*awsops.Journal, error) {
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
	API     string            `json:"api"`
	Target  string            `json:"target"`
	Status  awsops.StepStatus `json:"status"`
	Error   string            `json:"error,omitempty"`
	Outcome string            `json:"outcome,omitempty"`
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
		Use:   "journal",
		Short: "List the journaled runs, newest first",
		Long: `List the journaled runs, newest first, with each step's status: done,
applied (its answer was lost, and reading it back showed it took effect),
failed, not-applied (its answer was lost, and it did not take effect),
unknown (it could not be read back), sending (the run ended while it was
being sent: undo reads it back), or not-run. A file in the journal directory
that is not an entry is skipped, and named on stderr.`,
		Example: "  sagerole journal\n  sagerole --sandbox-state acct.json --output json journal",
		GroupID: groupUndo,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			j, err := a.journal()
			if err != nil {
				return err
			}
			entries, unreadable, err := j.Scan()
			if err != nil {
				return err
			}
			for _, u := range unreadable {
				fmt.Fprintf(a.stderr, "sagerole: skipped %s: %s\n", u.File, u.Err)
			}
			if a.g.output == "json" {
				out := make([]journalEntry, 0, len(entries))
				for _, e := range entries {
					je := journalEntry{ID: e.ID, Time: e.Time.Format("2006-01-02T15:04:05Z"), Command: e.Command, Account: e.Account,
						Region: e.Region, Backend: e.Backend, Status: e.Status(), UndoOf: e.UndoOf, UndoneBy: e.UndoneBy, Steps: []journalStep{}}
					for _, s := range e.Steps {
						je.Steps = append(je.Steps, journalStep{API: s.Op.API, Target: s.Op.Target, Status: s.Status, Error: s.Error, Outcome: s.Outcome})
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
				writeEntry(&b, e)
			}
			_, err = fmt.Fprint(a.stdout, b.String())
			return err
		},
	}
}

// writeEntry writes one entry for people: a line for the run, then a line
// per step with its mark, and what is known of a step that did not simply
// come back done.
func writeEntry(b *strings.Builder, e *awsops.Entry) {
	fmt.Fprintf(b, "%s  %s  %-8s %s  (%s %s, %s)\n", e.ID, e.Time.Format("2006-01-02 15:04"), e.Status(),
		e.Command, e.Account, e.Region, e.Backend)
	if e.UndoOf != "" {
		fmt.Fprintf(b, "    undid %s\n", e.UndoOf)
	}
	if e.UndoneBy != "" {
		fmt.Fprintf(b, "    undone by %s\n", e.UndoneBy)
	}
	for _, s := range e.Steps {
		status := ""
		if s.Status != awsops.StepDone {
			status = "  " + string(s.Status)
		}
		fmt.Fprintf(b, "    %s %s %s%s\n", s.Status.Mark(), s.Op.API, s.Op.Target, status)
		switch {
		case s.Outcome != "":
			fmt.Fprintf(b, "      %s\n", s.Outcome)
		case s.Status == awsops.StepSending:
			fmt.Fprintf(b, "      the run ended while this was being sent; sagerole undo %s reads it back\n", e.ID)
		}
		if s.Error != "" {
			fmt.Fprintf(b, "      %s\n", s.Error)
		}
	}
}

func (a *app) undoCommand() *cobra.Command {
	var force bool
	cmd := &cobra.Command{
		Use:   "undo [ENTRY]",
		Short: "Revert a journaled run (default: the latest change on this account not yet undone)",
		Long: `Revert a journaled run, roll back what a partly failed run did, or resume an
undo that stopped half way. Without ENTRY, the latest change made on this
account that is not yet undone (undo runs themselves are skipped; name one
to redo what it undid).

A step whose outcome is not known (the run ended while it was being sent)
is read back first. Steps that took effect are reverted, last first; steps
that did not, or that are already as they were, are skipped. The undo is
reviewed as any plan is: the diff of every document, who runs as each role
it deletes or changes, and what access it broadens or narrows.

It refuses, unless --force: when something else changed what the run
touched since (or would make the undo fail, such as a policy attached by
hand to a role the undo deletes: --force removes it too); when it would
delete a role that identities run as; when it would take SageMaker's trust
from a role in use. With --force, an undo whose end state already holds
succeeds without sending anything.`,
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
			if err := j.CheckRedo(e); err != nil {
				return usagef("%v", err)
			}
			record := j
			if a.g.dryRun {
				record = nil // a dry run changes nothing, the journal included
			}
			found, err := undo.Settle(ctx, b, record, e)
			for _, f := range found {
				fmt.Fprintln(a.stderr, f)
			}
			if err != nil {
				return err
			}
			if !e.Undoable() {
				return usagef("entry %s changed nothing: no step of it took effect, so there is nothing to undo", e.ID)
			}
			res, err := undo.Review(ctx, b, e, undo.Options{Uses: modify.AccountUses(a.session(b)), Force: force})
			if err != nil {
				return err
			}
			refusal := res.Check()
			// A refused undo's review is why it fails: it goes with the error.
			stream := a.reviewStream(len(res.Plan.Steps))
			if refusal != nil {
				stream = a.stderr
			}
			if a.g.output == "json" {
				if err := undo.WriteDrift(a.stderr, e, res.Undo.Drift); err != nil {
					return err
				}
				for _, d := range res.Diffs() {
					res.Plan.Notes = append(res.Plan.Notes, d.Text)
				}
			} else if err := undo.WriteReview(stream, res); err != nil {
				return err
			}
			if refusal != nil {
				return usagef("%v", refusal)
			}
			if len(res.Plan.Steps) == 0 {
				return a.nothingToUndo(ctx, b, j, e, res)
			}
			// An undo sends the same kinds of writes as the run it reverts.
			_, err = a.execute(ctx, b, res.Plan, a.sageMakerTune(a.waiter(ctx)))
			return err
		},
	}
	cmd.Flags().BoolVar(&force, "force", false, "undo even if something else changed the same resources since, or it deletes (or takes SageMaker's trust from) a role in use")
	return cmd
}

// nothingToUndo ends an undo whose every step is already reverted (by hand,
// or by an undo that stopped half way): nothing is sent, and the entry is
// marked undone by a journaled run with no steps.
func (a *app) nothingToUndo(ctx context.Context, b awsops.Backend, j *awsops.Journal, e *awsops.Entry, res *undo.Result) error {
	p := res.Plan
	if len(res.Undo.Skipped) == 0 {
		return usagef("entry %s cannot be undone: %s", e.ID, strings.Join(p.Warnings, "; "))
	}
	why := strings.Join(res.Undo.Skipped, "; ")
	if a.g.dryRun {
		_, err := fmt.Fprintf(a.stdout, "Nothing to send: the account already is as it was before entry %s (%s). Nothing was sent (dry run).\n", e.ID, why)
		return err
	}
	x := &awsops.Executor{Backend: b, Journal: j, Account: e.Account, BackendName: a.backendName}
	u, err := x.Run(ctx, p)
	if err != nil {
		return err
	}
	if a.g.output == "json" {
		return a.writeView(awsops.View(p, u, false, a.cliOptions()))
	}
	_, err = fmt.Fprintf(a.stdout, "Nothing to send: the account already is as it was before entry %s (%s). Entry %s is marked undone (journal entry %s).\n", e.ID, why, e.ID, u.ID)
	return err
}

// latestUndoable is the newest entry made on this backend and account that
// did something and is not yet undone; undo runs are skipped.
func (a *app) latestUndoable(j *awsops.Journal, account string) (*awsops.Entry, error) {
	entries, unreadable, err := j.Scan()
	if err != nil {
		return nil, err
	}
	for _, u := range unreadable {
		fmt.Fprintf(a.stderr, "sagerole: skipped %s: %s\n", u.File, u.Err)
	}
	for _, e := range entries {
		if e.UndoOf == "" && e.Backend == a.backendName && (account == "" || e.Account == account) && e.Undoable() {
			return e, nil
		}
	}
	return nil, usagef("nothing to undo: the journal has no change on this account that is not undone yet (see sagerole journal)")
}
