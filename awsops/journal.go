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
	StepSending StepStatus = "sending" // recorded, being sent: if a run stops here, the outcome is unknown
	StepDone    StepStatus = "done"
	StepFailed  StepStatus = "failed"
)

// Mark is the status as one character: ✓ done, ✗ failed, ? outcome
// unknown, · not run.
func (s StepStatus) Mark() string {
	switch s {
	case StepDone:
		return "✓"
	case StepFailed:
		return "✗"
	case StepSending:
		return "?"
	}
	return "·"
}

// StepRecord is one Op of a run: what it replaced (Before, recorded before
// it was sent), what it left (After), how to undo it, and how it went.
type StepRecord struct {
	Op       Op         `json:"op"`
	Before   State      `json:"before,omitempty"`
	After    State      `json:"after,omitempty"`
	Undo     []Op       `json:"undo,omitempty"`
	NoUndo   string     `json:"noUndo,omitempty"`
	Status   StepStatus `json:"status"`
	Error    string     `json:"error,omitempty"`
	Attempts int        `json:"attempts,omitempty"`
	Started  time.Time  `json:"started,omitzero"`
	Finished time.Time  `json:"finished,omitzero"`
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
}

// Status summarises the entry: done, failed (some step failed), partial
// (stopped with steps not run, e.g. interrupted), or undone.
func (e *Entry) Status() string {
	if e.UndoneBy != "" {
		return "undone"
	}
	status := "done"
	for _, s := range e.Steps {
		switch s.Status {
		case StepFailed:
			return "failed"
		case StepSending:
			return "interrupted"
		case StepNotRun:
			status = "partial"
		}
	}
	return status
}

// Undoable reports whether the run may have changed something (a step was
// done, or was being sent when the run stopped) and is not undone yet.
func (e *Entry) Undoable() bool {
	if e.UndoneBy != "" {
		return false
	}
	for _, s := range e.Steps {
		if s.Status == StepDone || s.Status == StepSending {
			return true
		}
	}
	return false
}

// Journal stores entries as one JSON file each under Dir.
type Journal struct {
	Dir string
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

// Load reads one entry.
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
	return &e, nil
}

// List returns every entry, newest first. A missing directory is an empty
// journal.
func (j *Journal) List() ([]*Entry, error) {
	names, err := filepath.Glob(filepath.Join(j.Dir, "*.json"))
	if err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	var out []*Entry
	for _, n := range names {
		e, err := j.Load(strings.TrimSuffix(filepath.Base(n), ".json"))
		if err != nil {
			return nil, err
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
	return out, nil
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
