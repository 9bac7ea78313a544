package policy

import (
	"fmt"
	"testing"
)

// TestSplitDoesNotInflate: a statement cut to fit is cut along its longer
// list, so the pieces repeat the short one. The S3 policy of 300 buckets
// has statements of a few actions on 300 resources: cutting the actions
// would repeat the 300 resources in each piece and nearly double the size.
func TestSplitDoesNotInflate(t *testing.T) {
	var grants []BucketGrant
	for i := range 300 {
		grants = append(grants, BucketGrant{Bucket: fmt.Sprintf("team-bucket-%03d", i)})
	}
	doc, err := S3Policy("", grants, false)
	if err != nil {
		t.Fatal(err)
	}
	pieces, err := Split(doc, DefaultManagedPolicySize)
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, p := range pieces {
		if p.Size() > DefaultManagedPolicySize {
			t.Errorf("a piece is %d characters", p.Size())
		}
		total += p.Size()
	}
	// What splitting may add: each piece's own Version and brackets, and
	// each cut statement's repeated Effect, Sid and actions.
	if limit := doc.Size() + len(pieces)*400; total > limit {
		t.Errorf("%d characters in %d pieces for a %d-character document: more than %d", total, len(pieces), doc.Size(), limit)
	}
	t.Logf("%d characters in %d pieces for a %d-character document", total, len(pieces), doc.Size())
	if got, want := MergeDocuments(pieces...), MergeDocuments(doc); got.String() != want.String() {
		t.Errorf("the pieces allow something else than the document")
	}
}
