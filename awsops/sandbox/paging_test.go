package sandbox

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/sagerole/sagerole/awsops"
)

// TestPaging: lists page as SageMaker's do (10 items unless asked, at
// most 100), one call per page, each page taking up after the last.
func TestPaging(t *testing.T) {
	ctx := context.Background()
	a := newAccount(t)
	for i := range 25 {
		if err := a.AddUserProfile("d-research1", fmt.Sprintf("u%02d", i), ""); err != nil {
			t.Fatal(err)
		}
	}
	// 25 added + alice, bob, carol, in name order.
	var sizes []int
	var names []string
	q := awsops.PageQuery{}
	for {
		users, next, err := a.ListUserProfilesPage(ctx, "d-research1", q)
		if err != nil {
			t.Fatal(err)
		}
		sizes = append(sizes, len(users))
		for _, u := range users {
			names = append(names, u.Name)
		}
		if next == "" {
			break
		}
		q.Token = next
	}
	if fmt.Sprint(sizes) != "[10 10 8]" || len(names) != 28 || names[0] != "alice" || names[27] != "u24" {
		t.Errorf("default pages of %v: %v", sizes, names)
	}
	for i := 1; i < len(names); i++ {
		if names[i-1] >= names[i] {
			t.Fatalf("pages repeat or skip: %v", names)
		}
	}
	if n := a.Calls()[apiListUserProfiles]; n != 3 {
		t.Errorf("%d ListUserProfiles calls for 3 pages", n)
	}

	// The whole list asks for the most: one call for 28.
	all, err := a.ListUserProfiles(ctx, "d-research1")
	if err != nil || len(all) != 28 {
		t.Fatalf("ListUserProfiles = %d, %v", len(all), err)
	}
	if n := a.Calls()[apiListUserProfiles]; n != 4 {
		t.Errorf("ListUserProfiles of 28 took %d calls, want 1", n-3)
	}

	_, _, err = a.ListSpacesPage(ctx, "d-research1", awsops.PageQuery{Size: 101})
	wantErr(t, err, "ValidationException", "Member must have value less than or equal to 100")
	_, _, err = a.ListSpacesPage(ctx, "d-research1", awsops.PageQuery{Size: -1})
	wantErr(t, err, "ValidationException", "Member must have value greater than or equal to 1")
}

// TestAppFilters: ListApps by user profile and by space, as SageMaker
// filters them, never both.
func TestAppFilters(t *testing.T) {
	ctx := context.Background()
	a := newAccount(t)
	list := func(f awsops.AppFilter) []string {
		t.Helper()
		apps, next, err := a.ListAppsPage(ctx, f, awsops.PageQuery{Size: awsops.MaxPageSize})
		if err != nil || next != "" {
			t.Fatalf("ListAppsPage(%+v) = %v, %q", f, err, next)
		}
		var out []string
		for _, ap := range apps {
			out = append(out, ap.UserProfile+ap.SpaceName+"/"+ap.AppType)
		}
		return out
	}
	if got := fmt.Sprint(list(awsops.AppFilter{DomainID: "d-research1", UserProfile: "bob"})); got != "[bob/Canvas]" {
		t.Errorf("bob's apps = %s", got)
	}
	if got := fmt.Sprint(list(awsops.AppFilter{DomainID: "d-research1", Space: "alice-lab"})); got != "[alice-lab/JupyterLab]" {
		t.Errorf("alice-lab's apps = %s", got)
	}
	if got := list(awsops.AppFilter{DomainID: "d-research1"}); len(got) != 5 {
		t.Errorf("the domain's apps = %v", got)
	}
	_, _, err := a.ListAppsPage(ctx, awsops.AppFilter{DomainID: "d-research1", UserProfile: "bob", Space: "alice-lab"}, awsops.PageQuery{})
	wantErr(t, err, "ValidationException", "cannot both be specified")
}

// TestRateLimits: a rate limit throttles the APIs its key names with
// AWS's error once its burst is spent, and refills at its rate; the most
// specific key wins, and other APIs are not throttled.
func TestRateLimits(t *testing.T) {
	ctx := context.Background()
	a := newAccountWith(t, Options{RateLimits: map[string]float64{
		"sagemaker:Describe*":         3,
		"sagemaker:DescribeSpace":     1000,
		"sagemaker:DescribeSomething": 1,
	}})
	for i := range 3 {
		if _, err := a.DescribeDomain(ctx, "d-research1"); err != nil {
			t.Fatalf("call %d within the burst: %v", i+1, err)
		}
	}
	_, err := a.DescribeUserProfile(ctx, "d-research1", "alice")
	wantErr(t, err, "ThrottlingException", "Rate exceeded")
	if awsops.KindOf(err) != awsops.KindThrottled {
		t.Errorf("kind = %v", awsops.KindOf(err))
	}
	for range 10 {
		if _, err := a.DescribeSpace(ctx, "d-research1", "alice-lab"); err != nil {
			t.Fatalf("DescribeSpace has a key of its own: %v", err)
		}
		if _, err := a.ListDomains(ctx); err != nil {
			t.Fatalf("ListDomains is not limited: %v", err)
		}
	}
	time.Sleep(400 * time.Millisecond) // one token back at 3 a second
	if _, err := a.DescribeUserProfile(ctx, "d-research1", "alice"); err != nil {
		t.Errorf("after a refill: %v", err)
	}
}
