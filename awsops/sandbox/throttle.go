package sandbox

import (
	"sort"
	"strings"
	"time"

	"github.com/sagerole/sagerole/awsops"
)

// bucket is a token bucket as AWS throttles with: rate tokens a second, at
// most burst saved up, one per call.
type bucket struct {
	rate, burst float64
	tokens      float64
	last        time.Time
}

func (b *bucket) take(now time.Time) bool {
	if b.last.IsZero() {
		b.tokens = b.burst
	} else {
		b.tokens = min(b.burst, b.tokens+now.Sub(b.last).Seconds()*b.rate)
	}
	b.last = now
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

// rateKeys are the keys of Options.RateLimits, most specific first: exact
// API names, then patterns by length.
func rateKeys(limits map[string]float64) []string {
	keys := make([]string, 0, len(limits))
	for k := range limits {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		wi, wj := strings.HasSuffix(keys[i], "*"), strings.HasSuffix(keys[j], "*")
		if wi != wj {
			return !wi
		}
		if len(keys[i]) != len(keys[j]) {
			return len(keys[i]) > len(keys[j])
		}
		return keys[i] < keys[j]
	})
	return keys
}

// throttle takes a token for api from the bucket of the most specific rate
// limit that names it, and fails the call as AWS does when the bucket is
// empty. Called with the lock held.
func (a *Account) throttle(api string) error {
	for _, k := range a.rateKeys {
		if k == api || (strings.HasSuffix(k, "*") && strings.HasPrefix(api, strings.TrimSuffix(k, "*"))) {
			if a.buckets[k].take(time.Now()) {
				return nil
			}
			return awsops.NewError(api, "ThrottlingException", "Rate exceeded")
		}
	}
	return nil
}

func newBuckets(limits map[string]float64) map[string]*bucket {
	out := make(map[string]*bucket, len(limits))
	for k, rate := range limits {
		out[k] = &bucket{rate: rate, burst: max(1, rate)}
	}
	return out
}
