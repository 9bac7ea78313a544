// Package pool runs the AWS reads of a run with a bounded number in
// flight, and adapts that number to throttling: it halves it when a call
// is throttled, grows it back by one after each run of calls that were
// not, and retries a throttled call after a pause instead of failing it.
// One Limiter serves every read of an invocation (the --concurrency
// setting), so that the find tree, a change's impact preview, a blast
// radius and the bucket checks share one budget of calls.
package pool

import (
	"context"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/sagerole/sagerole/awsops"
)

const (
	// Default is how many calls are in flight unless --concurrency says
	// otherwise. SageMaker throttles Describe* per account; the limiter
	// backs off when it does, so the default can be where a large domain
	// is read fast (5,000 profiles in about 3 s at 20 ms a call).
	Default = 32
	// Max bounds --concurrency: beyond it SageMaker only throttles.
	Max = 64
)

// minStreak is the fewest unthrottled calls in a row that grow the limit:
// at a limit of 1 or 2, growing after every success or two would run
// straight back into the throttling.
const minStreak = 8

// Retry pauses: the first retry of a throttled call waits about
// firstPause, each next one twice as long up to maxPause; after
// giveUpAfter of pauses the throttling error is returned (and reported as
// that one item's, never the run's).
const (
	firstPause  = 50 * time.Millisecond
	maxPause    = 2 * time.Second
	giveUpAfter = 2 * time.Minute
)

// Limiter bounds the calls in flight. Its limit starts at its ceiling
// (the setting), halves when a call comes back throttled — once per wave:
// calls that started before the cut do not cut again — and grows by one
// after limit calls in a row (minStreak at least) come back unthrottled,
// up to the ceiling.
type Limiter struct {
	mu       sync.Mutex
	ceiling  int
	limit    int
	inFlight int
	streak   int    // unthrottled calls since the limit last changed
	epoch    uint64 // counts the cuts
	waiters  []*waiter
	stats    Stats

	// pause is the wait before retry n (1, 2, …) of a throttled call, and
	// giveUp the total of pauses after which it is not retried.
	pause  func(n int) time.Duration
	giveUp time.Duration
}

// Stats count what a limiter did, for tests and benchmarks.
type Stats struct {
	Calls     int // calls made, retries included
	Throttled int // calls that came back throttled
	Retries   int // calls made again after a throttled one
	MinLimit  int // the lowest the limit went
	Peak      int // the most calls in flight at once
}

type waiter struct {
	ready   chan struct{}
	granted bool
	epoch   uint64 // when it was granted
}

// New returns a limiter of n calls in flight; n < 1 is Default.
func New(n int) *Limiter {
	if n < 1 {
		n = Default
	}
	return &Limiter{ceiling: n, limit: n, stats: Stats{MinLimit: n}, pause: backoff, giveUp: giveUpAfter}
}

// backoff is exponential with jitter: calls throttled together do not all
// come back together.
func backoff(n int) time.Duration {
	d := firstPause << min(n-1, 10)
	d = min(d, maxPause)
	return d/2 + rand.N(d/2+1)
}

// SetRetry replaces the pauses between retries of a throttled call and the
// total pause after which it gives up (tests make them short).
func (l *Limiter) SetRetry(pause func(n int) time.Duration, giveUp time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.pause, l.giveUp = pause, giveUp
}

// Ceiling is the setting: the most calls ever in flight.
func (l *Limiter) Ceiling() int { return l.ceiling }

// Limit is how many calls may be in flight now.
func (l *Limiter) Limit() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.limit
}

// Stats returns the counts so far.
func (l *Limiter) Stats() Stats {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.stats
}

// Do makes call when a slot is free, and makes it again after a pause
// while it comes back throttled (awsops.KindThrottled), until the pauses
// add up to the give-up time. It returns the last call's error, or the
// context's when ctx ends first.
func (l *Limiter) Do(ctx context.Context, call func(context.Context) error) error {
	var paused time.Duration
	for n := 0; ; n++ {
		epoch, err := l.acquire(ctx)
		if err != nil {
			return err
		}
		err = call(ctx)
		throttled := awsops.KindOf(err) == awsops.KindThrottled
		l.release(epoch, throttled, n > 0)
		if !throttled || ctx.Err() != nil {
			return err
		}
		l.mu.Lock()
		d, giveUp := l.pause(n+1), l.giveUp
		l.mu.Unlock()
		if paused+d > giveUp {
			return err
		}
		paused += d
		if err := awsops.Sleep(ctx, d); err != nil {
			return err
		}
	}
}

// acquire waits for a slot; it returns the epoch the call starts in.
func (l *Limiter) acquire(ctx context.Context) (uint64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	l.mu.Lock()
	if l.inFlight < l.limit && len(l.waiters) == 0 {
		l.take()
		defer l.mu.Unlock()
		return l.epoch, nil
	}
	w := &waiter{ready: make(chan struct{})}
	l.waiters = append(l.waiters, w)
	l.mu.Unlock()
	select {
	case <-w.ready:
		l.mu.Lock()
		defer l.mu.Unlock()
		return w.epoch, nil
	case <-ctx.Done():
		l.mu.Lock()
		defer l.mu.Unlock()
		if w.granted {
			// Granted as ctx ended: hand the slot on.
			l.inFlight--
			l.grant()
		} else {
			for i, x := range l.waiters {
				if x == w {
					l.waiters = append(l.waiters[:i], l.waiters[i+1:]...)
					break
				}
			}
		}
		return 0, ctx.Err()
	}
}

// take counts a call into flight. Called with the lock held.
func (l *Limiter) take() {
	l.inFlight++
	l.stats.Calls++
	l.stats.Peak = max(l.stats.Peak, l.inFlight)
}

// release ends a call and adapts the limit to how it came back.
func (l *Limiter) release(epoch uint64, throttled, retry bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.inFlight--
	if retry {
		l.stats.Retries++
	}
	switch {
	case throttled:
		l.stats.Throttled++
		if epoch == l.epoch {
			l.limit = max(1, l.limit/2)
			l.epoch++
			l.streak = 0
			l.stats.MinLimit = min(l.stats.MinLimit, l.limit)
		}
	case l.limit < l.ceiling:
		if l.streak++; l.streak >= max(l.limit, minStreak) {
			l.limit++
			l.streak = 0
		}
	}
	l.grant()
}

// grant hands free slots to waiters, first come first served. Called with
// the lock held.
func (l *Limiter) grant() {
	for l.inFlight < l.limit && len(l.waiters) > 0 {
		w := l.waiters[0]
		l.waiters = l.waiters[1:]
		w.granted, w.epoch = true, l.epoch
		l.take()
		close(w.ready)
	}
}
