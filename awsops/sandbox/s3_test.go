package sandbox

import (
	"context"
	"testing"
)

func TestCreateBucket(t *testing.T) {
	cases := []struct {
		name, bucket, region string
		code, contains       string
	}{
		{"ok", "team-features", "", "", ""},
		{"ok elsewhere", "team-features-eu", "eu-west-1", "", ""},
		{"too short", "ab", "", "InvalidBucketName", "The specified bucket is not valid."},
		{"upper case", "Team-Features", "", "InvalidBucketName", "not valid"},
		{"underscore", "team_features", "", "InvalidBucketName", "not valid"},
		{"ip address", "192.168.5.4", "", "InvalidBucketName", "not valid"},
		{"reserved prefix", "xn--features", "", "InvalidBucketName", "not valid"},
		{"reserved suffix", "features-s3alias", "", "InvalidBucketName", "not valid"},
		{"adjacent periods", "team..features", "", "InvalidBucketName", "not valid"},
		{"bad region", "team-features", "mars-1", "InvalidLocationConstraint", "location-constraint"},
		// us-east-1 answers 200 to re-creating your own bucket, for legacy compatibility.
		{"yours in us-east-1", "research-datasets", "us-east-1", "", ""},
		{"yours, asked for elsewhere", "research-datasets", "eu-west-1", "BucketAlreadyOwnedByYou", "you already own it"},
		{"yours elsewhere", "ml-archive-eu-west-1", "eu-west-1", "BucketAlreadyOwnedByYou", "you already own it"},
		{"another account's", "my-bucket", "", "BucketAlreadyExists", "The requested bucket name is not available."},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ctx := context.Background()
			a := newAccount(t)
			before, _ := a.ListBuckets(ctx)
			err := a.CreateBucket(ctx, c.bucket, c.region)
			wantErr(t, err, c.code, c.contains)
			after, _ := a.ListBuckets(ctx)
			if c.code != "" || c.bucket == "research-datasets" {
				if len(after) != len(before) {
					t.Fatalf("%d buckets before, %d after", len(before), len(after))
				}
				return
			}
			region, err := a.BucketRegion(ctx, c.bucket)
			want := c.region
			if want == "" {
				want = "us-east-1"
			}
			if err != nil || region != want {
				t.Fatalf("BucketRegion = %q, %v; want %s", region, err, want)
			}
			for i := 1; i < len(after); i++ {
				if after[i-1].Name >= after[i].Name {
					t.Fatalf("ListBuckets not in name order: %s, %s", after[i-1].Name, after[i].Name)
				}
			}
		})
	}
}

func TestDeleteBucket(t *testing.T) {
	ctx := context.Background()
	a := newAccount(t)
	wantErr(t, a.DeleteBucket(ctx, "no-such-bucket-here"), "NoSuchBucket", "The specified bucket does not exist")
	wantErr(t, a.DeleteBucket(ctx, "research-datasets"), "BucketNotEmpty", "not empty")
	if err := a.CreateBucket(ctx, "scratch-1", ""); err != nil {
		t.Fatal(err)
	}
	if err := a.DeleteBucket(ctx, "scratch-1"); err != nil {
		t.Fatal(err)
	}
	_, err := a.BucketRegion(ctx, "scratch-1")
	wantErr(t, err, "NotFound", "Not Found")
	if r, _ := a.BucketRegion(ctx, "ml-archive-eu-west-1"); r != "eu-west-1" {
		t.Fatalf("region of the seed's European bucket = %s", r)
	}
}
