package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/sagerole/sagerole/awsops/rules"
	"github.com/sagerole/sagerole/flows/modify"
	"github.com/sagerole/sagerole/flows/policy"
)

// readInline reads the --put-inline NAME=FILE values. A file that cannot
// be read is bad input: nothing has been sent yet.
func readInline(specs []string) ([]modify.Inline, error) {
	out := make([]modify.Inline, 0, len(specs))
	for _, spec := range specs {
		name, file, err := modify.ParseInlineSpec(spec)
		if err != nil {
			return nil, err
		}
		b, err := os.ReadFile(file)
		if err != nil {
			// The path is in the sentence already; keep the reason only.
			reason := err
			var pe *os.PathError
			if errors.As(err, &pe) {
				reason = pe.Err
			}
			return nil, &rules.InputError{Field: "put-inline", Msg: fmt.Sprintf("policy file %s for --put-inline %s cannot be read: %v", file, name, reason)}
		}
		// Sent as it is previewed, and as the printed aws command sends it:
		// compact. A file that is not JSON is sent as it is, for the
		// checks to refuse with their sentence.
		doc := string(b)
		var compact bytes.Buffer
		if json.Compact(&compact, b) == nil {
			doc = compact.String()
		}
		out = append(out, modify.Inline{Name: name, File: file, Document: doc})
	}
	return out, nil
}

func (a *app) modifyCommand() *cobra.Command {
	var (
		in       modify.Input
		putSpecs []string
	)
	s := &in.Scope
	cmd := &cobra.Command{
		Use:   "modify ROLE",
		Short: "Show an execution role, or change its permissions",
		Long: `Without a change flag: show the role — trust policy, managed and inline
policies, tags, IAM quota use — and everything that runs as it (domain
defaults, user profiles, spaces, notebook instances).

With change flags (combinable): attach or detach managed policies (full is
AmazonSageMakerFullAccess), put or delete inline policies, add S3 buckets to
sagerole-buckets, add activities and guardrails to sagerole-scope, or add
SageMaker's statement to the trust policy (every other statement is kept
byte for byte). Before anything runs: a unified diff of every document that
changes, who runs as the role, and a warning when access broadens. A
--put-inline document is checked as sagerole policy lint checks it: its
warnings are shown, and an error stops the plan unless --force. IAM's
limits are checked before sending. The run is journaled: sagerole undo
reverts it.`,
		Example: `  sagerole modify AmazonSageMaker-ExecutionRole-Research
  sagerole modify LambdaBasic --fix-trust
  sagerole modify DataScientistRestricted --attach full --add-bucket team-raw-data
  sagerole modify ds-role --put-inline extra=extra.json --delete-inline old-policy
  sagerole --dry-run modify ds-role --add-activity training --add-guardrail network-isolation`,
		GroupID:           groupEdit,
		ValidArgsFunction: firstArg(a.completeRoles()),
		Args:              exactArgs(1, "modify needs the ROLE to show or change, by name or ARN"),
		RunE: func(cmd *cobra.Command, args []string) error {
			in.Role = args[0]
			puts, err := readInline(putSpecs)
			if err != nil {
				return err
			}
			in.PutInline = puts
			// Everything that can be checked offline is, before any call.
			if err := in.Validate(); err != nil {
				return err
			}
			ctx := cmd.Context()
			b, err := a.open(ctx)
			if err != nil {
				return err
			}
			opts := modify.Options{Uses: modify.AccountUses(a.session(b))}
			if !in.Changes() {
				d, err := modify.Show(ctx, b, in.Role, opts)
				if err != nil {
					return err
				}
				return a.writeFind(d, func(w io.Writer) error { return modify.WriteDetails(w, d) })
			}
			res, err := modify.Plan(ctx, b, in, opts)
			if err != nil {
				return err
			}
			if a.g.output == "json" {
				// The plan's JSON is shared by every command; the diffs ride
				// in its notes, each one starting "--- ".
				for _, d := range res.Diffs {
					res.Plan.Notes = append(res.Plan.Notes, d.Text)
				}
			} else if err := modify.WriteReview(a.reviewStream(len(res.Plan.Steps)), res); err != nil {
				return err
			}
			e, err := a.execute(ctx, b, res.Plan, nil)
			if err == nil && e != nil && e.ID != "" && a.g.output == "text" {
				fmt.Fprintf(a.stdout, "\nUndo it with: sagerole undo %s\n", e.ID)
			}
			return err
		},
	}
	f := cmd.Flags()
	f.StringSliceVar(&in.Attach, "attach", nil, "attach a managed policy: ARN, or full for AmazonSageMakerFullAccess (repeatable)")
	f.StringSliceVar(&in.Detach, "detach", nil, "detach a managed policy: ARN, or full (repeatable)")
	f.StringArrayVar(&putSpecs, "put-inline", nil, "create or replace inline policy NAME with the JSON document in FILE: NAME=FILE (repeatable)")
	f.StringSliceVar(&in.DeleteInline, "delete-inline", nil, "delete inline policy NAME (repeatable)")
	f.StringSliceVar(&in.AddBuckets, "add-bucket", nil, "give the role S3 bucket BUCKET or BUCKET/PREFIX, merged into "+policy.BucketPolicyName+" (repeatable)")
	f.StringSliceVar(&s.Activities, "add-activity", nil, "add an ML activity to "+policy.ScopePolicyName+" (repeatable): "+names(policy.Activities()))
	f.StringSliceVar(&s.Guardrails, "add-guardrail", nil, "add a guardrail to "+policy.ScopePolicyName+" (repeatable): "+names(policy.Guardrails()))
	f.StringArrayVar(&s.ECRRepos, "ecr-repo", nil, "with --add-activity: ECR repository jobs may pull from, instead of any (repeatable)")
	f.BoolVar(&s.LogGroups, "log-groups", false, "with --add-activity: CloudWatch Logs only on /aws/sagemaker/* log groups")
	f.BoolVar(&s.VPC, "vpc", false, "with --add-activity: the ec2 network-interface actions jobs in a VPC need")
	f.StringArrayVar(&s.KMSKeys, "kms-key", nil, "with --add-activity: KMS key ARN (domain-kms needs one) (repeatable)")
	f.StringArrayVar(&s.InstanceTypes, "instance-type", nil, "for guardrail instance-types: allowed instance type (repeatable)")
	f.StringArrayVar(&s.Subnets, "subnet", nil, "for guardrail vpc-only: the only subnet jobs may use (repeatable)")
	f.StringArrayVar(&s.SecurityGroups, "security-group", nil, "for guardrail vpc-only: the only security group jobs may use (repeatable)")
	f.StringArrayVar(&s.SourceIPs, "source-ip", nil, "for guardrail source-ip: CIDR block (repeatable)")
	f.StringArrayVar(&s.SourceVPCEs, "source-vpce", nil, "for guardrail source-vpce: VPC endpoint ID (repeatable)")
	f.StringArrayVar(&s.PassRoles, "pass-role", nil, "with --add-activity of one that passes a role (ml-jobs, models, pipelines, notebook, automl…): another role (name or ARN) it may pass (repeatable)")
	f.StringArrayVar(&s.GlueDatabases, "glue-database", nil, "with --add-activity glue-tables: a Glue database it may read besides sagemaker_featurestore (repeatable)")
	f.StringArrayVar(&s.AthenaWorkgroups, "athena-workgroup", nil, "with --add-activity athena: a workgroup it may run queries in, instead of primary (repeatable)")
	f.StringVar(&s.ResourceTagKey, "tag-key", "", "for guardrail tag-access: resource tag key")
	f.StringVar(&s.ResourceTagValue, "tag-value", "", "for guardrail tag-access: resource tag value")
	f.BoolVar(&in.Force, "force", false, "with --put-inline: put the documents even when sagerole policy lint finds errors in them")
	f.BoolVar(&in.FixTrust, "fix-trust", false, "add the "+policy.SageMakerService+" statement to the trust policy, keeping every other statement")
	flagGroup(f, "Scope", "add-activity")
	flagGroup(f, "S3", "add-bucket")
	flagGroup(f, "Options", "ecr-repo", "log-groups", "vpc", "kms-key", "pass-role")
	flagGroup(f, "Guardrails", "add-guardrail", "instance-type", "subnet", "security-group", "source-ip", "source-vpce", "tag-key", "tag-value")
	completeFlag(f, "attach", fixedValues("full"))
	completeFlag(f, "detach", fixedValues("full"))
	completeFlag(f, "add-activity", choiceValues(policy.Activities(), true))
	completeFlag(f, "add-guardrail", choiceValues(policy.Guardrails(), true))
	completeFlag(f, "add-bucket", a.completeBuckets())
	completeFlag(f, "pass-role", a.completeRoles())
	return cmd
}
