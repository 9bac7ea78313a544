package awsapi

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sagemaker"
	smtypes "github.com/aws/aws-sdk-go-v2/service/sagemaker/types"

	"github.com/sagerole/sagerole/awsops"
)

// optional is a string as the SDK takes an optional member: nil when "".
func optional(s string) *string {
	if s == "" {
		return nil
	}
	return aws.String(s)
}

// DescribeApp is sagemaker:DescribeApp. The request names the space or the
// user profile, whichever the app belongs to, and not the other.
func (b *Backend) DescribeApp(ctx context.Context, r awsops.AppRef) (awsops.AppDetail, error) {
	out, err := b.sm.DescribeApp(ctx, &sagemaker.DescribeAppInput{DomainId: aws.String(r.DomainID),
		UserProfileName: optional(r.UserProfile), SpaceName: optional(r.SpaceName),
		AppType: smtypes.AppType(r.AppType), AppName: aws.String(r.AppName)})
	if err != nil {
		return awsops.AppDetail{}, wrap("sagemaker:DescribeApp", err)
	}
	d := awsops.AppDetail{
		AppRef: awsops.AppRef{DomainID: aws.ToString(out.DomainId), UserProfile: aws.ToString(out.UserProfileName),
			SpaceName: aws.ToString(out.SpaceName), AppType: string(out.AppType), AppName: aws.ToString(out.AppName)},
		ARN:              aws.ToString(out.AppArn),
		Status:           string(out.Status),
		FailureReason:    aws.ToString(out.FailureReason),
		CreationTime:     aws.ToTime(out.CreationTime),
		LastUserActivity: aws.ToTime(out.LastUserActivityTimestamp),
		LastHealthCheck:  aws.ToTime(out.LastHealthCheckTimestamp),
		RecoveryMode:     aws.ToBool(out.RecoveryMode),
	}
	if s := out.ResourceSpec; s != nil {
		d.ResourceSpec = awsops.ResourceSpec{InstanceType: string(s.InstanceType), ImageARN: aws.ToString(s.SageMakerImageArn),
			ImageVersionARN: aws.ToString(s.SageMakerImageVersionArn), ImageVersionAlias: aws.ToString(s.SageMakerImageVersionAlias),
			LifecycleConfigARN: aws.ToString(s.LifecycleConfigArn), TrainingPlanARN: aws.ToString(s.TrainingPlanArn)}
	}
	return d, nil
}

// DeleteApp is sagemaker:DeleteApp.
func (b *Backend) DeleteApp(ctx context.Context, r awsops.AppRef) error {
	_, err := b.sm.DeleteApp(ctx, &sagemaker.DeleteAppInput{DomainId: aws.String(r.DomainID),
		UserProfileName: optional(r.UserProfile), SpaceName: optional(r.SpaceName),
		AppType: smtypes.AppType(r.AppType), AppName: aws.String(r.AppName)})
	return wrap("sagemaker:DeleteApp", err)
}

// CreateApp is sagemaker:CreateApp with the spec's fields that are set and
// no others (an unset field takes the space's, profile's or domain's
// default); without any, no ResourceSpec at all.
func (b *Backend) CreateApp(ctx context.Context, r awsops.AppRef, spec awsops.ResourceSpec) error {
	in := &sagemaker.CreateAppInput{DomainId: aws.String(r.DomainID),
		UserProfileName: optional(r.UserProfile), SpaceName: optional(r.SpaceName),
		AppType: smtypes.AppType(r.AppType), AppName: aws.String(r.AppName)}
	if !spec.IsZero() {
		in.ResourceSpec = &smtypes.ResourceSpec{InstanceType: smtypes.AppInstanceType(spec.InstanceType),
			SageMakerImageArn: optional(spec.ImageARN), SageMakerImageVersionArn: optional(spec.ImageVersionARN),
			SageMakerImageVersionAlias: optional(spec.ImageVersionAlias), LifecycleConfigArn: optional(spec.LifecycleConfigARN),
			TrainingPlanArn: optional(spec.TrainingPlanARN)}
	}
	_, err := b.sm.CreateApp(ctx, in)
	return wrap("sagemaker:CreateApp", err)
}
