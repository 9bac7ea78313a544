package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/sagerole/sagerole/awsops"
	"github.com/sagerole/sagerole/flows/createrole"
	"github.com/sagerole/sagerole/flows/export"
)

func (a *app) exportCommand() *cobra.Command {
	var (
		o      export.Options
		domain string
	)
	cmd := &cobra.Command{
		Use:   "export (ROLE | --domain ID) [--format cloudformation|terraform]",
		Short: "Write a role, or a domain's role assignments, as CloudFormation or Terraform",
		Long: `Write an execution role as infrastructure code, from what the account holds:
trust policy, inline policies, managed policy attachments, path, description,
tags and permissions boundary, documents in the canonical form sagerole sends.

--format cloudformation (the default): a template with an AWS::IAM::Role, in
YAML (--json for JSON), with the change set lines that import the existing
role into a stack. --stackset parameterises it for a service-managed StackSet
(the role name a parameter, no account ID baked in) and prints the
create-stack-set and create-stack-instances lines for an OU (--ou).

--format terraform: aws_iam_role with jsonencode() documents,
aws_iam_role_policy and aws_iam_role_policy_attachment resources, and the
import blocks (Terraform >= 1.5) that adopt what exists.

--domain ID writes the domain's default user and space roles and each user
profile's own as a fragment to merge into the code that owns the domain.

The code goes to standard output; the commands that take it to AWS, notes and
warnings to standard error (all of it in one object with --output json).`,
		Example: `  sagerole export ds-role > ds-role.cfn.yaml
  sagerole export ds-role --format terraform > ds-role.tf
  sagerole export ds-role --stackset --ou ou-ab12-cdef3456 > ds-role.stackset.yaml
  sagerole export --domain d-research1 --format terraform`,
		GroupID:           groupOther,
		ValidArgsFunction: firstArg(a.completeRoles()),
		Args: func(cmd *cobra.Command, args []string) error {
			switch {
			case len(args) > 1:
				return usagef("export takes one ROLE, by name or ARN")
			case len(args) == 1 && cmd.Flags().Changed("domain"):
				return usagef("export writes a ROLE or a domain's assignments (--domain), not both")
			case len(args) == 0 && !cmd.Flags().Changed("domain"):
				return usagef("export needs a ROLE (name or ARN) or --domain ID")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.Validate(); err != nil {
				return err
			}
			if cmd.Flags().Changed("domain") && o.StackSet {
				return usagef("--stackset writes a role for many accounts; a domain's assignments (--domain) are a fragment of the domain's own code")
			}
			ctx := cmd.Context()
			b, err := a.open(ctx)
			if err != nil {
				return err
			}
			o.CLI = a.cliOptions()
			var c export.Code
			if cmd.Flags().Changed("domain") {
				as, err := export.ReadDomain(ctx, a.session(b), domain)
				if err != nil {
					return err
				}
				c, err = export.DomainCode(as, o)
				if err != nil {
					return err
				}
				return a.writeCode(c, "sagerole export --domain "+domain)
			}
			r, err := export.Read(ctx, b, args[0])
			if err != nil {
				return err
			}
			if c, err = export.RoleCode(r, o); err != nil {
				return err
			}
			return a.writeCode(c, "sagerole export "+args[0])
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.Format, "format", export.CloudFormation, "cloudformation or terraform")
	f.BoolVar(&o.JSON, "json", false, "CloudFormation as JSON instead of YAML")
	f.BoolVar(&o.StackSet, "stackset", false, "CloudFormation for a service-managed StackSet: role name as a parameter, no account ID, and the create-stack-set lines")
	f.StringArrayVar(&o.OUs, "ou", nil, "with --stackset: the organizational unit (ou-…) or root (r-…) the printed create-stack-instances line deploys to (repeatable)")
	f.StringVar(&domain, "domain", "", "write this domain's role assignments (default user and space roles, user profiles' roles) as a fragment")
	completeFlag(f, "format", fixedValues(export.CloudFormation, export.Terraform))
	completeFlag(f, "domain", a.completeDomains())
	return cmd
}

// writeCode prints exported code: with --output json the Code object;
// otherwise the code on standard output (so it can be redirected to a
// file) and what to do with it on standard error. how is the command
// that wrote it, for the hint that names the file.
func (a *app) writeCode(c export.Code, how string) error {
	if a.g.output == "json" {
		return awsops.WriteJSON(a.stdout, c)
	}
	if _, err := fmt.Fprint(a.stdout, c.Code); err != nil {
		return err
	}
	var b strings.Builder
	if c.Kind != export.KindPlan {
		how += formatWords(c)
	}
	if len(c.Commands) > 0 {
		fmt.Fprintf(&b, "\nWith the code saved as %s (%s > %s):\n", c.File, how, c.File)
		for _, l := range c.Commands {
			fmt.Fprintf(&b, "  %s\n", l)
		}
	}
	for _, n := range c.Notes {
		fmt.Fprintf(&b, "note: %s\n", n)
	}
	for _, w := range c.Warnings {
		fmt.Fprintf(&b, "warning: %s\n", w)
	}
	_, err := fmt.Fprint(a.stderr, b.String())
	return err
}

// formatWords are the flags that gave c, for the hint.
func formatWords(c export.Code) string {
	var w string
	if c.Format == export.Terraform {
		w += " --format terraform"
	}
	if c.Syntax == "json" {
		w += " --json"
	}
	if c.Kind == export.KindStackSet {
		w += " --stackset"
	}
	return w
}

// exportPlan writes the role a create-role plan would create as code
// (create-role --dry-run --export FORMAT). The plan is made against an
// Offline account: no AWS call at all, not even a read.
func (a *app) exportPlan(cmd *cobra.Command, in createrole.Input, format string) error {
	if !a.g.dryRun {
		return usagef("--export writes the plan as code instead of running it: add --dry-run (nothing is sent either way)")
	}
	o := export.Options{Format: format, CLI: awsops.CLIOptions{Profile: a.g.profile, Region: a.g.region}}
	if format == "" {
		return usagef("--export must be cloudformation or terraform, not empty")
	}
	if err := o.Validate(); err != nil {
		return err
	}
	offline := export.NewOffline(in.Name, a.g.region, in.Custom.PassRoles...)
	plan, err := createrole.Plan(cmd.Context(), offline, in)
	if err != nil {
		return err
	}
	r, err := export.FromPlan(plan, offline.Region())
	if err != nil {
		return err
	}
	c, err := export.RoleCode(r, o)
	if err != nil {
		return err
	}
	for _, n := range plan.Notes {
		c.Notes = append(c.Notes, export.Unplaceholder(n))
	}
	for _, w := range plan.Warnings {
		c.Warnings = append(c.Warnings, export.Unplaceholder(w))
	}
	return a.writeCode(c, "sagerole --dry-run create-role "+in.Name+" … --export "+format)
}
