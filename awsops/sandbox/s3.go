package sandbox

import (
	"context"
	"maps"
	"regexp"
	"slices"

	"github.com/sagerole/sagerole/awsops"
	"github.com/sagerole/sagerole/awsops/rules"
)

const (
	apiListBuckets = "s3:ListBuckets"
	apiHeadBucket  = "s3:HeadBucket"
)

var regionRE = regexp.MustCompile(`^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$`)

func noSuchBucket(api string) error {
	return awsops.NewError(api, "NoSuchBucket", "The specified bucket does not exist")
}

// ListBuckets is s3:ListBuckets: every bucket of the account, in every
// region, in name order.
func (a *Account) ListBuckets(ctx context.Context) ([]awsops.Bucket, error) {
	if err := a.call(ctx, apiListBuckets); err != nil {
		return nil, err
	}
	defer a.leave()
	out := []awsops.Bucket{}
	for _, n := range slices.Sorted(maps.Keys(a.st.buckets)) {
		b := a.st.buckets[n]
		out = append(out, awsops.Bucket{Name: b.Name, CreationDate: b.CreationDate})
	}
	return out, nil
}

// BucketRegion is s3:HeadBucket, whose x-amz-bucket-region names the
// region. Its 404 has no body, so the code is the bare HTTP status's.
func (a *Account) BucketRegion(ctx context.Context, bucket string) (string, error) {
	if err := a.call(ctx, apiHeadBucket); err != nil {
		return "", err
	}
	defer a.leave()
	b, ok := a.st.buckets[bucket]
	if !ok {
		return "", awsops.NewError(apiHeadBucket, "NotFound", "Not Found")
	}
	return b.Region, nil
}

// CreateBucket is s3:CreateBucket in region (the account's region when
// empty). Bucket names are global: a name another account holds is
// BucketAlreadyExists. Re-creating a bucket you own is
// BucketAlreadyOwnedByYou, except in us-east-1, where S3 answers 200 OK
// for legacy compatibility and changes nothing.
func (a *Account) CreateBucket(ctx context.Context, bucket, region string) error {
	const api = awsops.APICreateBucket
	if err := a.begin(ctx, api); err != nil {
		return err
	}
	if region == "" {
		region = a.region
	}
	if err := rules.BucketName(bucket); err != nil {
		return awsops.NewError(api, "InvalidBucketName", "The specified bucket is not valid.")
	}
	if !regionRE.MatchString(region) {
		return awsops.NewError(api, "InvalidLocationConstraint", "The specified location-constraint is not valid")
	}
	if err := a.enter(ctx, api); err != nil {
		return err
	}
	defer a.leave()
	if b, ok := a.st.buckets[bucket]; ok {
		if b.Region == "us-east-1" && region == "us-east-1" {
			return nil
		}
		return awsops.NewError(api, "BucketAlreadyOwnedByYou",
			"Your previous request to create the named bucket succeeded and you already own it.")
	}
	if a.st.otherBuckets[bucket] {
		return awsops.NewError(api, "BucketAlreadyExists",
			"The requested bucket name is not available. The bucket namespace is shared by all users of the system. Please select a different name and try again.")
	}
	a.st.buckets[bucket] = &fileBucket{Name: bucket, Region: region, CreationDate: a.tick()}
	return a.commit(api)
}

// DeleteBucket is s3:DeleteBucket: only an empty bucket.
func (a *Account) DeleteBucket(ctx context.Context, bucket string) error {
	const api = awsops.APIDeleteBucket
	if err := a.call(ctx, api); err != nil {
		return err
	}
	defer a.leave()
	b, ok := a.st.buckets[bucket]
	if !ok {
		return noSuchBucket(api)
	}
	if b.Objects > 0 {
		return awsops.NewError(api, "BucketNotEmpty", "The bucket you tried to delete is not empty")
	}
	delete(a.st.buckets, bucket)
	return a.commit(api)
}
