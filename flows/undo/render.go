package undo

import (
	"fmt"
	"io"
	"strings"

	"github.com/sagerole/sagerole/awsops"
	"github.com/sagerole/sagerole/flows/modify"
)

// WriteDrift writes what changed since entry e ran, for people.
func WriteDrift(w io.Writer, e *awsops.Entry, drift []awsops.Drift) error {
	if len(drift) == 0 {
		return nil
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Since entry %s ran, something else changed what it touched:\n", e.ID)
	for _, d := range drift {
		if d.Blocks != "" {
			fmt.Fprintf(&b, "  step %d %s %s: %s %s was added since, and makes the undo's %s fail\n", d.Step, d.API, d.Target, d.Field, d.Current, d.Blocks)
			continue
		}
		fmt.Fprintf(&b, "  step %d %s %s, %s:\n    left:  %s\n    now:   %s\n", d.Step, d.API, d.Target, d.Field, orNone(d.Recorded), orNone(d.Current))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

// WriteReview writes what a person must see before an undo runs: for each
// role it changes, the diff of every document and who runs as it (as the
// modify review writes them), then what forcing it overrides. The plan itself (steps, CLI, notes, warnings) follows it.
func WriteReview(w io.Writer, r *Result) error {
	var b strings.Builder
	e := r.Undo.Entry
	fmt.Fprintf(&b, "Undo of entry %s (%s), run %s\n\n", e.ID, e.Command, e.Time.UTC().Format("2006-01-02 15:04 UTC"))
	if err := WriteDrift(&b, e, r.Undo.Drift); err != nil {
		return err
	}
	for _, rc := range r.Roles {
		if len(rc.Diffs) == 0 {
			continue
		}
		mr := &modify.Result{Plan: r.Plan, Role: awsops.Role{Name: rc.Name, ARN: rc.ARN}, Diffs: rc.Diffs, UsedBy: rc.UsedBy}
		if err := modify.WriteReview(&b, mr); err != nil {
			return err
		}
	}
	// A refusal is the command's error, said once; what forcing overrides
	// is said here.
	if r.Force && len(r.Undo.Blocked) == 0 {
		for _, s := range r.Refusals {
			fmt.Fprintf(&b, "undoing anyway (--force): %s\n", s)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}
