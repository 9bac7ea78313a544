package flows_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/sagerole/sagerole/awsops"
	"github.com/sagerole/sagerole/awsops/rules"
	"github.com/sagerole/sagerole/awsops/sandbox"
	"github.com/sagerole/sagerole/flows"
	"github.com/sagerole/sagerole/flows/policy"
)

func TestResolveRole(t *testing.T) {
	acct, err := sandbox.New(sandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	const arn = "arn:aws:iam::111122223333:role/service-role/AmazonSageMaker-ExecutionRole-Research"
	tests := []struct {
		in      string
		wantARN string
		bad     bool
	}{
		{"AmazonSageMaker-ExecutionRole-Research", arn, false},
		{arn, arn, false},
		{"amazonsagemaker-executionrole-research", arn, false},                              // IAM names are case-insensitive
		{"arn:aws:iam::111122223333:role/AmazonSageMaker-ExecutionRole-Research", "", true}, // path dropped: refused, not guessed
		{"NoSuchRole", "", true},
		{"bad name", "", true},
		{"arn:aws:iam::111122223333:user/x", "", true},
	}
	for _, tt := range tests {
		r, err := flows.ResolveRole(context.Background(), acct, tt.in)
		if tt.bad {
			if !rules.IsInput(err) {
				t.Errorf("ResolveRole(%q) = %v, %v; want an input error", tt.in, r.ARN, err)
			}
			continue
		}
		if err != nil || r.ARN != tt.wantARN {
			t.Errorf("ResolveRole(%q) = %q, %v; want %q", tt.in, r.ARN, err, tt.wantARN)
		}
	}
}

func TestIsFamily(t *testing.T) {
	for name, want := range map[string]bool{
		"sagerole-buckets": true, "sagerole-buckets-2": true, "sagerole-buckets-12": true,
		"sagerole-buckets-": false, "sagerole-buckets-x": false, "sagerole-bucketsx": false, "other": false,
	} {
		if got := flows.IsFamily(name, policy.BucketPolicyName); got != want {
			t.Errorf("IsFamily(%q) = %v, want %v", name, got, want)
		}
	}
}

func TestReplaceFamily(t *testing.T) {
	doc := func(bucket string) policy.Document {
		d, err := policy.S3Policy("", []policy.BucketGrant{{Bucket: bucket}}, false)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	a, b := doc("bucket-a"), doc("bucket-b")
	existing := map[string]string{
		"sagerole-buckets":   a.String(),
		"sagerole-buckets-2": b.String(),
		"sagerole-buckets-3": b.String(),
		"hand-written":       b.String(),
	}
	got := flows.ReplaceFamily("r", policy.BucketPolicyName, existing, []policy.NamedPolicy{
		{Name: "sagerole-buckets", Document: a},   // unchanged: no op
		{Name: "sagerole-buckets-2", Document: a}, // changed: put
	})
	want := []awsops.Op{
		awsops.PutRolePolicyOp("r", "sagerole-buckets-2", a.String()),
		awsops.DeleteRolePolicyOp("r", "sagerole-buckets-3"), // no longer in the family
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ops\n got %+v\nwant %+v", got, want)
	}
	if n := flows.OtherInlineSize(existing, policy.BucketPolicyName); n != b.Size() {
		t.Errorf("OtherInlineSize = %d, want the hand-written policy's %d", n, b.Size())
	}
}
