package sandbox

import (
	"context"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/sagerole/sagerole/awsops"
)

// TestSimulateFromOwnAccount checks that the sandbox hands its simulator
// the role's own documents — inline, managed by ARN, boundary — and only
// for roles of this account.
func TestSimulateFromOwnAccount(t *testing.T) {
	ctx := context.Background()
	a := newAccount(t)
	_, err := a.SimulatePrincipalPolicy(ctx, awsops.SimulateInput{PolicySourceARN: researchRole, Actions: []string{"s3:GetObject"}})
	wantErr(t, err, "NotImplemented", "no policy simulator")

	var got awsops.SimulateDocuments
	a.SetSimulator(func(_ context.Context, docs awsops.SimulateDocuments, in awsops.SimulateInput) ([]awsops.SimulateResult, error) {
		got = docs
		return []awsops.SimulateResult{{Action: in.Actions[0], Resource: "*", Decision: awsops.SimAllowed}}, nil
	})
	if err := a.PutRolePermissionsBoundary(ctx, "AmazonSageMaker-ExecutionRole-Research", fullAccess); err != nil {
		t.Fatal(err)
	}
	res, err := a.SimulatePrincipalPolicy(ctx, awsops.SimulateInput{PolicySourceARN: researchRole, Actions: []string{"s3:GetObject"}})
	if err != nil || len(res) != 1 || res[0].Decision != awsops.SimAllowed {
		t.Fatalf("simulate = %+v, %v", res, err)
	}
	inline, _ := a.GetRolePolicy(ctx, "AmazonSageMaker-ExecutionRole-Research", "research-datasets-access")
	full, _ := a.GetPolicyDocument(ctx, fullAccess)
	want := awsops.SimulateDocuments{RoleARN: researchRole,
		Inline:      map[string]string{"research-datasets-access": inline},
		Managed:     map[string]string{fullAccess: full},
		BoundaryARN: fullAccess, Boundary: full}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("documents handed to the simulator\n got %+v\nwant %+v", got, want)
	}

	// A role of another account, or a path that is not the role's, is not
	// this account's to answer for.
	for _, arn := range []string{
		"arn:aws:iam::999988887777:role/service-role/AmazonSageMaker-ExecutionRole-Research",
		"arn:aws:iam::111122223333:role/AmazonSageMaker-ExecutionRole-Research",
	} {
		_, err := a.SimulatePrincipalPolicy(ctx, awsops.SimulateInput{PolicySourceARN: arn, Actions: []string{"s3:GetObject"}})
		wantErr(t, err, "NoSuchEntity", "cannot be found")
	}
}

func TestPolicyReadsOfOtherAccounts(t *testing.T) {
	ctx := context.Background()
	a := newAccount(t)
	// "datasets" is a bucket name another account holds.
	_, err := a.GetBucketPolicy(ctx, "datasets")
	wantErr(t, err, "AccessDenied", "Access Denied")
	_, err = a.BucketEncryptionKey(ctx, "datasets")
	wantErr(t, err, "AccessDenied", "Access Denied")
	_, err = a.GetKeyPolicy(ctx, "arn:aws:kms:us-east-1:999988887777:key/1234abcd-12ab-34cd-56ef-1234567890ab")
	wantErr(t, err, "NotFoundException", "does not exist")
	err = a.PutBucketPolicy(ctx, "team-raw-data", `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:*","Resource":"*"}]}`)
	wantErr(t, err, "MalformedPolicy", "Principal")
}

// TestPolicyStateRoundTrip checks that keys, bucket policies, encryption
// and boundaries survive a state file.
func TestPolicyStateRoundTrip(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "acct.json")
	a, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	policy := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"}]}`
	key, err := a.CreateKey(ctx, "round trip", policy)
	if err != nil {
		t.Fatal(err)
	}
	bp := `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:DeleteBucket","Resource":"arn:aws:s3:::team-raw-data"}]}`
	for _, err := range []error{
		a.PutBucketPolicy(ctx, "team-raw-data", bp),
		a.PutBucketEncryption(ctx, "team-raw-data", key),
		a.PutRolePermissionsBoundary(ctx, "LambdaBasic", fullAccess),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	b, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := b.GetKeyPolicy(ctx, key); got != policy {
		t.Errorf("key policy after reopening = %s", got)
	}
	if got, _ := b.GetBucketPolicy(ctx, "team-raw-data"); got != bp {
		t.Errorf("bucket policy after reopening = %s", got)
	}
	if got, _ := b.BucketEncryptionKey(ctx, "team-raw-data"); got != key {
		t.Errorf("bucket key after reopening = %s", got)
	}
	if r, _ := b.GetRole(ctx, "LambdaBasic"); r.PermissionsBoundary != fullAccess {
		t.Errorf("boundary after reopening = %q", r.PermissionsBoundary)
	}
}
