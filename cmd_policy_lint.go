package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/sagerole/sagerole/awsops"
	"github.com/sagerole/sagerole/awsops/rules"
	"github.com/sagerole/sagerole/flows/policy"
	"github.com/sagerole/sagerole/flows/policy/iamref"
	"github.com/sagerole/sagerole/flows/policy/lint"
)

// lintReport is policy lint's --output json (documented in the README).
type lintReport struct {
	File      string         `json:"file"`
	Kind      string         `json:"kind"`
	Reference lintReference  `json:"reference"`
	Findings  []lint.Finding `json:"findings"`
	Errors    int            `json:"errors"`
	Warnings  int            `json:"warnings"`
	Suggest   int            `json:"suggestions"`
}

type lintReference struct {
	Package string `json:"package"`
	Version string `json:"version"`
}

func (a *app) policyLintCommand() *cobra.Command {
	var kind string
	cmd := &cobra.Command{
		Use:   "lint FILE|-",
		Short: "Check a policy document against the IAM reference (no AWS call)",
		Long: `Check a policy document — a permissions policy, or a trust policy (one
with a Principal) — against the Service Authorization Reference that
sagerole carries: that every action exists (a wildcard must match one),
that every condition key exists, fits its operator and is in the requests
of the statement's actions, that each Resource names something the
actions act on, and that a trust policy is one. - reads standard input.

Each finding is an error (the statement does not do what it says, or IAM
refuses it), a warning or a suggestion, with the statement and a sentence.
Exit status: 0 no error, 1 findings of error level, 2 unreadable input.`,
		Example: `  sagerole policy lint extra.json
  sagerole policy scope --persona data-scientist | sagerole policy lint -
  sagerole --output json policy lint trust.json`,
		Args: exactArgs(1, "policy lint needs the FILE to check, or - for standard input"),
		RunE: func(cmd *cobra.Command, args []string) error {
			k, err := lintKind(kind)
			if err != nil {
				return err
			}
			name := args[0]
			text, err := a.readPolicyFile(name)
			if err != nil {
				return err
			}
			ref, err := policy.Reference()
			if err != nil {
				return err
			}
			findings, err := lint.Text(ref, text, lint.Options{Kind: k})
			var se *lint.SyntaxError
			if errors.As(err, &se) {
				return &rules.InputError{Field: "policy", Msg: fmt.Sprintf("%s:%d:%d: not a policy document: %s", name, se.Line, se.Column, se.Msg)}
			}
			if err != nil {
				return err
			}
			if k == lint.Auto {
				doc, _ := policy.Parse(text) // Text parsed it already
				k = lint.KindOf(doc)
			}
			if err := a.writeLint(name, k, ref, findings); err != nil {
				return err
			}
			if lint.HasErrors(findings) {
				return &silentExit{exitFailed}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&kind, "kind", "auto", "what the document is: auto (a Principal makes it a trust policy), identity or trust")
	completeFlag(cmd.Flags(), "kind", fixedValues("auto", "identity", "trust"))
	return cmd
}

func lintKind(s string) (lint.Kind, error) {
	switch s {
	case "auto":
		return lint.Auto, nil
	case "identity":
		return lint.Identity, nil
	case "trust":
		return lint.Trust, nil
	}
	return 0, usagef("--kind must be auto, identity or trust, not %q", s)
}

// readPolicyFile reads FILE, or standard input for "-"; an empty or
// unreadable file is bad input.
func (a *app) readPolicyFile(name string) (string, error) {
	var b []byte
	var err error
	if name == "-" {
		b, err = io.ReadAll(a.stdin)
	} else {
		b, err = os.ReadFile(name)
	}
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return "", &rules.InputError{Field: "policy", Msg: fmt.Sprintf("policy file %s cannot be read: %v", name, err)}
	}
	if strings.TrimSpace(string(b)) == "" {
		return "", &rules.InputError{Field: "policy", Msg: fmt.Sprintf("policy file %s is empty; give a JSON policy document", name)}
	}
	return string(b), nil
}

func (a *app) writeLint(name string, k lint.Kind, ref *iamref.Reference, findings []lint.Finding) error {
	e, w, s := lint.Count(findings)
	if a.g.output == "json" {
		if findings == nil {
			findings = []lint.Finding{}
		}
		return awsops.WriteJSON(a.stdout, lintReport{File: name, Kind: k.String(), Findings: findings,
			Reference: lintReference{Package: ref.Package(), Version: ref.Version()}, Errors: e, Warnings: w, Suggest: s})
	}
	var b strings.Builder
	for _, f := range findings {
		where := name
		if f.Line > 0 {
			where = fmt.Sprintf("%s:%d:%d", name, f.Line, f.Column)
		}
		fmt.Fprintf(&b, "%s: %s\n", where, f)
	}
	if len(findings) == 0 {
		fmt.Fprintf(&b, "%s: no findings (%s policy, checked against %s %s)\n", name, k, ref.Package(), ref.Version())
	} else {
		fmt.Fprintf(&b, "%s: %s, %s, %s (%s policy, checked against %s %s)\n", name, count(e, "error"), count(w, "warning"),
			count(s, "suggestion"), k, ref.Package(), ref.Version())
	}
	_, err := io.WriteString(a.stdout, b.String())
	return err
}

func count(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}
