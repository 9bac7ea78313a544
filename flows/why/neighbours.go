package why

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/sagerole/sagerole/awsops/rules"
	"github.com/sagerole/sagerole/flows"
	"github.com/sagerole/sagerole/flows/policy/eval"
	"github.com/sagerole/sagerole/flows/policy/iamref"
)

// neighbourAccount is an account that is not the role's.
const neighbourAccount = "999999999999"

// neighbours are the requests a fix must not change unless they are within
// its envelope: the request on sibling resources (another object, another
// bucket, another account or region), every other action of the service on
// the request's resource and its sibling, the request without each key
// sagerole assumed or was given, and requests of the kinds a careless
// grant reaches (other buckets, keys and roles, iam:*, SageMaker creates
// and tagging, EC2). Each gets the context buildContext gives its action.
func (r *Result) neighbours() []neighbour {
	partition := flows.Partition(r.IAM.ARN)
	account := rules.AccountFromARN(r.IAM.ARN)
	region := regionOf(r.Request.Resource, "us-east-1")
	type pair struct{ action, resource string }
	var pairs []pair
	add := func(a, res string) {
		// The request itself is varied by its context below.
		if !(strings.EqualFold(a, r.Request.Action) && res == r.Request.Resource) {
			pairs = append(pairs, pair{a, res})
		}
	}

	siblings := siblingsOf(r.Request.Resource, partition)
	for _, s := range siblings {
		add(r.Request.Action, s)
	}
	if r.act != nil {
		for _, a := range r.ref.Expand(r.act.Service + ":*") {
			for _, res := range append([]string{r.Request.Resource}, siblings...) {
				if ok, _ := a.ResourceMatches(res); ok && res != "*" {
					add(a.FullName(), res)
				}
			}
			if len(a.Resources) == 0 {
				add(a.FullName(), "*")
			}
		}
	}
	bucket := fmt.Sprintf("arn:%s:s3:::sagerole-neighbour-bucket", partition)
	key := fmt.Sprintf("arn:%s:kms:%s:%s:key/00000000-0000-4000-8000-000000000000", partition, region, account)
	role := fmt.Sprintf("arn:%s:iam::%s:role/sagerole-neighbour-role", partition, account)
	sm := func(typ string) string {
		return fmt.Sprintf("arn:%s:sagemaker:%s:%s:%s", partition, region, account, typ)
	}
	for _, p := range []pair{
		{"s3:GetObject", bucket + "/data.csv"}, {"s3:PutObject", bucket + "/data.csv"}, {"s3:DeleteObject", bucket + "/data.csv"},
		{"s3:ListBucket", bucket}, {"s3:DeleteBucket", bucket}, {"s3:PutBucketPolicy", bucket}, {"s3:CreateBucket", bucket},
		{"s3:ListAllMyBuckets", "*"},
		{"kms:Decrypt", key}, {"kms:Encrypt", key}, {"kms:CreateGrant", key}, {"kms:ScheduleKeyDeletion", key}, {"kms:PutKeyPolicy", key},
		{"iam:PassRole", role}, {"iam:PassRole", r.IAM.ARN}, {"iam:CreateRole", role}, {"iam:PutRolePolicy", r.IAM.ARN},
		{"iam:AttachRolePolicy", r.IAM.ARN}, {"iam:UpdateAssumeRolePolicy", r.IAM.ARN},
		{"sagemaker:CreateTrainingJob", sm("training-job/sagerole-neighbour")}, {"sagemaker:AddTags", sm("training-job/sagerole-neighbour")},
		{"sagemaker:AddTags", sm("space/d-neighbour/sagerole-neighbour")}, {"sagemaker:DeleteDomain", sm("domain/d-neighbour")},
		{"sagemaker:CreatePresignedDomainUrl", sm("user-profile/d-neighbour/sagerole-neighbour")},
		{"ec2:RunInstances", "*"}, {"logs:PutLogEvents", fmt.Sprintf("arn:%s:logs:%s:%s:log-group:sagerole-neighbour:log-stream:x", partition, region, account)},
		{"ecr:BatchGetImage", fmt.Sprintf("arn:%s:ecr:%s:%s:repository/sagerole-neighbour", partition, region, account)},
	} {
		add(p.action, p.resource)
	}

	var out []neighbour
	seen := map[string]bool{}
	push := func(n eval.Request, what string, variant bool) {
		if n.Action == r.req.Action && n.Resource == r.req.Resource && sameContext(n.Context, r.req.Context) {
			return
		}
		sig := n.Action + "|" + n.Resource + "|" + contextSig(n.Context)
		if !seen[sig] {
			seen[sig] = true
			if what == "" {
				what = describe(n)
			}
			out = append(out, neighbour{req: n, what: what, variant: variant})
		}
	}
	for _, p := range pairs {
		push(r.requestFor(p.action, p.resource, false), "", false)
		if strings.EqualFold(p.action, "sagemaker:AddTags") {
			push(r.requestFor(p.action, p.resource, true), "", false)
		}
	}
	// The request without each key that is not the role's own.
	for _, k := range r.keys {
		if k.Source == FromRole {
			continue
		}
		n := r.req
		n.Context = map[string][]string{}
		for key, v := range r.req.Context {
			if !strings.EqualFold(key, k.Key) {
				n.Context[key] = v
			}
		}
		push(n, fmt.Sprintf("the request itself without %s", k.Key), true)
	}
	if strings.EqualFold(r.req.Action, "iam:PassRole") {
		n := r.req
		n.Context = cloneContext(r.req.Context)
		n.Context["iam:PassedToService"] = []string{"ec2.amazonaws.com"}
		push(n, "passing the same role to ec2.amazonaws.com", true)
	}
	return out
}

// neighbour is a request next to the one explained, and how to say it.
type neighbour struct {
	req     eval.Request
	what    string
	variant bool // the request itself with other context
}

// requestFor is a neighbour with the context buildContext gives it; for
// sagemaker:AddTags, creating says whether it tags during a create.
func (r *Result) requestFor(action, resource string, creating bool) eval.Request {
	act, ok := r.ref.Action(action)
	var ap *iamref.Action
	if ok {
		ap = &act
	}
	f := requestFacts{role: r.IAM, action: action, act: ap, resource: resource, region: regionOf(resource, "us-east-1")}
	if strings.EqualFold(action, "sagemaker:AddTags") && !creating {
		f.operation = "AddTags" // tagging an existing resource: no TaggingAction
	}
	keys := buildContext(f)
	if strings.EqualFold(action, "sagemaker:AddTags") && !creating {
		keys = slices.DeleteFunc(keys, func(k ContextKey) bool { return strings.EqualFold(k.Key, "sagemaker:TaggingAction") })
	}
	m, multi := contextMap(r.ref, keys)
	return eval.Request{Action: action, Resource: resource, Context: m, MultiValued: multi}
}

// siblingsOf are resources next to res: another object in the bucket,
// the bucket, another bucket; for other ARNs another name of the same type,
// the same name in another account and in another region.
func siblingsOf(res, partition string) []string {
	if res == "*" {
		return nil
	}
	if rest, ok := strings.CutPrefix(res, "arn:"+partition+":s3:::"); ok {
		bucket, key, _ := strings.Cut(rest, "/")
		base := "arn:" + partition + ":s3:::"
		out := []string{base + bucket + "-other", base + "sagerole-neighbour-bucket"}
		if key != "" {
			out = append(out, base+bucket, base+bucket+"/sagerole-neighbour/other.bin", base+bucket+"-other/"+key)
		} else {
			out = append(out, base+bucket+"/sagerole-neighbour/other.bin")
		}
		return out
	}
	parts := strings.SplitN(res, ":", 6)
	if len(parts) < 6 {
		return nil
	}
	var out []string
	other := append([]string(nil), parts...)
	if i := strings.LastIndexAny(parts[5], "/:"); i >= 0 {
		other[5] = parts[5][:i+1] + "sagerole-neighbour"
	} else {
		other[5] = parts[5] + "-sagerole-neighbour"
	}
	out = append(out, strings.Join(other, ":"))
	if parts[4] != "" {
		acct := append([]string(nil), parts...)
		acct[4] = neighbourAccount
		out = append(out, strings.Join(acct, ":"))
	}
	if parts[3] != "" {
		reg := append([]string(nil), parts...)
		reg[3] = "eu-west-1"
		if parts[3] == "eu-west-1" {
			reg[3] = "us-east-1"
		}
		out = append(out, strings.Join(reg, ":"))
	}
	if parts[2] == "iam" && strings.HasPrefix(parts[5], "role/") {
		// The same role name on another path is another role.
		p := append([]string(nil), parts...)
		p[5] = "role/sagerole-neighbour-path/" + nameOfARN(res)
		out = append(out, strings.Join(p, ":"))
	}
	return out
}

func sameContext(a, b map[string][]string) bool { return contextSig(a) == contextSig(b) }

func contextSig(m map[string][]string) string {
	keys := make([]string, 0, len(m))
	for k, v := range m {
		keys = append(keys, strings.ToLower(k)+"="+strings.Join(v, ","))
	}
	sort.Strings(keys)
	return strings.Join(keys, ";")
}

func cloneContext(m map[string][]string) map[string][]string {
	out := make(map[string][]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
