package awsops_test

import (
	"context"
	"testing"
	"time"

	"github.com/sagerole/sagerole/awsops"
	"github.com/sagerole/sagerole/awsops/sandbox"
)

// A journal's clock stamps the entry and its steps when the executor has
// none, and its id maker names the entry; an id that an entry already has
// is drawn again, so that a generator that starts over each process (the
// demo mode's) never overwrites an earlier run.
func TestJournalClockAndIDs(t *testing.T) {
	start := time.Date(2026, 1, 15, 9, 0, 0, 0, time.UTC)
	tick := start
	clock := func() time.Time { t := tick; tick = tick.Add(time.Second); return t }
	n := 0
	// The first two ids it gives are the same: the second must be skipped.
	ids := func(at time.Time) string {
		n++
		if n <= 2 {
			return at.Format("20060102T150405Z") + "-aaaaaa"
		}
		return at.Format("20060102T150405Z") + "-bbbbbb"
	}
	j := &awsops.Journal{Dir: t.TempDir(), Clock: clock, IDs: ids}
	acct := newSandbox(t, sandbox.Options{})
	plan := func(name string) awsops.Plan {
		return awsops.Plan{Command: "create-role " + name, Steps: []awsops.Op{
			awsops.CreateRoleOp(awsops.CreateRoleInput{Name: name, TrustPolicy: trustDoc})}}
	}
	var got []*awsops.Entry
	for _, name := range []string{"clock-role-1", "clock-role-2"} {
		// Both runs at the same second, so the ids would collide.
		tick = start
		x := &awsops.Executor{Backend: acct, Journal: j, Account: "111122223333", BackendName: "sandbox"}
		e, err := x.Run(context.Background(), plan(name))
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, e)
	}
	if got[0].ID != "20260115T090000Z-aaaaaa" || got[1].ID != "20260115T090000Z-bbbbbb" {
		t.Fatalf("ids %s and %s; want the id maker's, the repeat drawn again", got[0].ID, got[1].ID)
	}
	e := got[0]
	if !e.Time.Equal(start) || !e.Steps[0].Started.After(e.Time) || !e.Steps[0].Finished.After(e.Steps[0].Started) ||
		e.Steps[0].Finished.After(start.Add(10*time.Second)) {
		t.Errorf("entry at %s, step %s–%s: not the journal's clock", e.Time, e.Steps[0].Started, e.Steps[0].Finished)
	}
	entries, _, err := j.Scan()
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 2 {
		t.Fatalf("%d entries on disk, want 2: one overwrote the other", len(entries))
	}
}
