package export

import (
	"context"
	"fmt"
	"strings"

	"github.com/sagerole/sagerole/awsops"
	"github.com/sagerole/sagerole/awsops/rules"
)

// Stand-ins an Offline account answers with. They are valid in shape (so a
// plan validates as it would against AWS) and never reach the code
// written: every ARN field holding them becomes a reference to the
// deploying account and region.
const (
	OfflineAccount = "000000000000"
	OfflineRegion  = "xx-offline-0"
)

// ErrOffline is what an Offline account answers a read it cannot make.
var ErrOffline = fmt.Errorf("not read: the plan is written as code without any AWS call")

// Offline is an account that is never called, for a plan exported as code
// instead of run (create-role --dry-run --export): the role to create does
// not exist yet, the caller is OfflineAccount's, the quotas are IAM's
// defaults, other roles named (--pass-role) are taken at their word, and
// buckets are not looked up.
type Offline struct {
	creating string
	region   string
	known    map[string]string // role name → ARN, of the roles named by ARN
}

// NewOffline is an Offline account in which role creating does not exist
// and the roles given by ARN in roles (the --pass-role values) exist at
// those ARNs; region "" means OfflineRegion (the deploying stack's).
func NewOffline(creating, region string, roles ...string) *Offline {
	if region == "" {
		region = OfflineRegion
	}
	o := &Offline{creating: creating, region: region, known: map[string]string{}}
	for _, r := range roles {
		if rules.IsARN(r) {
			o.known[rules.RoleNameFromARN(r)] = r
		}
	}
	return o
}

// Region is the region the plan is made for.
func (o *Offline) Region() string { return o.region }

// CallerIdentity is the stand-in account's.
func (o *Offline) CallerIdentity(context.Context) (awsops.Identity, error) {
	return awsops.Identity{Account: OfflineAccount, ARN: "arn:aws:sts::" + OfflineAccount + ":assumed-role/offline/export",
		UserID: "offline", RoleName: "offline"}, nil
}

// GetRole: the role to create does not exist; any other is taken to be
// where its name says (path / for a bare name).
func (o *Offline) GetRole(_ context.Context, name string) (awsops.Role, error) {
	if name == o.creating {
		return awsops.Role{}, awsops.NewError("iam:GetRole", "NoSuchEntity", "The role with name "+name+" cannot be found.")
	}
	if arn, ok := o.known[name]; ok {
		path := "/"
		if i, j := strings.Index(arn, ":role/"), strings.LastIndex(arn, "/"); i >= 0 && j > i {
			path = arn[i+len(":role") : j+1]
		}
		return awsops.Role{Name: name, Path: path, ARN: arn}, nil
	}
	return awsops.Role{Name: name, Path: "/", ARN: "arn:aws:iam::" + OfflineAccount + ":role/" + name}, nil
}

// Quotas are IAM's documented defaults.
func (o *Offline) Quotas(context.Context) (awsops.Quotas, error) { return awsops.DefaultQuotas(), nil }

// BucketRegion is not looked up (an error that is not "not found", so the
// plan says nothing about the bucket).
func (o *Offline) BucketRegion(context.Context, string) (string, error) { return "", ErrOffline }

func (o *Offline) ListRoles(context.Context, string) ([]awsops.Role, error) { return nil, ErrOffline }
func (o *Offline) ListAttachedRolePolicies(context.Context, string) ([]awsops.AttachedPolicy, error) {
	return nil, ErrOffline
}
func (o *Offline) ListRolePolicies(context.Context, string) ([]string, error) { return nil, ErrOffline }
func (o *Offline) GetRolePolicy(context.Context, string, string) (string, error) {
	return "", ErrOffline
}
func (o *Offline) ListInstanceProfilesForRole(context.Context, string) ([]string, error) {
	return nil, ErrOffline
}
func (o *Offline) GetPolicyDocument(context.Context, string) (string, error) { return "", ErrOffline }
func (o *Offline) ListBuckets(context.Context) ([]awsops.Bucket, error)      { return nil, ErrOffline }
func (o *Offline) ListDomains(context.Context) ([]awsops.DomainSummary, error) {
	return nil, ErrOffline
}
func (o *Offline) DescribeDomain(context.Context, string) (awsops.Domain, error) {
	return awsops.Domain{}, ErrOffline
}
func (o *Offline) ListUserProfiles(context.Context, string) ([]awsops.UserProfile, error) {
	return nil, ErrOffline
}
func (o *Offline) DescribeUserProfile(context.Context, string, string) (awsops.UserProfile, error) {
	return awsops.UserProfile{}, ErrOffline
}
func (o *Offline) ListSpaces(context.Context, string) ([]awsops.Space, error) { return nil, ErrOffline }
func (o *Offline) ListUserProfilesPage(context.Context, string, awsops.PageQuery) ([]awsops.UserProfile, string, error) {
	return nil, "", ErrOffline
}
func (o *Offline) ListSpacesPage(context.Context, string, awsops.PageQuery) ([]awsops.Space, string, error) {
	return nil, "", ErrOffline
}
func (o *Offline) ListAppsPage(context.Context, awsops.AppFilter, awsops.PageQuery) ([]awsops.App, string, error) {
	return nil, "", ErrOffline
}
func (o *Offline) ListNotebookInstancesPage(context.Context, awsops.PageQuery) ([]awsops.NotebookInstance, string, error) {
	return nil, "", ErrOffline
}
func (o *Offline) DescribeSpace(context.Context, string, string) (awsops.Space, error) {
	return awsops.Space{}, ErrOffline
}
func (o *Offline) ListApps(context.Context, string) ([]awsops.App, error) { return nil, ErrOffline }
func (o *Offline) DescribeApp(context.Context, awsops.AppRef) (awsops.AppDetail, error) {
	return awsops.AppDetail{}, ErrOffline
}
func (o *Offline) ListNotebookInstances(context.Context) ([]awsops.NotebookInstance, error) {
	return nil, ErrOffline
}
func (o *Offline) DescribeNotebookInstance(context.Context, string) (awsops.NotebookInstance, error) {
	return awsops.NotebookInstance{}, ErrOffline
}
func (o *Offline) GetBucketPolicy(context.Context, string) (string, error)     { return "", ErrOffline }
func (o *Offline) BucketEncryptionKey(context.Context, string) (string, error) { return "", ErrOffline }
func (o *Offline) GetKeyPolicy(context.Context, string) (string, error)        { return "", ErrOffline }
func (o *Offline) SimulatePrincipalPolicy(context.Context, awsops.SimulateInput) ([]awsops.SimulateResult, error) {
	return nil, ErrOffline
}

// Unplaceholder rewrites the stand-ins in a sentence for people:
// ACCOUNT and REGION, the deploying account's.
func Unplaceholder(s string) string {
	return strings.NewReplacer(OfflineAccount, "ACCOUNT", OfflineRegion, "REGION").Replace(s)
}
