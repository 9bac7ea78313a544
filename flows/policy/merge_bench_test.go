package policy

import (
	"fmt"
	"testing"
)

// BenchmarkMergeBuckets merges the S3 policies of n buckets granted one at
// a time, as add-buckets does run after run: n object resources with a
// wildcard (bucket/*) and n bucket resources in one group.
func BenchmarkMergeBuckets(b *testing.B) {
	for _, n := range []int{100, 1000, 5000} {
		var docs []Document
		for i := range n {
			d, err := S3Policy("", []BucketGrant{{Bucket: fmt.Sprintf("bucket-%05d", i)}}, false)
			if err != nil {
				b.Fatal(err)
			}
			docs = append(docs, d)
		}
		b.Run(fmt.Sprintf("buckets=%d", n), func(b *testing.B) {
			for b.Loop() {
				if d := MergeDocuments(docs...); len(d.Statement) == 0 {
					b.Fatal("empty merge")
				}
			}
		})
	}
}
