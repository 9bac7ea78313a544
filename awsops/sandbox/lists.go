package sandbox

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sort"

	"github.com/sagerole/sagerole/awsops"
)

// The SageMaker lists page as SageMaker's do: one call per page, 10 items
// unless the caller asks for more, at most 100, each page taking up after
// the last item of the one before.

// ListDomains is sagemaker:ListDomains, in name order, one call per page
// of MaxPageSize, as the AWS backend asks for them.
func (a *Account) ListDomains(ctx context.Context) ([]awsops.DomainSummary, error) {
	return awsops.AllPages(ctx, awsops.MaxPageSize, func(ctx context.Context, q awsops.PageQuery) ([]awsops.DomainSummary, string, error) {
		if err := a.call(ctx, apiListDomains); err != nil {
			return nil, "", err
		}
		defer a.leave()
		all := make([]awsops.DomainSummary, 0, len(a.st.domains))
		for _, d := range a.st.domains {
			all = append(all, awsops.DomainSummary{ID: d.ID, Name: d.Name, ARN: a.smARN("domain", d.ID), Status: d.Status})
		}
		// By name, then ID: NUL sorts before any character of a name.
		key := func(d awsops.DomainSummary) string { return d.Name + "\x00" + d.ID }
		sort.Slice(all, func(i, j int) bool { return key(all[i]) < key(all[j]) })
		keys := make([]string, len(all))
		for i, d := range all {
			keys[i] = key(d)
		}
		return page(apiListDomains, keys, q, func(i int) awsops.DomainSummary { return all[i] })
	})
}

// Page sizes as SageMaker has them: 10 unless the caller asks, at most 100.
const (
	defaultPageSize = 10
	maxPageSize     = 100
)

// page cuts one page out of a list whose items have the sorted keys: the
// items after the one whose key is the token, q.Size of them (SageMaker's
// default when 0), each made by item. The next token is the key of the
// page's last item, "" when nothing follows. A size SageMaker would refuse
// is refused in its words.
func page[T any](api string, keys []string, q awsops.PageQuery, item func(i int) T) ([]T, string, error) {
	size := q.Size
	switch {
	case size == 0:
		size = defaultPageSize
	case size < 1:
		return nil, "", smConstraint(api, fmt.Sprint(size), "maxResults", "Member must have value greater than or equal to 1")
	case size > maxPageSize:
		return nil, "", smConstraint(api, fmt.Sprint(size), "maxResults", fmt.Sprintf("Member must have value less than or equal to %d", maxPageSize))
	}
	from := 0
	if q.Token != "" {
		from = sort.SearchStrings(keys, q.Token)
		if from < len(keys) && keys[from] == q.Token {
			from++
		}
	}
	to := min(from+size, len(keys))
	out := make([]T, 0, to-from)
	for i := from; i < to; i++ {
		out = append(out, item(i))
	}
	if to == len(keys) {
		return out, "", nil
	}
	return out, keys[to-1], nil
}

// ListUserProfiles is sagemaker:ListUserProfiles filtered by domain, in
// name order, every page. As in SageMaker, the list has no execution role,
// and an unknown domain is an empty list.
func (a *Account) ListUserProfiles(ctx context.Context, domainID string) ([]awsops.UserProfile, error) {
	return awsops.AllPages(ctx, awsops.MaxPageSize, func(ctx context.Context, q awsops.PageQuery) ([]awsops.UserProfile, string, error) {
		return a.ListUserProfilesPage(ctx, domainID, q)
	})
}

// ListUserProfilesPage is one page of sagemaker:ListUserProfiles: one call.
func (a *Account) ListUserProfilesPage(ctx context.Context, domainID string, q awsops.PageQuery) ([]awsops.UserProfile, string, error) {
	if err := a.call(ctx, apiListUserProfiles); err != nil {
		return nil, "", err
	}
	defer a.leave()
	d, ok := a.st.domains[domainID]
	if !ok {
		return page(apiListUserProfiles, nil, q, func(int) awsops.UserProfile { return awsops.UserProfile{} })
	}
	names := slices.Sorted(maps.Keys(d.profiles))
	return page(apiListUserProfiles, names, q, func(i int) awsops.UserProfile {
		return awsops.UserProfile{DomainID: d.ID, Name: names[i], Status: d.profiles[names[i]].Status}
	})
}

// ListSpaces is sagemaker:ListSpaces filtered by domain, in name order,
// every page.
func (a *Account) ListSpaces(ctx context.Context, domainID string) ([]awsops.Space, error) {
	return awsops.AllPages(ctx, awsops.MaxPageSize, func(ctx context.Context, q awsops.PageQuery) ([]awsops.Space, string, error) {
		return a.ListSpacesPage(ctx, domainID, q)
	})
}

// ListSpacesPage is one page of sagemaker:ListSpaces: one call. As in
// SageMaker, the items carry the sharing type and the owner, not the ARN.
func (a *Account) ListSpacesPage(ctx context.Context, domainID string, q awsops.PageQuery) ([]awsops.Space, string, error) {
	if err := a.call(ctx, apiListSpaces); err != nil {
		return nil, "", err
	}
	defer a.leave()
	d, ok := a.st.domains[domainID]
	if !ok {
		return page(apiListSpaces, nil, q, func(int) awsops.Space { return awsops.Space{} })
	}
	names := slices.Sorted(maps.Keys(d.spaces))
	return page(apiListSpaces, names, q, func(i int) awsops.Space {
		s := d.spaces[names[i]]
		return awsops.Space{DomainID: d.ID, Name: s.Name, Status: s.Status, SharingType: s.SharingType, Owner: s.Owner}
	})
}

// ListApps is sagemaker:ListApps filtered by domain, in creation order,
// every page; deleted apps stay listed, as in SageMaker.
func (a *Account) ListApps(ctx context.Context, domainID string) ([]awsops.App, error) {
	return awsops.AllPages(ctx, awsops.MaxPageSize, func(ctx context.Context, q awsops.PageQuery) ([]awsops.App, string, error) {
		return a.ListAppsPage(ctx, awsops.AppFilter{DomainID: domainID}, q)
	})
}

// ListAppsPage is one page of sagemaker:ListApps: one call, with
// SageMaker's filters by user profile or by space (not both).
func (a *Account) ListAppsPage(ctx context.Context, f awsops.AppFilter, q awsops.PageQuery) ([]awsops.App, string, error) {
	if err := a.begin(ctx, apiListApps); err != nil {
		return nil, "", err
	}
	if f.UserProfile != "" && f.Space != "" {
		return nil, "", awsops.NewError(apiListApps, "ValidationException", "SpaceNameEquals and UserProfileNameEquals cannot both be specified.")
	}
	if err := a.enter(ctx, apiListApps); err != nil {
		return nil, "", err
	}
	defer a.leave()
	var keys []string // the apps' indexes, in creation order
	var apps []*fileApp
	if d, ok := a.st.domains[f.DomainID]; ok {
		for i, ap := range d.apps {
			if (f.UserProfile != "" && ap.UserProfile != f.UserProfile) || (f.Space != "" && ap.SpaceName != f.Space) {
				continue
			}
			keys = append(keys, fmt.Sprintf("%09d", i))
			apps = append(apps, ap)
		}
	}
	return page(apiListApps, keys, q, func(i int) awsops.App {
		ap := apps[i]
		return awsops.App{DomainID: f.DomainID, UserProfile: ap.UserProfile, SpaceName: ap.SpaceName,
			AppType: ap.AppType, AppName: ap.AppName, Status: ap.Status, CreationTime: ap.CreationTime}
	})
}

// ListNotebookInstances is sagemaker:ListNotebookInstances, in name
// order, every page. As in SageMaker, the summaries carry no role:
// describe each one.
func (a *Account) ListNotebookInstances(ctx context.Context) ([]awsops.NotebookInstance, error) {
	return awsops.AllPages(ctx, awsops.MaxPageSize, a.ListNotebookInstancesPage)
}

// ListNotebookInstancesPage is one page of sagemaker:ListNotebookInstances.
func (a *Account) ListNotebookInstancesPage(ctx context.Context, q awsops.PageQuery) ([]awsops.NotebookInstance, string, error) {
	if err := a.call(ctx, apiListNotebookInstances); err != nil {
		return nil, "", err
	}
	defer a.leave()
	names := slices.Sorted(maps.Keys(a.st.notebooks))
	return page(apiListNotebookInstances, names, q, func(i int) awsops.NotebookInstance {
		n := a.st.notebooks[names[i]]
		return awsops.NotebookInstance{Name: n.Name, ARN: a.notebookARN(n.Name), Status: n.Status, InstanceType: n.InstanceType}
	})
}
