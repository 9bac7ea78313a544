package undo

import (
	"fmt"
	"io"
	"strings"

	"github.com/sagerole/sagerole/awsops"
	"github.com/sagerole/sagerole/flows/find"
	"github.com/sagerole/sagerole/flows/modify"
)

// move is a SageMaker step of the undo that points identities at another
// role: a domain default, a user profile, a notebook instance.
type move struct {
	op       awsops.Op
	sentence string
}

func movesOf(steps []awsops.Op) []move {
	var out []move
	for _, op := range steps {
		a := op.Args
		switch op.API {
		case awsops.APIUpdateDomain:
			if v, ok := a[awsops.ArgDefaultUserRole]; ok {
				out = append(out, move{op, fmt.Sprintf("undo sets the default user role of domain %s to %s: every user profile without a role of its own moves with it", a[awsops.ArgDomainID], v)})
			}
			if v, ok := a[awsops.ArgDefaultSpaceRole]; ok {
				out = append(out, move{op, fmt.Sprintf("undo sets the default space role of domain %s to %s: every shared space moves with it", a[awsops.ArgDomainID], v)})
			}
		case awsops.APIUpdateUserProfile:
			out = append(out, move{op, fmt.Sprintf("undo sets the role of user profile %s (%s) to %s, with its private spaces", a[awsops.ArgUserProfile], a[awsops.ArgDomainID], a[awsops.ArgExecutionRole])})
		case awsops.APIUpdateNotebookInstance:
			out = append(out, move{op, fmt.Sprintf("undo sets the role of notebook instance %s to %s", a[awsops.ArgNotebook], a[awsops.ArgExecutionRole])})
		}
	}
	return out
}

// moves reports whether the step points use at a role other than roleARN
// (so that it no longer runs as it once the undo has run).
func (m move) moves(use modify.Use, roleARN string) bool {
	a := m.op.Args
	away := func(to string) bool { return !find.RoleMatcher(roleARN)(to) }
	switch m.op.API {
	case awsops.APIUpdateDomain:
		if use.DomainID != a[awsops.ArgDomainID] {
			return false
		}
		if v, ok := a[awsops.ArgDefaultUserRole]; ok && away(v) {
			switch {
			case use.Kind == string(find.UseDefaultUserRole),
				use.Kind == string(find.UseUser) && use.Source == string(find.SourceDomainDefault):
				return true
			}
		}
		if v, ok := a[awsops.ArgDefaultSpaceRole]; ok && away(v) {
			switch {
			case use.Kind == string(find.UseDefaultSpaceRole),
				use.Kind == string(find.UseSpace) && use.Sharing == awsops.SharingShared:
				return true
			}
		}
	case awsops.APIUpdateUserProfile:
		if use.DomainID != a[awsops.ArgDomainID] || !away(a[awsops.ArgExecutionRole]) {
			return false
		}
		user := a[awsops.ArgUserProfile]
		return use.Kind == string(find.UseUser) && use.Name == user ||
			use.Kind == string(find.UseSpace) && use.Sharing == awsops.SharingPrivate && use.Owner == user
	case awsops.APIUpdateNotebookInstance:
		return use.Kind == string(find.UseNotebook) && use.Name == a[awsops.ArgNotebook] && away(a[awsops.ArgExecutionRole])
	}
	return false
}

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
// modify review writes them), then why it is refused, or what forcing it
// overrides. The plan itself (steps, CLI, notes, warnings) follows it.
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
	for _, s := range r.Undo.Blocked {
		fmt.Fprintf(&b, "cannot undo: %s\n", s)
	}
	for _, s := range r.Refusals {
		if r.Force {
			fmt.Fprintf(&b, "undoing anyway (--force): %s\n", s)
		} else {
			fmt.Fprintf(&b, "refused: %s\n", s)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}
