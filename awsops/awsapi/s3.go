package awsapi

import (
	"context"
	"errors"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/sagerole/sagerole/awsops"
)

// ListBuckets is s3:ListBuckets over every page (every region's buckets).
func (b *Backend) ListBuckets(ctx context.Context) ([]awsops.Bucket, error) {
	var buckets []awsops.Bucket
	p := s3.NewListBucketsPaginator(b.s3, &s3.ListBucketsInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, wrap("s3:ListBuckets", err)
		}
		for _, bk := range page.Buckets {
			buckets = append(buckets, awsops.Bucket{Name: aws.ToString(bk.Name), CreationDate: aws.ToTime(bk.CreationDate)})
		}
	}
	return buckets, nil
}

// BucketRegion asks s3:HeadBucket, whose x-amz-bucket-region header names
// the region even when the bucket lives elsewhere (AWS then answers 301),
// and falls back to s3:GetBucketLocation when HeadBucket says nothing
// useful (some emulators, or a policy that denies HeadBucket).
func (b *Backend) BucketRegion(ctx context.Context, bucket string) (string, error) {
	out, err := b.s3.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String(bucket)})
	if err == nil && aws.ToString(out.BucketRegion) != "" {
		return aws.ToString(out.BucketRegion), nil
	}
	if err != nil {
		werr := wrap("s3:HeadBucket", err)
		if awsops.IsNotFound(werr) {
			return "", werr
		}
		if r := bucketRegionHeader(err); r != "" {
			return r, nil
		}
	}
	loc, err := b.s3.GetBucketLocation(ctx, &s3.GetBucketLocationInput{Bucket: aws.String(bucket)})
	if err != nil {
		return "", wrap("s3:GetBucketLocation", err)
	}
	return regionOfLocation(loc.LocationConstraint), nil
}

// regionOfLocation maps a LocationConstraint to its region: S3 reports
// us-east-1 as no constraint, and eu-west-1 buckets of old as "EU".
func regionOfLocation(c s3types.BucketLocationConstraint) string {
	switch c {
	case "":
		return "us-east-1"
	case s3types.BucketLocationConstraintEu:
		return "eu-west-1"
	}
	return string(c)
}

// bucketRegionHeader returns the x-amz-bucket-region header of a failed S3
// response, "" when there is none.
func bucketRegionHeader(err error) string {
	var re *awshttp.ResponseError
	if errors.As(err, &re) && re.Response != nil {
		return re.Response.Header.Get("X-Amz-Bucket-Region")
	}
	return ""
}

// CreateBucket is s3:CreateBucket, sent to region's endpoint with the
// LocationConstraint region needs (none for us-east-1, which refuses one).
func (b *Backend) CreateBucket(ctx context.Context, bucket, region string) error {
	if region == "" {
		region = b.region
	}
	in := &s3.CreateBucketInput{Bucket: aws.String(bucket)}
	if region != "us-east-1" {
		in.CreateBucketConfiguration = &s3types.CreateBucketConfiguration{LocationConstraint: s3types.BucketLocationConstraint(region)}
	}
	_, err := b.s3.CreateBucket(ctx, in, inRegion(region))
	return wrap("s3:CreateBucket", err)
}

// DeleteBucket is s3:DeleteBucket. A bucket in another region answers
// with a redirect naming its region; the call is repeated there once.
func (b *Backend) DeleteBucket(ctx context.Context, bucket string) error {
	in := &s3.DeleteBucketInput{Bucket: aws.String(bucket)}
	_, err := b.s3.DeleteBucket(ctx, in)
	if r := bucketRegionHeader(err); err != nil && r != "" && r != b.region {
		_, err = b.s3.DeleteBucket(ctx, in, inRegion(r))
	}
	return wrap("s3:DeleteBucket", err)
}

func inRegion(region string) func(*s3.Options) {
	return func(o *s3.Options) { o.Region = region }
}
