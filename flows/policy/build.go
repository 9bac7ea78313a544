package policy

import (
	"fmt"
	"slices"
	"strings"

	"github.com/sagerole/sagerole/awsops/rules"
)

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
			"Subnets": r.Subnets, "SecurityGroups": r.SecurityGroups,
			"PassRoles": r.passRoles(part, account),
			// Role Manager's compute role writes logs only under
			// /aws/sagemaker/, whatever --log-groups says.
			"SageMakerLogGroups": {fmt.Sprintf("arn:%s:logs:%s:%s:log-group:/aws/sagemaker/*", part, region, account)},
			"GlueDatabases":      r.glueARNs(part, region, account, "database/%s"),
			"GlueTables":         r.glueARNs(part, region, account, "table/%s/*"),
			"AthenaWorkgroups":   r.workgroupARNs(part, region, account),
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

// featureStoreDatabase is the Glue database SageMaker Feature Store's
// offline store writes its tables to (Role Manager's SM_GlueTableManagement
// names it).
const featureStoreDatabase = "sagemaker_featurestore"

// glueARNs are sagemaker_featurestore's and the named databases' ARNs of
// one Glue resource type (format: "database/%s" or "table/%s/*").
func (r resolved) glueARNs(partition, region, account, format string) []string {
	var out []string
	for _, db := range append([]string{featureStoreDatabase}, r.GlueDatabases...) {
		out = append(out, fmt.Sprintf("arn:%s:glue:%s:%s:"+format, partition, region, account, db))
	}
	return sortedSet(out)
}

// workgroupARNs are the Athena workgroups named, or primary (Role
// Manager's default).
func (r resolved) workgroupARNs(partition, region, account string) []string {
	names := r.AthenaWorkgroups
	if len(names) == 0 {
		names = []string{"primary"}
	}
	var out []string
	for _, w := range names {
		out = append(out, fmt.Sprintf("arn:%s:athena:%s:%s:workgroup/%s", partition, region, account, w))
	}
	return sortedSet(out)
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
	b, err := build(s)
	return b.doc, err
}

// built is a scope's document and what went into it.
type built struct {
	r          resolved
	doc        Document
	guardrails []guardrailResult // in catalog order
	used       map[string]bool   // the placeholders the templates met
	passRoles  []string          // the roles PassRole names
}

// build fills the templates of the scope's activities, options and
// guardrails, computes each guardrail's Deny from what the rest allows
// (computeGuardrails), and merges everything.
func build(s Scope) (built, error) { return buildAs(s, false) }

// UsesS3 reports whether the scope's activities reach S3, so that buckets
// narrow them (create-role gives buckets to a scope only then; a scope
// without S3 still gets the bucket policy).
func (s Scope) UsesS3() (bool, error) {
	s.Buckets, s.ReadOnly = nil, false
	b, err := buildAs(s, true)
	if err != nil {
		return false, err
	}
	return b.used["S3Objects"] || b.used["S3Buckets"], nil
}

func buildAs(s Scope, probe bool) (built, error) {
	r, err := s.resolveAs(probe)
	if err != nil {
		return built{}, err
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
	v := r.vars()
	fill := func(f string) (Document, error) {
		t, err := template(f)
		if err != nil {
			return Document{}, err
		}
		d, err := v.fill(t)
		if err != nil {
			return Document{}, fmt.Errorf("policy template %s: %w", f, err)
		}
		return d, nil
	}
	var grants []Document
	for _, f := range files {
		d, err := fill(f)
		if err != nil {
			return built{}, err
		}
		if r.ReadOnly {
			d = readOnlyS3(d)
		}
		grants = append(grants, d)
	}
	guards := map[string]Document{}
	for _, g := range r.guardrails {
		d, err := fill(guardrailTemplate(g))
		if err != nil {
			return built{}, err
		}
		for _, pin := range r.pins(g) {
			p, err := fill(pin)
			if err != nil {
				return built{}, err
			}
			d.Statement = append(d.Statement, p.Statement...)
		}
		guards[g] = d
	}
	if err := r.checkOptionsUsed(v); err != nil && !probe {
		return built{}, err
	}
	b := built{r: r, used: v.used, passRoles: v.lists["PassRoles"]}
	docs := grants
	if len(guards) > 0 && !probe {
		ref, err := reference()
		if err != nil {
			return built{}, err
		}
		// A guardrail's own Allow (addtags-on-create) is allowed too.
		allowedFrom := slices.Clone(grants)
		for _, d := range guards {
			allowedFrom = append(allowedFrom, d)
		}
		computed, results, err := computeGuardrails(ref, allowedActions(ref, allowedFrom, r.Allowed), guards)
		if err != nil {
			return built{}, err
		}
		b.guardrails = results
		for _, g := range r.guardrails {
			docs = append(docs, computed[g])
		}
	}
	b.doc = MergeDocuments(docs...)
	return b, nil
}

// pins are the templates that pin a guardrail to the values given: the
// subnets and security groups of vpc-only, the keys of volume-kms.
func (r resolved) pins(guardrail string) []string {
	var out []string
	switch guardrail {
	case VPCOnly:
		if len(r.Subnets) > 0 {
			out = append(out, "pins/vpc-subnets")
		}
		if len(r.SecurityGroups) > 0 {
			out = append(out, "pins/vpc-security-groups")
		}
	case VolumeKMS:
		if len(r.KMSKeys) > 0 {
			out = append(out, "pins/volume-kms-keys")
		}
	}
	return out
}

// isDataActivity reports whether activity a gets the KMS additions with
// --kms-key (Decrypt for SSE-KMS input, Encrypt and GenerateDataKey for
// output, CreateGrant for volumes): seed 000 gives them to each per-API
// policy that reads or writes data (hosting and notebook read the same
// data), Role Manager to the activities it offers KMS customization for
// (accessAwsServices, runStudioApps, manageJobs, manageEndpoints,
// monitorModels, manageGlueTables in src/activity.ts), and sagerole to
// those that write to S3 (s3-buckets, canvas).
func isDataActivity(a string) bool {
	switch a {
	case Training, Processing, Tuning, AutoML, Hosting, Notebook,
		AWSServices, StudioApps, MLJobs, Endpoints, Monitoring, GlueTables, S3Buckets, Canvas:
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
		return &rules.InputError{Field: "pass-role", Msg: "roles to pass apply to activities that pass a role to SageMaker, but none of the chosen activities does; add one such as ml-jobs, models or notebook"}
	case len(r.GlueDatabases) > 0 && !v.used["GlueDatabases"]:
		return &rules.InputError{Field: "glue database", Msg: "Glue databases name what glue-tables may read, but none of the chosen activities reads Glue tables; add glue-tables"}
	case len(r.AthenaWorkgroups) > 0 && !v.used["AthenaWorkgroups"]:
		return &rules.InputError{Field: "athena workgroup", Msg: "Athena workgroups name where athena may run queries, but none of the chosen activities queries Athena; add athena"}
	case r.LogGroups && !v.used["LogGroups"] && !v.used["SageMakerLogGroups"]:
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
