package awsops

import (
	"context"
	"errors"
)

// TagCloudFormationStack is the tag CloudFormation puts on every resource
// of a stack. A resource that carries it is managed by that stack: a change
// made outside it is reverted (or breaks) at the stack's next update.
const TagCloudFormationStack = "aws:cloudformation:stack-name"

// SageMakerTagReader reads the tags of a SageMaker resource
// (sagemaker:ListTags) by its ARN. It is optional: a backend that cannot
// read tags does not implement it, and callers say that the check was not
// made.
type SageMakerTagReader interface {
	ListSageMakerTags(ctx context.Context, resourceARN string) ([]Tag, error)
}

// ErrTagsNotSupported says the backend cannot read SageMaker tags.
var ErrTagsNotSupported = errors.New("this backend cannot read SageMaker tags")

// SageMakerTags reads the tags of a SageMaker resource through r, looking
// through a dry run to the backend it wraps (tags are a read).
func SageMakerTags(ctx context.Context, r Reader, resourceARN string) ([]Tag, error) {
	if d, ok := r.(*DryRun); ok {
		r = d.Reader
	}
	tr, ok := r.(SageMakerTagReader)
	if !ok {
		return nil, ErrTagsNotSupported
	}
	return tr.ListSageMakerTags(ctx, resourceARN)
}
