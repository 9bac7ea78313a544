package demo

import (
	"testing"
	"time"

	"github.com/sagerole/sagerole/awsops"
)

func TestClockStepsOnEachReading(t *testing.T) {
	c := NewClock(Epoch, RunStep)
	for i := range 3 {
		if got, want := c.Now(), Epoch.Add(time.Duration(i)*RunStep); !got.Equal(want) {
			t.Fatalf("reading %d: %s, want %s", i+1, got, want)
		}
	}
}

func TestIDsRepeatPerSeedAndStream(t *testing.T) {
	at := Epoch
	a, b, other := IDs(Seed, 1), IDs(Seed, 1), IDs(Seed, 2)
	seen := map[string]bool{}
	differs := false
	for range 50 {
		x, y, z := a(at), b(at), other(at)
		if x != y {
			t.Fatalf("one seed and stream gave %s, then %s", x, y)
		}
		if len(x) != len(awsops.NewEntryID(at)) || x[:17] != "20260115T090000Z-" {
			t.Fatalf("id %s is not shaped as NewEntryID's", x)
		}
		if seen[x] {
			t.Fatalf("id %s twice in 50", x)
		}
		seen[x] = true
		differs = differs || x != z
	}
	if !differs {
		t.Error("two streams gave the same ids")
	}
}

func TestStartGoesOnAfterTheBackendsRuns(t *testing.T) {
	at := func(h, m, s int) time.Time { return time.Date(2026, 1, 15, h, m, s, 0, time.UTC) }
	entries := []*awsops.Entry{
		{Backend: "sandbox:/a", Time: at(9, 0, 0), Steps: []awsops.StepRecord{{Started: at(9, 0, 1), Finished: at(9, 3, 30)}}},
		{Backend: "sandbox:/b", Time: at(11, 0, 0)},
		{Backend: "aws", Time: at(12, 0, 0)},
	}
	tests := []struct {
		backend string
		want    time.Time
	}{
		{"sandbox:/a", at(9, 4, 0)},  // the minute after its last step ended
		{"sandbox:/b", at(11, 1, 0)}, // its own runs only
		{"sandbox", Epoch},           // none of its own
	}
	for _, tt := range tests {
		if got := Start(entries, tt.backend); !got.Equal(tt.want) {
			t.Errorf("Start(%s) = %s, want %s", tt.backend, got, tt.want)
		}
	}
	if got := Start([]*awsops.Entry{{Backend: "sandbox", Time: Epoch.Add(-time.Hour)}}, "sandbox"); !got.Equal(Epoch) {
		t.Errorf("a run before the epoch: Start = %s, want the epoch", got)
	}
}
