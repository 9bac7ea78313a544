package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/sagerole/sagerole/flows/policy"
	"github.com/sagerole/sagerole/flows/policy/trusted"
)

func (a *app) policyCommand() *cobra.Command {
	var sf scopeFlags
	var prefix string
	cmd := &cobra.Command{
		Use:   "policy KIND [NAME]",
		Short: "Print a generated policy document (no AWS call)",
		Long: `Print a document sagerole generates, for people who only want the JSON:
  trust                the trust policy of an execution role (with the
                       services the --persona or --activity flags need)
  full                 the full scope: trust policy and the managed policy attached
  activity NAME        one ML activity's policy (` + names(policy.Activities()) + `)
  guardrail NAME       one guardrail's statements (` + names(policy.Guardrails()) + `)
  persona NAME         a persona's scope (` + names(policy.Personas()) + `);
                       its activities are listed by name first, on stderr
  scope                the custom scope the flags describe
  s3                   the S3 policy for --bucket (with --prefix, --read-only)
  lint FILE|-          check any policy document against the IAM reference
Options and guardrail flags work as in create-role. ARNs that need the
account or region use *, since no account is read.`,
		Example: `  sagerole policy trust
  sagerole policy activity training --bucket research-datasets --log-groups
  sagerole policy s3 --bucket team-raw-data --bucket ml-models-prod --read-only`,
		GroupID:           groupOther,
		ValidArgsFunction: policyArgs,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usagef("policy needs a KIND: trust, full, activity, guardrail, persona, scope, s3 or lint")
			}
			needsName := slices.Contains([]string{"activity", "guardrail", "persona"}, args[0])
			if needsName && len(args) != 2 {
				return usagef("policy %s needs a NAME", args[0])
			}
			if !needsName && len(args) != 1 {
				return usagef("policy %s takes no NAME", args[0])
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			s := sf.scope()
			grants := sf.grants()
			if prefix != "" {
				for i := range grants {
					grants[i].Prefix = prefix
				}
			}
			var doc any
			switch args[0] {
			case "trust":
				d, err := trustFor(s)
				if err != nil {
					return err
				}
				doc = d
			case "full":
				doc = struct {
					TrustPolicy      policy.Document `json:"trustPolicy"`
					AttachedPolicies []string        `json:"attachedPolicies"`
				}{policy.TrustDocument(), []string{policy.FullAccessARN}}
			case "activity", "persona", "scope", "guardrail":
				switch args[0] {
				case "activity":
					s.Activities = append(s.Activities, args[1])
				case "persona":
					s.Persona = args[1]
					if err := a.writePersona(s.Persona, len(grants) > 0); err != nil {
						return err
					}
				case "guardrail":
					s.Guardrails = append(s.Guardrails, args[1])
					if s.Persona == "" && len(s.Activities) == 0 {
						// On its own, a guardrail is shown as it restricts
						// a role allowed every SageMaker action.
						s.Allowed = []string{"sagemaker:*"}
					}
				}
				s.Buckets, s.ReadOnly = grants, sf.readOnly
				d, err := policy.Build(s)
				if err != nil {
					return err
				}
				doc = d
			case "s3":
				d, err := policy.S3Policy("", grants, sf.readOnly)
				if err != nil {
					return err
				}
				doc = d
			default:
				return usagef("policy kind %q is not one of trust, full, activity, guardrail, persona, scope, s3", args[0])
			}
			b, err := json.Marshal(doc)
			if err != nil {
				return fmt.Errorf("encoding the policy: %w", err)
			}
			var out bytes.Buffer
			if err := json.Indent(&out, b, "", "  "); err != nil {
				return fmt.Errorf("encoding the policy: %w", err)
			}
			out.WriteByte('\n')
			_, err = a.stdout.Write(out.Bytes())
			return err
		},
	}
	sf.register(cmd.Flags(), true)
	cmd.Flags().StringVar(&prefix, "prefix", "", "with s3: grant only BUCKET/PREFIX/*")
	cmd.AddCommand(a.policyLintCommand())
	usesGlobals(cmd, globalsOutput)
	return cmd
}

// writePersona lists a persona's activities by name, with what each does,
// on stderr (standard output is the document, for a pipe into lint), in
// text mode.
func (a *app) writePersona(name string, buckets bool) error {
	p, err := policy.PersonaChoice(name)
	if err != nil {
		return err
	}
	if a.g.output != "text" {
		return nil
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Persona %s: SageMaker Role Manager's %s, %s.\n", p.Name, p.Title, p.Description)
	for _, act := range p.Activities {
		c, _ := policy.ActivityChoice(act)
		note := ""
		if act == policy.S3Buckets && !buckets {
			note = " (left out: no bucket is named with --bucket)"
		}
		fmt.Fprintf(&b, "  %-20s %s%s: %s\n", c.Name, c.Title, note, c.Description)
	}
	_, err = io.WriteString(a.stderr, b.String())
	return err
}

// trustFor is the trust policy of a role with the scope's activities:
// SageMaker's statement, and the services they let the role pass itself
// to. With no activity named, SageMaker's alone.
func trustFor(s policy.Scope) (policy.Document, error) {
	if s.Persona == "" && len(s.Activities) == 0 {
		return policy.TrustDocument(), nil
	}
	d, err := policy.Build(s)
	if err != nil {
		return policy.Document{}, err
	}
	needs, err := trusted.Needed([]policy.Document{d}, "arn:aws:iam::*:role/"+policy.RolePlaceholder, policy.Document{})
	if err != nil {
		return policy.Document{}, err
	}
	return policy.TrustFor(trusted.Principals(needs), "")
}

// policyKinds are the documents `policy KIND` prints (lint is a command of
// its own, completed as one).
var policyKinds = []string{"trust", "full", "activity", "guardrail", "persona", "scope", "s3"}

// policyArgs completes KIND, then the NAME the kind takes.
func policyArgs(_ *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
	switch {
	case len(args) == 0:
		return fixedValues(policyKinds...)(nil, nil, toComplete)
	case len(args) > 1:
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	catalog := map[string]func() []policy.Choice{"activity": policy.Activities, "guardrail": policy.Guardrails, "persona": policy.Personas}
	if list, ok := catalog[args[0]]; ok {
		return choiceValues(list(), false)(nil, nil, toComplete)
	}
	return nil, cobra.ShellCompDirectiveNoFileComp
}
