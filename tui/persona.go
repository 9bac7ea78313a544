package tui

import (
	"fmt"
	"strings"

	"charm.land/huh/v2"

	"github.com/sagerole/sagerole/flows/policy"
)

// How the wizard offers the catalogue: personas with the activities each
// includes, shown by name before anything else is asked; activities in
// groups a person looks for (what they do in Studio, jobs, models, data,
// Canvas), the per-API policies of seed 000 last.

// activityGroups orders the activities the wizard offers; an activity of
// the catalogue in no group is offered last, under "Other".
var activityGroups = []struct {
	name       string
	activities []string
}{
	{"Studio", []string{policy.StudioApps, policy.MLflow, policy.EMRServerless, policy.GlueSessions}},
	{"Jobs", []string{policy.MLJobs, policy.Pipelines, policy.Experiments, policy.SearchExperiments}},
	{"Models", []string{policy.Models, policy.Endpoints, policy.Monitoring}},
	{"Data", []string{policy.S3Buckets, policy.GlueTables, policy.Athena}},
	{"Canvas", []string{policy.Canvas, policy.CanvasMLOps, policy.CanvasAIServices}},
	{"Job role", []string{policy.AWSServices}},
	{"Per API", []string{policy.Training, policy.Processing, policy.Tuning, policy.Hosting, policy.AutoML,
		policy.Notebook, policy.Images, policy.DomainKMS}},
}

// groupedActivity is an activity of the catalogue with its group.
type groupedActivity struct {
	group string
	policy.Choice
}

// groupedActivities is the catalogue's every activity, each once, in the
// groups' order.
func groupedActivities() []groupedActivity {
	byName := map[string]policy.Choice{}
	for _, a := range policy.Activities() {
		byName[a.Name] = a
	}
	var out []groupedActivity
	for _, g := range activityGroups {
		for _, n := range g.activities {
			if a, ok := byName[n]; ok {
				out = append(out, groupedActivity{g.name, a})
				delete(byName, n)
			}
		}
	}
	for _, a := range policy.Activities() {
		if _, ok := byName[a.Name]; ok {
			out = append(out, groupedActivity{"Other", a})
		}
	}
	return out
}

// plainDescription is a choice's description without the flag the command
// line's user must give: the wizard asks for it on a later screen.
func plainDescription(c policy.Choice) string {
	d, _, _ := strings.Cut(c.Description, "; needs --")
	return d
}

// activityOptions are the activities as options. On the screen each is
// one line, its group, name and title (the filter matches any of them),
// and what the highlighted one does is shown under the list; in
// accessible mode, where nothing is under the list, each says it all.
func activityOptions(c *ProgramContext) []huh.Option[string] {
	var out []huh.Option[string]
	for _, a := range groupedActivities() {
		label := fmt.Sprintf("%-9s %-19s %s", a.group, a.Name, a.Title)
		if c.Opts.Accessible {
			label = fmt.Sprintf("%s: %s — %s: %s", a.group, a.Name, a.Title, plainDescription(a.Choice))
		} else {
			label = truncate(label, max(c.Width-8, 20))
		}
		out = append(out, huh.NewOption(label, a.Name))
	}
	return out
}

// activityListDesc is the activity list's description: how many there are
// (the list scrolls at 80×24, and huh shows no scroll bar), then how to
// pick.
func activityListDesc(how string) string {
	return fmt.Sprintf("%d activities; %s", len(policy.Activities()), how)
}

// activityListHeight is the multi-select's height (its title and
// description with the rows): the body, less the flow's lines and what is
// shown under the list.
func activityListHeight(c *ProgramContext, below int) int {
	return max(min(len(policy.Activities())+2, c.BodyHeight-2-below), 5)
}

// activityBelowHeight is what the activity list keeps under itself: a
// blank line and up to three of the highlighted activity's description.
const activityBelowHeight = 4

// activityBelow is what the highlighted activity does, under the list.
func activityBelow(c *ProgramContext, name string) string {
	a, ok := policy.ActivityChoice(name)
	if !ok {
		return ""
	}
	text := a.Label() + ": " + plainDescription(a)
	lines := strings.Split(wrapWords(text, c.Width-4), "\n")
	if len(lines) > activityBelowHeight-1 {
		lines = lines[:activityBelowHeight-1]
		lines[len(lines)-1] = truncate(lines[len(lines)-1]+" …", c.Width-4)
	}
	return "\n" + c.Styles.Muted.Render(indent(strings.Join(lines, "\n"), "  "))
}

// personaOptions are the personas as options: Role Manager's name, the
// name sagerole takes, and the first words of what it is for.
func personaOptions(c *ProgramContext) []huh.Option[string] {
	var out []huh.Option[string]
	for _, p := range policy.Personas() {
		what, _, _ := strings.Cut(p.Description, ":")
		label := p.Label() + " — " + what
		if !c.Opts.Accessible {
			label = truncate(label, max(c.Width-8, 20))
		}
		out = append(out, huh.NewOption(label, p.Name))
	}
	return out
}

// personaBelowHeight keeps room for the longest persona's activities, a
// heading and the blank lines around it.
func personaBelowHeight() int {
	n := 0
	for _, p := range policy.Personas() {
		n = max(n, len(p.Activities))
	}
	return n + 3
}

// personaActivityLines are a persona's activities, each by name with its
// title and what it does, as `sagerole policy persona` lists them.
func personaActivityLines(p policy.Choice, buckets bool) []string {
	var out []string
	for _, name := range p.Activities {
		a, _ := policy.ActivityChoice(name)
		note := ""
		if name == policy.S3Buckets && !buckets {
			note = " (with the buckets you name later)"
		}
		out = append(out, fmt.Sprintf("%-19s %s%s — %s", a.Name, a.Title, note, plainDescription(a)))
	}
	return out
}

// personaBelow is the highlighted persona's activities, under the list.
func personaBelow(c *ProgramContext, name string, buckets bool) string {
	p, err := policy.PersonaChoice(name)
	if err != nil {
		return ""
	}
	lines := []string{"", c.Styles.Bold.Render(fmt.Sprintf("%s includes %s:", p.Label(), plural(len(p.Activities), "this activity", "these activities")))}
	for _, l := range personaActivityLines(p, buckets) {
		lines = append(lines, "  "+truncate(l, c.Width-4))
	}
	return strings.Join(lines, "\n")
}

// personaExplain is what accessible mode says before asking for the
// persona: every persona, and every activity of each, in full.
func personaExplain(buckets bool) []string {
	out := []string{"The personas, as SageMaker Role Manager defines them, and the activities each includes:"}
	for i, p := range policy.Personas() {
		out = append(out, fmt.Sprintf("%d. %s: %s.", i+1, p.Label(), p.Description))
		for _, l := range personaActivityLines(p, buckets) {
			out = append(out, "   "+strings.Join(strings.Fields(l), " "))
		}
	}
	return out
}
