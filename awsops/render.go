package awsops

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
)

// PlanStep is one step of a plan as scripts see it (--output json).
type PlanStep struct {
	API       string                     `json:"api"`
	Target    string                     `json:"target"`
	CLI       string                     `json:"cli"`
	Documents map[string]json.RawMessage `json:"documents,omitempty"`
	Undo      string                     `json:"undo"`
	Status    StepStatus                 `json:"status,omitempty"`
	Error     string                     `json:"error,omitempty"`
	Note      string                     `json:"note,omitempty"`
}

// PlanView is a plan, or the outcome of running one, as scripts see it.
// Steps, warnings and notes are always there, [] when empty, as find's
// warnings are: a script need not tell a missing key from an empty list.
type PlanView struct {
	DryRun   bool              `json:"dryRun"`
	Command  string            `json:"command"`
	Entry    string            `json:"entry,omitempty"`
	Steps    []PlanStep        `json:"steps"`
	Warnings []string          `json:"warnings"`
	Notes    []string          `json:"notes"`
	Outputs  map[string]string `json:"outputs,omitempty"`
	Impact   any               `json:"impact,omitempty"`
}

// View builds the script-facing view of a run (or dry run) of plan.
func View(plan Plan, e *Entry, dryRun bool, opts CLIOptions) PlanView {
	v := PlanView{DryRun: dryRun, Command: plan.Command, Warnings: orEmpty(plan.Warnings), Notes: orEmpty(plan.Notes), Outputs: plan.Outputs, Impact: plan.Impact, Steps: []PlanStep{}}
	if e != nil && !dryRun {
		v.Entry = e.ID
	}
	// In a dry run nothing was sent: a step replaces what the earlier
	// steps on its resource would have left, and its undo follows from that.
	predicted := map[string]State{}
	for i, op := range plan.Steps {
		ps := PlanStep{API: op.API, Target: op.Target, CLI: op.CLI(opts), Note: op.Note}
		for _, k := range slices.Sorted(maps.Keys(op.Documents)) {
			if ps.Documents == nil {
				ps.Documents = map[string]json.RawMessage{}
			}
			ps.Documents[k] = RawDoc(op.Documents[k])
		}
		if e != nil && i < len(e.Steps) {
			s := e.Steps[i]
			if !dryRun {
				ps.Status = s.Status
			} else if s.Before != nil {
				key := resourceKey(op)
				if st, ok := predicted[key]; ok {
					s.Before = st
					s.Undo, s.NoUndo = Inverse(op, st)
				}
				predicted[key] = Predicted(op, s.Before)
			}
			ps.Error = s.Error
			ps.Undo = undoText(s, opts)
		}
		v.Steps = append(v.Steps, ps)
	}
	return v
}

// orEmpty is list, or [] when it is nil: JSON lists are always present.
func orEmpty(list []string) []string {
	if list == nil {
		return []string{}
	}
	return list
}

func undoText(s StepRecord, opts CLIOptions) string {
	if s.Before == nil && s.Status == StepNotRun {
		return "not known until the step runs"
	}
	if s.NoUndo != "" {
		return "cannot be undone: " + s.NoUndo
	}
	if len(s.Undo) == 0 {
		return "nothing to undo: the step changes nothing"
	}
	lines := make([]string, len(s.Undo))
	for i, u := range s.Undo {
		lines[i] = u.CLI(opts)
	}
	return strings.Join(lines, "\n")
}

// RawDoc is a document as JSON for scripts' output, compact; a document
// that is not JSON (which IAM would not hold) is given as a JSON string.
func RawDoc(doc string) json.RawMessage {
	var buf bytes.Buffer
	if json.Compact(&buf, []byte(doc)) == nil {
		return buf.Bytes()
	}
	b, _ := json.Marshal(doc)
	return b
}

// WriteJSON writes v as indented JSON. Documents keep < > & as they are
// (not \u003c…): what a script reads is the text that was sent, only
// indented. Every list is there, [] when empty, never null (withLists).
func WriteJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(withLists(v))
}

// WriteText writes a plan view for people: each step, its CLI equivalent,
// its documents, and its undo.
func WriteText(w io.Writer, v PlanView) error {
	var b strings.Builder
	switch {
	case v.DryRun:
		fmt.Fprintf(&b, "Plan for %s (dry run: nothing was sent)\n", v.Command)
	case v.Entry != "":
		fmt.Fprintf(&b, "Ran %s (journal entry %s)\n", v.Command, v.Entry)
	default:
		fmt.Fprintf(&b, "Plan for %s\n", v.Command)
	}
	if len(v.Steps) == 0 {
		b.WriteString("\nNothing to do: the account already is as asked.\n")
	}
	for i, s := range v.Steps {
		status := ""
		switch s.Status {
		case StepDone:
			status = "  ✓ done"
		case StepFailed:
			status = "  ✗ failed"
		case StepNotRun:
			status = "  · not run"
		case StepSending, StepUnknown:
			status = "  ? outcome unknown"
		case StepApplied:
			status = "  ✓ applied (its answer was lost; read back, it took effect)"
		case StepNotApplied:
			status = "  ✗ not applied (its answer was lost; read back, it did not take effect)"
		}
		fmt.Fprintf(&b, "\n%d. %s %s%s\n", i+1, s.API, s.Target, status)
		if s.Note != "" {
			fmt.Fprintf(&b, "   note: %s\n", s.Note)
		}
		fmt.Fprintf(&b, "   $ %s\n", s.CLI)
		for _, k := range slices.Sorted(maps.Keys(s.Documents)) {
			var pretty bytes.Buffer
			if json.Indent(&pretty, s.Documents[k], "     ", "  ") != nil {
				pretty.Reset()
				pretty.Write(s.Documents[k])
			}
			fmt.Fprintf(&b, "   %s:\n     %s\n", k, pretty.String())
		}
		if s.Error != "" {
			fmt.Fprintf(&b, "   error: %s\n", s.Error)
		}
		if s.Undo != "" {
			fmt.Fprintf(&b, "   undo: %s\n", strings.ReplaceAll(s.Undo, "\n", "\n         "))
		}
	}
	for _, n := range v.Notes {
		fmt.Fprintf(&b, "\nnote: %s\n", n)
	}
	for _, wn := range v.Warnings {
		fmt.Fprintf(&b, "\nwarning: %s\n", wn)
	}
	if len(v.Outputs) > 0 {
		b.WriteString("\n")
		for _, k := range slices.Sorted(maps.Keys(v.Outputs)) {
			fmt.Fprintf(&b, "%s: %s\n", k, v.Outputs[k])
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}
