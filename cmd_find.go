package main

import (
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/sagerole/sagerole/awsops"
	"github.com/sagerole/sagerole/flows/find"
)

func (a *app) findCommand() *cobra.Command {
	var whoami bool
	cmd := &cobra.Command{
		Use:   "find --whoami",
		Short: "Find execution roles: who you are",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !whoami {
				return usagef("find needs a selector: --whoami")
			}
			b, err := a.open(cmd.Context())
			if err != nil {
				return err
			}
			w, err := find.Caller(cmd.Context(), b, b.Region(), a.mode())
			if err != nil {
				return err
			}
			if a.g.output == "json" {
				return awsops.WriteJSON(a.stdout, w)
			}
			tw := tabwriter.NewWriter(a.stdout, 0, 0, 2, ' ', 0)
			fmt.Fprintf(tw, "Account\t%s\n", w.Account)
			fmt.Fprintf(tw, "ARN\t%s\n", w.ARN)
			if w.RoleName != "" {
				fmt.Fprintf(tw, "Role\t%s\n", w.RoleName)
			}
			fmt.Fprintf(tw, "Region\t%s\n", w.Region)
			fmt.Fprintf(tw, "Mode\t%s\n", w.Mode)
			return tw.Flush()
		},
	}
	cmd.Flags().BoolVar(&whoami, "whoami", false, "the caller's account, ARN and role name")
	return cmd
}
