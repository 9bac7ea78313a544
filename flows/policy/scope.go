package policy

import (
	"fmt"
	"strings"

	"github.com/sagerole/sagerole/awsops/rules"
)

// Scope is a custom scope: what a role may do, assembled from a persona
// and/or activities, narrowed or extended by options, restricted by
// guardrails.
type Scope struct {
	Persona    string   // data-scientist, mlops or compute; adds its activities
	Activities []string // training, processing, …

	// Options.
	Buckets   []BucketGrant // S3 access only to these (bucket, prefix) instead of *
	ReadOnly  bool          // S3 reads only (GetObject, ListBucket, GetBucketLocation and the like)
	ECRRepos  []string      // ECR image actions only on these repositories (names or ARNs)
	LogGroups bool          // CloudWatch Logs actions only on /aws/sagemaker/* log groups
	VPC       bool          // the ec2 network-interface actions jobs in a VPC need
	KMSKeys   []string      // kms:Decrypt, Encrypt, CreateGrant on these keys for data activities; domain-kms's key

	// Guardrails and their parameters. A parameter implies its guardrail:
	// giving InstanceTypes turns on instance-types, and so on.
	Guardrails       []string
	InstanceTypes    []string // allowed, patterns allowed: ml.m5.xlarge, ml.c5.*
	SourceIPs        []string // CIDR blocks
	SourceVPCEs      []string // vpce-… IDs
	ResourceTagKey   string
	ResourceTagValue string

	// RoleARN is the role these policies go on: the activities that pass
	// a role to SageMaker (notebook, automl) pass this one. Empty (a
	// document printed with no role in mind) writes RolePlaceholder.
	RoleARN string
	// PassRoles are other roles (ARNs) those activities may pass too.
	// Names (in the role's account, path /) or ARNs.
	PassRoles []string

	// Where the ARNs point; empty means any ("*"), and partition "aws".
	Partition, Account, Region string
}

// RolePlaceholder is the role name written for the role's own ARN when a
// document is generated for no particular role (sagerole policy): a
// PassRole on it passes nothing until it names the real role.
const RolePlaceholder = "ROLE-NAME"

// Names of the inline policies sagerole writes.
const (
	ScopePolicyName  = "sagerole-scope"   // the custom scope; split ones are sagerole-scope-2, -3, …
	BucketPolicyName = "sagerole-buckets" // the buckets added by add-buckets
)

// FullAccessARN is the AWS managed policy of the "full" scope, in the aws
// partition; FullAccessARNIn gives it in another.
const FullAccessARN = "arn:aws:iam::aws:policy/AmazonSageMakerFullAccess"

// FullAccessARNIn is AmazonSageMakerFullAccess in partition (aws, aws-cn,
// aws-us-gov…; "" means aws): AWS managed policies live in each partition
// under its own ARN prefix.
func FullAccessARNIn(partition string) string {
	if partition == "" {
		partition = "aws"
	}
	return "arn:" + partition + ":iam::aws:policy/AmazonSageMakerFullAccess"
}

// resolved is a validated scope with its persona expanded and the
// guardrails its parameters imply turned on.
type resolved struct {
	Scope
	activities []string
	guardrails []string
}

// Validate checks the scope; every refusal is a *rules.InputError naming
// the field and the rule.
func (s Scope) Validate() error {
	_, err := s.resolve()
	return err
}

func (s Scope) resolve() (resolved, error) {
	r := resolved{Scope: s}
	acts := map[string]bool{}
	if s.Persona != "" {
		pa, err := PersonaActivities(s.Persona)
		if err != nil {
			return r, err
		}
		for _, a := range pa {
			acts[a] = true
		}
	}
	if err := mustKnown("activity", Activities(), s.Activities); err != nil {
		return r, err
	}
	for _, a := range s.Activities {
		acts[a] = true
	}
	if err := mustKnown("guardrail", Guardrails(), s.Guardrails); err != nil {
		return r, err
	}
	guards := map[string]bool{}
	for _, g := range s.Guardrails {
		guards[g] = true
	}
	guards[InstanceTypes] = guards[InstanceTypes] || len(s.InstanceTypes) > 0
	guards[SourceIP] = guards[SourceIP] || len(s.SourceIPs) > 0
	guards[SourceVPCE] = guards[SourceVPCE] || len(s.SourceVPCEs) > 0
	guards[TagAccess] = guards[TagAccess] || s.ResourceTagKey != ""
	r.activities = ordered(Activities(), acts)
	r.guardrails = ordered(Guardrails(), guards)

	if err := s.validateValues(); err != nil {
		return r, err
	}
	switch {
	case len(r.activities) == 0 && len(r.guardrails) == 0 && !s.VPC && len(s.KMSKeys) == 0:
		return r, &rules.InputError{Field: "scope", Msg: "custom scope is empty; choose a persona, at least one activity, an option or a guardrail"}
	case acts[DomainKMS] && len(s.KMSKeys) == 0:
		return r, &rules.InputError{Field: "KMS key", Msg: "activity domain-kms needs the ARN of the domain's KMS key (--kms-key)"}
	case guards[InstanceTypes] && len(s.InstanceTypes) == 0:
		return r, &rules.InputError{Field: "instance type", Msg: "guardrail instance-types needs at least one allowed instance type (--instance-type)"}
	case guards[SourceIP] && len(s.SourceIPs) == 0:
		return r, &rules.InputError{Field: "source IP", Msg: "guardrail source-ip needs at least one CIDR block (--source-ip)"}
	case guards[SourceVPCE] && len(s.SourceVPCEs) == 0:
		return r, &rules.InputError{Field: "VPC endpoint", Msg: "guardrail source-vpce needs at least one VPC endpoint ID (--source-vpce)"}
	case guards[TagAccess] && s.ResourceTagKey == "":
		return r, &rules.InputError{Field: "tag", Msg: "guardrail tag-access needs a tag key (--tag-key) and value (--tag-value)"}
	case guards[SourceIP] && guards[SourceVPCE]:
		// Calls through an interface endpoint carry no public source IP, so
		// both Deny statements together would refuse every call.
		return r, &rules.InputError{Field: "guardrail", Msg: "guardrails source-ip and source-vpce cannot be combined: calls through a VPC endpoint have no public source IP, so every call would be denied"}
	}
	return r, nil
}

func (s Scope) validateValues() error {
	for _, b := range s.Buckets {
		if err := b.Validate(); err != nil {
			return err
		}
	}
	for _, repo := range s.ECRRepos {
		if err := rules.ECRRepository(repo); err != nil {
			return err
		}
	}
	for _, k := range s.KMSKeys {
		if err := rules.KMSKeyARN(k); err != nil {
			return err
		}
	}
	if s.RoleARN != "" {
		if err := rules.RoleARN(s.RoleARN); err != nil {
			return err
		}
	}
	for _, r := range s.PassRoles {
		if rules.IsARN(r) {
			if rules.RoleARN(r) == nil {
				continue
			}
		} else if rules.RoleName(r) == nil {
			continue
		}
		return &rules.InputError{Field: "pass-role", Msg: fmt.Sprintf("--pass-role %q is neither a role name nor a role ARN of the form arn:aws:iam::123456789012:role/NAME", r)}
	}
	for _, t := range s.InstanceTypes {
		if err := rules.InstanceType(t); err != nil {
			return err
		}
	}
	for _, c := range s.SourceIPs {
		if err := rules.CIDR(c); err != nil {
			return err
		}
	}
	for _, v := range s.SourceVPCEs {
		if err := rules.VPCEndpointID(v); err != nil {
			return err
		}
	}
	if s.ResourceTagKey != "" || s.ResourceTagValue != "" {
		if err := rules.Tag(s.ResourceTagKey, s.ResourceTagValue); err != nil {
			return err
		}
	}
	if s.Partition != "" {
		if err := rules.Partition(s.Partition); err != nil {
			return err
		}
	}
	if s.Account != "" {
		if err := rules.AccountID(s.Account); err != nil {
			return err
		}
	}
	if s.Region != "" {
		if err := rules.Region(s.Region); err != nil {
			return err
		}
	}
	return nil
}

func orStar(s string) string {
	if s == "" {
		return "*"
	}
	return s
}

func partitionOf(p string) string {
	if p == "" {
		return "aws"
	}
	return p
}

// vars returns the placeholder values of a resolved scope.
func (r resolved) vars() *vars {
	part, region, account := partitionOf(r.Partition), orStar(r.Region), orStar(r.Account)
	v := &vars{
		scalars: map[string]string{
			"Partition": part, "Region": region, "Account": account,
			"TagKey": r.ResourceTagKey, "TagValue": r.ResourceTagValue,
		},
		lists: map[string][]string{
			"S3Objects": {"*"}, "S3Buckets": {"*"}, "EcrRepos": {"*"}, "LogGroups": {"*"},
			"KmsKeys": r.KMSKeys, "InstanceTypes": r.InstanceTypes,
			"SourceIps": r.SourceIPs, "SourceVpces": r.SourceVPCEs,
			"PassRoles": r.passRoles(part, account),
		},
		used: map[string]bool{},
	}
	if len(r.Buckets) > 0 {
		v.lists["S3Objects"], _ = bucketARNs(part, r.Buckets)
		v.buckets, v.partition = r.Buckets, part
	}
	if len(r.ECRRepos) > 0 {
		var arns []string
		for _, repo := range r.ECRRepos {
			if !rules.IsARN(repo) {
				repo = fmt.Sprintf("arn:%s:ecr:%s:%s:repository/%s", part, region, account, repo)
			}
			arns = append(arns, repo)
		}
		v.lists["EcrRepos"] = arns
	}
	if r.LogGroups {
		// One pattern covers the groups and their streams
		// (log-group:/aws/sagemaker/TrainingJobs:log-stream:…).
		v.lists["LogGroups"] = []string{fmt.Sprintf("arn:%s:logs:%s:%s:log-group:/aws/sagemaker/*", part, region, account)}
	}
	return v
}

// passRoles are the roles PassRole may pass: the role's own, then the
// ones named, each once.
func (r resolved) passRoles(partition, account string) []string {
	own := r.RoleARN
	if own == "" {
		own = fmt.Sprintf("arn:%s:iam::%s:role/%s", partition, account, RolePlaceholder)
	}
	out := []string{own}
	for _, p := range r.PassRoles {
		if !rules.IsARN(p) {
			p = fmt.Sprintf("arn:%s:iam::%s:role/%s", partition, account, p)
		}
		out = append(out, p)
	}
	return sortedSet(out)
}

// Build returns the scope's permissions as one merged document, before it
// is split into inline policies.
func Build(s Scope) (Document, error) {
	r, err := s.resolve()
	if err != nil {
		return Document{}, err
	}
	var files []string
	for _, a := range r.activities {
		files = append(files, activityTemplate(a))
	}
	if r.VPC {
		files = append(files, "options/vpc")
	}
	if r.kmsOption() {
		files = append(files, "options/kms")
	}
	for _, g := range r.guardrails {
		files = append(files, guardrailTemplate(g))
	}
	v := r.vars()
	var docs []Document
	for _, f := range files {
		t, err := template(f)
		if err != nil {
			return Document{}, err
		}
		d, err := v.fill(t)
		if err != nil {
			return Document{}, fmt.Errorf("policy template %s: %w", f, err)
		}
		docs = append(docs, d)
	}
	if err := r.checkOptionsUsed(v); err != nil {
		return Document{}, err
	}
	doc := MergeDocuments(docs...)
	if r.ReadOnly {
		doc = MergeDocuments(readOnlyS3(doc))
	}
	return doc, nil
}

// isDataActivity reports whether seed 000 gives activity a the KMS
// additions (Decrypt for SSE-KMS input, Encrypt for output, CreateGrant for
// volumes); hosting and notebook read the same encrypted data.
func isDataActivity(a string) bool {
	switch a {
	case Training, Processing, Tuning, AutoML, Hosting, Notebook:
		return true
	}
	return false
}

// kmsOption reports whether the KMS option applies: keys are given, and
// either a data activity is chosen or no activity at all (the option on its
// own). domain-kms alone uses the keys only for its own CreateGrant and
// DescribeKey, as in seed 000.
func (r resolved) kmsOption() bool {
	if len(r.KMSKeys) == 0 {
		return false
	}
	if len(r.activities) == 0 {
		return true
	}
	for _, a := range r.activities {
		if isDataActivity(a) {
			return true
		}
	}
	return false
}

// checkOptionsUsed refuses options that would change nothing, so a user
// never believes a bucket or repository restriction is in place when none of
// the chosen activities reaches S3 or ECR.
func (r resolved) checkOptionsUsed(v *vars) error {
	s3 := v.used["S3Objects"] || v.used["S3Buckets"]
	switch {
	case len(r.Buckets) > 0 && !s3:
		return &rules.InputError{Field: "bucket", Msg: "buckets narrow the S3 access of activities, but none of the chosen activities uses S3; add one such as training"}
	case r.ReadOnly && !s3:
		return &rules.InputError{Field: "read-only", Msg: "read-only limits the S3 access of activities, but none of the chosen activities uses S3; add one such as training"}
	case len(r.ECRRepos) > 0 && !v.used["EcrRepos"]:
		return &rules.InputError{Field: "ECR repository", Msg: "ECR repositories narrow the image access of activities, but none of the chosen activities pulls images; add one such as training"}
	case len(r.KMSKeys) > 0 && !r.kmsOption() && !v.used["KmsKeys"]:
		return &rules.InputError{Field: "KMS key", Msg: "KMS keys apply to activities that read or write data and to domain-kms, but none of the chosen activities is one; add one such as training"}
	case len(r.PassRoles) > 0 && !v.used["PassRoles"]:
		return &rules.InputError{Field: "pass-role", Msg: "roles to pass apply to activities that pass a role to SageMaker, but none of the chosen activities does; add notebook or automl"}
	case r.LogGroups && !v.used["LogGroups"]:
		return &rules.InputError{Field: "log groups", Msg: "log groups narrow the CloudWatch Logs access of activities, but none of the chosen activities writes logs; add one such as training"}
	}
	return nil
}

// isS3Read reports whether a (lower-cased) S3 action is one read-only keeps.
func isS3Read(action string) bool {
	switch action {
	case "s3:getobject", "s3:listbucket", "s3:getbucketlocation",
		"s3:listallmybuckets", "s3:getbucketcors", "s3:getbucketacl":
		return true
	}
	return false
}

// readOnlyS3 drops every S3 action that is not a read from Allow statements.
func readOnlyS3(d Document) Document {
	out := Document{Version: d.Version, ID: d.ID}
	for _, s := range d.Statement {
		if s.Effect == "Allow" && s.Action != nil {
			var keep []string
			for _, a := range s.Action {
				l := strings.ToLower(a)
				if !strings.HasPrefix(l, "s3:") || isS3Read(l) {
					keep = append(keep, a)
				}
			}
			if len(keep) == 0 {
				continue
			}
			s.Action = keep
		}
		out.Statement = append(out.Statement, s)
	}
	return out
}

// NamedPolicy is one inline policy to put on a role.
type NamedPolicy struct {
	Name     string
	Document Document
}

// JSON returns the policy document as sent to IAM.
func (p NamedPolicy) JSON() string { return p.Document.String() }

// Size is the size IAM counts.
func (p NamedPolicy) Size() int { return p.Document.Size() }

// Assemble builds the scope and fits it into the role's inline policies:
// one policy named sagerole-scope, or sagerole-scope, sagerole-scope-2, …
// when it is larger than limits.InlinePolicySize. It refuses, naming the
// limit and the size, when the policies together (with limits.InUse) exceed
// limits.RolePolicySize.
func Assemble(s Scope, limits Limits) ([]NamedPolicy, error) {
	doc, err := Build(s)
	if err != nil {
		return nil, err
	}
	return Fit(ScopePolicyName, doc, limits)
}

// Fit splits doc into inline policies named name, name-2, … of at most
// limits.InlinePolicySize each and checks them against the role's total.
func Fit(name string, doc Document, limits Limits) ([]NamedPolicy, error) {
	limits = limits.orDefaults()
	parts, err := Split(doc, limits.InlinePolicySize)
	if err != nil {
		return nil, err
	}
	out := make([]NamedPolicy, len(parts))
	for i, p := range parts {
		n := name
		if i > 0 {
			n = fmt.Sprintf("%s-%d", name, i+1)
		}
		out[i] = NamedPolicy{Name: n, Document: p}
	}
	docs := make([]Document, len(parts))
	for i, p := range out {
		docs[i] = p.Document
	}
	if err := limits.CheckInline(docs...); err != nil {
		return nil, err
	}
	return out, nil
}
