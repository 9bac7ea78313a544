// Package demo is the sandbox's deterministic demo mode: a fixed clock and
// seeded journal entry ids, so that a scripted session (a VHS tape) shows
// the same screens on every run: the same entry ids, run times, "Created"
// dates and step timings.
//
// main turns it on for the sandbox only; nothing here is wired into a run
// on a real account.
package demo

import (
	"encoding/hex"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/sagerole/sagerole/awsops"
)

// Epoch is where the clock starts on an account with no journaled run:
// the day of the sandbox's seed.
var Epoch = time.Date(2026, 1, 15, 9, 0, 0, 0, time.UTC)

const (
	// RunStep is how far the run clock moves at each reading: an entry's
	// time, each step's start and end, each thing the sandbox creates.
	RunStep = time.Second
	// ScreenStep is how far the wizard's clock moves at each reading: each
	// step of a run shows as taking this long.
	ScreenStep = 300 * time.Millisecond
	// Seed seeds the entry ids; the clock's start picks the stream, so that
	// the runs of two commands on one account do not share their digits.
	Seed uint64 = 17
)

// Clock is a deterministic clock: it starts at a given time and moves on
// a fixed step at each reading, however long the reader really took.
type Clock struct {
	mu   sync.Mutex
	t    time.Time
	step time.Duration
}

// NewClock returns a clock whose first reading is start.
func NewClock(start time.Time, step time.Duration) *Clock {
	return &Clock{t: start.UTC(), step: step}
}

// Now returns the clock's time and moves it on one step.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := c.t
	c.t = c.t.Add(c.step)
	return t
}

// IDs returns a maker of entry ids shaped as awsops.NewEntryID makes them
// (UTC time, then six hex digits), the digits drawn from a generator
// seeded with seed and stream instead of crypto/rand.
func IDs(seed, stream uint64) func(time.Time) string {
	var mu sync.Mutex
	r := rand.New(rand.NewPCG(seed, stream))
	return func(t time.Time) string {
		mu.Lock()
		v := r.Uint32()
		mu.Unlock()
		b := []byte{byte(v >> 16), byte(v >> 8), byte(v)}
		return t.UTC().Format("20060102T150405Z") + "-" + hex.EncodeToString(b)
	}
}

// Start is where the clock of a run on backend starts: Epoch when the
// journal holds no run on it, else the minute after the latest time one of
// its runs recorded. So a second command on the same sandbox state file
// (a tape that sets its account up from the command line first) goes on
// after the first, the same way every time.
func Start(entries []*awsops.Entry, backend string) time.Time {
	var latest time.Time
	for _, e := range entries {
		if e.Backend != backend {
			continue
		}
		latest = later(latest, e.Time)
		for _, s := range e.Steps {
			latest = later(later(latest, s.Started), s.Finished)
		}
	}
	if latest.IsZero() || latest.Before(Epoch) {
		return Epoch
	}
	return latest.UTC().Truncate(time.Minute).Add(time.Minute)
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// Mode is the demo mode of one invocation.
type Mode struct {
	// Run stamps journal entries and their steps, and what the sandbox
	// creates: a role made in a run is created within the run's minute.
	Run *Clock
	// Screen is the wizard's clock of elapsed times.
	Screen *Clock
	// IDs makes the entry ids.
	IDs func(time.Time) string
}

// New is the demo mode of a run on backend ("sandbox", "sandbox:FILE")
// whose journal is j: the clocks start where Start says.
func New(j *awsops.Journal, backend string) (*Mode, error) {
	entries, _, err := j.Scan()
	if err != nil {
		return nil, err
	}
	start := Start(entries, backend)
	return &Mode{Run: NewClock(start, RunStep), Screen: NewClock(start, ScreenStep), IDs: IDs(Seed, uint64(start.Unix()))}, nil
}

// Stamp makes j stamp its entries with the demo's clock and ids.
func (m *Mode) Stamp(j *awsops.Journal) {
	j.Clock, j.IDs = m.Run.Now, m.IDs
}
