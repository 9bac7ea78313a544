package find_test

import (
	"context"
	"fmt"
	"runtime"
	"runtime/metrics"
	"sync"
	"testing"
	"time"

	"github.com/sagerole/sagerole/awsops"
	"github.com/sagerole/sagerole/awsops/sandbox"
	"github.com/sagerole/sagerole/flows/find"
	"github.com/sagerole/sagerole/flows/pool"
)

// benchLatency is what every call of the benchmarks costs, as a call to
// SageMaker from nearby does.
const benchLatency = 20 * time.Millisecond

// benchAccount is the seed account plus a domain of n user profiles and n
// spaces (addDomain), answering every call after benchLatency and paging
// its lists as SageMaker does (10 unless asked, 100 at most).
func benchAccount(b *testing.B, n int, opts sandbox.Options) *sandbox.Account {
	b.Helper()
	opts.Latency = benchLatency
	a := newSandbox(b, opts)
	addDomain(b, a, n)
	return a
}

// adminScript is the baseline: the loop an admin scripts today with the
// AWS CLI, one call after another at the service's default page size —
// list-domains, describe-domain, list-user-profiles, describe-user-profile
// per profile, list-spaces, describe-space per space. It returns how many
// identities it read.
func adminScript(ctx context.Context, r awsops.Reader) (int, error) {
	domains, err := r.ListDomains(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, d := range domains {
		if _, err := r.DescribeDomain(ctx, d.ID); err != nil {
			return 0, err
		}
		users, err := awsops.AllPages(ctx, 0, func(ctx context.Context, q awsops.PageQuery) ([]awsops.UserProfile, string, error) {
			return r.ListUserProfilesPage(ctx, d.ID, q)
		})
		if err != nil {
			return 0, err
		}
		for _, u := range users {
			if _, err := r.DescribeUserProfile(ctx, d.ID, u.Name); err != nil {
				return 0, err
			}
		}
		spaces, err := awsops.AllPages(ctx, 0, func(ctx context.Context, q awsops.PageQuery) ([]awsops.Space, string, error) {
			return r.ListSpacesPage(ctx, d.ID, q)
		})
		if err != nil {
			return 0, err
		}
		for _, s := range spaces {
			if _, err := r.DescribeSpace(ctx, d.ID, s.Name); err != nil {
				return 0, err
			}
		}
		n += len(users) + len(spaces)
	}
	return n, nil
}

// peaks samples the goroutines and the live heap while a run goes on, and
// reports the most of each above what there was before it.
type peaks struct {
	stop              chan struct{}
	done              sync.WaitGroup
	baseG, maxG       int
	baseHeap, maxHeap uint64
	sample            []metrics.Sample
}

func startPeaks() *peaks {
	p := &peaks{stop: make(chan struct{}), sample: []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}}
	runtime.GC()
	p.baseG, p.baseHeap = runtime.NumGoroutine(), p.heap()
	p.maxG, p.maxHeap = p.baseG, p.baseHeap
	p.done.Go(func() {
		t := time.NewTicker(2 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-p.stop:
				return
			case <-t.C:
				p.maxG = max(p.maxG, runtime.NumGoroutine())
				p.maxHeap = max(p.maxHeap, p.heap())
			}
		}
	})
	return p
}

func (p *peaks) heap() uint64 {
	metrics.Read(p.sample)
	return p.sample[0].Value.Uint64()
}

// report stops sampling and reports the peaks (the sampler itself not
// counted).
func (p *peaks) report(b *testing.B) {
	close(p.stop)
	p.done.Wait()
	b.ReportMetric(float64(p.maxG-p.baseG-1), "peak-goroutines")
	b.ReportMetric(float64(p.maxHeap-p.baseHeap)/(1<<20), "peak-heap-MB")
}

func totalCalls(a *sandbox.Account) int {
	n := 0
	for _, c := range a.Calls() {
		n += c
	}
	return n
}

// BenchmarkInventory reads a domain of N user profiles and N spaces (and
// the seed's two small domains and notebook instances) at 20 ms a call,
// paged as SageMaker pages, three ways in one run:
//
//   - way=admin-script: the serial loop of AWS CLI calls an admin writes;
//   - way=find: `sagerole find` with its defaults (pool.Default in flight);
//   - way=find-throttled: the same with every Describe* throttled past 40
//     a second (ThrottlingException), which must finish with no error.
//
// Each reports calls/identity (every API call, role checks and apps
// included), peak-goroutines and peak-heap-MB besides the time. The
// admin script at N=5000 takes about 4 minutes an iteration: run with
// -benchtime 1x, and compare with benchstat -col /way. Measured on 2 vCPUs
// (-count 6, benchstat medians):
//
//	N      admin-script      find                       find-throttled
//	100    5.02 s  1.13/id   0.147 s (34×) 0.62/id      2.78 s  0.92/id
//	1000   45.6 s  1.10/id   0.800 s (57×) 0.52/id      25.3 s  0.65/id
//	5000   234 s   1.10/id   3.75 s  (63×) 0.51/id      125 s   0.62/id
//
// find keeps 32 goroutines whatever N; throttled, it runs at the 40 a
// second the throttle allows (5,007 describes in 125 s), with no error.
func BenchmarkInventory(b *testing.B) {
	ctx := context.Background()
	for _, n := range []int{100, 1000, 5000} {
		a := benchAccount(b, n, sandbox.Options{})
		throttled := benchAccount(b, n, sandbox.Options{RateLimits: map[string]float64{"sagemaker:Describe*": 40}})
		b.Run(fmt.Sprintf("n=%d/way=admin-script", n), func(b *testing.B) {
			b.ReportAllocs()
			before, ids := totalCalls(a), 0
			p := startPeaks()
			for b.Loop() {
				var err error
				if ids, err = adminScript(ctx, a); err != nil {
					b.Fatal(err)
				}
			}
			p.report(b)
			b.ReportMetric(float64(totalCalls(a)-before)/float64(b.N)/float64(ids), "calls/identity")
		})
		for _, c := range []struct {
			way string
			a   *sandbox.Account
		}{{"find", a}, {"find-throttled", throttled}} {
			b.Run(fmt.Sprintf("n=%d/way=%s", n, c.way), func(b *testing.B) {
				b.ReportAllocs()
				before, ids, throttles := totalCalls(c.a), 0, 0
				p := startPeaks()
				for b.Loop() {
					lim := pool.New(pool.Default)
					tree, err := find.NewSession(c.a, lim).Inventory(ctx, find.Options{})
					if err != nil {
						b.Fatal(err)
					}
					if w := tree.Incomplete(); len(w) > 0 {
						b.Fatalf("%d items could not be read, first: %s", len(w), w[0])
					}
					ids = 0
					for _, d := range tree.Domains {
						ids += len(d.Users) + len(d.Spaces)
					}
					throttles += lim.Stats().Throttled
				}
				p.report(b)
				b.ReportMetric(float64(totalCalls(c.a)-before)/float64(b.N)/float64(ids), "calls/identity")
				b.ReportMetric(float64(throttles)/float64(b.N), "throttled-calls")
			})
		}
	}
}

// BenchmarkRenderTree measures rendering a 2,000-identity tree as text.
func BenchmarkRenderTree(b *testing.B) {
	a := newSandbox(b, sandbox.Options{})
	addDomain(b, a, 1000)
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
