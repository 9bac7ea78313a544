package awsapi

import (
	"context"
	"errors"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"

	"github.com/sagerole/sagerole/awsops"
)

type kmsAPI interface {
	GetKeyPolicy(ctx context.Context, in *kms.GetKeyPolicyInput, opts ...func(*kms.Options)) (*kms.GetKeyPolicyOutput, error)
}

// codeOf is the service's error code of err, "" when it has none.
func codeOf(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

// GetBucketPolicy is s3:GetBucketPolicy; "" when S3 answers
// NoSuchBucketPolicy.
func (b *Backend) GetBucketPolicy(ctx context.Context, bucket string) (string, error) {
	in := &s3.GetBucketPolicyInput{Bucket: aws.String(bucket)}
	out, err := b.s3.GetBucketPolicy(ctx, in)
	if r := bucketRegionHeader(err); err != nil && r != "" && r != b.region {
		// A bucket in another region answers with a redirect naming it.
		out, err = b.s3.GetBucketPolicy(ctx, in, inRegion(r))
	}
	if codeOf(err) == "NoSuchBucketPolicy" {
		return "", nil
	}
	if err != nil {
		return "", wrap("s3:GetBucketPolicy", err)
	}
	return aws.ToString(out.Policy), nil
}

// BucketEncryptionKey is s3:GetBucketEncryption: the KMSMasterKeyID of an
// aws:kms (or aws:kms:dsse) default, "" for SSE-S3 or no configuration.
func (b *Backend) BucketEncryptionKey(ctx context.Context, bucket string) (string, error) {
	in := &s3.GetBucketEncryptionInput{Bucket: aws.String(bucket)}
	out, err := b.s3.GetBucketEncryption(ctx, in)
	if r := bucketRegionHeader(err); err != nil && r != "" && r != b.region {
		out, err = b.s3.GetBucketEncryption(ctx, in, inRegion(r))
	}
	if codeOf(err) == "ServerSideEncryptionConfigurationNotFoundError" {
		return "", nil
	}
	if err != nil {
		return "", wrap("s3:GetBucketEncryption", err)
	}
	if out.ServerSideEncryptionConfiguration == nil {
		return "", nil
	}
	for _, r := range out.ServerSideEncryptionConfiguration.Rules {
		d := r.ApplyServerSideEncryptionByDefault
		if d == nil {
			continue
		}
		switch d.SSEAlgorithm {
		case s3types.ServerSideEncryptionAwsKms, s3types.ServerSideEncryptionAwsKmsDsse:
			return aws.ToString(d.KMSMasterKeyID), nil
		}
	}
	return "", nil
}

// GetKeyPolicy is kms:GetKeyPolicy of the policy named default (the only
// name a key policy has).
func (b *Backend) GetKeyPolicy(ctx context.Context, key string) (string, error) {
	// A key ARN names its region, which KMS must be asked in.
	var opts []func(*kms.Options)
	if parts := strings.SplitN(key, ":", 6); len(parts) == 6 && parts[3] != "" && parts[3] != b.region {
		opts = append(opts, func(o *kms.Options) { o.Region = parts[3] })
	}
	out, err := b.kms.GetKeyPolicy(ctx, &kms.GetKeyPolicyInput{KeyId: aws.String(key), PolicyName: aws.String("default")}, opts...)
	if err != nil {
		return "", wrap("kms:GetKeyPolicy", err)
	}
	return aws.ToString(out.Policy), nil
}

// SimulatePrincipalPolicy is iam:SimulatePrincipalPolicy over every page,
// one result per action and resource: the per-resource results when IAM
// gives them, else the top-level one.
func (b *Backend) SimulatePrincipalPolicy(ctx context.Context, in awsops.SimulateInput) ([]awsops.SimulateResult, error) {
	req := &iam.SimulatePrincipalPolicyInput{
		PolicySourceArn: aws.String(in.PolicySourceARN),
		ActionNames:     in.Actions,
		ResourceArns:    in.Resources,
	}
	if in.ResourcePolicy != "" {
		req.ResourcePolicy = aws.String(in.ResourcePolicy)
	}
	for _, c := range in.Context {
		req.ContextEntries = append(req.ContextEntries, iamtypes.ContextEntry{
			ContextKeyName:   aws.String(c.Key),
			ContextKeyType:   iamtypes.ContextKeyTypeEnum(c.Type),
			ContextKeyValues: c.Values,
		})
	}
	var out []awsops.SimulateResult
	p := iam.NewSimulatePrincipalPolicyPaginator(b.iam, req)
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, wrap("iam:SimulatePrincipalPolicy", err)
		}
		for _, r := range page.EvaluationResults {
			out = append(out, simulateResults(r)...)
		}
	}
	return out, nil
}

func simulateResults(r iamtypes.EvaluationResult) []awsops.SimulateResult {
	action := aws.ToString(r.EvalActionName)
	var orgs *bool
	if r.OrganizationsDecisionDetail != nil {
		orgs = aws.Bool(r.OrganizationsDecisionDetail.AllowedByOrganizations)
	}
	if len(r.ResourceSpecificResults) == 0 {
		return []awsops.SimulateResult{{
			Action: action, Resource: aws.ToString(r.EvalResourceName), Decision: string(r.EvalDecision),
			Matched: statements(r.MatchedStatements), MissingContextValues: r.MissingContextValues,
			BoundaryAllowed: boundary(r.PermissionsBoundaryDecisionDetail), OrganizationsAllowed: orgs,
		}}
	}
	out := make([]awsops.SimulateResult, 0, len(r.ResourceSpecificResults))
	for _, rr := range r.ResourceSpecificResults {
		out = append(out, awsops.SimulateResult{
			Action: action, Resource: aws.ToString(rr.EvalResourceName), Decision: string(rr.EvalResourceDecision),
			Matched: statements(rr.MatchedStatements), MissingContextValues: rr.MissingContextValues,
			BoundaryAllowed: boundary(rr.PermissionsBoundaryDecisionDetail), OrganizationsAllowed: orgs,
		})
	}
	return out
}

func boundary(d *iamtypes.PermissionsBoundaryDecisionDetail) *bool {
	if d == nil {
		return nil
	}
	return aws.Bool(d.AllowedByPermissionsBoundary)
}

func statements(l []iamtypes.Statement) []awsops.SimulatedStatement {
	var out []awsops.SimulatedStatement
	for _, s := range l {
		st := awsops.SimulatedStatement{PolicyID: aws.ToString(s.SourcePolicyId), PolicyType: string(s.SourcePolicyType)}
		if s.StartPosition != nil {
			st.StartLine = int(s.StartPosition.Line)
		}
		if s.EndPosition != nil {
			st.EndLine = int(s.EndPosition.Line)
		}
		out = append(out, st)
	}
	return out
}
