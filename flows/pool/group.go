package pool

import (
	"context"
	"sync"
)

// Group runs tasks on at most the limiter's ceiling of goroutines: tasks
// wait in a queue, not in goroutines of their own, so that 10,000 items to
// describe are 10,000 small closures, not 10,000 goroutines. A task may add
// tasks; Wait returns when every task, added ones included, has run.
type Group struct {
	ctx context.Context
	l   *Limiter

	mu      sync.Mutex
	first   []func(context.Context) // LIFO: work that reveals more work
	queue   []func(context.Context) // FIFO from head
	head    int
	workers int
	wg      sync.WaitGroup
}

// Group starts a group of tasks under ctx whose calls go through l.
func (l *Limiter) Group(ctx context.Context) *Group { return &Group{ctx: ctx, l: l} }

// Limiter is the group's limiter, for tasks to make their calls through.
func (g *Group) Limiter() *Limiter { return g.l }

// Go queues task behind the others.
func (g *Group) Go(task func(ctx context.Context)) { g.push(task, false) }

// GoFirst queues task ahead of the others: for a task that reveals more
// work (the next page of a list), so that the describes it feeds never run
// dry while the list is being read.
func (g *Group) GoFirst(task func(ctx context.Context)) { g.push(task, true) }

// Queued is how many tasks wait for a goroutine.
func (g *Group) Queued() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return len(g.first) + len(g.queue) - g.head
}

func (g *Group) push(task func(context.Context), first bool) {
	g.wg.Add(1)
	g.mu.Lock()
	defer g.mu.Unlock()
	if first {
		g.first = append(g.first, task)
	} else {
		g.queue = append(g.queue, task)
	}
	if g.workers < g.l.ceiling {
		g.workers++
		go g.work()
	}
}

// next takes the next task, or retires the goroutine when there is none.
func (g *Group) next() func(context.Context) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if n := len(g.first); n > 0 {
		t := g.first[n-1]
		g.first[n-1] = nil
		g.first = g.first[:n-1]
		return t
	}
	if g.head < len(g.queue) {
		t := g.queue[g.head]
		g.queue[g.head] = nil
		g.head++
		if g.head == len(g.queue) {
			g.queue, g.head = g.queue[:0], 0
		}
		return t
	}
	g.workers--
	return nil
}

func (g *Group) work() {
	for t := g.next(); t != nil; t = g.next() {
		t(g.ctx)
		g.wg.Done()
	}
}

// Wait waits until every task has run.
func (g *Group) Wait() { g.wg.Wait() }
