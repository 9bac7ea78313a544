package change

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/sagerole/sagerole/awsops"
	"github.com/sagerole/sagerole/awsops/rules"
	"github.com/sagerole/sagerole/flows/find"
)

// AppAction is what a change does with the running apps of the identities
// it moves: a changed role reaches an app only when it starts again.
type AppAction string

const (
	AppsLeave   AppAction = "leave"   // they keep the old role until someone restarts them
	AppsStop    AppAction = "stop"    // sagemaker:DeleteApp, waited for until Deleted
	AppsRestart AppAction = "restart" // DeleteApp, then CreateApp with the same spec
)

// DefaultActiveWithin is how recent a user's activity in an app must be
// for the app to be listed first, with a warning, and stopped or
// restarted only when asked explicitly.
const DefaultActiveWithin = 15 * time.Minute

// Stay is an identity the change reaches near, that does not move, and why.
type Stay struct {
	Kind     find.UseKind `json:"kind"`
	DomainID string       `json:"domainId,omitempty"`
	Name     string       `json:"name,omitempty"`
	Role     string       `json:"role,omitempty"`
	Why      string       `json:"why"`
}

func (a RunningApp) ref() awsops.AppRef {
	return awsops.AppRef{DomainID: a.DomainID, UserProfile: a.UserProfile, SpaceName: a.Space, AppType: a.Type, AppName: a.Name}
}

// stopOnly says why an app cannot be started again as it was from what
// DescribeApp returns; "" when it can.
func stopOnly(a RunningApp) string {
	switch a.Type {
	case awsops.AppKernelGateway:
		return "a KernelGateway app is started by its Studio Classic JupyterServer for one kernel; CreateApp alone would not give the notebook its kernel back"
	case awsops.AppRSessionGateway:
		return "an RSessionGateway app is started by RStudio for one session; CreateApp alone would not give RStudio its session back"
	case awsops.AppDetailedProfiler, awsops.AppTensorBoard:
		return "a " + a.Type + " app is started by SageMaker for a job's data; CreateApp alone would not start it on that data"
	}
	switch {
	case a.Error != "":
		return "it could not be described, so its resource spec is not known"
	case a.ResourceSpec.IsZero():
		return "DescribeApp gave no resource spec, so it could not be started on what it ran on"
	}
	return ""
}

// describeApps reads each app of the impact (its spec, its last user
// activity), through the session's limiter, a domain default's many apps
// at once; then orders those with recent activity first.
func (p *Prepared) describeApps(ctx context.Context, s *find.Session) {
	within := p.Request.ActiveWithin
	if within == 0 {
		within = DefaultActiveWithin
	}
	r := s.Reader()
	errs := make([]error, len(p.Impact.Apps))
	details := make([]awsops.AppDetail, len(p.Impact.Apps))
	lim := s.Limiter()
	g := lim.Group(ctx)
	for i := range p.Impact.Apps {
		ref := p.Impact.Apps[i].ref()
		g.Go(func(ctx context.Context) {
			errs[i] = lim.Do(ctx, func(ctx context.Context) (err error) {
				details[i], err = r.DescribeApp(ctx, ref)
				return err
			})
		})
	}
	g.Wait()
	for i := range p.Impact.Apps {
		a, d := &p.Impact.Apps[i], details[i]
		if errs[i] != nil {
			a.Error = errs[i].Error()
			p.Warnings = append(p.Warnings, fmt.Sprintf("%s could not be described: %v", appText(*a), errs[i]))
			continue
		}
		a.Status, a.ResourceSpec, a.InstanceType = d.Status, d.ResourceSpec, d.ResourceSpec.InstanceType
		a.CreationTime, a.LastUserActivity = d.CreationTime, d.LastUserActivity
		a.RecentActivity = !d.LastUserActivity.IsZero() && p.now.Sub(d.LastUserActivity) < within
	}
	slices.SortStableFunc(p.Impact.Apps, func(x, y RunningApp) int {
		switch {
		case x.RecentActivity == y.RecentActivity:
			return 0
		case x.RecentActivity:
			return -1
		}
		return 1
	})
}

// Recent is the apps of the impact with recent user activity.
func (i Impact) Recent() []RunningApp {
	var out []RunningApp
	for _, a := range i.Apps {
		if a.RecentActivity {
			out = append(out, a)
		}
	}
	return out
}

// planApps adds, after the role change, the steps that stop or restart
// the apps of the moving identities, one app after the other. An app with
// recent activity is left running unless the request includes it; an app
// that cannot be started again as it was is stopped only.
func (p *Prepared) planApps() {
	act := p.Request.Apps
	for i := range p.Impact.Apps {
		a := &p.Impact.Apps[i]
		a.Action = AppsLeave
		if act == "" || act == AppsLeave || len(p.Steps) == 0 || a.Status != awsops.StatusInService {
			continue
		}
		if a.RecentActivity && !p.Request.IncludeActive {
			p.Warnings = append(p.Warnings, fmt.Sprintf("%s is left running: it was used %s, and it is stopped only when that is asked for explicitly", appText(*a), p.ago(a.LastUserActivity)))
			continue
		}
		ref := a.ref()
		p.Steps = append(p.Steps, awsops.DeleteAppOp(ref))
		a.Action = AppsStop
		if act == AppsRestart {
			if a.StopOnly = stopOnly(*a); a.StopOnly != "" {
				p.Notes = append(p.Notes, fmt.Sprintf("%s is stopped only, not started again: %s; its user starts it again from Studio", appText(*a), a.StopOnly))
				continue
			}
			p.Steps = append(p.Steps, awsops.CreateAppOp(ref, a.ResourceSpec))
			a.Action = AppsRestart
		}
		if a.RecentActivity {
			p.Warnings = append(p.Warnings, fmt.Sprintf("%s was used %s: stopping it loses unsaved kernel state and open terminals", appText(*a), p.ago(a.LastUserActivity)))
		}
	}
}

// ago is a past time in words, from the change's now.
func (p *Prepared) ago(t time.Time) string {
	if t.IsZero() {
		return "(never)"
	}
	d := p.now.Sub(t)
	switch {
	case d < time.Minute:
		return "less than a minute ago"
	case d < time.Hour:
		return fmt.Sprintf("%dm ago", int(d/time.Minute))
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh ago", int(d/time.Hour))
	}
	return fmt.Sprintf("%dd ago", int(d/(24*time.Hour)))
}

// Ago is the last activity of an app in words ("3m ago").
func (p *Prepared) Ago(a RunningApp) string { return p.ago(a.LastUserActivity) }

// stays for a change of a domain's default user role: profiles with their
// own role, their private spaces, and the shared spaces.
func staysOfDefaultUser(dn find.DomainNode) []Stay {
	own := map[string]bool{}
	var out []Stay
	for _, u := range dn.Users {
		if u.Source == find.SourceOwn {
			own[u.Name] = true
			out = append(out, Stay{Kind: find.UseUser, DomainID: dn.ID, Name: u.Name, Role: u.Role, Why: "has a role of its own"})
		}
	}
	for _, s := range dn.Spaces {
		switch {
		case s.Sharing == awsops.SharingShared:
			out = append(out, Stay{Kind: find.UseSpace, DomainID: dn.ID, Name: s.Name, Role: s.Role, Why: "shared space: runs as the domain's default space role"})
		case own[s.Owner]:
			out = append(out, Stay{Kind: find.UseSpace, DomainID: dn.ID, Name: s.Name, Role: s.Role, Why: "private space of " + s.Owner + ", who has a role of its own"})
		}
	}
	return out
}

// stays for a change of the default space role: the private spaces, and
// the user profiles with the apps that run as them (Canvas, Studio Classic).
func staysOfDefaultSpace(d awsops.Domain, passed []awsops.Space) []Stay {
	out := []Stay{{Kind: find.UseUser, DomainID: d.ID, Role: d.DefaultUserRole,
		Why: "user profiles, and their Canvas and Studio Classic apps, run as their own role or the domain's default user role"}}
	for _, s := range passed {
		if s.SharingType == awsops.SharingPrivate {
			out = append(out, Stay{Kind: find.UseSpace, DomainID: d.ID, Name: s.Name, Why: "private space of " + s.Owner + ": runs as its owner's role"})
		}
	}
	return out
}

// stays for a change of one user's role: the shared spaces, whoever owns
// them, and the domain's defaults.
func staysOfUser(d awsops.Domain, name string, passed []awsops.Space) []Stay {
	out := []Stay{{Kind: find.UseDefaultUserRole, DomainID: d.ID, Role: d.DefaultUserRole,
		Why: "the domain's default user role, and the profiles that inherit it"}}
	for _, s := range passed {
		if s.SharingType == awsops.SharingShared {
			why := "shared space: runs as the domain's default space role"
			if s.Owner == name {
				why = "shared space that " + name + " created: runs as the domain's default space role, not its owner's"
			}
			out = append(out, Stay{Kind: find.UseSpace, DomainID: d.ID, Name: s.Name, Role: d.DefaultSpaceRole, Why: why})
		}
	}
	return out
}

// ActiveRefusal is the refusal of a one-shot that would stop or restart
// apps someone used recently without being told to explicitly: nil when
// there are none, or the request includes them.
func ActiveRefusal(p *Prepared) error {
	if p.Request.IncludeActive || (p.Request.Apps != AppsStop && p.Request.Apps != AppsRestart) || len(p.Steps) == 0 {
		return nil
	}
	var names []string
	for _, a := range p.Impact.Recent() {
		if a.Status == awsops.StatusInService {
			names = append(names, fmt.Sprintf("%s/%s in %s (used %s)", a.Type, a.Name, a.ref().Owner(), p.ago(a.LastUserActivity)))
		}
	}
	if len(names) == 0 {
		return nil
	}
	return &rules.InputError{Field: "apps", Msg: fmt.Sprintf("%s had user activity within the last %s: %s; stopping loses unsaved kernel state",
		plural(len(names), "app", "apps"), activeWithin(p.Request), strings.Join(names, ", ")),
		Remedy: "pass --yes to stop them anyway, or --active-within a shorter window", Flag: "--yes"}
}
