package find_test

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/sagerole/sagerole/awsops"
	"github.com/sagerole/sagerole/awsops/sandbox"
	"github.com/sagerole/sagerole/flows/change"
	"github.com/sagerole/sagerole/flows/find"
	"github.com/sagerole/sagerole/flows/pool"
)

// addDomain adds a domain of n user profiles (every even one with a role
// of its own) and n spaces (each private to the user of its number, every
// fourth one shared), as a large account has them. It returns its ID.
func addDomain(t testing.TB, a *sandbox.Account, n int) string {
	t.Helper()
	id, err := a.CreateDomain(context.Background(), "bench", researchARN, sharedARN)
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		role := ""
		if i%2 == 0 {
			role = restrictedARN
		}
		if err := a.AddUserProfile(id, fmt.Sprintf("user-%04d", i), role); err != nil {
			t.Fatal(err)
		}
	}
	for i := range n {
		sharing := awsops.SharingPrivate
		if i%4 == 0 {
			sharing = awsops.SharingShared
		}
		if err := a.AddSpace(id, fmt.Sprintf("space-%04d", i), sharing, fmt.Sprintf("user-%04d", i)); err != nil {
			t.Fatal(err)
		}
	}
	return id
}

// calls counts the calls a makes during f, by API.
func calls(a *sandbox.Account, f func()) map[string]int {
	before := a.Calls()
	f()
	out := map[string]int{}
	for api, n := range a.Calls() {
		if d := n - before[api]; d > 0 {
			out[api] = d
		}
	}
	return out
}

func wantCalls(t *testing.T, got, want map[string]int) {
	t.Helper()
	if !maps.Equal(got, want) {
		var lines []string
		for _, api := range slices.Sorted(maps.Keys(mergeKeys(got, want))) {
			if got[api] != want[api] {
				lines = append(lines, fmt.Sprintf("%s: %d, want %d", api, got[api], want[api]))
			}
		}
		t.Errorf("calls differ:\n%s", strings.Join(lines, "\n"))
	}
}

func mergeKeys(a, b map[string]int) map[string]int {
	out := maps.Clone(a)
	for k, v := range b {
		out[k] += v
	}
	return out
}

// TestInventoryCalls: a domain of 250 profiles and 250 spaces is read with
// one describe per profile, pages of 100, no DescribeSpace (the list says
// how each space is shared), and each of its three roles read once: 262
// calls for 500 identities.
func TestInventoryCalls(t *testing.T) {
	a := newSandbox(t, sandbox.Options{})
	id := addDomain(t, a, 250)
	var tree *find.Tree
	got := calls(a, func() { tree = inventory(t, a, find.Options{DomainID: id, SkipNotebooks: true}) })
	wantCalls(t, got, map[string]int{
		"sts:GetCallerIdentity":         1,
		"sagemaker:DescribeDomain":      1,
		"sagemaker:ListUserProfiles":    3, // 100, 100, 50
		"sagemaker:DescribeUserProfile": 250,
		"sagemaker:ListSpaces":          3,
		"sagemaker:ListApps":            1,
		"iam:GetRole":                   3, // the two defaults and the restricted role
	})
	d := tree.Domains[0]
	if len(d.Users) != 250 || len(d.Spaces) != 250 || len(tree.Warnings) != 0 {
		t.Fatalf("%d users, %d spaces, warnings %q", len(d.Users), len(d.Spaces), tree.Warnings)
	}
	for _, c := range []struct {
		space, role string
		source      find.Source
	}{
		{"space-0000", sharedARN, find.SourceDomainSpaceDefault},
		{"space-0002", restrictedARN, find.SourceOwner}, // user-0002 has her own
		{"space-0003", researchARN, find.SourceOwner},   // user-0003 inherits
	} {
		if s := spaceOf(t, d, c.space); s.Role != c.role || s.Source != c.source {
			t.Errorf("%s = %+v, want %s from %s", c.space, s, c.role, c.source)
		}
	}
}

// TestSessionReadsOnce: one session reads the caller identity once and
// each role once, whatever reads it runs; the whole seed account names 8
// roles, its default and user roles included.
func TestSessionReadsOnce(t *testing.T) {
	a := newSandbox(t, sandbox.Options{})
	s := session(a, 0)
	ctx := context.Background()
	got := calls(a, func() {
		if _, err := s.Inventory(ctx, find.Options{}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Uses(ctx, "AmazonSageMaker-ExecutionRole-Research", find.Options{}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.User(ctx, "d-research1", "alice"); err != nil {
			t.Fatal(err)
		}
	})
	if got["sts:GetCallerIdentity"] != 1 {
		t.Errorf("%d GetCallerIdentity calls, want 1", got["sts:GetCallerIdentity"])
	}
	if got["iam:GetRole"] != 8 {
		t.Errorf("%d GetRole calls, want one per role (8)", got["iam:GetRole"])
	}
	if got["sagemaker:DescribeDomain"] != 2 {
		t.Errorf("%d DescribeDomain calls, want one per domain (2)", got["sagemaker:DescribeDomain"])
	}
}

// TestTargetedReads: find --user and --space, and change --user, read the
// profile or space asked for and the domain's list of spaces, not every
// profile: a handful of calls however large the domain is.
func TestTargetedReads(t *testing.T) {
	ctx := context.Background()
	a := newSandbox(t, sandbox.Options{})
	id := addDomain(t, a, 250)

	var u *find.UserResult
	got := calls(a, func() {
		var err error
		if u, err = session(a, 0).User(ctx, id, "user-0007"); err != nil {
			t.Fatal(err)
		}
	})
	wantCalls(t, got, map[string]int{
		"sts:GetCallerIdentity":         1,
		"sagemaker:DescribeDomain":      1,
		"sagemaker:DescribeUserProfile": 1,
		"sagemaker:ListSpaces":          3, // no filter by owner in SageMaker: the list, 100 a page
		"sagemaker:ListApps":            2, // the profile's, and its one private space's
		"iam:GetRole":                   2, // the role it inherits, and the domain's space role
	})
	if u.User.Role != researchARN || len(u.Spaces) != 1 || u.Spaces[0].Name != "space-0007" {
		t.Errorf("user-0007 = %+v with spaces %+v", u.User, u.Spaces)
	}

	got = calls(a, func() {
		if _, err := session(a, 0).Space(ctx, id, "space-0005"); err != nil {
			t.Fatal(err)
		}
	})
	wantCalls(t, got, map[string]int{
		"sts:GetCallerIdentity":         1,
		"sagemaker:DescribeDomain":      1,
		"sagemaker:DescribeSpace":       1,
		"sagemaker:DescribeUserProfile": 1, // its owner
		"sagemaker:ListApps":            2,
		"iam:GetRole":                   2,
	})

	// Preparing a change also reads what its write replaces (awsops.Snapshot:
	// the domain, and the profile), the target's tags (CloudFormation) and
	// the new role.
	for _, c := range []struct {
		name string
		req  change.Request
		want map[string]int
	}{
		{"change --user", change.Request{Target: change.TargetUser, DomainID: id, Name: "user-0007", Role: "DataScientistRestricted"},
			map[string]int{"sts:GetCallerIdentity": 1, "iam:GetRole": 1, "sagemaker:DescribeDomain": 2, "sagemaker:DescribeUserProfile": 2,
				"sagemaker:ListSpaces": 3, "sagemaker:ListApps": 2, "sagemaker:ListTags": 1}},
		{"change --space (private)", change.Request{Target: change.TargetSpace, DomainID: id, Name: "space-0007", Role: "DataScientistRestricted"},
			map[string]int{"sts:GetCallerIdentity": 1, "iam:GetRole": 1, "sagemaker:DescribeDomain": 2, "sagemaker:DescribeSpace": 1,
				"sagemaker:DescribeUserProfile": 2, "sagemaker:ListSpaces": 3, "sagemaker:ListApps": 2, "sagemaker:ListTags": 1}},
		// 63 shared spaces: the domain's apps in one list beat 63 filtered ones.
		{"change --default-space", change.Request{Target: change.TargetDefaultSpace, DomainID: id, Role: "DataScientistRestricted"},
			map[string]int{"sts:GetCallerIdentity": 1, "iam:GetRole": 1, "sagemaker:DescribeDomain": 2,
				"sagemaker:ListSpaces": 3, "sagemaker:ListApps": 1, "sagemaker:ListTags": 1}},
	} {
		t.Run(c.name, func(t *testing.T) {
			var p *change.Prepared
			got := calls(a, func() {
				var err error
				if p, err = change.Prepare(ctx, session(a, 0), c.req); err != nil {
					t.Fatal(err)
				}
			})
			wantCalls(t, got, c.want)
			if len(p.Impact.Moves) == 0 {
				t.Errorf("no moves")
			}
		})
	}
}

// TestInventoryReportsEachDomain: the domains are reported as listed, and
// then each one as soon as it is read whole, with its roles checked,
// before the inventory returns; the callbacks never overlap.
func TestInventoryReportsEachDomain(t *testing.T) {
	a := newSandbox(t, sandbox.Options{})
	var mu sync.Mutex
	var listed []awsops.DomainSummary
	got := map[int]*find.Tree{}
	busy := false
	enter := func() func() {
		mu.Lock()
		defer mu.Unlock()
		if busy {
			t.Error("callbacks overlap")
		}
		busy = true
		return func() { mu.Lock(); busy = false; mu.Unlock() }
	}
	tree := inventory(t, a, find.Options{
		Domains: func(ds []awsops.DomainSummary) { defer enter()(); listed = ds },
		Domain: func(i int, t1 *find.Tree) {
			defer enter()()
			if got[i] != nil {
				t.Errorf("domain %d reported twice", i)
			}
			got[i] = t1
		},
	})
	if len(listed) != 2 || len(got) != 2 {
		t.Fatalf("listed %d domains, reported %d", len(listed), len(got))
	}
	for i, d := range listed {
		one := got[i]
		if len(one.Domains) != 1 || one.Domains[0].ID != d.ID {
			t.Fatalf("report %d = %+v, want domain %s", i, one.Domains, d.ID)
		}
		want := domainOf(t, tree, d.ID)
		if fmt.Sprint(one.Domains[0]) != fmt.Sprint(want) {
			t.Errorf("domain %s as reported:\n%+v\nin the tree:\n%+v", d.ID, one.Domains[0], want)
		}
	}
	platform := got[slices.IndexFunc(listed, func(d awsops.DomainSummary) bool { return d.ID == "d-mlplatform" })]
	if dave := userOf(t, platform.Domains[0], "dave"); dave.RoleProblem != find.RoleNoTrust {
		t.Errorf("dave as reported = %+v, want his role flagged", dave)
	}
	if !strings.Contains(strings.Join(platform.Warnings, "\n"), "LambdaBasic does not let sagemaker.amazonaws.com assume it") {
		t.Errorf("ml-platform's warnings = %q", platform.Warnings)
	}
}

// TestInventoryUnderThrottling: with every Describe* throttled past 50 a
// second, the inventory slows down (the limiter cuts its calls in flight)
// and comes out whole: throttling is never an error.
func TestInventoryUnderThrottling(t *testing.T) {
	a := newSandbox(t, sandbox.Options{RateLimits: map[string]float64{"sagemaker:Describe*": 50}})
	id := addDomain(t, a, 80)
	lim := pool.New(0)
	tree, err := find.NewSession(a, lim).Inventory(context.Background(), find.Options{DomainID: id, SkipNotebooks: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(tree.Warnings) != 0 || len(tree.Domains[0].Users) != 80 {
		t.Fatalf("warnings %q, %d users", tree.Warnings, len(tree.Domains[0].Users))
	}
	st := lim.Stats()
	if st.Throttled == 0 || st.MinLimit >= pool.Default || st.Retries != st.Throttled {
		t.Errorf("limiter stats %+v: want throttled calls, each retried, and the limit cut", st)
	}
	// Every call the limiter made reached the sandbox: the describes,
	// throttled ones included, and the rest.
	if got, want := sum(a.Calls())-sum(map[string]int{"sagemaker:CreateDomain": 1}), st.Calls; got != want {
		t.Errorf("%d calls reached the sandbox, the limiter made %d", got, want)
	}
}

func sum(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}
