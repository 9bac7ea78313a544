package awsops

import (
	"context"
	"sync"
)

// DryRun wraps a backend: reads go through, so a plan reflects the real
// account; writes are recorded and never sent. It embeds only the Reader,
// and implements every Writer method itself, so that a write method added
// to the interface fails to compile here instead of leaking through.
type DryRun struct {
	Reader
	region string

	mu       sync.Mutex
	recorded []Op
}

var _ Backend = (*DryRun)(nil)

// NewDryRun wraps b.
func NewDryRun(b Backend) *DryRun { return &DryRun{Reader: b, region: b.Region()} }

// Region is the wrapped backend's region.
func (d *DryRun) Region() string { return d.region }

// Recorded returns the writes that were asked for, in order.
func (d *DryRun) Recorded() []Op {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]Op(nil), d.recorded...)
}

func (d *DryRun) record(op Op) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.recorded = append(d.recorded, op)
	return nil
}

// CreateRole records the call and returns the role as it would be created.
func (d *DryRun) CreateRole(ctx context.Context, in CreateRoleInput) (Role, error) {
	op := CreateRoleOp(in)
	_ = d.record(op)
	path := op.Args[ArgPath]
	role := Role{Name: in.Name, Path: path, Description: in.Description, TrustPolicy: in.TrustPolicy, Tags: in.Tags}
	if id, err := d.CallerIdentity(ctx); err == nil {
		role.ARN = "arn:aws:iam::" + id.Account + ":role" + path + in.Name
	}
	return role, nil
}

func (d *DryRun) DeleteRole(_ context.Context, name string) error {
	return d.record(DeleteRoleOp(name))
}
func (d *DryRun) UpdateTrustPolicy(_ context.Context, role, doc string) error {
	return d.record(UpdateTrustPolicyOp(role, doc))
}
func (d *DryRun) AttachRolePolicy(_ context.Context, role, arn string) error {
	return d.record(AttachRolePolicyOp(role, arn))
}
func (d *DryRun) DetachRolePolicy(_ context.Context, role, arn string) error {
	return d.record(DetachRolePolicyOp(role, arn))
}
func (d *DryRun) PutRolePolicy(_ context.Context, role, name, doc string) error {
	return d.record(PutRolePolicyOp(role, name, doc))
}
func (d *DryRun) DeleteRolePolicy(_ context.Context, role, name string) error {
	return d.record(DeleteRolePolicyOp(role, name))
}
func (d *DryRun) TagRole(_ context.Context, role string, tags []Tag) error {
	return d.record(TagRoleOp(role, tags))
}
func (d *DryRun) UntagRole(_ context.Context, role string, keys []string) error {
	return d.record(UntagRoleOp(role, keys))
}
func (d *DryRun) CreateBucket(_ context.Context, bucket, region string) error {
	return d.record(CreateBucketOp(bucket, region))
}
func (d *DryRun) DeleteBucket(_ context.Context, bucket string) error {
	return d.record(DeleteBucketOp(bucket))
}
func (d *DryRun) UpdateDomainRoles(_ context.Context, domainID string, roles DomainRoles) error {
	return d.record(UpdateDomainRolesOp(domainID, roles))
}
func (d *DryRun) UpdateUserProfileRole(_ context.Context, domainID, name, roleARN string) error {
	return d.record(UpdateUserProfileRoleOp(domainID, name, roleARN))
}
func (d *DryRun) UpdateNotebookInstanceRole(_ context.Context, name, roleARN string) error {
	return d.record(UpdateNotebookInstanceRoleOp(name, roleARN))
}
func (d *DryRun) StopNotebookInstance(_ context.Context, name string) error {
	return d.record(StopNotebookInstanceOp(name))
}
func (d *DryRun) StartNotebookInstance(_ context.Context, name string) error {
	return d.record(StartNotebookInstanceOp(name))
}
func (d *DryRun) DeleteApp(_ context.Context, app AppRef) error {
	return d.record(DeleteAppOp(app))
}
func (d *DryRun) CreateApp(_ context.Context, app AppRef, spec ResourceSpec) error {
	return d.record(CreateAppOp(app, spec))
}
