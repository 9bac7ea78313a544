package find_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/sagerole/sagerole/awsops"
	"github.com/sagerole/sagerole/awsops/sandbox"
	"github.com/sagerole/sagerole/flows/find"
	"github.com/sagerole/sagerole/flows/pool"
)

// benchAccount is the seed account plus a domain of 1,000 user profiles
// (every other one with a role of its own) and 1,000 spaces (private, each
// owned by a user, and every fourth one shared), with latency on every call.
func benchAccount(b *testing.B, latency time.Duration) *sandbox.Account {
	b.Helper()
	a := newSandbox(b, sandbox.Options{Latency: latency})
	id, err := a.CreateDomain(context.Background(), "bench", researchARN, sharedARN)
	if err != nil {
		b.Fatal(err)
	}
	for i := range 1000 {
		role := ""
		if i%2 == 0 {
			role = restrictedARN
		}
		if err := a.AddUserProfile(id, fmt.Sprintf("user-%04d", i), role); err != nil {
			b.Fatal(err)
		}
	}
	for i := range 1000 {
		sharing, owner := awsops.SharingPrivate, fmt.Sprintf("user-%04d", i)
		if i%4 == 0 {
			sharing = awsops.SharingShared
		}
		if err := a.AddSpace(id, fmt.Sprintf("space-%04d", i), sharing, owner); err != nil {
			b.Fatal(err)
		}
	}
	return a
}

// serialLoop is the baseline: the same reads as Inventory, one call after
// another, as a plain loop would make them.
func serialLoop(ctx context.Context, r awsops.Reader) (users, spaces int, err error) {
	if _, err := r.CallerIdentity(ctx); err != nil {
		return 0, 0, err
	}
	domains, err := r.ListDomains(ctx)
	if err != nil {
		return 0, 0, err
	}
	roles := map[string]bool{}
	for _, ds := range domains {
		d, err := r.DescribeDomain(ctx, ds.ID)
		if err != nil {
			return 0, 0, err
		}
		roles[d.DefaultUserRole], roles[d.DefaultSpaceRole] = true, true
		list, err := r.ListUserProfiles(ctx, ds.ID)
		if err != nil {
			return 0, 0, err
		}
		for _, u := range list {
			full, err := r.DescribeUserProfile(ctx, ds.ID, u.Name)
			if err != nil {
				return 0, 0, err
			}
			roles[full.ExecutionRole] = true
			users++
		}
		sl, err := r.ListSpaces(ctx, ds.ID)
		if err != nil {
			return 0, 0, err
		}
		for _, s := range sl {
			if _, err := r.DescribeSpace(ctx, ds.ID, s.Name); err != nil {
				return 0, 0, err
			}
			spaces++
		}
		if _, err := r.ListApps(ctx, ds.ID); err != nil {
			return 0, 0, err
		}
	}
	nbs, err := r.ListNotebookInstances(ctx)
	if err != nil {
		return 0, 0, err
	}
	for _, n := range nbs {
		full, err := r.DescribeNotebookInstance(ctx, n.Name)
		if err != nil {
			return 0, 0, err
		}
		roles[full.RoleARN] = true
	}
	acct, _ := r.CallerIdentity(ctx)
	for arn := range roles {
		if arn != "" {
			find.CheckRole(ctx, r, acct.Account, arn)
		}
	}
	return users, spaces, nil
}

// BenchmarkInventory compares, in one run, a serial loop with the
// concurrent inventory over 1,000 users and 1,000 spaces with 20 ms of
// latency on every call. Each iteration takes seconds (the serial one about
// 40): run with -benchtime 1x. Measured on 2 vCPUs (-count 6, benchstat):
// serial-loop 41.35 s, concurrent-8 5.277 s (7.8x), concurrent-32 1.381 s
// (29.9x); concurrent-1 matches the serial loop, so the pool costs nothing.
func BenchmarkInventory(b *testing.B) {
	const latency = 20 * time.Millisecond
	a := benchAccount(b, latency)
	ctx := context.Background()
	b.Run("serial-loop", func(b *testing.B) {
		for b.Loop() {
			users, spaces, err := serialLoop(ctx, a)
			if err != nil {
				b.Fatal(err)
			}
			if users < 1000 || spaces < 1000 {
				b.Fatalf("read %d users and %d spaces", users, spaces)
			}
		}
	})
	for _, n := range []int{1, 8, pool.Default} {
		b.Run(fmt.Sprintf("concurrent-%d", n), func(b *testing.B) {
			for b.Loop() {
				tree, err := find.NewSession(a, pool.New(n)).Inventory(ctx, find.Options{})
				if err != nil {
					b.Fatal(err)
				}
				if len(tree.Warnings) > 3 {
					b.Fatalf("unexpected warnings: %q", tree.Warnings[:4])
				}
			}
		})
	}
}

// BenchmarkRenderTree measures rendering a 2,000-identity tree as text.
func BenchmarkRenderTree(b *testing.B) {
	a := benchAccount(b, 0)
	tree, err := find.NewSession(a, nil).Inventory(context.Background(), find.Options{})
	if err != nil {
		b.Fatal(err)
	}
	var sink countWriter
	for b.Loop() {
		if err := find.WriteTree(&sink, tree); err != nil {
			b.Fatal(err)
		}
	}
}

type countWriter int

func (c *countWriter) Write(p []byte) (int, error) { *c += countWriter(len(p)); return len(p), nil }
