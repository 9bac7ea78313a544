package awsops

import "context"

// MaxPageSize is the most items a SageMaker list returns in one call
// (MaxResults: 1 to 100, and 10 when it is not set). Every list sagerole
// reads asks for it: at 10 per page, paging alone is a tenth of the calls
// of reading a large domain.
const MaxPageSize = 100

// PageQuery asks for one page of a list, as AWS's paged APIs take it.
type PageQuery struct {
	// Token is the NextToken of the page before, "" for the first page.
	Token string
	// Size is how many items the page may hold (MaxResults): 1 to
	// MaxPageSize, or 0 for the service's default (10 in SageMaker).
	Size int
}

// AppFilter narrows sagemaker:ListApps. DomainID is required; at most one
// of UserProfile and Space may be set (SageMaker refuses both).
type AppFilter struct {
	DomainID    string
	UserProfile string // UserProfileNameEquals: the profile's own apps (Canvas, RStudio)
	Space       string // SpaceNameEquals: the apps of one space
}

// AllPages reads every page of a list, from the first until a page has no
// next token, each one asking for size items, and returns the items in
// order.
func AllPages[T any](ctx context.Context, size int, page func(ctx context.Context, q PageQuery) ([]T, string, error)) ([]T, error) {
	out := []T{}
	q := PageQuery{Size: size}
	for {
		items, next, err := page(ctx, q)
		if err != nil {
			return nil, err
		}
		out = append(out, items...)
		if next == "" {
			return out, nil
		}
		q.Token = next
	}
}
