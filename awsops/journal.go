package awsops

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// StepStatus is where a step of a run stands.
type StepStatus string

const (
	StepNotRun  StepStatus = "not-run" // never sent
	StepSending StepStatus = "sending" // recorded, being sent: if a run stops here, the outcome is unknown until read back
	StepDone    StepStatus = "done"    // sent, and AWS said it was done
	StepFailed  StepStatus = "failed"  // AWS refused it (or it was never sent), and it did not take effect
	// StepApplied is a write whose answer was an error or never came (a
	// dropped connection, a timeout, ctrl+c while it was in flight), and
	// which reading the target back showed had taken effect.
	StepApplied StepStatus = "applied"
	// StepNotApplied is a write whose answer never came, and which reading
	// the target back showed had not taken effect.
	StepNotApplied StepStatus = "not-applied"
	// StepUnknown is a write whose answer never came and whose target could
	// not be read back: it may or may not have taken effect.
	StepUnknown StepStatus = "unknown"
)

// Mark is the status as one character: ✓ in effect (done, or applied), ✗
// not in effect (failed, not applied), ? outcome unknown, · not run.
func (s StepStatus) Mark() string {
	switch s {
	case StepDone, StepApplied:
		return "✓"
	case StepFailed, StepNotApplied:
		return "✗"
	case StepSending, StepUnknown:
		return "?"
	}
	return "·"
}

// InEffect reports whether the step changed the account: AWS said so, or
// reading it back showed it.
func (s StepStatus) InEffect() bool { return s == StepDone || s == StepApplied }

// Unsettled reports whether nobody knows yet whether the step took effect.
func (s StepStatus) Unsettled() bool { return s == StepSending || s == StepUnknown }

// StepRecord is one Op of a run: what it replaced (Before, recorded before
// it was sent), what it left (After), how to undo it, and how it went.
type StepRecord struct {
	Op     Op         `json:"op"`
	Before State      `json:"before,omitempty"`
	After  State      `json:"after,omitempty"`
	Undo   []Op       `json:"undo,omitempty"`
	NoUndo string     `json:"noUndo,omitempty"`
	Status StepStatus `json:"status"`
	Error  string     `json:"error,omitempty"`
	// Outcome says how an applied, not-applied or unknown status was
	// established: what went wrong, and what reading the target back showed.
	Outcome  string    `json:"outcome,omitempty"`
	Attempts int       `json:"attempts,omitempty"`
	Started  time.Time `json:"started,omitzero"`
	Finished time.Time `json:"finished,omitzero"`
}

// Entry is one journaled run of a plan.
type Entry struct {
	ID       string       `json:"id"`
	Time     time.Time    `json:"time"`
	Command  string       `json:"command"`
	Account  string       `json:"account"`
	Region   string       `json:"region"`
	Backend  string       `json:"backend"` // "aws", or "sandbox" / "sandbox:FILE"
	Steps    []StepRecord `json:"steps"`
	UndoOf   string       `json:"undoOf,omitempty"`   // the entry this run undid
	UndoneBy string       `json:"undoneBy,omitempty"` // the entry that undid this one
	// UndonePartly is set with UndoneBy when some step that took effect
	// could not be undone (the undo said which, and why).
	UndonePartly bool `json:"undonePartly,omitempty"`
}

// Entry statuses, as Status gives them.
const (
	EntryDone         = "done"          // every step done
	EntryFailed       = "failed"        // a step failed or did not take effect; the run stopped there
	EntryPartial      = "partial"       // the run stopped before its end, with nothing failed (stopped)
	EntryInterrupted  = "interrupted"   // the run ended while a step was being sent: undo reads it back
	EntryUnknown      = "unknown"       // a step's outcome could not be read back
	EntryUndone       = "undone"        // every step that took effect was reverted
	EntryPartlyUndone = "partly-undone" // reverted, except steps that cannot be undone
)

// Status summarises the entry: undone or partly-undone once reverted;
// else interrupted (a step was being sent when the run ended), unknown (a
// step's outcome could not be read back), failed, partial (stopped with
// steps not run), or done.
func (e *Entry) Status() string {
	if e.UndoneBy != "" {
		if e.UndonePartly {
			return EntryPartlyUndone
		}
		return EntryUndone
	}
	status := EntryDone
	rank := map[string]int{EntryDone: 0, EntryPartial: 1, EntryFailed: 2, EntryUnknown: 3, EntryInterrupted: 4}
	worse := func(s string) {
		if rank[s] > rank[status] {
			status = s
		}
	}
	for _, s := range e.Steps {
		switch s.Status {
		case StepSending:
			worse(EntryInterrupted)
		case StepUnknown:
			worse(EntryUnknown)
		case StepFailed, StepNotApplied:
			worse(EntryFailed)
		case StepNotRun:
			worse(EntryPartial)
		}
	}
	return status
}

// Undoable reports whether the run may have changed something (a step took
// effect, or its outcome is not known) and is not undone yet.
func (e *Entry) Undoable() bool {
	if e.UndoneBy != "" {
		return false
	}
	for _, s := range e.Steps {
		if s.Status.InEffect() || s.Status.Unsettled() {
			return true
		}
	}
	return false
}

// Journal stores entries as one JSON file each under Dir.
type Journal struct {
	Dir string
	// Clock stamps the entries run into this journal and their steps;
	// time.Now when nil. The sandbox's demo mode gives a fixed one.
	Clock func() time.Time
	// IDs makes an entry's id from its time; NewEntryID when nil.
	IDs func(time.Time) string
}

// DefaultJournalDir is $XDG_STATE_HOME/sagerole, or ~/.local/state/sagerole.
func DefaultJournalDir() (string, error) {
	if d := os.Getenv("XDG_STATE_HOME"); d != "" {
		return filepath.Join(d, "sagerole"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("journal directory: set XDG_STATE_HOME or HOME: %w", err)
	}
	return filepath.Join(home, ".local", "state", "sagerole"), nil
}

// NewEntryID returns a sortable, unique entry id: UTC time plus random hex.
func NewEntryID(now time.Time) string {
	var b [3]byte
	_, _ = rand.Read(b[:])
	return now.UTC().Format("20060102T150405Z") + "-" + hex.EncodeToString(b[:])
}

// now is the journal's clock.
func (j *Journal) now() time.Time {
	if j.Clock != nil {
		return j.Clock()
	}
	return time.Now()
}

// newID is a new entry's id, one no entry of the journal has yet: a
// seeded generator can repeat itself from one process to the next.
func (j *Journal) newID(t time.Time) string {
	ids := j.IDs
	if ids == nil {
		ids = NewEntryID
	}
	id := ids(t)
	for range 100 {
		if _, err := os.Stat(j.path(id)); err != nil {
			break
		}
		id = ids(t)
	}
	return id
}

func (j *Journal) path(id string) string { return filepath.Join(j.Dir, id+".json") }

// Save writes e atomically: a crash leaves the previous version or the new
// one, never half a file.
func (j *Journal) Save(e *Entry) error {
	if err := os.MkdirAll(j.Dir, 0o700); err != nil {
		return fmt.Errorf("journal: %w", err)
	}
	b, err := json.MarshalIndent(e, "", "  ")
	if err != nil {
		return fmt.Errorf("journal: encode entry %s: %w", e.ID, err)
	}
	return WriteFileAtomic(j.path(e.ID), append(b, '\n'), 0o600)
}

// Load reads one entry. A file that is not an entry (not JSON, another
// program's, an empty object) is an error that says so.
func (j *Journal) Load(id string) (*Entry, error) {
	if strings.ContainsAny(id, `/\`) || id == "" {
		return nil, fmt.Errorf("journal entry %q: not an entry id", id)
	}
	b, err := os.ReadFile(j.path(id))
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("journal entry %q does not exist (see sagerole journal)", id)
		}
		return nil, fmt.Errorf("journal entry %s: %w", id, err)
	}
	var e Entry
	if err := json.Unmarshal(b, &e); err != nil {
		return nil, fmt.Errorf("journal entry %s is not readable: %w", id, err)
	}
	if err := e.check(id); err != nil {
		return nil, fmt.Errorf("journal entry %s is not readable: %w", id, err)
	}
	return &e, nil
}

// check tells an entry sagerole wrote from any other JSON file: an entry
// has the id of its file, a time, a command, and steps sagerole knows.
func (e *Entry) check(id string) error {
	switch {
	case e.ID == "" && e.Time.IsZero() && e.Command == "" && len(e.Steps) == 0:
		return errors.New("it is empty, not a journal entry")
	case e.ID != id:
		return fmt.Errorf("it names itself %q, not %q", e.ID, id)
	case e.Time.IsZero() || e.Command == "":
		return errors.New("it has no time or no command")
	}
	for i, s := range e.Steps {
		switch s.Status {
		case StepNotRun, StepSending, StepDone, StepFailed, StepApplied, StepNotApplied, StepUnknown:
		default:
			return fmt.Errorf("step %d has status %q, which sagerole does not write", i+1, s.Status)
		}
		if s.Op.API == "" {
			return fmt.Errorf("step %d has no API", i+1)
		}
	}
	return nil
}

// Unreadable is a *.json file in the journal directory that is not an
// entry: skipped, and listed so that the user can look at it.
type Unreadable struct {
	File string `json:"file"`
	Err  string `json:"error"`
}

// Scan returns every entry, newest first, and every file that looked like
// one but could not be read. A missing directory is an empty journal; one
// bad file never hides the others.
func (j *Journal) Scan() ([]*Entry, []Unreadable, error) {
	names, err := filepath.Glob(filepath.Join(j.Dir, "*.json"))
	if err != nil {
		return nil, nil, fmt.Errorf("journal: %w", err)
	}
	var out []*Entry
	var bad []Unreadable
	for _, n := range names {
		e, err := j.Load(strings.TrimSuffix(filepath.Base(n), ".json"))
		if err != nil {
			bad = append(bad, Unreadable{File: n, Err: err.Error()})
			continue
		}
		out = append(out, e)
	}
	// Time has nanoseconds; two runs in the same second still sort right.
	sort.Slice(out, func(a, b int) bool {
		if !out[a].Time.Equal(out[b].Time) {
			return out[a].Time.After(out[b].Time)
		}
		return out[a].ID > out[b].ID
	})
	return out, bad, nil
}

// List returns every readable entry, newest first (see Scan).
func (j *Journal) List() ([]*Entry, error) {
	out, _, err := j.Scan()
	return out, err
}

// WriteFileAtomic writes data to a temporary file in path's directory,
// syncs it and renames it over path, so that a reader (or a crash) sees the
// old file or the new one, never half of one.
func WriteFileAtomic(path string, data []byte, perm os.FileMode) error {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	tmp := f.Name()
	defer os.Remove(tmp) // no-op after a successful rename
	if _, err := f.Write(data); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Chmod(perm); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	// Make the rename itself durable; not every platform can sync a
	// directory, and the file is already complete, so this is best effort.
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
	return nil
}
