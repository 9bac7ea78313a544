package tui

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/sagerole/sagerole/awsops"
)

// errStopped is the error of the step a run stopped before: it was never
// sent (awsops.ErrNotSent), so there is nothing to read back.
var errStopped = fmt.Errorf("%w: the run was stopped (ctrl+c) before this step", awsops.ErrNotSent)

// gate lets the user stop a run between writes, never during one: a write
// that has started is left to finish (cancelling it would leave AWS in a
// state nobody knows), and the next one is refused before it is sent.
type gate struct {
	mu      sync.Mutex
	stopped bool
	ch      chan struct{}
}

func newGate() *gate { return &gate{ch: make(chan struct{})} }

// stop asks the run to stop before its next write.
func (g *gate) stop() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if !g.stopped {
		g.stopped = true
		close(g.ch)
	}
}

func (g *gate) check() error {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.stopped {
		return errStopped
	}
	return nil
}

// sleep waits between retries like inner (a real timer when nil), and ends
// the wait at once when the user stops the run: nothing is in flight then.
func (g *gate) sleep(inner func(context.Context, time.Duration) error) func(context.Context, time.Duration) error {
	return func(ctx context.Context, d time.Duration) error {
		if err := g.check(); err != nil {
			return err
		}
		if inner != nil {
			done := make(chan error, 1)
			go func() { done <- inner(ctx, d) }()
			select {
			case err := <-done:
				return err
			case <-g.ch:
				return errStopped
			}
		}
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-t.C:
			return nil
		case <-g.ch:
			return errStopped
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// gatedBackend passes reads through and asks the gate before every write.
// Like awsops.DryRun it embeds only the Reader and implements each write
// itself, so that a write added to the interface fails to compile here
// instead of slipping past the gate.
type gatedBackend struct {
	awsops.Reader
	w      awsops.Backend
	region string
	g      *gate
}

var _ awsops.Backend = gatedBackend{}

func gated(b awsops.Backend, g *gate) gatedBackend {
	return gatedBackend{Reader: b, w: b, region: b.Region(), g: g}
}

func (b gatedBackend) Region() string { return b.region }

func (b gatedBackend) CreateRole(ctx context.Context, in awsops.CreateRoleInput) (awsops.Role, error) {
	if err := b.g.check(); err != nil {
		return awsops.Role{}, err
	}
	return b.w.CreateRole(ctx, in)
}

func (b gatedBackend) DeleteRole(ctx context.Context, name string) error {
	if err := b.g.check(); err != nil {
		return err
	}
	return b.w.DeleteRole(ctx, name)
}

func (b gatedBackend) UpdateTrustPolicy(ctx context.Context, role, doc string) error {
	if err := b.g.check(); err != nil {
		return err
	}
	return b.w.UpdateTrustPolicy(ctx, role, doc)
}

func (b gatedBackend) AttachRolePolicy(ctx context.Context, role, arn string) error {
	if err := b.g.check(); err != nil {
		return err
	}
	return b.w.AttachRolePolicy(ctx, role, arn)
}

func (b gatedBackend) DetachRolePolicy(ctx context.Context, role, arn string) error {
	if err := b.g.check(); err != nil {
		return err
	}
	return b.w.DetachRolePolicy(ctx, role, arn)
}

func (b gatedBackend) PutRolePolicy(ctx context.Context, role, name, doc string) error {
	if err := b.g.check(); err != nil {
		return err
	}
	return b.w.PutRolePolicy(ctx, role, name, doc)
}

func (b gatedBackend) DeleteRolePolicy(ctx context.Context, role, name string) error {
	if err := b.g.check(); err != nil {
		return err
	}
	return b.w.DeleteRolePolicy(ctx, role, name)
}

func (b gatedBackend) TagRole(ctx context.Context, role string, tags []awsops.Tag) error {
	if err := b.g.check(); err != nil {
		return err
	}
	return b.w.TagRole(ctx, role, tags)
}

func (b gatedBackend) UntagRole(ctx context.Context, role string, keys []string) error {
	if err := b.g.check(); err != nil {
		return err
	}
	return b.w.UntagRole(ctx, role, keys)
}

func (b gatedBackend) CreateBucket(ctx context.Context, bucket, region string) error {
	if err := b.g.check(); err != nil {
		return err
	}
	return b.w.CreateBucket(ctx, bucket, region)
}

func (b gatedBackend) DeleteBucket(ctx context.Context, bucket string) error {
	if err := b.g.check(); err != nil {
		return err
	}
	return b.w.DeleteBucket(ctx, bucket)
}

func (b gatedBackend) UpdateDomainRoles(ctx context.Context, domainID string, roles awsops.DomainRoles) error {
	if err := b.g.check(); err != nil {
		return err
	}
	return b.w.UpdateDomainRoles(ctx, domainID, roles)
}

func (b gatedBackend) UpdateUserProfileRole(ctx context.Context, domainID, name, roleARN string) error {
	if err := b.g.check(); err != nil {
		return err
	}
	return b.w.UpdateUserProfileRole(ctx, domainID, name, roleARN)
}

func (b gatedBackend) UpdateNotebookInstanceRole(ctx context.Context, name, roleARN string) error {
	if err := b.g.check(); err != nil {
		return err
	}
	return b.w.UpdateNotebookInstanceRole(ctx, name, roleARN)
}

func (b gatedBackend) StopNotebookInstance(ctx context.Context, name string) error {
	if err := b.g.check(); err != nil {
		return err
	}
	return b.w.StopNotebookInstance(ctx, name)
}

func (b gatedBackend) StartNotebookInstance(ctx context.Context, name string) error {
	if err := b.g.check(); err != nil {
		return err
	}
	return b.w.StartNotebookInstance(ctx, name)
}

func (b gatedBackend) DeleteApp(ctx context.Context, app awsops.AppRef) error {
	if err := b.g.check(); err != nil {
		return err
	}
	return b.w.DeleteApp(ctx, app)
}

func (b gatedBackend) CreateApp(ctx context.Context, app awsops.AppRef, spec awsops.ResourceSpec) error {
	if err := b.g.check(); err != nil {
		return err
	}
	return b.w.CreateApp(ctx, app, spec)
}
