package main

import (
	"github.com/spf13/cobra"

	"github.com/sagerole/sagerole/flows/buckets"
)

func (a *app) addBucketsCommand() *cobra.Command {
	var in buckets.Input
	cmd := &cobra.Command{
		Use:   "add-buckets ROLE BUCKET...",
		Short: "Give a role access to S3 buckets",
		Long: `Give a role read/write (or --read-only) access to S3 buckets with the policy
of the SageMaker documentation, merged into the role's sagerole-buckets
policy: adding a bucket twice changes nothing. AmazonSageMakerFullAccess
covers only buckets whose names contain sagemaker, SageMaker, Sagemaker or
aws-glue; this is how the others get access.`,
		Example: `  sagerole add-buckets AmazonSageMaker-ExecutionRole-Research team-raw-data ml-models-prod
  sagerole add-buckets ds-role new-bucket --create-missing
  sagerole add-buckets ds-role research-datasets --prefix curated --read-only`,
		GroupID: groupEdit,
		ValidArgsFunction: func(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
			if len(args) == 0 {
				return a.completeRoles()(cmd, args, toComplete)
			}
			return a.completeBuckets()(cmd, args, toComplete)
		},
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) < 2 {
				return usagef("add-buckets needs a ROLE and at least one BUCKET")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			in.Role, in.Buckets = args[0], args[1:]
			if err := in.Validate(); err != nil {
				return err
			}
			ctx := cmd.Context()
			b, err := a.open(ctx)
			if err != nil {
				return err
			}
			res, err := buckets.Plan(ctx, b, a.reads(), in)
			if err != nil {
				return err
			}
			_, err = a.execute(ctx, b, res.Plan, nil)
			return err
		},
	}
	f := cmd.Flags()
	f.StringVar(&in.Prefix, "prefix", "", "grant only BUCKET/PREFIX/* instead of the whole bucket")
	f.BoolVar(&in.ReadOnly, "read-only", false, "grant only reads (GetObject, ListBucket, GetBucketLocation and the like)")
	f.BoolVar(&in.CreateMissing, "create-missing", false, "create buckets that do not exist, in the account's region")
	flagGroup(f, "S3", "prefix", "read-only", "create-missing")
	return cmd
}
