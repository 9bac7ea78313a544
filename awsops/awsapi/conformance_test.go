package awsapi

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/sagemaker"
	smtypes "github.com/aws/aws-sdk-go-v2/service/sagemaker/types"

	"github.com/sagerole/sagerole/awsops/motoserver"
	"github.com/sagerole/sagerole/awsops/opstest"
)

// moto is this package's one moto_server, started by the first test that
// needs it (starting one costs a second or two) and stopped by TestMain.
var moto, stopMoto = motoserver.Shared()

func TestMain(m *testing.M) {
	code := m.Run()
	stopMoto()
	os.Exit(code)
}

// newMotoBackend resets moto and returns a backend on it in region.
func newMotoBackend(t *testing.T, region string) (*Backend, aws.Config) {
	t.Helper()
	srv := moto(t)
	srv.Reset(t)
	motoserver.Env(t)
	o := Options{Region: region, EndpointURL: srv.URL()}
	b, err := New(t.Context(), o)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	cfg, err := loadConfig(t.Context(), o)
	if err != nil {
		t.Fatalf("loadConfig: %v", err)
	}
	return b, cfg
}

// TestConformance runs the backend suite against moto, in us-east-1 (where
// S3 has its legacy quirks) and in another region. moto is reset once per
// region, not per case: the suite must not need an empty account, and moto
// takes most of a second to reload its managed policies after a reset.
func TestConformance(t *testing.T) {
	for _, region := range []string{"us-east-1", "eu-west-1"} {
		t.Run(region, func(t *testing.T) {
			b, cfg := newMotoBackend(t, region)
			s3c := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })
			fx := motoPolicyFixture{motoFixture: motoFixture{sm: sagemaker.NewFromConfig(cfg), iam: iam.NewFromConfig(cfg)},
				s3: s3c, kms: kms.NewFromConfig(cfg)}
			h := opstest.Harness{Backend: b, Fixture: fx}
			opstest.Run(t, func(*testing.T) opstest.Harness { return h })
		})
	}
}

// motoFixture creates domains, notebook instances and instance profiles
// with the APIs sagerole itself never calls.
type motoFixture struct {
	sm  *sagemaker.Client
	iam *iam.Client
}

func (f motoFixture) AddRoleToInstanceProfile(ctx context.Context, profile, role string) error {
	_, err := f.iam.CreateInstanceProfile(ctx, &iam.CreateInstanceProfileInput{InstanceProfileName: aws.String(profile)})
	var exists *iamtypes.EntityAlreadyExistsException
	if err != nil && !errors.As(err, &exists) {
		return fmt.Errorf("create instance profile %s: %w", profile, err)
	}
	if _, err := f.iam.AddRoleToInstanceProfile(ctx, &iam.AddRoleToInstanceProfileInput{
		InstanceProfileName: aws.String(profile), RoleName: aws.String(role)}); err != nil {
		return fmt.Errorf("add role %s to instance profile %s: %w", role, profile, err)
	}
	return nil
}

func (f motoFixture) RemoveRoleFromInstanceProfile(ctx context.Context, profile, role string) error {
	if _, err := f.iam.RemoveRoleFromInstanceProfile(ctx, &iam.RemoveRoleFromInstanceProfileInput{
		InstanceProfileName: aws.String(profile), RoleName: aws.String(role)}); err != nil {
		return fmt.Errorf("remove role %s from instance profile %s: %w", role, profile, err)
	}
	if _, err := f.iam.DeleteInstanceProfile(ctx, &iam.DeleteInstanceProfileInput{InstanceProfileName: aws.String(profile)}); err != nil {
		return fmt.Errorf("delete instance profile %s: %w", profile, err)
	}
	return nil
}

func (f motoFixture) CreateDomain(ctx context.Context, name, userRoleARN, spaceRoleARN string) (string, error) {
	in := &sagemaker.CreateDomainInput{
		DomainName:          aws.String(name),
		AuthMode:            smtypes.AuthModeIam,
		DefaultUserSettings: &smtypes.UserSettings{ExecutionRole: aws.String(userRoleARN)},
		SubnetIds:           []string{"subnet-0123456789abcdef0"},
		VpcId:               aws.String("vpc-0123456789abcdef0"),
	}
	if spaceRoleARN != "" {
		in.DefaultSpaceSettings = &smtypes.DefaultSpaceSettings{ExecutionRole: aws.String(spaceRoleARN)}
	}
	out, err := f.sm.CreateDomain(ctx, in)
	if err != nil {
		return "", fmt.Errorf("create domain %s: %w", name, err)
	}
	if id := aws.ToString(out.DomainId); id != "" {
		return id, nil
	}
	// moto answers with the ARN only.
	_, id, ok := strings.Cut(aws.ToString(out.DomainArn), ":domain/")
	if !ok {
		return "", fmt.Errorf("create domain %s: no domain ID in %q", name, aws.ToString(out.DomainArn))
	}
	return id, nil
}

func (f motoFixture) CreateNotebookInstance(ctx context.Context, name, roleARN string) error {
	_, err := f.sm.CreateNotebookInstance(ctx, &sagemaker.CreateNotebookInstanceInput{
		NotebookInstanceName: aws.String(name),
		InstanceType:         smtypes.InstanceTypeMlT3Medium,
		RoleArn:              aws.String(roleARN),
	})
	if err != nil {
		return fmt.Errorf("create notebook instance %s: %w", name, err)
	}
	return nil
}

// motoPolicyFixture adds the policy fixtures (bucket policies and
// encryption, KMS keys, permissions boundaries) to motoFixture.
type motoPolicyFixture struct {
	motoFixture
	s3  *s3.Client
	kms *kms.Client
}

func (f motoPolicyFixture) PutBucketPolicy(ctx context.Context, bucket, doc string) error {
	_, err := f.s3.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String(bucket), Policy: aws.String(doc)})
	return err
}

func (f motoPolicyFixture) PutBucketEncryption(ctx context.Context, bucket, keyARN string) error {
	_, err := f.s3.PutBucketEncryption(ctx, &s3.PutBucketEncryptionInput{Bucket: aws.String(bucket),
		ServerSideEncryptionConfiguration: &s3types.ServerSideEncryptionConfiguration{Rules: []s3types.ServerSideEncryptionRule{{
			ApplyServerSideEncryptionByDefault: &s3types.ServerSideEncryptionByDefault{SSEAlgorithm: s3types.ServerSideEncryptionAwsKms, KMSMasterKeyID: aws.String(keyARN)},
		}}}})
	return err
}

func (f motoPolicyFixture) CreateKey(ctx context.Context, description, policy string) (string, error) {
	out, err := f.kms.CreateKey(ctx, &kms.CreateKeyInput{Description: aws.String(description), Policy: aws.String(policy)})
	if err != nil {
		return "", err
	}
	return aws.ToString(out.KeyMetadata.Arn), nil
}

func (f motoPolicyFixture) PutRolePermissionsBoundary(ctx context.Context, role, policyARN string) error {
	_, err := f.iam.PutRolePermissionsBoundary(ctx, &iam.PutRolePermissionsBoundaryInput{RoleName: aws.String(role), PermissionsBoundary: aws.String(policyARN)})
	return err
}
