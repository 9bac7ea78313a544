package pool

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sagerole/sagerole/awsops"
)

var throttled = awsops.NewError("sagemaker:DescribeUserProfile", "ThrottlingException", "Rate exceeded")

func noPause(int) time.Duration { return 0 }

// inFlight counts calls in flight and the most seen at once.
type inFlight struct {
	now, most atomic.Int32
}

func (f *inFlight) enter() func() {
	n := f.now.Add(1)
	for m := f.most.Load(); n > m && !f.most.CompareAndSwap(m, n); m = f.most.Load() {
	}
	return func() { f.now.Add(-1) }
}

func TestLimiterBound(t *testing.T) {
	l := New(5)
	var f inFlight
	var wg sync.WaitGroup
	for range 50 {
		wg.Go(func() {
			_ = l.Do(context.Background(), func(context.Context) error {
				defer f.enter()()
				time.Sleep(time.Millisecond)
				return nil
			})
		})
	}
	wg.Wait()
	if m := f.most.Load(); m > 5 || m < 2 {
		t.Errorf("%d calls in flight at most, want 2..5", m)
	}
	if st := l.Stats(); st.Calls != 50 || st.Throttled != 0 || st.Peak > 5 {
		t.Errorf("stats = %+v", st)
	}
}

// TestLimiterAdapts: throttling halves the limit, once per wave of calls
// in flight; calls that then come back fine grow it back to the ceiling;
// the throttled calls are made again and succeed.
func TestLimiterAdapts(t *testing.T) {
	l := New(16)
	l.SetRetry(noPause, time.Minute)
	ctx := context.Background()

	// A wave: 16 calls in flight, all throttled once. One cut, not 16.
	var start, wave sync.WaitGroup
	start.Add(16)
	wave.Add(16)
	var tries sync.Map
	for i := range 16 {
		go func() {
			defer wave.Done()
			first := true
			err := l.Do(ctx, func(context.Context) error {
				if first {
					first = false
					start.Done()
					start.Wait() // all 16 in flight before any comes back
					return throttled
				}
				tries.Store(i, true)
				return nil
			})
			if err != nil {
				t.Errorf("call %d: %v", i, err)
			}
		}()
	}
	wave.Wait()
	st := l.Stats()
	if st.Throttled != 16 || st.Retries != 16 || st.MinLimit != 8 {
		t.Errorf("after one throttled wave: %+v, want 16 throttled, 16 retries, limit cut once to 8", st)
	}
	n := 0
	tries.Range(func(any, any) bool { n++; return true })
	if n != 16 {
		t.Errorf("%d of 16 throttled calls were made again and succeeded", n)
	}

	// Calls one after another: each throttled one cuts (it started after
	// the cut before), down to 1 and never below.
	for range 6 {
		_ = l.Do(ctx, func() func(context.Context) error {
			first := true
			return func(context.Context) error {
				if first {
					first = false
					return throttled
				}
				return nil
			}
		}())
	}
	// The wave's 16 successes grew 8 to 9; then each call cuts: 9→4→2→1,
	// and a success between two throttled calls is no reason to grow.
	if got := l.Limit(); got != 1 {
		t.Errorf("limit = %d after serial throttling, want 1", got)
	}
	if st := l.Stats(); st.MinLimit != 1 {
		t.Errorf("min limit = %d, want 1", st.MinLimit)
	}

	// No more throttling: back to the ceiling.
	for range 200 {
		if err := l.Do(ctx, func(context.Context) error { return nil }); err != nil {
			t.Fatal(err)
		}
	}
	if got := l.Limit(); got != 16 {
		t.Errorf("limit = %d after 200 unthrottled calls, want the ceiling 16", got)
	}
}

// TestLimiterGivesUp: a call throttled every time is made again until the
// pauses reach the give-up time, then its throttling error comes back.
// Other errors are not retried.
func TestLimiterGivesUp(t *testing.T) {
	l := New(4)
	l.SetRetry(func(int) time.Duration { return time.Millisecond }, 5*time.Millisecond)
	calls := 0
	err := l.Do(context.Background(), func(context.Context) error { calls++; return throttled })
	if awsops.KindOf(err) != awsops.KindThrottled || calls != 6 {
		t.Errorf("err = %v after %d calls, want the throttling error after 6 (5 pauses of 1 ms)", err, calls)
	}
	denied := awsops.NewError("iam:GetRole", "AccessDenied", "no")
	calls = 0
	if err := l.Do(context.Background(), func(context.Context) error { calls++; return denied }); !errors.Is(err, denied) || calls != 1 {
		t.Errorf("err = %v after %d calls, want AccessDenied after 1", err, calls)
	}
}

// TestLimiterCancel: a call waiting for a slot ends with the context, and
// gives back no slot it did not have.
func TestLimiterCancel(t *testing.T) {
	l := New(1)
	hold := make(chan struct{})
	held := make(chan struct{})
	go func() {
		_ = l.Do(context.Background(), func(context.Context) error { close(held); <-hold; return nil })
	}()
	<-held
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	if err := l.Do(ctx, func(context.Context) error { t.Error("ran without a slot"); return nil }); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v", err)
	}
	close(hold)
	ran := false
	if err := l.Do(context.Background(), func(context.Context) error { ran = true; return nil }); err != nil || !ran {
		t.Errorf("the slot was not given back: %v", err)
	}
}

// TestGroup: every task runs, tasks added by tasks too, on no more
// goroutines than the ceiling; GoFirst goes ahead of what is queued.
func TestGroup(t *testing.T) {
	l := New(3)
	g := l.Group(context.Background())
	var f inFlight
	var ran atomic.Int32
	for range 100 {
		g.Go(func(context.Context) {
			defer f.enter()()
			ran.Add(1)
			time.Sleep(100 * time.Microsecond)
		})
	}
	g.Go(func(context.Context) {
		g.Go(func(context.Context) { ran.Add(1) })
	})
	g.Wait()
	if ran.Load() != 101 {
		t.Errorf("%d tasks ran, want 101", ran.Load())
	}
	if m := f.most.Load(); m > 3 {
		t.Errorf("%d tasks ran at once on a group of 3", m)
	}

	one := New(1)
	g = one.Group(context.Background())
	var order []string
	block, started := make(chan struct{}), make(chan struct{})
	g.Go(func(context.Context) { close(started); <-block })
	<-started
	g.Go(func(context.Context) { order = append(order, "a") })
	g.Go(func(context.Context) { order = append(order, "b") })
	g.GoFirst(func(context.Context) { order = append(order, "first") })
	if q := g.Queued(); q != 3 {
		t.Errorf("queued = %d, want 3", q)
	}
	close(block)
	g.Wait()
	if len(order) != 3 || order[0] != "first" || order[1] != "a" || order[2] != "b" {
		t.Errorf("order = %v", order)
	}
}
