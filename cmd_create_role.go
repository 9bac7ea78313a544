package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/sagerole/sagerole/awsops"
	"github.com/sagerole/sagerole/awsops/rules"
	"github.com/sagerole/sagerole/flows/createrole"
	"github.com/sagerole/sagerole/flows/policy"
)

// scopeFlags are the custom-scope flags create-role and policy share.
type scopeFlags struct {
	persona       string
	activities    []string
	buckets       []string
	readOnly      bool
	ecrRepos      []string
	logGroups     bool
	vpc           bool
	kmsKeys       []string
	guardrails    []string
	instanceTypes []string
	sourceIPs     []string
	sourceVPCEs   []string
	tagKey        string
	tagValue      string
	passRoles     []string
	subnets       []string
	secGroups     []string
	glueDBs       []string
	workgroups    []string
}

func names(cs []policy.Choice) string {
	n := make([]string, len(cs))
	for i, c := range cs {
		n[i] = c.Name
	}
	return strings.Join(n, ", ")
}

func (s *scopeFlags) register(f *pflag.FlagSet, withBuckets bool) {
	f.StringVar(&s.persona, "persona", "", "SageMaker Role Manager's persona, as its activities: "+names(policy.Personas()))
	f.StringSliceVar(&s.activities, "activity", nil, "ML activity (repeatable or comma-separated): "+names(policy.Activities()))
	if withBuckets {
		f.StringArrayVar(&s.buckets, "bucket", nil, "S3 bucket the role may use, BUCKET or BUCKET/PREFIX (repeatable)")
		f.BoolVar(&s.readOnly, "read-only", false, "S3 reads only (GetObject, ListBucket, GetBucketLocation and the like)")
	}
	f.StringArrayVar(&s.ecrRepos, "ecr-repo", nil, "ECR repository jobs may pull from, instead of any (repeatable)")
	f.BoolVar(&s.logGroups, "log-groups", false, "CloudWatch Logs only on /aws/sagemaker/* log groups")
	f.BoolVar(&s.vpc, "vpc", false, "the ec2 network-interface actions jobs in a VPC need")
	f.StringArrayVar(&s.kmsKeys, "kms-key", nil, "KMS key ARN (not an alias) for Decrypt/Encrypt/GenerateDataKey/CreateGrant, domain-kms's key, the only volume key volume-kms allows (repeatable)")
	f.StringSliceVar(&s.guardrails, "guardrail", nil, "guardrail (repeatable or comma-separated): "+names(policy.Guardrails()))
	f.StringArrayVar(&s.instanceTypes, "instance-type", nil, "allowed instance type for instance-types, e.g. ml.m5.xlarge (repeatable)")
	f.StringArrayVar(&s.subnets, "subnet", nil, "for vpc-only: the only subnet jobs may use, e.g. subnet-0a1b2c3d (repeatable)")
	f.StringArrayVar(&s.secGroups, "security-group", nil, "for vpc-only: the only security group jobs may use, e.g. sg-0a1b2c3d (repeatable)")
	f.StringArrayVar(&s.sourceIPs, "source-ip", nil, "CIDR block API calls must come from, for source-ip (repeatable)")
	f.StringArrayVar(&s.sourceVPCEs, "source-vpce", nil, "VPC endpoint ID API calls must come through, for source-vpce (repeatable)")
	f.StringVar(&s.tagKey, "tag-key", "", "resource tag key for tag-access")
	f.StringVar(&s.tagValue, "tag-value", "", "resource tag value for tag-access")
	f.StringArrayVar(&s.passRoles, "pass-role", nil, "another role (name or ARN) the activities that pass a role (ml-jobs, models, pipelines, notebook, automl…) may pass, besides the role itself (repeatable)")
	f.StringArrayVar(&s.glueDBs, "glue-database", nil, "for glue-tables: a Glue database it may read besides sagemaker_featurestore (repeatable)")
	f.StringArrayVar(&s.workgroups, "athena-workgroup", nil, "for athena: a workgroup it may run queries in, instead of primary (repeatable)")
	flagGroup(f, "Scope", "persona", "activity")
	flagGroup(f, "S3", "bucket", "read-only")
	flagGroup(f, "Options", "ecr-repo", "log-groups", "vpc", "kms-key", "pass-role", "glue-database", "athena-workgroup")
	flagGroup(f, "Guardrails", "guardrail", "instance-type", "subnet", "security-group", "source-ip", "source-vpce", "tag-key", "tag-value")
	completeFlag(f, "persona", choiceValues(policy.Personas(), false))
	completeFlag(f, "activity", choiceValues(policy.Activities(), true))
	completeFlag(f, "guardrail", choiceValues(policy.Guardrails(), true))
}

// grants parses BUCKET or BUCKET/PREFIX values.
func (s *scopeFlags) grants() []policy.BucketGrant {
	out := make([]policy.BucketGrant, len(s.buckets))
	for i, b := range s.buckets {
		out[i] = policy.ParseGrant(b)
	}
	return out
}

func (s *scopeFlags) scope() policy.Scope {
	return policy.Scope{Persona: s.persona, Activities: s.activities, ECRRepos: s.ecrRepos, LogGroups: s.logGroups,
		VPC: s.vpc, KMSKeys: s.kmsKeys, Guardrails: s.guardrails, InstanceTypes: s.instanceTypes,
		SourceIPs: s.sourceIPs, SourceVPCEs: s.sourceVPCEs, ResourceTagKey: s.tagKey, ResourceTagValue: s.tagValue,
		PassRoles: s.passRoles, Subnets: s.subnets, SecurityGroups: s.secGroups, GlueDatabases: s.glueDBs, AthenaWorkgroups: s.workgroups}
}

func parseTags(tags []string) ([]awsops.Tag, error) {
	out := make([]awsops.Tag, 0, len(tags))
	for _, t := range tags {
		k, v, err := rules.ParseTag(t)
		if err != nil {
			return nil, err
		}
		out = append(out, awsops.Tag{Key: k, Value: v})
	}
	return out, nil
}

func (a *app) createRoleCommand() *cobra.Command {
	var (
		sf          scopeFlags
		scope       string
		description string
		path        string
		tags        []string
		exportAs    string
		missing     bool
	)
	cmd := &cobra.Command{
		Use:   "create-role NAME",
		Short: "Create an execution role SageMaker can assume",
		Long: `Create an execution role: the SageMaker trust policy, and either
AmazonSageMakerFullAccess (--scope full, the default) or a custom scope
assembled from a persona, ML activities, options and guardrails. --bucket
adds the S3 policy for buckets FullAccess does not cover.`,
		Example: `  sagerole create-role ds-role --bucket research-datasets
  sagerole create-role ml-train --persona data-scientist --bucket team-raw-data/curated --guardrail network-isolation
  sagerole --dry-run create-role jobs --persona compute --bucket ml-models-prod --read-only`,
		GroupID: groupEdit,
		Args:    exactArgs(1, "create-role needs the role's NAME"),
		RunE: func(cmd *cobra.Command, args []string) error {
			t, err := parseTags(tags)
			if err != nil {
				return err
			}
			in := createrole.Input{Name: args[0], Description: description, Path: path, Tags: t, Scope: scope,
				Custom: sf.scope(), Buckets: sf.grants(), ReadOnly: sf.readOnly, CreateMissing: missing}
			// Everything that can be checked offline is, before any call.
			if err := in.Validate(); err != nil {
				return err
			}
			if cmd.Flags().Changed("export") {
				return a.exportPlan(cmd, in, exportAs)
			}
			ctx := cmd.Context()
			b, err := a.open(ctx)
			if err != nil {
				return err
			}
			plan, err := createrole.Plan(ctx, b, in)
			if err != nil {
				return err
			}
			e, err := a.execute(ctx, b, plan, nil)
			if err == nil && e != nil && e.ID != "" && a.g.output == "text" {
				fmt.Fprintf(a.stdout, "\nNext:\n  give it buckets:      sagerole add-buckets %s BUCKET\n  assign it to a user:  sagerole change --domain DOMAIN --user NAME --role %s\n", in.Name, in.Name)
			}
			return err
		},
	}
	f := cmd.Flags()
	f.StringVar(&scope, "scope", "", "full (AmazonSageMakerFullAccess) or custom (default: custom when a persona, activity, option or guardrail is given)")
	f.StringVar(&description, "description", "", "role description")
	f.StringVar(&path, "path", "/", "role path, / or of the form /a/b/")
	f.StringArrayVar(&tags, "tag", nil, "role tag KEY=VALUE (repeatable)")
	f.StringVar(&exportAs, "export", "", "with --dry-run: write the role as code instead, cloudformation or terraform, without any AWS call")
	f.BoolVar(&missing, "create-missing", false, "create the --bucket buckets that do not exist, in the account's region")
	sf.register(f, true)
	flagGroup(f, "Scope", "scope")
	flagGroup(f, "S3", "create-missing")
	completeFlag(f, "scope", fixedValues("full", "custom"))
	completeFlag(f, "export", fixedValues("cloudformation", "terraform"))
	completeFlag(f, "bucket", a.completeBuckets())
	completeFlag(f, "pass-role", a.completeRoles())
	return cmd
}

// exactArgs is cobra.ExactArgs with a sentence of our own: usage, exit 2.
func exactArgs(n int, msg string) cobra.PositionalArgs {
	return func(_ *cobra.Command, args []string) error {
		if len(args) != n {
			return usagef("%s", msg)
		}
		return nil
	}
}
