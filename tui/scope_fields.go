package tui

import (
	"fmt"
	"slices"
	"strings"

	"charm.land/huh/v2"

	"github.com/sagerole/sagerole/awsops"
	"github.com/sagerole/sagerole/awsops/rules"
	"github.com/sagerole/sagerole/flows/policy"
)

// scopeSettings are the options of a custom scope, and the values some
// guardrails need, comma-separated as typed.
type scopeSettings struct {
	ecrRepos, kmsKeys string
	logGroups, vpc    bool
	// The options that only some activities reach: roles to pass, Glue
	// databases, Athena workgroups.
	passRoles, glueDBs, workgroups string

	instanceTypes, sourceIPs, sourceVPCEs string
	tagKey, tagValue                      string
	subnets, securityGroups               string // vpc-only's pins
}

// The rules.InputError fields of the options step and of the guardrails'
// settings step, to come back to when the plan refuses one.
var (
	optionFieldNames  = []string{"ECR repository", "KMS key", "log groups", "vpc", "pass-role", "glue database", "athena workgroup"}
	settingFieldNames = []string{"instance type", "source IP", "VPC endpoint", "tag", "subnet", "security group"}
)

// reach is what the scope's activities reach, so that an option that would
// change nothing is not asked (the plan would refuse it).
func reach(s policy.Scope) policy.Reach {
	r, err := s.Reaches()
	if err != nil {
		// An unknown name is refused by the plan with its sentence; ask
		// everything meanwhile.
		return policy.Reach{S3: true, ECR: true, Logs: true, PassRole: true, Glue: true, Athena: true}
	}
	return r
}

// optionFields are the scope's options (the command line's --ecr-repo,
// --kms-key, --log-groups, --vpc, --pass-role, --glue-database,
// --athena-workgroup) that the persona or activities of s reach; the KMS
// key is needed by domain-kms. roles, when read, refuse a role to pass
// that the account does not have, as it is typed.
func (st *scopeSettings) optionFields(k *kit, s policy.Scope, roles *rolesRead) []huh.Field {
	r := reach(s)
	kmsDesc := "key ARNs (comma-separated) jobs may Decrypt, Encrypt and CreateGrant with; none: no KMS actions"
	kmsCheck := listCheck(rules.KMSKeyARN)
	if slices.Contains(s.Activities, policy.DomainKMS) {
		kmsDesc = "the ARN of the domain's KMS key (domain-kms needs it), and any other key jobs use"
		kmsCheck = required("domain-kms needs the ARN of the domain's KMS key", kmsCheck, "KMS key")
	}
	var fs []huh.Field
	if r.ECR {
		fs = append(fs, k.input("ecrRepos", "ECR repositories (optional)", "names or ARNs, comma-separated: image actions only on these; empty: any repository",
			&st.ecrRepos, listCheck(rules.ECRRepository)))
	}
	fs = append(fs, k.input("kmsKeys", "KMS keys", kmsDesc, &st.kmsKeys, kmsCheck))
	if r.PassRole {
		fs = append(fs, k.input("passRoles", "Other roles it may pass (optional)",
			"names or ARNs, comma-separated; empty: it passes only itself",
			&st.passRoles, listCheck(passRoleCheck(roles))).Placeholder("training-jobs"))
	}
	if r.Glue {
		fs = append(fs, k.input("glueDBs", "Glue databases (optional)", "comma-separated: tables it may read besides sagemaker_featurestore's",
			&st.glueDBs, listCheck(policy.CheckGlueDatabase)).Placeholder("churn, customer_360"))
	}
	if r.Athena {
		fs = append(fs, k.input("workgroups", "Athena workgroups (optional)", "comma-separated: where it may run queries; empty: primary",
			&st.workgroups, listCheck(policy.CheckAthenaWorkgroup)).Placeholder("primary"))
	}
	if r.Logs {
		fs = append(fs, k.confirm("logGroups", "CloudWatch Logs only on /aws/sagemaker/* log groups?", "", &st.logGroups))
	}
	return append(fs, k.confirm("vpc", "Will jobs run in a VPC (add the EC2 network-interface actions)?", "", &st.vpc))
}

// passRoleCheck refuses what is neither a role name nor a role ARN, and,
// once the account's roles are read, a role it does not have: the plan
// would refuse it (it passes roles as they exist).
func passRoleCheck(roles *rolesRead) func(string) error {
	return func(v string) error {
		if err := policy.CheckPassRole(v); err != nil {
			return err
		}
		if roles == nil || !roles.done || roles.err != nil {
			return nil
		}
		name := v
		if rules.IsARN(v) {
			name = rules.RoleNameFromARN(v)
		}
		r := roles.byName(name)
		switch {
		case r == nil:
			return inputErr("pass-role", fmt.Sprintf("role to pass %s does not exist in this account", v))
		case rules.IsARN(v) && r.ARN != v:
			return inputErr("pass-role", fmt.Sprintf("role to pass %s does not match the role of that name in this account, %s", v, r.ARN))
		}
		return nil
	}
}

// fields are the inputs the chosen guardrails need; each is refused empty,
// as the guardrail needs it. vpc-only's subnets and security groups are
// optional: without them it asks for a VPC, any.
func (st *scopeSettings) fields(k *kit, guardrails []string) []huh.Field {
	var fs []huh.Field
	if slices.Contains(guardrails, policy.InstanceTypes) {
		fs = append(fs, k.input("instanceTypes", "Allowed instance types", "comma-separated; patterns such as ml.c5.* are allowed",
			&st.instanceTypes, required("guardrail instance-types needs at least one allowed instance type", listCheck(rules.InstanceType), "instance type")).
			Placeholder("ml.m5.xlarge, ml.c5.*"))
	}
	if slices.Contains(guardrails, policy.VPCOnly) {
		fs = append(fs,
			k.input("subnets", "Subnets jobs may use (optional)", "comma-separated subnet IDs; empty: any subnet, as long as it is in a VPC",
				&st.subnets, listCheck(policy.CheckSubnet)).Placeholder("subnet-0a1b2c3d"),
			k.input("securityGroups", "Security groups jobs may use (optional)", "comma-separated security group IDs; empty: any",
				&st.securityGroups, listCheck(policy.CheckSecurityGroup)).Placeholder("sg-0a1b2c3d"))
	}
	if slices.Contains(guardrails, policy.SourceIP) {
		fs = append(fs, k.input("sourceIPs", "Source IP ranges (CIDR)", "comma-separated CIDR blocks API calls must come from",
			&st.sourceIPs, required("guardrail source-ip needs at least one CIDR block", listCheck(rules.CIDR), "source IP")).
			Placeholder("203.0.113.0/24"))
	}
	if slices.Contains(guardrails, policy.SourceVPCE) {
		fs = append(fs, k.input("sourceVPCEs", "VPC endpoint IDs", "comma-separated vpce-… IDs API calls must come through",
			&st.sourceVPCEs, required("guardrail source-vpce needs at least one VPC endpoint ID", listCheck(rules.VPCEndpointID), "VPC endpoint")).
			Placeholder("vpce-1a2b3c4d"))
	}
	if slices.Contains(guardrails, policy.TagAccess) {
		fs = append(fs,
			k.input("tagKey", "Resource tag key", "resources tagged KEY=VALUE (or untagged) only",
				&st.tagKey, required("guardrail tag-access needs a tag key", nil, "tag")),
			k.input("tagValue", "Resource tag value", "", &st.tagValue, nil))
	}
	return fs
}

// apply puts into a scope the options (when asked for, and only those
// the scope's activities reach, as only those were asked) and the settings
// the chosen guardrails need, and only those: a value typed for a
// guardrail the user then unpicked must not bring it back (a value implies
// its guardrail).
func (st *scopeSettings) apply(s *policy.Scope, guardrails []string, options bool) {
	if options {
		r := reach(policy.Scope{Persona: s.Persona, Activities: s.Activities})
		s.KMSKeys = splitList(st.kmsKeys)
		s.VPC = st.vpc
		if r.ECR {
			s.ECRRepos = splitList(st.ecrRepos)
		}
		if r.Logs {
			s.LogGroups = st.logGroups
		}
		if r.PassRole {
			s.PassRoles = splitList(st.passRoles)
		}
		if r.Glue {
			s.GlueDatabases = splitList(st.glueDBs)
		}
		if r.Athena {
			s.AthenaWorkgroups = splitList(st.workgroups)
		}
	}
	if slices.Contains(guardrails, policy.InstanceTypes) {
		s.InstanceTypes = splitList(st.instanceTypes)
	}
	if slices.Contains(guardrails, policy.VPCOnly) {
		s.Subnets, s.SecurityGroups = splitList(st.subnets), splitList(st.securityGroups)
	}
	if slices.Contains(guardrails, policy.SourceIP) {
		s.SourceIPs = splitList(st.sourceIPs)
	}
	if slices.Contains(guardrails, policy.SourceVPCE) {
		s.SourceVPCEs = splitList(st.sourceVPCEs)
	}
	if slices.Contains(guardrails, policy.TagAccess) {
		s.ResourceTagKey, s.ResourceTagValue = strings.TrimSpace(st.tagKey), strings.TrimSpace(st.tagValue)
	}
}

// choiceOptions are a catalog's choices as options: "name — description",
// cut to one line of the screen (huh wraps a long option badly; the
// command line's help has the descriptions in full).
func choiceOptions(c *ProgramContext, cs []policy.Choice) []huh.Option[string] {
	out := make([]huh.Option[string], len(cs))
	for i, ch := range cs {
		// The catalog tells the command line's user which flag a choice
		// needs; the wizard asks for it on the next screen instead.
		desc, _, _ := strings.Cut(ch.Description, "; needs --")
		label := ch.Name + " — " + desc
		if !c.Opts.Accessible {
			label = truncate(label, max(c.Width-8, 20))
		}
		out[i] = huh.NewOption(label, ch.Name)
	}
	return out
}

// splitList splits a comma- or space-separated list.
func splitList(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' || r == '\n' })
}

// listCheck applies check to every item of a list.
func listCheck(check func(string) error) func(string) error {
	return func(s string) error {
		for _, v := range splitList(s) {
			if err := check(v); err != nil {
				return err
			}
		}
		return nil
	}
}

// parseTagList parses "K=V, K=V" with the command line's rules.
func parseTagList(s string) ([]awsops.Tag, error) {
	var tags []awsops.Tag
	var keys, values []string
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		k, v, err := rules.ParseTag(part)
		if err != nil {
			return nil, err
		}
		tags = append(tags, awsops.Tag{Key: k, Value: v})
		keys, values = append(keys, k), append(values, v)
	}
	return tags, rules.Tags(keys, values)
}

// checkTags is parseTagList as a field's validator.
func checkTags(s string) error {
	_, err := parseTagList(s)
	return err
}

// checkGrants is parseGrants as a field's validator.
func checkGrants(s string) error {
	_, err := parseGrants(s)
	return err
}

// parseGrants parses "BUCKET, BUCKET/PREFIX" as the command line's --bucket.
func parseGrants(s string) ([]policy.BucketGrant, error) {
	var out []policy.BucketGrant
	for _, v := range splitList(s) {
		g := policy.ParseGrant(v)
		if err := g.Validate(); err != nil {
			return nil, err
		}
		out = append(out, g)
	}
	return out, nil
}
