package sandbox

import (
	"context"
	"fmt"
	"strings"

	"github.com/sagerole/sagerole/awsops"
)

const apiListTags = "sagemaker:ListTags"

var _ awsops.SageMakerTagReader = (*Account)(nil)

// sageMakerTagsLocked finds the tags of the SageMaker resource arn names
// (domain, user profile, space or notebook instance). Called with the lock
// held.
func (a *Account) sageMakerTagsLocked(api, arn string) (*[]awsops.Tag, error) {
	prefix := fmt.Sprintf("arn:aws:sagemaker:%s:%s:", a.region, a.st.account)
	rest, ok := strings.CutPrefix(arn, prefix)
	notFound := awsops.NewError(api, "ResourceNotFound", fmt.Sprintf("Resource %s does not exist.", arn))
	if !ok {
		return nil, notFound
	}
	kind, id, _ := strings.Cut(rest, "/")
	domainID, name, _ := strings.Cut(id, "/")
	switch kind {
	case "domain":
		if d, ok := a.st.domains[id]; ok {
			return &d.Tags, nil
		}
	case "user-profile":
		if _, p, err := a.profileLocked(api, domainID, name); err == nil {
			return &p.Tags, nil
		}
	case "space":
		if s, err := a.spaceLocked(api, domainID, name); err == nil {
			return &s.Tags, nil
		}
	case "notebook-instance":
		// Notebook ARNs carry the name lower-cased.
		for _, n := range a.st.notebooks {
			if strings.EqualFold(n.Name, id) {
				return &n.Tags, nil
			}
		}
	}
	return nil, notFound
}

// ListSageMakerTags is sagemaker:ListTags for a domain, user profile, space
// or notebook instance.
func (a *Account) ListSageMakerTags(ctx context.Context, resourceARN string) ([]awsops.Tag, error) {
	if err := a.call(ctx, apiListTags); err != nil {
		return nil, err
	}
	defer a.leave()
	tags, err := a.sageMakerTagsLocked(apiListTags, resourceARN)
	if err != nil {
		return nil, err
	}
	return append([]awsops.Tag{}, (*tags)...), nil
}

// SetSageMakerTags replaces the tags of a SageMaker resource, e.g. to mark
// it as managed by a CloudFormation stack. Like the other fixtures it
// bypasses latency and faults.
func (a *Account) SetSageMakerTags(resourceARN string, tags []awsops.Tag) error {
	const api = "sagemaker:AddTags"
	if err := a.enter(context.Background(), api); err != nil {
		return err
	}
	defer a.leave()
	dst, err := a.sageMakerTagsLocked(api, resourceARN)
	if err != nil {
		return err
	}
	*dst = append([]awsops.Tag(nil), tags...)
	return a.commit(api)
}
