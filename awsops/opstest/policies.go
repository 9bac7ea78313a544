package opstest

import (
	"context"
	"fmt"
	"testing"

	"github.com/sagerole/sagerole/awsops"
)

// PolicyFixture sets up the documents sagerole reads to explain a denial
// but never writes: bucket policies, bucket encryption, KMS keys and
// permissions boundaries. A harness's Fixture implements it.
type PolicyFixture interface {
	PutBucketPolicy(ctx context.Context, bucket, doc string) error
	// PutBucketEncryption sets SSE-KMS with the key (an ARN).
	PutBucketEncryption(ctx context.Context, bucket, keyARN string) error
	// CreateKey creates a KMS key with the key policy and returns its ARN.
	CreateKey(ctx context.Context, description, policy string) (string, error)
	PutRolePermissionsBoundary(ctx context.Context, role, policyARN string) error
}

// iam:SimulatePrincipalPolicy is not in the suite: moto does not implement
// it, so the aws backend's request and context entries are checked with
// httptest (awsapi), and the sandbox's answer in its own package.

func (s *suite) policyFixture() PolicyFixture {
	s.t.Helper()
	s.needFixture()
	pf, ok := s.fx.(PolicyFixture)
	if !ok {
		s.t.Fatalf("the harness's Fixture (%T) does not implement PolicyFixture", s.fx)
	}
	return pf
}

func testPolicyReads(s *suite) {
	t := s.t
	pf := s.policyFixture()
	bucket := name("sagerole-suite-pol")
	s.createBucket(bucket, s.b.Region())

	if got, err := s.b.GetBucketPolicy(s.ctx, bucket); err != nil || got != "" {
		t.Errorf("GetBucketPolicy of a bucket without one = %q, %v; want \"\", nil", got, err)
	}
	if got, err := s.b.BucketEncryptionKey(s.ctx, bucket); err != nil || got != "" {
		t.Errorf("BucketEncryptionKey of a bucket without SSE-KMS = %q, %v; want \"\", nil", got, err)
	}
	bucketPolicy := fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Sid":"DenyInsecure","Effect":"Deny","Principal":"*","Action":"s3:*",`+
		`"Resource":["arn:%[1]s:s3:::%[2]s","arn:%[1]s:s3:::%[2]s/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`, s.partition, bucket)
	if err := pf.PutBucketPolicy(s.ctx, bucket, bucketPolicy); err != nil {
		t.Fatalf("PutBucketPolicy: %v", err)
	}
	if got, err := s.b.GetBucketPolicy(s.ctx, bucket); err != nil || !jsonEqual(t, got, bucketPolicy) {
		t.Errorf("GetBucketPolicy = %s, %v; want %s", got, err, bucketPolicy)
	}

	keyPolicy := fmt.Sprintf(`{"Version":"2012-10-17","Id":"key-default-1","Statement":[{"Sid":"Enable IAM User Permissions","Effect":"Allow",`+
		`"Principal":{"AWS":"arn:%s:iam::%s:root"},"Action":"kms:*","Resource":"*"}]}`, s.partition, s.account)
	keyARN, err := pf.CreateKey(s.ctx, "sagerole suite "+bucket, keyPolicy)
	if err != nil {
		t.Fatalf("CreateKey: %v", err)
	}
	if got, err := s.b.GetKeyPolicy(s.ctx, keyARN); err != nil || !jsonEqual(t, got, keyPolicy) {
		t.Errorf("GetKeyPolicy(%s) = %s, %v; want %s", keyARN, got, err, keyPolicy)
	}
	if err := pf.PutBucketEncryption(s.ctx, bucket, keyARN); err != nil {
		t.Fatalf("PutBucketEncryption: %v", err)
	}
	if got, err := s.b.BucketEncryptionKey(s.ctx, bucket); err != nil || got != keyARN {
		t.Errorf("BucketEncryptionKey = %q, %v; want %q", got, err, keyARN)
	}

	roleName := name("sagerole-suite-boundary")
	s.createRole(awsops.CreateRoleInput{Name: roleName})
	if r, err := s.b.GetRole(s.ctx, roleName); err != nil || r.PermissionsBoundary != "" {
		t.Errorf("GetRole of a role without a boundary: boundary %q, %v", r.PermissionsBoundary, err)
	}
	if err := pf.PutRolePermissionsBoundary(s.ctx, roleName, FullAccessARN); err != nil {
		t.Fatalf("PutRolePermissionsBoundary: %v", err)
	}
	if r, err := s.b.GetRole(s.ctx, roleName); err != nil || r.PermissionsBoundary != FullAccessARN {
		t.Errorf("GetRole: boundary %q, %v; want %s", r.PermissionsBoundary, err, FullAccessARN)
	}
	roles, err := s.b.ListRoles(s.ctx, "/")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range roles {
		if r.Name == roleName && r.PermissionsBoundary != "" {
			t.Errorf("ListRoles has the boundary of %s; IAM's list leaves it out", roleName)
		}
	}

	missing := fmt.Sprintf("arn:%s:kms:%s:%s:key/00000000-0000-0000-0000-000000000000", s.partition, s.b.Region(), s.account)
	s.wantErrors([]errCase{
		{"key policy of a key that does not exist", func() error {
			_, err := s.b.GetKeyPolicy(s.ctx, missing)
			return err
		}, awsops.KindNotFound, "NotFoundException", "kms:GetKeyPolicy"},
		{"bucket policy of a bucket that does not exist", func() error {
			_, err := s.b.GetBucketPolicy(s.ctx, name("sagerole-suite-none"))
			return err
		}, awsops.KindNotFound, "NoSuchBucket", "s3:GetBucketPolicy"},
	})
	t.Run("encryption of a bucket that does not exist", func(t *testing.T) {
		_, err := s.b.BucketEncryptionKey(s.ctx, name("sagerole-suite-none"))
		wantErr(t, err, awsops.KindNotFound, "NoSuchBucket", "s3:GetBucketEncryption")
	})
}
