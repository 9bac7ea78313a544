package awsops

import (
	"context"
	"fmt"
)

// API names of every write sagerole makes.
const (
	APICreateRole             = "iam:CreateRole"
	APIDeleteRole             = "iam:DeleteRole"
	APIUpdateAssumeRolePolicy = "iam:UpdateAssumeRolePolicy"
	APIAttachRolePolicy       = "iam:AttachRolePolicy"
	APIDetachRolePolicy       = "iam:DetachRolePolicy"
	APIPutRolePolicy          = "iam:PutRolePolicy"
	APIDeleteRolePolicy       = "iam:DeleteRolePolicy"
	APITagRole                = "iam:TagRole"
	APIUntagRole              = "iam:UntagRole"
	APICreateBucket           = "s3:CreateBucket"
	APIDeleteBucket           = "s3:DeleteBucket"
	APIUpdateDomain           = "sagemaker:UpdateDomain"
	APIUpdateUserProfile      = "sagemaker:UpdateUserProfile"
	APIUpdateNotebookInstance = "sagemaker:UpdateNotebookInstance"
	APIStopNotebookInstance   = "sagemaker:StopNotebookInstance"
	APIStartNotebookInstance  = "sagemaker:StartNotebookInstance"
)

// Argument and document keys of an Op.
const (
	ArgRoleName         = "roleName"
	ArgPath             = "path"
	ArgDescription      = "description"
	ArgPolicyARN        = "policyArn"
	ArgPolicyName       = "policyName"
	ArgBucket           = "bucket"
	ArgRegion           = "region"
	ArgDomainID         = "domainId"
	ArgUserProfile      = "userProfileName"
	ArgNotebook         = "notebookInstanceName"
	ArgExecutionRole    = "executionRole"
	ArgDefaultUserRole  = "defaultUserRole"
	ArgDefaultSpaceRole = "defaultSpaceRole"

	DocTrustPolicy = "trustPolicy"
	DocPolicy      = "policyDocument"
)

// Op is one write, described as data so that it can be shown before it
// runs, printed as an `aws` CLI command, journaled, and replayed by undo.
type Op struct {
	API       string            `json:"api"`
	Target    string            `json:"target"`
	Args      map[string]string `json:"args,omitempty"`
	Documents map[string]string `json:"documents,omitempty"`
	Tags      []Tag             `json:"tags,omitempty"`
	Keys      []string          `json:"keys,omitempty"`
	// Note is said to the user next to the step (e.g. why an undo is not
	// a perfect reversal).
	Note string `json:"note,omitempty"`
}

func (o Op) arg(k string) string { return o.Args[k] }

// CreateRoleOp creates a role with its trust policy and tags.
func CreateRoleOp(in CreateRoleInput) Op {
	path := in.Path
	if path == "" {
		path = "/"
	}
	args := map[string]string{ArgRoleName: in.Name, ArgPath: path}
	if in.Description != "" {
		args[ArgDescription] = in.Description
	}
	return Op{API: APICreateRole, Target: in.Name, Args: args,
		Documents: map[string]string{DocTrustPolicy: in.TrustPolicy}, Tags: in.Tags}
}

// DeleteRoleOp deletes a role (which must have no policies left).
func DeleteRoleOp(role string) Op {
	return Op{API: APIDeleteRole, Target: role, Args: map[string]string{ArgRoleName: role}}
}

// UpdateTrustPolicyOp replaces a role's trust policy.
func UpdateTrustPolicyOp(role, doc string) Op {
	return Op{API: APIUpdateAssumeRolePolicy, Target: role, Args: map[string]string{ArgRoleName: role},
		Documents: map[string]string{DocTrustPolicy: doc}}
}

// AttachRolePolicyOp attaches a managed policy.
func AttachRolePolicyOp(role, policyARN string) Op {
	return Op{API: APIAttachRolePolicy, Target: role, Args: map[string]string{ArgRoleName: role, ArgPolicyARN: policyARN}}
}

// DetachRolePolicyOp detaches a managed policy.
func DetachRolePolicyOp(role, policyARN string) Op {
	return Op{API: APIDetachRolePolicy, Target: role, Args: map[string]string{ArgRoleName: role, ArgPolicyARN: policyARN}}
}

// PutRolePolicyOp creates or replaces an inline policy.
func PutRolePolicyOp(role, name, doc string) Op {
	return Op{API: APIPutRolePolicy, Target: role, Args: map[string]string{ArgRoleName: role, ArgPolicyName: name},
		Documents: map[string]string{DocPolicy: doc}}
}

// DeleteRolePolicyOp deletes an inline policy.
func DeleteRolePolicyOp(role, name string) Op {
	return Op{API: APIDeleteRolePolicy, Target: role, Args: map[string]string{ArgRoleName: role, ArgPolicyName: name}}
}

// TagRoleOp adds or overwrites tags.
func TagRoleOp(role string, tags []Tag) Op {
	return Op{API: APITagRole, Target: role, Args: map[string]string{ArgRoleName: role}, Tags: tags}
}

// UntagRoleOp removes tags by key.
func UntagRoleOp(role string, keys []string) Op {
	return Op{API: APIUntagRole, Target: role, Args: map[string]string{ArgRoleName: role}, Keys: keys}
}

// CreateBucketOp creates a bucket in region.
func CreateBucketOp(bucket, region string) Op {
	return Op{API: APICreateBucket, Target: bucket, Args: map[string]string{ArgBucket: bucket, ArgRegion: region}}
}

// DeleteBucketOp deletes an empty bucket.
func DeleteBucketOp(bucket string) Op {
	return Op{API: APIDeleteBucket, Target: bucket, Args: map[string]string{ArgBucket: bucket}}
}

// UpdateDomainRolesOp changes a domain's default user and/or space role.
func UpdateDomainRolesOp(domainID string, roles DomainRoles) Op {
	args := map[string]string{ArgDomainID: domainID}
	if roles.DefaultUserRole != nil {
		args[ArgDefaultUserRole] = *roles.DefaultUserRole
	}
	if roles.DefaultSpaceRole != nil {
		args[ArgDefaultSpaceRole] = *roles.DefaultSpaceRole
	}
	return Op{API: APIUpdateDomain, Target: domainID, Args: args}
}

// UpdateUserProfileRoleOp sets a user profile's own execution role.
func UpdateUserProfileRoleOp(domainID, user, roleARN string) Op {
	return Op{API: APIUpdateUserProfile, Target: domainID + "/" + user,
		Args: map[string]string{ArgDomainID: domainID, ArgUserProfile: user, ArgExecutionRole: roleARN}}
}

// UpdateNotebookInstanceRoleOp sets a (stopped) notebook instance's role.
func UpdateNotebookInstanceRoleOp(name, roleARN string) Op {
	return Op{API: APIUpdateNotebookInstance, Target: name,
		Args: map[string]string{ArgNotebook: name, ArgExecutionRole: roleARN}}
}

// StopNotebookInstanceOp stops a notebook instance.
func StopNotebookInstanceOp(name string) Op {
	return Op{API: APIStopNotebookInstance, Target: name, Args: map[string]string{ArgNotebook: name}}
}

// StartNotebookInstanceOp starts a notebook instance.
func StartNotebookInstanceOp(name string) Op {
	return Op{API: APIStartNotebookInstance, Target: name, Args: map[string]string{ArgNotebook: name}}
}

// Apply sends op through w.
func Apply(ctx context.Context, w Writer, op Op) error {
	a := op.arg
	switch op.API {
	case APICreateRole:
		_, err := w.CreateRole(ctx, CreateRoleInput{Name: a(ArgRoleName), Path: a(ArgPath),
			Description: a(ArgDescription), TrustPolicy: op.Documents[DocTrustPolicy], Tags: op.Tags})
		return err
	case APIDeleteRole:
		return w.DeleteRole(ctx, a(ArgRoleName))
	case APIUpdateAssumeRolePolicy:
		return w.UpdateTrustPolicy(ctx, a(ArgRoleName), op.Documents[DocTrustPolicy])
	case APIAttachRolePolicy:
		return w.AttachRolePolicy(ctx, a(ArgRoleName), a(ArgPolicyARN))
	case APIDetachRolePolicy:
		return w.DetachRolePolicy(ctx, a(ArgRoleName), a(ArgPolicyARN))
	case APIPutRolePolicy:
		return w.PutRolePolicy(ctx, a(ArgRoleName), a(ArgPolicyName), op.Documents[DocPolicy])
	case APIDeleteRolePolicy:
		return w.DeleteRolePolicy(ctx, a(ArgRoleName), a(ArgPolicyName))
	case APITagRole:
		return w.TagRole(ctx, a(ArgRoleName), op.Tags)
	case APIUntagRole:
		return w.UntagRole(ctx, a(ArgRoleName), op.Keys)
	case APICreateBucket:
		return w.CreateBucket(ctx, a(ArgBucket), a(ArgRegion))
	case APIDeleteBucket:
		return w.DeleteBucket(ctx, a(ArgBucket))
	case APIUpdateDomain:
		return w.UpdateDomainRoles(ctx, a(ArgDomainID), op.domainRoles())
	case APIUpdateUserProfile:
		return w.UpdateUserProfileRole(ctx, a(ArgDomainID), a(ArgUserProfile), a(ArgExecutionRole))
	case APIUpdateNotebookInstance:
		return w.UpdateNotebookInstanceRole(ctx, a(ArgNotebook), a(ArgExecutionRole))
	case APIStopNotebookInstance:
		return w.StopNotebookInstance(ctx, a(ArgNotebook))
	case APIStartNotebookInstance:
		return w.StartNotebookInstance(ctx, a(ArgNotebook))
	case APIDeleteApp:
		return w.DeleteApp(ctx, AppRefOf(op))
	case APICreateApp:
		return w.CreateApp(ctx, AppRefOf(op), SpecOf(op))
	}
	return fmt.Errorf("apply %s: unknown operation", op.API)
}

func (o Op) domainRoles() DomainRoles {
	var r DomainRoles
	if v, ok := o.Args[ArgDefaultUserRole]; ok {
		r.DefaultUserRole = &v
	}
	if v, ok := o.Args[ArgDefaultSpaceRole]; ok {
		r.DefaultSpaceRole = &v
	}
	return r
}
