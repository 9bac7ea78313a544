package sandbox

import (
	"testing"

	"github.com/sagerole/sagerole/awsops/opstest"
)

// TestConformance runs the behavioural suite that the aws backend also runs
// against moto, so that the sandbox cannot drift from AWS. Every case gets
// a fresh account from the seed.
func TestConformance(t *testing.T) {
	opstest.Run(t, func(t *testing.T) opstest.Harness {
		acct, err := New(Options{})
		if err != nil {
			t.Fatal(err)
		}
		return opstest.Harness{Backend: acct, Fixture: acct}
	})
}
