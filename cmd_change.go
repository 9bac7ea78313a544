package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/sagerole/sagerole/awsops"
	"github.com/sagerole/sagerole/flows/change"
)

// changeFlags are the flags of `sagerole change`.
type changeFlags struct {
	domain       string
	defaultUser  bool
	defaultSpace bool
	user         string
	space        string
	notebook     string
	restart      bool
	role         string
	restartApps  bool
	stopApps     bool
	activeWithin time.Duration
}

// request turns the flags into a change request, refusing combinations
// that name no target or more than one.
func (f changeFlags) request() (change.Request, error) {
	var targets []string
	if f.defaultUser {
		targets = append(targets, "--default-user")
	}
	if f.defaultSpace {
		targets = append(targets, "--default-space")
	}
	if f.user != "" {
		targets = append(targets, "--user")
	}
	if f.space != "" {
		targets = append(targets, "--space")
	}
	if f.notebook != "" {
		targets = append(targets, "--notebook")
	}
	switch {
	case len(targets) == 0:
		return change.Request{}, usagef("change needs one target: --domain ID with --default-user, --default-space, --user NAME or --space NAME, or --notebook NAME")
	case len(targets) > 1:
		return change.Request{}, usagef("change takes one target at a time, not %s and %s", targets[0], targets[1])
	case f.notebook != "" && f.domain != "":
		return change.Request{}, usagef("--notebook takes no --domain: notebook instances do not belong to a domain")
	case f.notebook == "" && f.domain == "":
		return change.Request{}, usagef("%s needs --domain ID", targets[0])
	case f.restart && f.notebook == "":
		return change.Request{}, usagef("--restart is for --notebook: only notebook instances must be stopped to change their role")
	case f.role == "":
		return change.Request{}, usagef("change needs --role ROLE: the name or ARN of the new execution role")
	case f.restartApps && f.stopApps:
		return change.Request{}, usagef("--restart-apps and --stop-apps exclude each other: restarting stops each app, then starts it again")
	case (f.restartApps || f.stopApps) && f.notebook != "":
		return change.Request{}, usagef("--restart-apps and --stop-apps are for Studio targets: a notebook instance has no Studio apps (it restarts with --restart)")
	case f.activeWithin < 0:
		return change.Request{}, usagef("--active-within must be a duration of 0 or more, like 15m or 1h, not %s", f.activeWithin)
	}
	req := change.Request{DomainID: f.domain, Role: f.role, Restart: f.restart, ActiveWithin: f.activeWithin, Apps: change.AppsLeave}
	switch {
	case f.restartApps:
		req.Apps = change.AppsRestart
	case f.stopApps:
		req.Apps = change.AppsStop
	}
	switch {
	case f.defaultUser:
		req.Target = change.TargetDefaultUser
	case f.defaultSpace:
		req.Target = change.TargetDefaultSpace
	case f.user != "":
		req.Target, req.Name = change.TargetUser, f.user
	case f.space != "":
		req.Target, req.Name = change.TargetSpace, f.space
	default:
		req.Target, req.Name = change.TargetNotebook, f.notebook
	}
	return req, nil
}

func (a *app) changeCommand() *cobra.Command {
	var f changeFlags
	cmd := &cobra.Command{
		Use:   "change (--domain ID (--default-user | --default-space | --user NAME | --space NAME) [--restart-apps | --stop-apps] | --notebook NAME [--restart]) --role ROLE",
		Short: "Switch the execution role of a domain default, a user profile, a space or a notebook instance",
		Long: `Switch an execution role.

  change --domain ID --default-user --role ROLE   the role of every user profile without its own
  change --domain ID --default-space --role ROLE  the role of every shared space
  change --domain ID --user NAME --role ROLE      a user profile's own role (and its private spaces)
  change --domain ID --space NAME --role ROLE     a private space changes its owner's role, a shared
                                                  space the domain's default space role: which is said first
  change --notebook NAME [--restart] --role ROLE  a notebook instance's role; AWS takes it only while the
                                                  instance is Stopped: --restart stops and starts it again

ROLE is a name or an ARN; it must exist and trust sagemaker.amazonaws.com. Before anything is sent
the command shows its checks, every identity whose role moves, and the running apps that keep the
old role until restarted; it asks to confirm (or --yes), runs through the journal (sagerole undo),
retries for about a minute while IAM propagates a new role, and waits until the target is
InService again. --dry-run shows the plan with its aws CLI equivalents.

A changed role reaches a running Studio app only when the app starts again. The impact lists
every app of the identities that move, with its status, instance type and last user activity.
--restart-apps stops each InService app once SageMaker has taken the change (sagemaker:DeleteApp,
waited for until Deleted) and starts it again with the same space or user profile, type, name and
resource spec (sagemaker:CreateApp, waited for until InService), one app after the other;
--stop-apps only stops them. Apps used within --active-within (15m) are listed first: stopping
them loses unsaved kernel state, so the command needs --yes for them. Apps that cannot be started
again as they were (KernelGateway, RSessionGateway, DetailedProfiler, TensorBoard) are stopped
only. Each app step is journaled: undo puts the role back, then restarts the apps again.`,
		Example: `  sagerole change --domain d-research1 --user alice --role DataScientistRestricted
  sagerole change --domain d-research1 --space team-notebooks --role SharedRole
  sagerole change --notebook churn-prediction --restart --role NotebookRole
  sagerole --dry-run change --domain d-research1 --default-space --role SharedRole
  sagerole --yes change --domain d-research1 --user alice --role DataScientistRestricted --restart-apps`,
		GroupID: groupEdit,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.runChange(cmd.Context(), f)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.domain, "domain", "", "the domain `ID` (d-...) of the target")
	fl.BoolVar(&f.defaultUser, "default-user", false, "change the domain's default user role")
	fl.BoolVar(&f.defaultSpace, "default-space", false, "change the domain's default space role")
	fl.StringVar(&f.user, "user", "", "change the role of user profile `NAME`")
	fl.StringVar(&f.space, "space", "", "change the role space `NAME` runs as (its owner's, or the domain's space default)")
	fl.StringVar(&f.notebook, "notebook", "", "change the role of notebook instance `NAME`")
	fl.BoolVar(&f.restart, "restart", false, "stop a running notebook instance, change it, and start it again")
	fl.StringVar(&f.role, "role", "", "the new execution role: a `NAME` or an ARN")
	fl.BoolVar(&f.restartApps, "restart-apps", false, "after the change, stop each running Studio app of the identities that move and start it again")
	fl.BoolVar(&f.stopApps, "stop-apps", false, "after the change, stop each running Studio app of the identities that move")
	fl.DurationVar(&f.activeWithin, "active-within", change.DefaultActiveWithin, "apps with user activity within this `DURATION` are listed first and need --yes")
	flagGroup(fl, "Apps", "restart-apps", "stop-apps", "active-within")
	completeFlag(fl, "active-within", fixedValues("5m", "15m", "30m", "1h"))
	completeFlag(fl, "domain", a.completeDomains())
	completeFlag(fl, "user", a.completeInDomain(false))
	completeFlag(fl, "space", a.completeInDomain(true))
	completeFlag(fl, "notebook", a.completeNotebooks())
	completeFlag(fl, "role", a.completeRoles())
	return cmd
}

func (a *app) runChange(ctx context.Context, f changeFlags) error {
	req, err := f.request()
	if err != nil {
		return err
	}
	b, err := a.open(ctx)
	if err != nil {
		return err
	}
	// Active apps are stopped only with --yes; a dry run shows them all.
	req.IncludeActive = a.g.yes || a.g.dryRun
	prep, err := change.Prepare(ctx, a.session(b), req)
	if err != nil {
		return err
	}
	if !req.IncludeActive {
		if err := change.ActiveRefusal(prep); err != nil {
			return err
		}
	}
	asJSON := a.g.output == "json"
	plan := prep.Plan(asJSON)
	if !asJSON {
		// The preview goes where execute shows the plan.
		if err := change.WritePreview(a.reviewStream(len(plan.Steps)), prep); err != nil {
			return err
		}
	}
	waiter := a.waiter(ctx)
	entry, err := a.execute(ctx, b, plan, a.sageMakerTune(waiter))
	if err != nil || entry == nil || a.g.dryRun {
		return err
	}
	outcome, err := change.Settle(ctx, b, prep, waiter)
	if err != nil {
		return fmt.Errorf("the change was sent (journal entry %s), but its outcome could not be read: %w", entry.ID, err)
	}
	if !outcome.OK() {
		return errors.New(outcome.Text() + " (journal entry " + entry.ID + ")")
	}
	out := a.stdout
	if asJSON {
		out = a.stderr
	}
	_, err = fmt.Fprintln(out, outcome.Text())
	return err
}

// sleepKey carries, in a test's context, the sleep that polls and retries
// use instead of real time.
type sleepKey struct{}

func sleepFrom(ctx context.Context) func(context.Context, time.Duration) error {
	f, _ := ctx.Value(sleepKey{}).(func(context.Context, time.Duration) error)
	return f
}

// waiter polls SageMaker until a target settles, saying what it waits for.
func (a *app) waiter(ctx context.Context) change.Waiter {
	return change.Waiter{Sleep: sleepFrom(ctx), Say: func(s string) { fmt.Fprintln(a.stderr, s) }}
}

// sageMakerTune is what a run of SageMaker writes needs of the executor,
// whether it is a change or the undo of one: retries while IAM propagates a
// role, a line per retry, and notebook writes that wait for the instance to
// settle (UpdateNotebookInstance is accepted only while Stopped).
func (a *app) sageMakerTune(w change.Waiter) func(*awsops.Executor) {
	return func(x *awsops.Executor) {
		x.Retry = change.PropagationRetry(change.PropagationLimit)
		x.Sleep = w.Sleep
		x.Progress = func(ev awsops.Event) {
			if line := change.ProgressLine(ev); line != "" {
				fmt.Fprintln(a.stderr, line)
			}
		}
		// A dry run sends nothing, so nothing would ever settle.
		if !a.g.dryRun {
			x.Backend = change.WithNotebookWaits(x.Backend, w)
		}
	}
}
