package policy

import (
	"github.com/sagerole/sagerole/awsops/rules"
)

// Scope is a custom scope: what a role may do, assembled from a persona
// and/or activities, narrowed or extended by options, restricted by
// guardrails.
type Scope struct {
	Persona    string   // data-scientist, mlops or compute; adds its activities
	Activities []string // studio-apps, ml-jobs, training, …

	// Options.
	Buckets   []BucketGrant // S3 access only to these (bucket, prefix) instead of *
	ReadOnly  bool          // S3 reads only (GetObject, ListBucket, GetBucketLocation and the like)
	ECRRepos  []string      // ECR image actions only on these repositories (names or ARNs)
	LogGroups bool          // CloudWatch Logs actions only on /aws/sagemaker/* log groups
	VPC       bool          // the ec2 network-interface actions jobs in a VPC need
	KMSKeys   []string      // kms:Decrypt, Encrypt, CreateGrant on these keys for data activities; domain-kms's key
	// GlueDatabases are the Glue databases glue-tables may search and
	// read, besides sagemaker_featurestore.
	GlueDatabases []string
	// AthenaWorkgroups are the workgroups athena may run queries in;
	// empty means primary, as in Role Manager.
	AthenaWorkgroups []string

	// Guardrails and their parameters. A parameter implies its guardrail:
	// giving InstanceTypes turns on instance-types, and so on.
	Guardrails       []string
	InstanceTypes    []string // allowed, patterns allowed: ml.m5.xlarge, ml.c5.*
	Subnets          []string // for vpc-only: the only subnets jobs may use (subnet-…)
	SecurityGroups   []string // for vpc-only: the only security groups (sg-…)
	SourceIPs        []string // CIDR blocks
	SourceVPCEs      []string // vpce-… IDs
	ResourceTagKey   string
	ResourceTagValue string

	// RoleARN is the role these policies go on: the activities that pass
	// a role (ml-jobs, models, pipelines, notebook, automl…) pass this one. Empty (a
	// document printed with no role in mind) writes RolePlaceholder.
	RoleARN string
	// PassRoles are other roles (ARNs) those activities may pass too.
	// Names (in the role's account, path /) or ARNs.
	PassRoles []string

	// Allowed are action patterns the role is allowed by its other
	// policies (an attached AmazonSageMakerFullAccess, older inline
	// policies): guardrails restrict those calls too.
	Allowed []string

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
	// leftOut are activities of the persona it does not include, with why
	// (s3-buckets, when no bucket is named).
	leftOut map[string]string
	// probe resolves a scope only to see what its templates reach:
	// activities that need values they were not given are kept.
	probe bool
}

// Validate checks the scope; every refusal is a *rules.InputError naming
// the field and the rule.
func (s Scope) Validate() error {
	_, err := s.resolve()
	return err
}

func (s Scope) resolve() (resolved, error) { return s.resolveAs(false) }

func (s Scope) resolveAs(probe bool) (resolved, error) {
	r := resolved{Scope: s, leftOut: map[string]string{}, probe: probe}
	acts := map[string]bool{}
	if err := mustKnown("activity", Activities(), s.Activities); err != nil {
		return r, err
	}
	for _, a := range s.Activities {
		acts[a] = true
	}
	if s.Persona != "" {
		pa, err := PersonaActivities(s.Persona)
		if err != nil {
			return r, err
		}
		for _, a := range pa {
			if a == S3Buckets && len(s.Buckets) == 0 && !acts[a] && !probe {
				r.leftOut[a] = "no bucket is named (--bucket)"
				continue
			}
			acts[a] = true
		}
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
	guards[VPCOnly] = guards[VPCOnly] || len(s.Subnets) > 0 || len(s.SecurityGroups) > 0
	r.activities = ordered(Activities(), acts)
	r.guardrails = ordered(Guardrails(), guards)

	if err := s.validateValues(); err != nil {
		return r, err
	}
	switch {
	case len(r.activities) == 0 && len(r.guardrails) == 0 && !s.VPC && len(s.KMSKeys) == 0:
		return r, &rules.InputError{Field: "scope", Msg: "custom scope is empty; choose a persona, at least one activity, an option or a guardrail"}
	case acts[S3Buckets] && len(s.Buckets) == 0 && !probe:
		return r, &rules.InputError{Field: "bucket", Msg: "activity s3-buckets grants the buckets named with --bucket, and none is named"}
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
		if err := CheckPassRole(r); err != nil {
			return &rules.InputError{Field: "pass-role", Msg: "--pass-role: " + err.(*rules.InputError).Msg}
		}
	}
	for _, t := range s.InstanceTypes {
		if err := rules.InstanceType(t); err != nil {
			return err
		}
	}
	for _, l := range []struct {
		values []string
		check  func(string) error
	}{
		{s.Subnets, CheckSubnet}, {s.SecurityGroups, CheckSecurityGroup},
		{s.GlueDatabases, CheckGlueDatabase}, {s.AthenaWorkgroups, CheckAthenaWorkgroup},
	} {
		for _, v := range l.values {
			if err := l.check(v); err != nil {
				return err
			}
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
