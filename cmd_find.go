package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/sagerole/sagerole/awsops"
	"github.com/sagerole/sagerole/flows/find"
)

// findFlags are the selectors of `sagerole find`.
type findFlags struct {
	whoami bool
	domain string
	user   string
	space  string
	role   string
}

// check rejects selector combinations that have no meaning, before
// anything is read.
func (f findFlags) check() error {
	switch {
	case f.whoami && (f.domain != "" || f.user != "" || f.space != "" || f.role != ""):
		return usagef("find --whoami takes no other selector")
	case f.user != "" && f.space != "":
		return usagef("find takes --user or --space, not both")
	case (f.user != "" || f.space != "") && f.domain == "":
		return usagef("find --user and --space need --domain ID: user profiles and spaces belong to a domain")
	case f.role != "" && (f.user != "" || f.space != ""):
		return usagef("find --role lists everything that runs as a role; it takes --domain ID to narrow it, not --user or --space")
	}
	if f.domain != "" {
		if err := find.CheckDomainID(f.domain); err != nil {
			return err
		}
	}
	if f.role != "" {
		return find.CheckRoleInput(f.role)
	}
	return nil
}

func (a *app) findCommand() *cobra.Command {
	var f findFlags
	cmd := &cobra.Command{
		Use:   "find [--whoami] [--domain ID] [--user NAME | --space NAME] [--role NAME|ARN]",
		Short: "Find execution roles: who you are, what each domain, user, space and notebook runs as, and who uses a role",
		Long: `Find execution roles.

  find                          the whole account in the region as a tree: domains → user profiles →
                                spaces, and notebook instances, each with its effective role and provenance
  find --whoami                 the caller's account, ARN and role name
  find --domain ID              the domain's default user role and default space role
  find --domain ID --user NAME  the user's effective role and where it comes from
  find --domain ID --space NAME the space's effective role and why
  find --role NAME|ARN          everything that runs as that role (--domain ID to narrow it)

Roles that do not exist, or do not trust sagemaker.amazonaws.com, are flagged where they appear.
When part of the account cannot be read (denied, throttled), the answer is
written with what could be, the warnings go to stderr, and the exit status
is 3.`,
		Example: `  sagerole find
  sagerole find --whoami
  sagerole find --domain d-research1 --user alice
  sagerole find --domain d-research1 --space alice-lab
  sagerole --output json find --role AmazonSageMaker-ExecutionRole-Research`,
		GroupID: groupFind,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := f.check(); err != nil {
				return err
			}
			ctx := cmd.Context()
			b, err := a.open(ctx)
			if err != nil {
				return err
			}
			s := a.session(b)
			// Notebook instances belong to no domain: --domain leaves them out.
			opts := find.Options{DomainID: f.domain, SkipNotebooks: f.domain != ""}
			switch {
			case f.whoami:
				return a.findWhoAmI(ctx, b)
			case f.role != "":
				opts.Progress = a.inventoryProgress()
				res, err := s.Uses(ctx, f.role, opts)
				a.clearProgress()
				if err != nil {
					return err
				}
				return a.writeFind(res, func(w io.Writer) error { return find.WriteUses(w, res) })
			case f.user != "":
				res, err := s.User(ctx, f.domain, f.user)
				if err != nil {
					return err
				}
				return a.writeFind(res, func(w io.Writer) error { return find.WriteUser(w, res) })
			case f.space != "":
				res, err := s.Space(ctx, f.domain, f.space)
				if err != nil {
					return err
				}
				return a.writeFind(res, func(w io.Writer) error { return find.WriteSpace(w, res) })
			case f.domain != "":
				res, err := s.Domain(ctx, f.domain)
				if err != nil {
					return err
				}
				return a.writeFind(res, func(w io.Writer) error { return find.WriteDomain(w, res) })
			}
			opts.Progress = a.inventoryProgress()
			tree, err := s.Inventory(ctx, opts)
			a.clearProgress()
			if err != nil {
				return err
			}
			tree.MarkStale(a.journalRoleChanges(tree.Account, tree.Region))
			return a.writeFind(tree, func(w io.Writer) error { return find.WriteTree(w, tree) })
		},
	}
	fl := cmd.Flags()
	fl.BoolVar(&f.whoami, "whoami", false, "the caller's account, ARN and role name")
	fl.StringVar(&f.domain, "domain", "", "a domain `ID` (d-...): its default roles, or the domain of --user / --space")
	fl.StringVar(&f.user, "user", "", "a user profile `NAME`: its effective role and where it comes from")
	fl.StringVar(&f.space, "space", "", "a space `NAME`: its effective role and why")
	fl.StringVar(&f.role, "role", "", "a role `NAME|ARN`: everything that runs as it")
	completeFlag(fl, "domain", a.completeDomains())
	completeFlag(fl, "user", a.completeInDomain(false))
	completeFlag(fl, "space", a.completeInDomain(true))
	completeFlag(fl, "role", a.completeRoles())
	return cmd
}

func (a *app) findWhoAmI(ctx context.Context, b awsops.Backend) error {
	w, err := find.Caller(ctx, b, b.Region(), a.mode())
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
}

// writeFind writes a find result as JSON (the documented shape) or text;
// an answer that could not be read whole is then exit 3 (see complete).
func (a *app) writeFind(v any, text func(io.Writer) error) error {
	var err error
	if a.g.output == "json" {
		err = awsops.WriteJSON(a.stdout, v)
	} else {
		err = text(a.stdout)
	}
	if err != nil {
		return err
	}
	return a.complete(v)
}

// inventoryProgress shows "reading N/M" on stderr while a large inventory
// runs, only when stderr is a terminal (never in scripts or tests).
func (a *app) inventoryProgress() func(find.Progress) {
	f, ok := a.stderr.(*os.File)
	if !ok || !isTerminal(f) {
		return nil
	}
	return func(p find.Progress) {
		if p.Done%25 == 0 || p.Done == p.Total {
			fmt.Fprintf(a.stderr, "\rreading the account: %d/%d calls", p.Done, p.Total)
		}
	}
}

// clearProgress erases the progress line, if one was shown.
func (a *app) clearProgress() {
	if f, ok := a.stderr.(*os.File); ok && isTerminal(f) {
		fmt.Fprint(a.stderr, "\r\033[K")
	}
}
