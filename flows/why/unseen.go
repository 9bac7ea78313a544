package why

import (
	"context"
	"fmt"
	"strings"

	"github.com/sagerole/sagerole/awsops"
	"github.com/sagerole/sagerole/awsops/rules"
	"github.com/sagerole/sagerole/flows"
	"github.com/sagerole/sagerole/flows/policy"
	"github.com/sagerole/sagerole/flows/policy/eval"
)

// Unseen is a layer that decides a request besides the role's documents.
type Unseen struct {
	// Layer: bucket-policy, bucket-encryption, key-policy,
	// resource-policy, scp-rcp, session-policy, vpc-endpoint-policy.
	Layer string `json:"layer"`
	// Status: read (sagerole read it: Says what it decides), none (there
	// is none), not-readable (a read was refused), not-visible (nothing
	// sagerole may read shows it).
	Status string `json:"status"`
	Read   string `json:"read,omitempty"` // the call made, when one was
	Says   string `json:"says"`
	// NamedByAWS is set when the message names this layer.
	NamedByAWS bool `json:"namedByAws,omitempty"`
}

// unseen reads what it may of the layers beyond the role's documents and
// says the rest as unseen.
func (r *Result) unseen(ctx context.Context, acct flows.Account) {
	partition := flows.Partition(r.Request.RoleARN)
	res := r.Request.Resource
	said := Layer("")
	if r.AWSSaid != nil {
		said = r.AWSSaid.Layer
	}
	if rest, ok := strings.CutPrefix(res, "arn:"+partition+":s3:::"); ok && rest != "" {
		bucket, key, _ := strings.Cut(rest, "/")
		r.bucketPolicy(ctx, acct, bucket, said == LayerResource)
		if key != "" {
			r.bucketKey(ctx, acct, partition, bucket)
		}
	}
	if strings.HasPrefix(res, "arn:"+partition+":kms:") && strings.Contains(res, ":key/") {
		r.keyPolicy(ctx, acct, res, said == LayerResource, r.req)
	}
	// A role's resource-based policy is its trust policy, which decides
	// only who may assume it.
	isRole := strings.HasPrefix(res, "arn:"+partition+":iam::") && strings.Contains(res, ":role/")
	if !strings.Contains(res, ":s3:::") && !strings.Contains(res, ":kms:") && res != "*" && (!isRole || strings.EqualFold(r.Request.Action, "sts:AssumeRole")) {
		r.Unseen = append(r.Unseen, Unseen{Layer: "resource-policy", Status: "not-visible", NamedByAWS: said == LayerResource,
			Says: fmt.Sprintf("a resource-based policy of %s, if its service has one, was not read", res)})
	}
	r.Unseen = append(r.Unseen,
		Unseen{Layer: "scp-rcp", Status: "not-visible", NamedByAWS: said == LayerSCP || said == LayerRCP,
			Says: fmt.Sprintf("service control policies and resource control policies are kept in AWS Organizations, which this account cannot read; an administrator of the management account can: aws organizations list-policies-for-target --target-id %s --filter SERVICE_CONTROL_POLICY (and RESOURCE_CONTROL_POLICY)", rules.AccountFromARN(r.Request.RoleARN))},
		Unseen{Layer: "session-policy", Status: "not-visible", NamedByAWS: said == LayerSession,
			Says: "a session policy is passed when a session is created and kept nowhere sagerole can read; SageMaker passes none when it assumes an execution role"},
		Unseen{Layer: "vpc-endpoint-policy", Status: "not-visible", NamedByAWS: said == LayerVPCE,
			Says: "if the call went through a VPC endpoint, the endpoint's policy must allow it too; sagerole does not know which endpoint the call used (aws ec2 describe-vpc-endpoints shows their policies)"})
}

// readFailure describes a refused or failed read.
func readFailure(what string, err error) (string, string) {
	switch awsops.KindOf(err) {
	case awsops.KindAccessDenied:
		return "not-readable", fmt.Sprintf("%s could not be read: you may not read it (it may belong to another account): %v", what, err)
	case awsops.KindNotFound:
		return "none", fmt.Sprintf("%s does not exist in this account: %v", what, err)
	}
	return "not-readable", fmt.Sprintf("%s could not be read: %v", what, err)
}

func (r *Result) bucketPolicy(ctx context.Context, acct flows.Account, bucket string, named bool) {
	u := Unseen{Layer: "bucket-policy", Read: "s3:GetBucketPolicy " + bucket, NamedByAWS: named}
	r.Reads = append(r.Reads, u.Read)
	doc, err := acct.GetBucketPolicy(ctx, bucket)
	switch {
	case err != nil:
		u.Status, u.Says = readFailure("the policy of bucket "+bucket, err)
	case doc == "":
		u.Status, u.Says = "none", fmt.Sprintf("bucket %s has no bucket policy", bucket)
	default:
		u.Status, u.Says = "read", r.resourcePolicySays("the policy of bucket "+bucket, doc, false, r.req)
	}
	r.Unseen = append(r.Unseen, u)
}

// bucketKey reads the bucket's default encryption and, for SSE-KMS,
// evaluates the KMS request S3 makes for the object with the role's own
// documents, and reads the key's policy.
func (r *Result) bucketKey(ctx context.Context, acct flows.Account, partition, bucket string) {
	u := Unseen{Layer: "bucket-encryption", Read: "s3:GetBucketEncryption " + bucket}
	r.Reads = append(r.Reads, u.Read)
	key, err := acct.BucketEncryptionKey(ctx, bucket)
	switch {
	case err != nil:
		u.Status, u.Says = readFailure("the encryption of bucket "+bucket, err)
		r.Unseen = append(r.Unseen, u)
		return
	case key == "":
		u.Status, u.Says = "none", fmt.Sprintf("bucket %s encrypts with S3-managed keys (or not at all): no KMS key is involved by default", bucket)
		r.Unseen = append(r.Unseen, u)
		return
	}
	if !rules.IsARN(key) {
		key = fmt.Sprintf("arn:%s:kms:%s:%s:key/%s", partition, acct.Region(), rules.AccountFromARN(r.Request.RoleARN), key)
	}
	kmsAction := ""
	switch strings.ToLower(r.Request.Action) {
	case "s3:getobject", "s3:getobjectversion":
		kmsAction = "kms:Decrypt"
	case "s3:putobject":
		kmsAction = "kms:GenerateDataKey"
	}
	u.Status = "read"
	u.Says = fmt.Sprintf("bucket %s encrypts objects with KMS key %s by default", bucket, key)
	kreq := eval.Request{Action: "kms:Decrypt", Resource: key}
	if kmsAction != "" {
		act, _ := r.ref.Action(kmsAction)
		keys := buildContext(requestFacts{role: r.IAM, action: kmsAction, act: &act, resource: key, region: acct.Region(), viaS3: true})
		m, multi := contextMap(r.ref, keys)
		kreq = eval.Request{Action: kmsAction, Resource: key, Context: m, MultiValued: multi}
		if kr, err := eval.Evaluate(r.Role, kreq); err == nil {
			if kr.Allowed() {
				u.Says += fmt.Sprintf(", and %s's policies allow the %s S3 asks for (%s)", r.Request.Role, kmsAction, kr)
			} else {
				u.Says += fmt.Sprintf(": %s also needs %s on that key, and its policies do not allow it (%s)",
					r.Request.Role, kmsAction, kr)
				if r.Decision == eval.Allow {
					// The identity side allows the S3 request: the key is
					// the likeliest cause, and S3 reports it as its own.
					if r.Classic == "" {
						r.Classic = ClassicKMS
					}
					r.Reason += fmt.Sprintf(" The likeliest cause: bucket %s encrypts objects with KMS key %s, and %s's policies do not allow %s on it, which S3 needs to read or write them.",
						bucket, key, r.Request.Role, kmsAction)
				}
			}
		}
	}
	r.Unseen = append(r.Unseen, u)
	r.keyPolicy(ctx, acct, key, false, kreq)
}

// keyPolicy reads a key's policy and says what it decides for req.
func (r *Result) keyPolicy(ctx context.Context, acct flows.Account, key string, named bool, req eval.Request) {
	u := Unseen{Layer: "key-policy", Read: "kms:GetKeyPolicy " + key, NamedByAWS: named}
	r.Reads = append(r.Reads, u.Read)
	doc, err := acct.GetKeyPolicy(ctx, key)
	if err != nil {
		u.Status, u.Says = readFailure("the policy of key "+key, err)
	} else {
		u.Status, u.Says = "read", r.resourcePolicySays("the policy of key "+key, doc, true, req)
	}
	r.Unseen = append(r.Unseen, u)
}

// resourcePolicySays evaluates a resource-based policy's statements that
// name this role (or everyone) and says what they decide. A statement
// naming the account's root delegates to IAM rather than grants: in a key
// policy that is what lets the role's own policies decide at all.
func (r *Result) resourcePolicySays(what, doc string, key bool, req eval.Request) string {
	d, err := policy.Parse(doc)
	if err != nil {
		return fmt.Sprintf("%s cannot be read as a policy: %v", what, err)
	}
	account := rules.AccountFromARN(r.Request.RoleARN)
	var grants, denies policy.Document
	delegates := false
	for _, s := range d.Statement {
		who := principalOf(s, r.Request.RoleARN, account)
		s.Principal, s.NotPrincipal = nil, nil
		if s.Resource == nil && s.NotResource == nil {
			s.Resource = []string{"*"}
		}
		switch {
		case who == "none":
		case s.Effect == "Deny":
			denies.Statement = append(denies.Statement, s)
		case who == "root":
			delegates = delegates || actionCovers(s, req.Action)
		default:
			grants.Statement = append(grants.Statement, s)
		}
	}
	if dr, err := eval.Evaluate(eval.Role{Policies: []eval.Policy{{Name: what, Document: denies}}}, req); err == nil && dr.Decision == eval.ExplicitDeny {
		return fmt.Sprintf("%s denies it: %s", what, strings.TrimPrefix(dr.String(), "explicitly denied by "))
	}
	gr, err := eval.Evaluate(eval.Role{Policies: []eval.Policy{{Name: what, Document: grants}}}, req)
	granted := err == nil && gr.Allowed()
	switch {
	case key && granted:
		return fmt.Sprintf("%s allows %s to the role itself (%s)", what, req.Action, strings.TrimPrefix(gr.String(), "allowed by "))
	case key && delegates:
		return fmt.Sprintf("%s lets IAM policies decide (it allows the account's root), so %s's own policies must allow %s", what, r.Request.Role, req.Action)
	case key:
		return fmt.Sprintf("%s neither allows %s to the role nor lets IAM policies decide (no statement for the account's root): no identity policy can grant it; the key's administrators must add the role to the key policy", what, req.Action)
	case granted:
		return fmt.Sprintf("%s allows it (%s); in one account an Allow in either the role's or the bucket's policy is enough", what, strings.TrimPrefix(gr.String(), "allowed by "))
	}
	return fmt.Sprintf("%s neither allows nor denies it to this role, so the role's own policies decide", what)
}

// principalOf says whom a resource policy statement is for, as far as the
// role is concerned: "role" (the role, its sessions, or everyone), "root"
// (the account, which delegates to its IAM policies), or "none".
func principalOf(s policy.Statement, roleARN, account string) string {
	name := nameOfARN(roleARN)
	matches := func(p policy.Principal) string {
		best := "none"
		for _, id := range p["AWS"] {
			switch {
			case id == "*" || id == roleARN:
				return "role"
			case strings.HasPrefix(id, "arn:") && strings.Contains(id, ":assumed-role/"+name+"/"):
				return "role"
			case id == account || id == "arn:"+flows.Partition(roleARN)+":iam::"+account+":root":
				best = "root"
			}
		}
		return best
	}
	if s.NotPrincipal != nil {
		if matches(s.NotPrincipal) == "none" {
			return "role"
		}
		return "none"
	}
	return matches(s.Principal)
}

func actionCovers(s policy.Statement, action string) bool {
	e, err := eval.Evaluate(eval.Role{Policies: []eval.Policy{{Name: "x", Document: policy.Document{Statement: []policy.Statement{{
		Effect: "Allow", Action: s.Action, NotAction: s.NotAction, Resource: []string{"*"}}}}}}},
		eval.Request{Action: action, Resource: "*"})
	return err == nil && e.Allowed()
}
