package sandbox

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/sagerole/sagerole/awsops"
)

func TestLatency(t *testing.T) {
	a := newAccountWith(t, Options{Latency: 30 * time.Millisecond})
	start := time.Now()
	if _, err := a.DescribeDomain(context.Background(), "d-research1"); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < 30*time.Millisecond {
		t.Fatalf("call took %v, want at least the latency", d)
	}

	// Calls overlap their latency, as real ones do.
	start = time.Now()
	var wg sync.WaitGroup
	for range 10 {
		wg.Go(func() { _, _ = a.ListDomains(context.Background()) })
	}
	wg.Wait()
	if d := time.Since(start); d > 250*time.Millisecond {
		t.Fatalf("10 parallel calls took %v: latency is served under the lock", d)
	}

	slow := newAccountWith(t, Options{Latency: time.Hour})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	_, err := slow.GetRole(ctx, "Admin")
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("error = %v, want the context's", err)
	}
	done, cancelNow := context.WithCancel(context.Background())
	cancelNow()
	if err := newAccount(t).CreateBucket(done, "never-made", ""); !errors.Is(err, context.Canceled) {
		t.Fatalf("a cancelled context must stop the call: %v", err)
	}
}

func TestFaults(t *testing.T) {
	ctx := context.Background()
	t.Run("first N calls fail, then the API works", func(t *testing.T) {
		a := newAccountWith(t, Options{Faults: map[string]Fault{
			awsops.APIPutRolePolicy: {Code: "Throttling", Message: "Rate exceeded", Times: 2},
		}})
		for i := range 2 {
			err := a.PutRolePolicy(ctx, "LambdaBasic", "p", s3Policy)
			wantErr(t, err, "Throttling", "Rate exceeded")
			if awsops.KindOf(err) != awsops.KindThrottled {
				t.Fatalf("call %d: kind %v", i+1, awsops.KindOf(err))
			}
			if _, err := a.GetRolePolicy(ctx, "LambdaBasic", "p"); !awsops.IsNotFound(err) {
				t.Fatalf("a faulted write changed the account: %v", err)
			}
		}
		if err := a.PutRolePolicy(ctx, "LambdaBasic", "p", s3Policy); err != nil {
			t.Fatalf("third call: %v", err)
		}
		if got := a.Calls()[awsops.APIPutRolePolicy]; got != 3 {
			t.Fatalf("calls = %d", got)
		}
	})
	t.Run("always, on a read", func(t *testing.T) {
		a := newAccountWith(t, Options{Faults: map[string]Fault{"sagemaker:DescribeUserProfile": {}}})
		for range 3 {
			_, err := a.DescribeUserProfile(ctx, "d-research1", "alice")
			wantErr(t, err, "InternalFailure", "fault injected")
		}
		if _, err := a.DescribeDomain(ctx, "d-research1"); err != nil {
			t.Fatalf("other APIs are unaffected: %v", err)
		}
	})
	t.Run("a given error", func(t *testing.T) {
		boom := errors.New("boom")
		a := newAccountWith(t, Options{Faults: map[string]Fault{"sagemaker:*": {Err: boom, Times: 1}}})
		if _, err := a.ListDomains(ctx); !errors.Is(err, boom) {
			t.Fatalf("error = %v", err)
		}
		if _, err := a.ListDomains(ctx); err != nil {
			t.Fatalf("second call: %v", err)
		}
	})
	t.Run("most specific key wins; SetFault and ClearFaults", func(t *testing.T) {
		a := newAccountWith(t, Options{Faults: map[string]Fault{"*": {Code: "AccessDenied"}}})
		a.SetFault(awsops.APICreateBucket, Fault{Code: "SlowDown", Times: 1})
		wantErr(t, a.CreateBucket(ctx, "faulty-bucket", ""), "SlowDown", "")
		if err := a.CreateBucket(ctx, "faulty-bucket", ""); err != nil {
			t.Fatalf("after its own fault ran out: %v", err)
		}
		_, err := a.GetRole(ctx, "Admin")
		wantErr(t, err, "AccessDenied", "")
		a.ClearFaults()
		if _, err := a.GetRole(ctx, "Admin"); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("the caller's map is copied", func(t *testing.T) {
		faults := map[string]Fault{}
		a := newAccountWith(t, Options{Faults: faults})
		faults["*"] = Fault{}
		if _, err := a.GetRole(ctx, "Admin"); err != nil {
			t.Fatal(err)
		}
	})
}

// TestConcurrency is for go test -race: an inventory describes everything
// from many goroutines while writes and faults go on.
func TestConcurrency(t *testing.T) {
	ctx := context.Background()
	a := newAccountWith(t, Options{Faults: map[string]Fault{"sagemaker:DescribeSpace": {Code: "ThrottlingException", Times: 50}}})
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Go(func() {
			for j := range 20 {
				_, _ = a.DescribeDomain(ctx, "d-research1")
				_, _ = a.DescribeUserProfile(ctx, "d-research1", "alice")
				_, _ = a.DescribeSpace(ctx, "d-research1", "alice-lab")
				_, _ = a.ListApps(ctx, "d-research1")
				_, _ = a.GetRole(ctx, "Admin")
				_, _ = a.ListRoles(ctx, "/")
				if j%5 == 0 {
					_ = a.UpdateUserProfileRole(ctx, "d-research1", "alice", bobRole)
					_ = a.CreateBucket(ctx, fmt.Sprintf("race-%d-%d", i, j), "")
					_ = a.TagRole(ctx, "LambdaBasic", []awsops.Tag{{Key: fmt.Sprintf("k%d", i), Value: "v"}})
				}
			}
		})
	}
	wg.Wait()
	if n := a.Calls()["sagemaker:DescribeSpace"]; n != 16*20 {
		t.Fatalf("DescribeSpace calls = %d", n)
	}
	buckets, _ := a.ListBuckets(ctx)
	if len(buckets) != 8+16*4 {
		t.Fatalf("%d buckets", len(buckets))
	}
}
