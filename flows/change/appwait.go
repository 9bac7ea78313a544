package change

import (
	"context"
	"errors"
	"fmt"

	"github.com/sagerole/sagerole/awsops"
)

// App waits until a Studio app is in status want (Deleted or InService).
// An app that is not found counts as Deleted (SageMaker forgets a deleted
// app after a day); one that fails is an error with AWS's FailureReason.
func (w Waiter) App(ctx context.Context, r awsops.SageMakerReader, ref awsops.AppRef, want string) (awsops.AppDetail, error) {
	var d awsops.AppDetail
	err := w.poll(ctx, "app "+ref.String(), func() (string, bool, error) {
		var err error
		d, err = r.DescribeApp(ctx, ref)
		switch {
		case awsops.IsNotFound(err) && want == awsops.StatusDeleted:
			d.Status = awsops.StatusDeleted
			return d.Status, true, nil
		case err != nil:
			return "", true, err
		case d.Status == awsops.StatusFailed && want != awsops.StatusFailed:
			return d.Status, true, fmt.Errorf("app %s failed: %s", ref, orUnknown(d.FailureReason))
		}
		return d.Status, d.Status == want, nil
	})
	return d, err
}

// roleSeen waits, before an app of ref's owner is stopped, until SageMaker
// has taken the role change: the domain is InService again, and so is the
// user profile the app runs as (the owner of a private space). An app
// restarted while they are still Updating could start with the old role.
func (w Waiter) roleSeen(ctx context.Context, r awsops.SageMakerReader, ref awsops.AppRef) error {
	if _, err := w.Domain(ctx, r, ref.DomainID); err != nil {
		return err
	}
	user := ref.UserProfile
	if ref.SpaceName != "" {
		s, err := r.DescribeSpace(ctx, ref.DomainID, ref.SpaceName)
		if err != nil {
			return fmt.Errorf("reading space %s: %w", ref.SpaceName, err)
		}
		if s.SharingType != awsops.SharingPrivate {
			return nil
		}
		user = s.Owner
	}
	if user == "" {
		return nil
	}
	_, err := w.UserProfile(ctx, r, ref.DomainID, user)
	return err
}

// DeleteApp waits for the role change to be seen, stops the app, and
// waits until it is Deleted. A wait that ends otherwise is an
// *awsops.WaitError: AWS took the write, and the run stops there.
func (b waitingBackend) DeleteApp(ctx context.Context, ref awsops.AppRef) error {
	if err := b.w.roleSeen(ctx, b.Backend, ref); err != nil {
		return errors.Join(awsops.ErrNotSent, fmt.Errorf("waiting for SageMaker to take the role change before stopping %s: %w", ref, err))
	}
	if err := b.Backend.DeleteApp(ctx, ref); err != nil {
		return err
	}
	if _, err := b.w.App(ctx, b.Backend, ref, awsops.StatusDeleted); err != nil {
		return &awsops.WaitError{Err: err}
	}
	return nil
}

// CreateApp starts the app and waits until it is InService.
func (b waitingBackend) CreateApp(ctx context.Context, ref awsops.AppRef, spec awsops.ResourceSpec) error {
	if err := b.Backend.CreateApp(ctx, ref, spec); err != nil {
		return err
	}
	if _, err := b.w.App(ctx, b.Backend, ref, awsops.StatusInService); err != nil {
		return &awsops.WaitError{Err: err}
	}
	return nil
}
