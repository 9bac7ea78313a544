package awsops

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// State is the part of an account an Op touches, read just before it runs
// (what it replaces) or just after (what it left), as plain strings so that
// it journals as-is and compares exactly.
type State map[string]string

// State keys.
const (
	StExists           = "exists"
	StPath             = "path"
	StDescription      = "description"
	StTrustPolicy      = "trustPolicy"
	StTags             = "tags"
	StAttached         = "attached"
	StDocument         = "document"
	StRegion           = "region"
	StDefaultUserRole  = "defaultUserRole"
	StDefaultSpaceRole = "defaultSpaceRole"
	StExecutionRole    = "executionRole"
	StInheritedRole    = "inheritedRole"
	StRoleARN          = "roleArn"
	StStatus           = "status"
)

func boolStr(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

// Snapshot reads the state op would replace. A resource that does not exist
// is a state (exists=false), not an error.
func Snapshot(ctx context.Context, r Reader, op Op) (State, error) {
	a := op.arg
	switch op.API {
	case APICreateRole, APIDeleteRole, APIUpdateAssumeRolePolicy, APITagRole, APIUntagRole:
		role, err := r.GetRole(ctx, a(ArgRoleName))
		if IsNotFound(err) {
			return State{StExists: "false"}, nil
		}
		if err != nil {
			return nil, err
		}
		return State{StExists: "true", StPath: role.Path, StDescription: role.Description,
			StTrustPolicy: role.TrustPolicy, StTags: tagsState(role.Tags)}, nil
	case APIAttachRolePolicy, APIDetachRolePolicy:
		pols, err := r.ListAttachedRolePolicies(ctx, a(ArgRoleName))
		if IsNotFound(err) {
			return State{StExists: "false"}, nil
		}
		if err != nil {
			return nil, err
		}
		on := false
		for _, p := range pols {
			on = on || p.ARN == a(ArgPolicyARN)
		}
		return State{StExists: "true", StAttached: boolStr(on)}, nil
	case APIPutRolePolicy, APIDeleteRolePolicy:
		doc, err := r.GetRolePolicy(ctx, a(ArgRoleName), a(ArgPolicyName))
		if IsNotFound(err) {
			return State{StExists: "false"}, nil
		}
		if err != nil {
			return nil, err
		}
		return State{StExists: "true", StDocument: doc}, nil
	case APICreateBucket, APIDeleteBucket:
		region, err := r.BucketRegion(ctx, a(ArgBucket))
		if IsNotFound(err) {
			return State{StExists: "false"}, nil
		}
		if err != nil {
			return nil, err
		}
		return State{StExists: "true", StRegion: region}, nil
	case APIUpdateDomain:
		d, err := r.DescribeDomain(ctx, a(ArgDomainID))
		if err != nil {
			return nil, err
		}
		return State{StDefaultUserRole: d.DefaultUserRole, StDefaultSpaceRole: d.DefaultSpaceRole}, nil
	case APIUpdateUserProfile:
		u, err := r.DescribeUserProfile(ctx, a(ArgDomainID), a(ArgUserProfile))
		if err != nil {
			return nil, err
		}
		st := State{StExecutionRole: u.ExecutionRole}
		if u.ExecutionRole == "" {
			d, err := r.DescribeDomain(ctx, a(ArgDomainID))
			if err != nil {
				return nil, err
			}
			st[StInheritedRole] = d.DefaultUserRole
		}
		return st, nil
	case APIUpdateNotebookInstance, APIStopNotebookInstance, APIStartNotebookInstance:
		nb, err := r.DescribeNotebookInstance(ctx, a(ArgNotebook))
		if err != nil {
			return nil, err
		}
		return State{StRoleARN: nb.RoleARN, StStatus: nb.Status}, nil
	case APIDeleteApp, APICreateApp:
		d, err := r.DescribeApp(ctx, AppRefOf(op))
		if IsNotFound(err) {
			return State{StStatus: StatusDeleted}, nil
		}
		if err != nil {
			return nil, err
		}
		return AppState(d), nil
	}
	return nil, fmt.Errorf("snapshot %s: unknown operation", op.API)
}

func tagsState(tags []Tag) string {
	t := append([]Tag(nil), tags...)
	sort.Slice(t, func(i, j int) bool { return t[i].Key < t[j].Key })
	if t == nil {
		t = []Tag{}
	}
	b, _ := json.Marshal(t)
	return string(b)
}

func tagsFromState(s string) []Tag {
	var t []Tag
	_ = json.Unmarshal([]byte(s), &t)
	return t
}

// tagsByKey indexes a role's tags, as recorded in a State, by lower-case
// key: IAM compares a role's tag keys case-insensitively, so TagRole
// "team=x" overwrites "Team" and UntagRole "team" removes it.
func tagsByKey(s string) map[string]Tag {
	m := map[string]Tag{}
	for _, t := range tagsFromState(s) {
		m[strings.ToLower(t.Key)] = t
	}
	return m
}

// Inverse returns the Ops that undo op, given the state it replaced, in the
// order they must run; or, when it cannot be undone, the reason. An empty
// list with no reason means op changes nothing (e.g. attaching a policy that
// was already attached).
func Inverse(op Op, before State) (undo []Op, reason string) {
	a := op.arg
	switch op.API {
	case APICreateRole:
		if before[StExists] == "true" {
			return nil, "the role already existed"
		}
		return []Op{DeleteRoleOp(a(ArgRoleName))}, ""
	case APIDeleteRole:
		if before[StExists] != "true" {
			return nil, "the role did not exist"
		}
		return []Op{CreateRoleOp(CreateRoleInput{Name: a(ArgRoleName), Path: before[StPath],
			Description: before[StDescription], TrustPolicy: before[StTrustPolicy], Tags: tagsFromState(before[StTags])})}, ""
	case APIUpdateAssumeRolePolicy:
		if before[StExists] != "true" {
			return nil, "the role did not exist"
		}
		return []Op{UpdateTrustPolicyOp(a(ArgRoleName), before[StTrustPolicy])}, ""
	case APIAttachRolePolicy:
		if before[StAttached] == "true" {
			return nil, ""
		}
		return []Op{DetachRolePolicyOp(a(ArgRoleName), a(ArgPolicyARN))}, ""
	case APIDetachRolePolicy:
		if before[StAttached] != "true" {
			return nil, ""
		}
		return []Op{AttachRolePolicyOp(a(ArgRoleName), a(ArgPolicyARN))}, ""
	case APIPutRolePolicy:
		if before[StExists] == "true" {
			return []Op{PutRolePolicyOp(a(ArgRoleName), a(ArgPolicyName), before[StDocument])}, ""
		}
		return []Op{DeleteRolePolicyOp(a(ArgRoleName), a(ArgPolicyName))}, ""
	case APIDeleteRolePolicy:
		if before[StExists] != "true" {
			return nil, ""
		}
		return []Op{PutRolePolicyOp(a(ArgRoleName), a(ArgPolicyName), before[StDocument])}, ""
	case APITagRole:
		prev := tagsByKey(before[StTags])
		var restore []Tag
		var remove []string
		for _, t := range op.Tags {
			p, ok := prev[strings.ToLower(t.Key)]
			switch {
			case !ok:
				remove = append(remove, t.Key)
			case p != t:
				restore = append(restore, p)
			}
		}
		if len(restore) > 0 {
			undo = append(undo, TagRoleOp(a(ArgRoleName), restore))
		}
		if len(remove) > 0 {
			undo = append(undo, UntagRoleOp(a(ArgRoleName), remove))
		}
		return undo, ""
	case APIUntagRole:
		prev := tagsByKey(before[StTags])
		var restore []Tag
		for _, k := range op.Keys {
			if p, ok := prev[strings.ToLower(k)]; ok {
				restore = append(restore, p)
			}
		}
		if len(restore) > 0 {
			undo = append(undo, TagRoleOp(a(ArgRoleName), restore))
		}
		return undo, ""
	case APICreateBucket:
		if before[StExists] == "true" {
			return nil, "the bucket already existed"
		}
		return []Op{DeleteBucketOp(a(ArgBucket))}, ""
	case APIDeleteBucket:
		if before[StExists] != "true" {
			return nil, "the bucket did not exist"
		}
		return []Op{CreateBucketOp(a(ArgBucket), before[StRegion])}, ""
	case APIUpdateDomain:
		var roles DomainRoles
		if _, ok := op.Args[ArgDefaultUserRole]; ok {
			v := before[StDefaultUserRole]
			if v == "" {
				return nil, "the domain had no default user role, and AWS has no known way to remove one"
			}
			roles.DefaultUserRole = &v
		}
		if _, ok := op.Args[ArgDefaultSpaceRole]; ok {
			v := before[StDefaultSpaceRole]
			if v == "" {
				return nil, "the domain had no default space role, and AWS has no known way to remove one"
			}
			roles.DefaultSpaceRole = &v
		}
		return []Op{UpdateDomainRolesOp(a(ArgDomainID), roles)}, ""
	case APIUpdateUserProfile:
		if prev := before[StExecutionRole]; prev != "" {
			return []Op{UpdateUserProfileRoleOp(a(ArgDomainID), a(ArgUserProfile), prev)}, ""
		}
		inherited := before[StInheritedRole]
		if inherited == "" {
			return nil, "the profile inherited a domain default that was empty; there is no role to set back"
		}
		u := UpdateUserProfileRoleOp(a(ArgDomainID), a(ArgUserProfile), inherited)
		u.Note = "the profile inherited the domain default " + inherited + "; undo sets that role on the profile explicitly, since AWS has no known way to make a profile inherit again"
		return []Op{u}, ""
	case APIUpdateNotebookInstance:
		return []Op{UpdateNotebookInstanceRoleOp(a(ArgNotebook), before[StRoleARN])}, ""
	case APIStopNotebookInstance:
		if before[StStatus] != StatusInService {
			return nil, ""
		}
		return []Op{StartNotebookInstanceOp(a(ArgNotebook))}, ""
	case APIStartNotebookInstance:
		if before[StStatus] != StatusStopped {
			return nil, ""
		}
		return []Op{StopNotebookInstanceOp(a(ArgNotebook))}, ""
	case APIDeleteApp, APICreateApp:
		return appInverse(op, before)
	}
	return nil, "unknown operation " + op.API
}
