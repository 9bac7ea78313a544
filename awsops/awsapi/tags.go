package awsapi

import (
	"context"
	"errors"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sagemaker"

	"github.com/sagerole/sagerole/awsops"
)

var _ awsops.SageMakerTagReader = (*Backend)(nil)

// ListSageMakerTags is sagemaker:ListTags over every page. It is kept out
// of the sagemakerAPI interface (and asserted here) so that fakes of that
// interface need not grow; the SDK client has it.
func (b *Backend) ListSageMakerTags(ctx context.Context, resourceARN string) ([]awsops.Tag, error) {
	c, ok := b.sm.(sagemaker.ListTagsAPIClient)
	if !ok {
		return nil, wrap("sagemaker:ListTags", errors.New("the SageMaker client cannot list tags"))
	}
	var out []awsops.Tag
	p := sagemaker.NewListTagsPaginator(c, &sagemaker.ListTagsInput{ResourceArn: aws.String(resourceARN)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, wrap("sagemaker:ListTags", err)
		}
		for _, t := range page.Tags {
			out = append(out, awsops.Tag{Key: aws.ToString(t.Key), Value: aws.ToString(t.Value)})
		}
	}
	return out, nil
}
