package change_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/sagerole/sagerole/awsops"
	"github.com/sagerole/sagerole/awsops/sandbox"
	"github.com/sagerole/sagerole/flows/change"
	"github.com/sagerole/sagerole/flows/find"
	"github.com/sagerole/sagerole/flows/pool"
)

// BenchmarkPrepareDefaultUserApps measures the impact preview of a domain
// default change whose users each have a private space with a running
// app, every call taking 2 ms: each app is described (spec, activity)
// through the session's limiter.
func BenchmarkPrepareDefaultUserApps(b *testing.B) {
	for _, n := range []int{10, 100, 400} {
		b.Run(fmt.Sprintf("apps=%d", n), func(b *testing.B) {
			a, err := sandbox.New(sandbox.Options{Latency: 2 * time.Millisecond})
			if err != nil {
				b.Fatal(err)
			}
			for i := range n {
				u, sp := fmt.Sprintf("user%03d", i), fmt.Sprintf("lab%03d", i)
				if err := a.AddUserProfile("d-research1", u, ""); err != nil {
					b.Fatal(err)
				}
				if err := a.AddSpace("d-research1", sp, awsops.SharingPrivate, u); err != nil {
					b.Fatal(err)
				}
				if err := a.PutApp(awsops.AppDetail{AppRef: awsops.AppRef{DomainID: "d-research1", SpaceName: sp, AppType: awsops.AppJupyterLab, AppName: "default"},
					ResourceSpec: awsops.ResourceSpec{InstanceType: "ml.t3.medium"}}, false); err != nil {
					b.Fatal(err)
				}
			}
			req := change.Request{Target: change.TargetDefaultUser, DomainID: "d-research1", Role: "DataScientistRestricted", Apps: change.AppsRestart}
			b.ResetTimer()
			for b.Loop() {
				p, err := change.Prepare(b.Context(), find.NewSession(a, pool.New(pool.Default)), req)
				if err != nil {
					b.Fatal(err)
				}
				if len(p.Impact.Apps) < n {
					b.Fatalf("%d apps in the impact, want %d", len(p.Impact.Apps), n)
				}
			}
		})
	}
}
