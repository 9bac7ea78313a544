package why

import (
	"fmt"
	"slices"
	"strings"

	"github.com/sagerole/sagerole/awsops/rules"
	"github.com/sagerole/sagerole/flows"
	"github.com/sagerole/sagerole/flows/policy"
	"github.com/sagerole/sagerole/flows/policy/eval"
)

// The classic causes (seed 000 and the issues users file).
const (
	ClassicFullAccessBucket = "fullaccess-bucket" // FullAccess covers only *sagemaker*/*aws-glue* S3 ARNs
	ClassicPassRole         = "passrole-caller"   // PassRole is the caller's permission
	ClassicStudioAddTags    = "studio-addtags"    // SageMaker tags what it creates through AddTags
	ClassicKMS              = "kms-key"           // encrypted data needs the key too
	ClassicGuardrail        = "guardrail"         // a Deny names a property the request lacked
)

// explain sets Reason, Classic and Agrees.
func (r *Result) explain() {
	role, action, resource := r.Request.Role, r.Request.Action, r.Request.Resource
	switch {
	case r.Decision == eval.ExplicitDeny:
		r.Reason = r.denyReason()
	case r.Decision == eval.ImplicitDeny && r.Eval.NotAllowedBy == eval.Boundary:
		r.Reason = fmt.Sprintf("The identity-based policies of %s allow %s on %s, but its permissions boundary %s does not: a request needs an Allow in both.",
			role, action, resource, nameOfARN(r.IAM.PermissionsBoundary))
	case r.Decision == eval.ImplicitDeny:
		r.Reason = r.implicitReason()
	default:
		r.Reason = fmt.Sprintf("The documents of %s allow %s on %s (%s), so the denial comes from outside them%s.",
			role, action, resource, refList(r.Deciding), r.outsideWhere())
	}
	r.Agrees = r.agrees()
}

func refList(st []Statement) string {
	parts := make([]string, len(st))
	for i, s := range st {
		parts[i] = s.Ref.String()
	}
	return strings.Join(parts, " and ")
}

// outsideWhere says where AWS put the denial, or that it did not say.
func (r *Result) outsideWhere() string {
	if r.AWSSaid == nil {
		return ": a resource-based policy, an SCP or RCP, a session policy or a VPC endpoint policy (see below)"
	}
	switch r.AWSSaid.Layer {
	case "", LayerIdentity, LayerBoundary:
		if r.AWSSaid.Layer == "" {
			return ": AWS did not say which policy denied it (see below for what sagerole cannot see)"
		}
		return fmt.Sprintf("; yet AWS says %s, so the request AWS saw differs from the one evaluated (a context key assumed here, listed below) or the policies changed since (IAM takes seconds to propagate)", r.AWSSaid)
	}
	return fmt.Sprintf(": AWS says %s, which sagerole cannot see", r.AWSSaid)
}

// agrees compares the identity-side decision with what AWS said of the
// identity side; nil when AWS said nothing of it.
func (r *Result) agrees() *bool {
	s := r.AWSSaid
	if s == nil {
		return nil
	}
	var ok bool
	boundaryDenies := false
	for _, d := range r.Eval.Deciding {
		boundaryDenies = boundaryDenies || d.Kind == eval.Boundary && d.Effect == "Deny"
	}
	switch {
	case s.Layer == LayerIdentity && !s.Explicit:
		ok = r.Decision == eval.ImplicitDeny && r.Eval.NotAllowedBy != eval.Boundary
	case s.Layer == LayerIdentity:
		ok = r.Decision == eval.ExplicitDeny && !boundaryDenies
	case s.Layer == LayerBoundary && !s.Explicit:
		ok = r.Decision == eval.ImplicitDeny && r.Eval.NotAllowedBy == eval.Boundary
	case s.Layer == LayerBoundary:
		ok = r.Decision == eval.ExplicitDeny && boundaryDenies
	case s.Layer == "" && s.Explicit:
		if r.Decision != eval.ExplicitDeny {
			return nil // the deny may be in a layer sagerole cannot see
		}
		ok = true
	default:
		return nil
	}
	return &ok
}

// implicitReason explains an implicit deny, naming the classic when it is
// one.
func (r *Result) implicitReason() string {
	role, action, resource := r.Request.Role, r.Request.Action, r.Request.Resource
	lower := strings.ToLower(action)
	switch {
	case strings.HasPrefix(lower, "s3:") && r.fullAccessAttached() && !r.fullAccessCovers():
		r.Classic = ClassicFullAccessBucket
		s := fmt.Sprintf("AmazonSageMakerFullAccess allows S3 object access only on ARNs that contain sagemaker, SageMaker, Sagemaker or aws-glue (seed 000); %s contains none of them, and no other statement of %s allows %s on it.",
			resource, role, action)
		if lower == "s3:getobject" {
			s += " (It would allow reading an object tagged SageMaker=true; sagerole cannot see the object's tags.)"
		}
		return s
	case lower == "iam:passrole":
		r.Classic = ClassicPassRole
		passed := nameOfARN(resource)
		s := fmt.Sprintf("iam:PassRole is the caller's permission, not the role's: %s passes %s to SageMaker, so %s needs an Allow for iam:PassRole on %s (with iam:PassedToService %s); %s's own policies play no part.",
			role, passed, role, resource, policy.SageMakerService, passed)
		if p := r.pathMiss(); p != "" {
			s += " " + p
		}
		return s
	case lower == "sagemaker:addtags" && r.taggingAction() != "":
		r.Classic = ClassicStudioAddTags
		op := r.taggingAction()
		return fmt.Sprintf("SageMaker tags what it creates: %s sends its tags through sagemaker:AddTags (sagemaker:TaggingAction=%s), and no statement of %s allows sagemaker:AddTags on %s — allowing %s alone is not enough.",
			op, op, role, resource, op)
	case strings.HasPrefix(lower, "kms:") && strings.Contains(resource, ":key/"):
		r.Classic = ClassicKMS
		via := "the data encrypted with it"
		if v, ok := lookupFold(r.req.Context, "kms:ViaService"); ok {
			via = "S3 (" + strings.Join(v, ",") + ") asking for the object's key"
		}
		return fmt.Sprintf("%s is a KMS key: %s needs %s on the key itself, besides the permission on the data; no statement of %s allows %s on it.",
			resource, via, action, role, action)
	}
	s := fmt.Sprintf("No statement of %s allows %s on %s.", role, action, resource)
	switch n := len(r.NearMisses); {
	case n == 1:
		s += fmt.Sprintf(" The nearest, %s, does not apply: %s.", r.NearMisses[0].Ref, r.NearMisses[0].Why)
	case n > 1:
		s += fmt.Sprintf(" %d statements allow %s, none here: the nearest, %s, does not apply: %s.", n, action, r.NearMisses[0].Ref, r.NearMisses[0].Why)
	}
	return s
}

func (r *Result) fullAccessAttached() bool {
	full := policy.FullAccessARNIn(flows.Partition(r.Request.RoleARN))
	for _, a := range r.docs.Attached {
		if a.ARN == full {
			return true
		}
	}
	return false
}

// fullAccessCovers reports whether FullAccess's name patterns cover the
// S3 resource.
func (r *Result) fullAccessCovers() bool {
	rest, ok := strings.CutPrefix(r.Request.Resource, "arn:"+flows.Partition(r.Request.RoleARN)+":s3:::")
	if !ok {
		return false
	}
	bucket, key, _ := strings.Cut(rest, "/")
	prefix := key
	if i := strings.LastIndex(key, "/"); i >= 0 {
		prefix = key[:i]
	} else {
		prefix = ""
	}
	return policy.FullAccessCovers(bucket, prefix) || policy.FullAccessCovers(bucket+"/"+key, "")
}

func (r *Result) taggingAction() string {
	if v, ok := lookupFold(r.req.Context, "sagemaker:TaggingAction"); ok && len(v) > 0 {
		return v[0]
	}
	return ""
}

// pathMiss finds a PassRole statement that names the passed role with the
// wrong path — the classic of dropping role/service-role/.
func (r *Result) pathMiss() string {
	name := nameOfARN(r.Request.Resource)
	for _, st := range r.Eval.Statements {
		if !st.Action.Matched || st.Resource.Matched || st.Effect != "Allow" {
			continue
		}
		s, _ := statementOf(r.Role, st.Ref)
		for _, p := range s.Resource {
			if rules.IsARN(p) && nameOfARN(p) == name && p != r.Request.Resource && !strings.ContainsAny(p, "*?") {
				return fmt.Sprintf("%s names %s, but the role's ARN is %s: the path is part of the ARN.", st.Ref, p, r.Request.Resource)
			}
		}
	}
	return ""
}

// denyReason explains an explicit deny from its first deciding statement:
// a guardrail names the property the request lacked.
func (r *Result) denyReason() string {
	var st *eval.Statement
	for i := range r.Eval.Statements {
		s := &r.Eval.Statements[i]
		if s.Applies && s.Effect == "Deny" {
			st = s
			break
		}
	}
	if st == nil {
		return "An explicit Deny applies."
	}
	head := fmt.Sprintf("%s denies %s on %s", st.Ref, r.Request.Action, r.Request.Resource)
	var needs, had, unknown []string
	for _, c := range st.Conditions {
		if strings.EqualFold(c.Key, "aws:ViaAWSService") {
			continue
		}
		if p := property(c); !slices.Contains(needs, p) {
			needs = append(needs, p)
		}
		switch {
		case c.Present:
			had = append(had, fmt.Sprintf("%s was %s", c.Key, strings.Join(c.Request, ",")))
		case r.hasKey(c.Key):
			had = append(had, c.Key+" was absent")
		default:
			had = append(had, c.Key+" was absent")
			unknown = append(unknown, c.Key)
		}
	}
	if len(needs) == 0 {
		return head + " outright: no condition lets a request through."
	}
	r.Classic = ClassicGuardrail
	r.needs = strings.Join(needs, " and ")
	s := fmt.Sprintf("%s unless %s: the request's %s.", head, strings.Join(needs, " and "), strings.Join(had, ", "))
	if len(unknown) > 0 {
		s += fmt.Sprintf(" sagerole does not know %s for this request: if the request set it, say so in its context.", strings.Join(unknown, " or "))
	}
	return s
}

// property says, for a guardrail's condition, what the request must do
// for the Deny to let it through (seed 002's condition keys).
func property(c eval.Condition) string {
	vals := strings.Join(c.Values, ", ")
	if len(c.Resolved) > 0 {
		vals = strings.Join(c.Resolved, ", ")
	}
	key := strings.ToLower(c.Key)
	switch {
	case key == "sagemaker:networkisolation":
		return "it sets EnableNetworkIsolation to true (sagemaker:NetworkIsolation)"
	case key == "sagemaker:volumekmskeyarn" || key == "sagemaker:volumekmskey":
		if strings.HasPrefix(c.Operator, "Null") {
			return "it names a volume KMS key, VolumeKmsKeyId (sagemaker:VolumeKmsKeyArn)"
		}
		return "its volume KMS key is " + vals + " (sagemaker:VolumeKmsKeyArn)"
	case key == "sagemaker:instancetypes":
		return "its instance types are among " + vals + " (sagemaker:InstanceTypes)"
	case key == "sagemaker:vpcsubnets":
		if strings.HasPrefix(c.Operator, "Null") {
			return "it runs in a VPC, with VpcConfig Subnets (sagemaker:VpcSubnets)"
		}
		return "its VpcConfig Subnets are among " + vals + " (sagemaker:VpcSubnets)"
	case key == "sagemaker:vpcsecuritygroupids":
		if strings.HasPrefix(c.Operator, "Null") {
			return "it names VpcConfig SecurityGroupIds (sagemaker:VpcSecurityGroupIds)"
		}
		return "its VpcConfig SecurityGroupIds are among " + vals + " (sagemaker:VpcSecurityGroupIds)"
	case key == "sagemaker:rootaccess":
		return "it sets RootAccess to Disabled (sagemaker:RootAccess)"
	case key == "sagemaker:directinternetaccess":
		return "it sets DirectInternetAccess to Disabled (sagemaker:DirectInternetAccess)"
	case key == "aws:sourceip":
		return "it comes from " + vals + " (aws:SourceIp)"
	case key == "aws:sourcevpce":
		return "it comes through VPC endpoint " + vals + " (aws:SourceVpce)"
	case key == "sagemaker:taggingaction":
		return "the tags are added while creating the resource (sagemaker:TaggingAction)"
	case strings.HasPrefix(key, "aws:resourcetag/"):
		return fmt.Sprintf("the resource is tagged %s=%s or untagged (%s)", c.Key[len("aws:ResourceTag/"):], vals, c.Key)
	case strings.HasPrefix(key, "aws:requesttag/"):
		return fmt.Sprintf("it tags %s=%s or not at all (%s)", c.Key[len("aws:RequestTag/"):], vals, c.Key)
	}
	return fmt.Sprintf("%s does not hold for %s %s", c.Operator, c.Key, vals)
}
