package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/sagerole/sagerole/awsops"
	"github.com/sagerole/sagerole/awsops/rules"
	"github.com/sagerole/sagerole/flows/modify"
	"github.com/sagerole/sagerole/flows/why"
)

func (a *app) whyCommand() *cobra.Command {
	var (
		in       why.Input
		message  string
		contexts []string
		fix      bool
	)
	cmd := &cobra.Command{
		Use:   "why [ROLE ACTION RESOURCE]",
		Short: "Explain an AccessDenied from the role's own documents, and offer the fix",
		Long: `Explain why a request was denied: paste the AccessDenied message AWS printed
(--message, or on standard input), or name the ROLE, the ACTION and the
RESOURCE (an ARN, s3://BUCKET/KEY, or *). sagerole reads the role's trust,
managed and inline policies and its permissions boundary, evaluates the
request with the context SageMaker sends for it (the keys it assumes are
said), and says which statements decided it and why — the classics
included: AmazonSageMakerFullAccess covers only buckets named *sagemaker*,
PassRole is the caller's permission, Studio tags what it creates, encrypted
data needs its KMS key, a guardrail names what the request lacked.

It then says what it cannot see (SCPs and RCPs, session and VPC endpoint
policies), reads what it may (the bucket's policy and encryption, the key's
policy), asks IAM's policy simulator with the same context, and, when the
role's own policies are the cause, offers the change that allows exactly
this request — proven against neighbouring requests — as a plan. --fix runs
it (asking first, or --yes; --dry-run sends nothing).`,
		Example: `  sagerole why --message "$(cat denied.txt)"
  pbpaste | sagerole why
  sagerole why AmazonSageMaker-ExecutionRole-Research s3:GetObject s3://team-raw-data/curated/part-0001.parquet
  sagerole why --message 'An error occurred (AccessDenied) when calling the GetObject operation: Access Denied' \
      --role ds-role --resource s3://team-raw-data/x.csv
  sagerole why StudioSpacesGuarded sagemaker:CreateTrainingJob arn:aws:sagemaker:us-east-1:111122223333:training-job/xgb \
      --context sagemaker:NetworkIsolation=true
  sagerole why DataScientistRestricted iam:PassRole arn:aws:iam::111122223333:role/service-role/AmazonSageMaker-ExecutionRole-Research --fix`,
		GroupID:           groupFind,
		ValidArgsFunction: firstArg(a.completeRoles()),
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) != 0 && len(args) != 3 {
				return usagef("why needs ROLE ACTION RESOURCE, or the message with --message (or on standard input)")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			f := cmd.Flags()
			if f.Changed("message") && strings.TrimSpace(message) == "" {
				return &rules.InputError{Field: "message", Msg: "--message is empty; paste the text AWS printed"}
			}
			for _, name := range []string{"role", "action", "resource"} {
				if f.Changed(name) && strings.TrimSpace(f.Lookup(name).Value.String()) == "" {
					return &rules.InputError{Field: name, Msg: fmt.Sprintf("--%s is empty", name)}
				}
			}
			switch {
			case len(args) == 3 && (f.Changed("message") || f.Changed("role") || f.Changed("action") || f.Changed("resource")):
				return usagef("give either ROLE ACTION RESOURCE, or --message with --role, --action or --resource for what it lacks")
			case len(args) == 3:
				in.Role, in.Action, in.Resource = args[0], args[1], args[2]
			case f.Changed("message"):
				in.Message = message
			case isTerminal(a.stdin):
				return usagef("why needs the message (--message, or on standard input) or ROLE ACTION RESOURCE")
			default:
				b, err := io.ReadAll(io.LimitReader(a.stdin, 1<<20))
				if err != nil {
					return fmt.Errorf("reading the message from standard input: %w", err)
				}
				in.Message = string(b)
				if strings.TrimSpace(in.Message) == "" {
					return &rules.InputError{Field: "message", Msg: "the message on standard input is empty; paste the text AWS printed"}
				}
			}
			ctxs, err := why.ParseContext(contexts)
			if err != nil {
				return err
			}
			in.Context = ctxs
			if fix && a.g.output == "json" && !a.g.yes && !a.g.dryRun {
				return usagef("--fix with --output json needs --yes (or --dry-run): a script cannot answer the question")
			}
			// Explaining only reads; --fix writes, and takes the account
			// as every writing command does.
			a.writes = fix
			ctx := cmd.Context()
			b, err := a.open(ctx)
			if err != nil {
				return err
			}
			why.UseEvaluator(b)
			res, err := why.Explain(ctx, b, in, why.Options{Uses: modify.AccountUses(a.session(b))})
			if err != nil {
				return err
			}
			return a.writeWhy(cmd, b, res, fix)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&message, "message", "", "the AccessDenied text AWS printed (default: read it from standard input)")
	fl.StringVar(&in.Role, "role", "", "with --message: the ROLE (name or ARN) when the message does not name it")
	fl.StringVar(&in.Action, "action", "", "with --message: the ACTION when the message does not name it")
	fl.StringVar(&in.Resource, "resource", "", "with --message: the RESOURCE (ARN or s3://BUCKET/KEY) when the message does not name it, as S3's Access Denied does not")
	fl.StringArrayVar(&contexts, "context", nil, "a condition key of the request and its value, KEY=VALUE, instead of what sagerole assumes (repeatable; a key twice has both values)")
	fl.BoolVar(&fix, "fix", false, "run the offered fix (asks first unless --yes; --dry-run shows it)")
	completeFlag(fl, "role", a.completeRoles())
	// --fix writes: --dry-run and --yes matter here.
	usesGlobals(cmd, globalsAccount, globalsOutput, globalsWrites)
	return cmd
}

// writeWhy prints the explanation and the fix's plan, and runs the fix
// when asked.
func (a *app) writeWhy(cmd *cobra.Command, b awsops.Backend, res *why.Result, fix bool) error {
	ctx := cmd.Context()
	offered := res.Fix != nil && res.Fix.Offered
	if fix && !offered {
		if err := a.writeWhyOnly(res, nil); err != nil {
			return err
		}
		return &rules.InputError{Field: "fix", Msg: "--fix: no fix is offered for this request (the explanation says why); nothing was changed"}
	}
	if a.g.output == "json" {
		var view *awsops.PlanView
		if offered {
			v := awsops.View(res.Fix.Modify.Plan, nil, !fix || a.g.dryRun, a.cliOptions())
			view = &v
			if fix {
				// The run's outcome replaces the preview: the executor
				// writes its view, which becomes the fix's plan.
				var out bytes.Buffer
				saved := a.stdout
				a.stdout = &out
				_, runErr := a.execute(ctx, b, res.Fix.Modify.Plan, nil)
				a.stdout = saved
				var ran awsops.PlanView
				if json.Unmarshal(out.Bytes(), &ran) == nil {
					view = &ran
				}
				if err := a.writeWhyOnly(res, view); err != nil {
					return err
				}
				return runErr
			}
		}
		return a.writeWhyOnly(res, view)
	}
	if err := why.WriteText(a.stdout, res); err != nil {
		return err
	}
	if !offered {
		return nil
	}
	plan := res.Fix.Modify
	if !fix {
		fmt.Fprintln(a.stdout)
		if err := modify.WriteReview(a.stdout, plan); err != nil {
			return err
		}
		if err := awsops.WriteText(a.stdout, awsops.View(plan.Plan, nil, false, a.cliOptions())); err != nil {
			return err
		}
		_, err := fmt.Fprintln(a.stdout, "\nNothing was changed. Run this fix with the same why command and --fix.")
		return err
	}
	fmt.Fprintln(a.stdout)
	if err := modify.WriteReview(a.reviewStream(len(plan.Plan.Steps)), plan); err != nil {
		return err
	}
	e, err := a.execute(ctx, b, plan.Plan, nil)
	if err == nil && e != nil && e.ID != "" {
		fmt.Fprintf(a.stdout, "\nUndo it with: sagerole undo %s\n", e.ID)
	}
	return err
}

// writeWhyOnly writes the explanation, with the fix's plan view in JSON.
func (a *app) writeWhyOnly(res *why.Result, view *awsops.PlanView) error {
	if a.g.output != "json" {
		return why.WriteText(a.stdout, res)
	}
	if res.Fix != nil {
		res.Fix.Plan = view
		if view != nil && res.Fix.Modify != nil {
			// The diffs ride in the plan's notes, as modify's do.
			for _, d := range res.Fix.Modify.Diffs {
				view.Notes = append(view.Notes, d.Text)
			}
		}
	}
	return awsops.WriteJSON(a.stdout, res)
}
