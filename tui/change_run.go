package tui

import (
	"context"
	"fmt"

	"github.com/sagerole/sagerole/awsops"
	"github.com/sagerole/sagerole/flows/change"
	"github.com/sagerole/sagerole/flows/find"
)

// sageMakerHooks are what a run of SageMaker writes needs around the
// executor, as the command line's sageMakerTune: retries while IAM
// propagates a new role, and notebook instances waited for (AWS refuses a
// role update until one is Stopped). A change's run and an undo use them.
func sageMakerHooks(c *ProgramContext) runHooks {
	return runHooks{
		retry: change.PropagationRetry(change.PropagationLimit),
		line:  change.ProgressLine,
		wrap: func(b awsops.Backend, say func(string)) awsops.Backend {
			return change.WithNotebookWaits(b, change.Waiter{Sleep: c.Opts.Sleep, Say: say})
		},
	}
}

// changeHooks are sageMakerHooks and the target read back once it is
// InService again.
func changeHooks(c *ProgramContext, p *change.Prepared) runHooks {
	h := sageMakerHooks(c)
	h.after = func(ctx context.Context, say func(string)) ([]string, error) {
		o, err := change.Settle(ctx, c.Opts.Backend, p, change.Waiter{Sleep: c.Opts.Sleep, Say: say})
		if err != nil {
			return nil, fmt.Errorf("the change was sent, but its outcome could not be read: %w", err)
		}
		if !o.OK() {
			return nil, fmt.Errorf("%s", o.Text())
		}
		return append([]string{o.Text()}, restartLines(p)...), nil
	}
	return h
}

// changeImpact says, before anything is sent, which identity really
// changes (for a space), the checks, who moves and which apps keep the
// old role until restarted: change.WritePreview's content, as review lines.
func changeImpact(p *change.Prepared) []string {
	var out []string
	if p.Resolution != "" {
		out = append(out, p.Resolution)
	}
	cur := p.Current
	if cur == "" {
		cur = "(none)"
	} else if p.CurrentSource == find.SourceDomainDefault {
		cur += " (inherited from the domain)"
	}
	out = append(out, fmt.Sprintf("change %s from %s to %s", p.Target, cur, p.Role.ARN))
	for _, ch := range p.Checks {
		mark := "✓"
		if ch.Status == change.CheckWarn {
			mark = "⚠"
		} else if ch.Status == change.CheckSkipped {
			mark = "·"
		}
		out = append(out, mark+" "+ch.Text)
	}
	if len(p.Steps) > 0 {
		if len(p.Impact.Moves) == 0 {
			out = append(out, "no identity's effective role moves")
		}
		for _, m := range p.Impact.Moves {
			out = append(out, "moves: "+m.String())
		}
		for _, st := range p.Impact.Stays {
			out = append(out, "does not move: "+st.String())
		}
		for _, a := range p.Impact.Apps {
			out = append(out, "app "+change.AppSummary(p, a)+" · "+change.ActionText(a))
		}
		if n := len(p.Impact.Recent()); n > 0 {
			out = append(out, fmt.Sprintf("⚠ %d %s used in the last %s: stopping loses unsaved kernel state", n, plural(n, "app", "apps"), change.ActiveWithinText(p.Request)))
		}
	}
	return out
}

// restartLines say, on the result, which running apps still hold the old
// role: the review said so, and the change is not done for them until
// they restart.
func restartLines(p *change.Prepared) []string {
	var left []change.RunningApp
	for _, a := range p.Impact.Apps {
		if a.Action == change.AppsLeave {
			left = append(left, a)
		}
	}
	if len(left) == 0 {
		return nil
	}
	out := []string{"", fmt.Sprintf("Restart %s to use the new role (%s the old one until then):",
		plural(len(left), "this app", "these apps"), plural(len(left), "it keeps", "they keep"))}
	for _, a := range left {
		where := "user profile " + a.UserProfile
		if a.Space != "" {
			where = "space " + a.Space
		}
		out = append(out, fmt.Sprintf("  • %s/%s in %s (%s)", a.Type, a.Name, where, a.DomainID))
	}
	return out
}
