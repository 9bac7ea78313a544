package policy

import (
	"slices"
	"strings"
	"testing"
)

func mustS3(t *testing.T, readOnly bool, grants ...BucketGrant) Document {
	t.Helper()
	d, err := S3Policy("", grants, readOnly)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestMergeS3(t *testing.T) {
	a, b := BucketGrant{Bucket: "bucket-a"}, BucketGrant{Bucket: "bucket-b"}
	existing := mustS3(t, false, a)

	t.Run("adding a bucket twice changes nothing", func(t *testing.T) {
		got, changed, err := MergeS3(existing, "", []BucketGrant{a}, false)
		if err != nil {
			t.Fatal(err)
		}
		if changed || got.String() != existing.String() {
			t.Errorf("changed=%v\n%s", changed, got)
		}
		again, changed, _ := MergeS3(got, "", []BucketGrant{a, a}, false)
		if changed || again.String() != existing.String() {
			t.Errorf("second add: changed=%v\n%s", changed, again)
		}
	})

	t.Run("a new bucket appears once", func(t *testing.T) {
		got, changed, err := MergeS3(existing, "", []BucketGrant{b}, false)
		if err != nil {
			t.Fatal(err)
		}
		if !changed {
			t.Error("changed = false")
		}
		js := got.String()
		if n := strings.Count(js, `"arn:aws:s3:::bucket-b/*"`); n != 1 {
			t.Errorf("bucket-b/* appears %d times:\n%s", n, js)
		}
		if n := strings.Count(js, `"arn:aws:s3:::bucket-b"`); n != 1 {
			t.Errorf("bucket-b appears %d times:\n%s", n, js)
		}
		// The same as writing both at once, whatever the order.
		if want := mustS3(t, false, b, a).String(); js != want {
			t.Errorf("merge differs from the policy of both buckets:\n%s\nwant:\n%s", js, want)
		}
		if got := BucketsIn(got); !slices.Equal(got, []BucketGrant{a, b}) {
			t.Errorf("BucketsIn = %v", got)
		}
	})

	t.Run("into an empty policy", func(t *testing.T) {
		got, changed, err := MergeS3(Document{}, "", []BucketGrant{a}, false)
		if err != nil || !changed || got.String() != existing.String() {
			t.Errorf("changed=%v err=%v\n%s", changed, err, got)
		}
	})

	t.Run("read-only grants only reads", func(t *testing.T) {
		ro := mustS3(t, true, b)
		for _, s := range ro.Statement {
			for _, act := range s.Action {
				if !isS3Read(strings.ToLower(act)) {
					t.Errorf("read-only policy allows %s", act)
				}
			}
		}
		if !strings.Contains(ro.String(), `"arn:aws:s3:::bucket-b/*"`) {
			t.Errorf("read-only policy misses the objects:\n%s", ro)
		}
	})

	t.Run("read-only on a read-write bucket changes nothing", func(t *testing.T) {
		_, changed, err := MergeS3(existing, "", []BucketGrant{a}, true)
		if err != nil || changed {
			t.Errorf("changed=%v err=%v", changed, err)
		}
	})

	t.Run("read-write on a read-only bucket adds the writes", func(t *testing.T) {
		got, changed, err := MergeS3(mustS3(t, true, a), "", []BucketGrant{a}, false)
		if err != nil || !changed || got.String() != existing.String() {
			t.Errorf("changed=%v err=%v\n%s", changed, err, got)
		}
	})

	t.Run("prefix", func(t *testing.T) {
		got, _, err := MergeS3(existing, "", []BucketGrant{{Bucket: "bucket-b", Prefix: "/team/x/"}}, false)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(got.String(), `"arn:aws:s3:::bucket-b/team/x/*"`) {
			t.Errorf("prefix missing:\n%s", got)
		}
		// A prefix inside a bucket already granted whole changes nothing.
		_, changed, _ := MergeS3(existing, "", []BucketGrant{{Bucket: "bucket-a", Prefix: "sub"}}, false)
		if changed {
			t.Error("prefix of a granted bucket changed the policy")
		}
	})

	t.Run("bad bucket", func(t *testing.T) {
		if _, _, err := MergeS3(existing, "", []BucketGrant{{Bucket: "Bad_Bucket"}}, false); err == nil {
			t.Error("no error")
		}
	})
}

func TestFullAccessCovers(t *testing.T) {
	tests := []struct {
		bucket, prefix string
		want           bool
	}{
		{"sagemaker-us-east-1-123456789012", "", true},
		{"my-sagemaker-data", "", true},
		{"aws-glue-scripts", "", true},
		{"team-aws-glue", "", true},
		{"my-data", "", false},
		{"sage-maker", "", false},
		{"my-data", "sagemaker/input", true},
		{"my-data", "SageMaker", true},
		{"my-data", "Sagemaker/x", true},
		{"my-data", "SAGEMAKER", false}, // IAM matches case-sensitively
		{"my-data", "sagemake", false},  // only some keys would match
		{"aws-glu", "e", false},
	}
	for _, tc := range tests {
		if got := FullAccessCovers(tc.bucket, tc.prefix); got != tc.want {
			t.Errorf("FullAccessCovers(%q, %q) = %v, want %v", tc.bucket, tc.prefix, got, tc.want)
		}
	}
}

func TestFullAccessARNIn(t *testing.T) {
	for partition, want := range map[string]string{
		"":           FullAccessARN,
		"aws":        FullAccessARN,
		"aws-cn":     "arn:aws-cn:iam::aws:policy/AmazonSageMakerFullAccess",
		"aws-us-gov": "arn:aws-us-gov:iam::aws:policy/AmazonSageMakerFullAccess",
	} {
		if got := FullAccessARNIn(partition); got != want {
			t.Errorf("FullAccessARNIn(%q) = %q, want %q", partition, got, want)
		}
	}
}
