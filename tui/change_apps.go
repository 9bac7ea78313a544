package tui

import (
	"context"
	"fmt"
	"strings"
	"time"

	"charm.land/huh/v2"

	"github.com/sagerole/sagerole/awsops"
	"github.com/sagerole/sagerole/flows/change"
)

// appsRead is the change prepared once with its apps left running: what
// the "Running apps" step shows before asking what to do with them. key
// is the request it was prepared for; a new target or role reads again.
type appsRead struct {
	key  string
	prep *change.Prepared
	err  error
	done bool
}

// appsChoice is the change flow's answers about running apps.
type appsChoice struct {
	action string // change.AppAction
	// active stops or restarts the apps used recently too: an explicit
	// choice, No unless answered.
	active bool
	read   appsRead
}

// clock is the time activity is measured from: the clock runs are stamped
// with, or else the screens' (the demo mode's fixed one, or time.Now), so
// that the sandbox and the screens agree.
func clock(c *ProgramContext) func() time.Time {
	if c.Opts.RunNow != nil {
		return c.Opts.RunNow
	}
	if c.Opts.Now != nil {
		return c.Opts.Now
	}
	return time.Now
}

// running is the InService apps of the identities that move, once read.
func (a *appsChoice) running() []change.RunningApp {
	if a.read.prep == nil || len(a.read.prep.Steps) == 0 {
		return nil
	}
	var out []change.RunningApp
	for _, ap := range a.read.prep.Impact.Apps {
		if ap.Status == awsops.StatusInService {
			out = append(out, ap)
		}
	}
	return out
}

// appsStep asks, when identities that move have running apps, whether to
// leave them running, stop them or restart them — and, for apps used
// recently, whether to include them.
func appsStep(c *ProgramContext, a *appsChoice, req func() change.Request) step {
	key := func() string {
		r := req()
		return strings.Join([]string{string(r.Target), r.DomainID, r.Name, r.Role}, "|")
	}
	return step{
		name:   "Running apps",
		fields: []string{"apps"},
		// A change that cannot be prepared says why on the review.
		skip: func() bool {
			r := req()
			return r.Target == change.TargetNotebook || (a.read.done && a.read.key == key() && (a.read.err != nil || len(a.running()) == 0))
		},
		ready:   func() bool { return a.read.done && a.read.key == key() },
		waiting: "Reading the running apps of the identities that move",
		fetch: func() load {
			k, r := key(), req()
			r.Apps, r.Now = change.AppsLeave, clock(c)
			a.read = appsRead{key: k}
			return func(ctx context.Context) func() {
				p, err := change.Prepare(ctx, c.session(), r)
				return func() { a.read = appsRead{key: k, prep: p, err: err, done: true} }
			}
		},
		form: func(k *kit) *huh.Form {
			apps := a.running()
			p := a.read.prep
			if len(apps) == 0 {
				return k.form(huh.NewNote().Title("No running app of the identities that move: nothing to stop or restart"))
			}
			var lines []string
			for _, ap := range apps {
				lines = append(lines, "• "+change.AppSummary(p, ap))
			}
			if a.action == "" {
				a.action = string(change.AppsLeave)
			}
			fields := []huh.Field{k.pick("apps",
				fmt.Sprintf("What should the change do with %d running %s?", len(apps), plural(len(apps), "app", "apps")),
				"An app keeps the role it started with until it restarts:\n"+strings.Join(lines, "\n"),
				[]huh.Option[string]{
					huh.NewOption("leave running (they keep the old role until restarted)", string(change.AppsLeave)),
					huh.NewOption("stop after the change (their users start them again)", string(change.AppsStop)),
					huh.NewOption("restart after the change (stop, then start with the same spec)", string(change.AppsRestart)),
				}, &a.action, nil)}
			if n := len(p.Impact.Recent()); n > 0 {
				fields = append(fields, k.confirm("active apps",
					fmt.Sprintf("Also stop the %d %s used in the last %s?", n, plural(n, "app", "apps"), change.ActiveWithinText(p.Request)),
					"their unsaved kernel state and open terminals are lost; No leaves them running", &a.active))
			}
			return k.form(fields...)
		},
	}
}
