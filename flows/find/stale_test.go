package find

import (
	"testing"
	"time"

	"github.com/sagerole/sagerole/awsops"
)

// An app is stale when it runs and started before its identity's role
// last (may have) changed: the profile's own update, the domain's for what
// follows a domain default, or a change sagerole's journal recorded.
func TestStaleApps(t *testing.T) {
	day := func(n int) time.Time { return time.Date(2026, 3, n, 12, 0, 0, 0, time.UTC) }
	data := DomainData{
		Domain: awsops.Domain{ID: "d-1", DefaultUserRole: "arn:aws:iam::111122223333:role/U", DefaultSpaceRole: "arn:aws:iam::111122223333:role/S", LastModifiedTime: day(10)},
		Users: []awsops.UserProfile{
			{Name: "own", ExecutionRole: "arn:aws:iam::111122223333:role/O", LastModifiedTime: day(5)},
			{Name: "inherits", LastModifiedTime: day(1)},
		},
		Spaces: []awsops.Space{
			{Name: "own-lab", SharingType: awsops.SharingPrivate, Owner: "own"},
			{Name: "inherits-lab", SharingType: awsops.SharingPrivate, Owner: "inherits"},
			{Name: "team", SharingType: awsops.SharingShared, Owner: "own"},
		},
		Apps: []awsops.App{
			{UserProfile: "own", AppType: "Canvas", AppName: "default", Status: "InService", CreationTime: day(4)},            // before its update: stale
			{SpaceName: "own-lab", AppType: "JupyterLab", AppName: "default", Status: "InService", CreationTime: day(6)},      // after: not
			{SpaceName: "inherits-lab", AppType: "JupyterLab", AppName: "default", Status: "InService", CreationTime: day(7)}, // before the domain's: stale
			{SpaceName: "team", AppType: "JupyterLab", AppName: "default", Status: "Failed", CreationTime: day(2)},            // not running: not
			{UserProfile: "inherits", AppType: "Canvas", AppName: "default", Status: "InService"},                             // start unknown: not
		},
	}
	n := BuildDomain(data, func(string) {})
	stale := func(n DomainNode) map[string]bool {
		out := map[string]bool{}
		for _, u := range n.Users {
			for _, a := range u.Apps {
				out[u.Name+"/"+a.Type] = a.Stale
			}
		}
		for _, s := range n.Spaces {
			for _, a := range s.Apps {
				out[s.Name+"/"+a.Type] = a.Stale
			}
		}
		return out
	}
	want := map[string]bool{"own/Canvas": true, "own-lab/JupyterLab": false, "inherits-lab/JupyterLab": true, "team/JupyterLab": false, "inherits/Canvas": false}
	got := stale(n)
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s stale = %v, want %v", k, got[k], w)
		}
	}
	if r := n.Users[1].Apps[0].StaleReason; r != "started 2026-03-04T12:00:00Z, before the last update of user profile own, which may have changed its role (2026-03-05T12:00:00Z): may still run as the previous role" {
		t.Errorf("reason = %q", r)
	}
	// The journal says sagerole changed "own" on day 8: its lab is stale too.
	tree := &Tree{Domains: []DomainNode{n}}
	tree.MarkStale([]RoleChange{{DomainID: "d-1", User: "own", Time: day(8)}, {DomainID: "d-2", User: "own", Time: day(20)}})
	got = stale(tree.Domains[0])
	if !got["own-lab/JupyterLab"] || got["team/JupyterLab"] {
		t.Errorf("after the journal's change: %v", got)
	}
}
