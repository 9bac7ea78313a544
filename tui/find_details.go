package tui

import (
	"fmt"
	"strings"

	"github.com/sagerole/sagerole/flows/find"
)

// details is the pane below the tree: the selected identity in full.
func (f *findScreen) details() string {
	c := f.ctx
	s := c.Styles
	w := c.Width
	lines := []string{s.Rule.Render(strings.Repeat("─", w))}
	r := f.selected()
	add := func(k, v string) {
		lines = append(lines, strings.Split(wrapWords(s.Muted.Render(k)+" "+v, w-1), "\n")...)
	}
	switch {
	case r == nil && len(f.tree.rows) > 0:
		lines = append(lines, "nothing matches the filter (esc clears it)")
	case r == nil:
		if !f.loading {
			lines = append(lines, "no SageMaker domain and no notebook instance in this region")
		}
	default:
		f.describe(r, add)
	}
	for len(lines) < findPaneHeight {
		lines = append(lines, "")
	}
	return strings.Join(lines[:findPaneHeight], "\n")
}

func (f *findScreen) describe(r *findRow, add func(k, v string)) {
	var d *find.DomainNode
	var dID string
	if r.domain >= 0 && r.domain < len(f.domains) {
		d = f.domains[r.domain].node
		dID = f.domains[r.domain].summary.ID
	}
	roleLine := func(arn string, p find.RoleProblem) string {
		if arn == "" {
			arn = "(none)"
		}
		if f := p.Flag(); f != "" {
			arn += "  " + f
		}
		return arn
	}
	switch r.kind {
	case rowDomain:
		if d == nil {
			add("domain", dID+" · "+r.source+r.flag)
			return
		}
		add("domain", fmt.Sprintf("%s (%s) · %s · %d users, %d spaces", d.Name, d.ID, d.Status, len(d.Users), len(d.Spaces)))
		add("default user role", roleLine(d.DefaultUserRole, d.DefaultUserRoleProblem))
		add("default space role", roleLine(d.DefaultSpaceRole, d.DefaultSpaceRoleProblem))
		add("keys", "c change a default role")
	case rowDefaultUser:
		add("role", roleLine(r.role, d.DefaultUserRoleProblem))
		add("why", "the role of every user profile in "+dID+" that has none of its own")
		add("keys", "c change it · m modify the role · u who runs as it")
	case rowDefaultSpace:
		add("role", roleLine(r.role, d.DefaultSpaceRoleProblem))
		add("why", "the role of every shared space in "+dID)
		add("keys", "c change it · m modify the role · u who runs as it")
	case rowUser:
		u := r.user
		add("user", u.Name+" in "+dID+" · "+u.Status)
		add("role", roleLine(u.Role, u.RoleProblem))
		add("why", find.UserSourceSentence(*u))
		add("apps", appList(u.Apps)+" (Canvas and RStudio run as the profile's role)")
	case rowSpace:
		sp := r.space
		var owner *find.UserNode
		if d != nil {
			for i := range d.Users {
				if d.Users[i].Name == sp.Owner {
					owner = &d.Users[i]
				}
			}
		}
		add("space", sp.Name+" in "+dID+" · "+sp.Sharing+" · "+sp.Status)
		add("role", roleLine(sp.Role, sp.RoleProblem))
		add("why", find.SpaceSourceSentence(*sp, dID, owner))
		add("apps", appList(sp.Apps))
	case rowNotebook:
		nb := r.nb
		add("notebook", nb.Name+" · "+nb.Status)
		add("role", roleLine(nb.Role, nb.RoleProblem))
		add("why", "a notebook instance runs as its own RoleArn; AWS changes it only while the instance is Stopped")
	case rowNotebooks:
		add("notebook instances", fmt.Sprintf("%d in this region", len(f.notebooks)))
	}
}

func appList(apps []find.AppNode) string { return find.AppsLine(apps, "none running") }
