package tui

import (
	"fmt"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/sagerole/sagerole/flows/policy/rolemanager"
)

// modAdopt is the change that puts a role SageMaker Role Manager made in
// sagerole's terms: the activities, options and guardrails its policies
// correspond to, and its policies taken away — what modify's roleManager
// command does.
const modAdopt = "adopt"

var roleManagerKey = key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "Role Manager's policies"))

// madeBy is how Role Manager made the role, in words.
func madeBy(m *rolemanager.Match) string {
	s := "Made by SageMaker Role Manager"
	if made, ok := map[string]string{"console": "its console", "cdk": "its CDK library"}[m.Made]; ok {
		s += " (" + made + ")"
	}
	if m.RoleManagerPersona != "" {
		s += " from its " + m.RoleManagerPersona + " persona"
	}
	return s
}

// roleManagerPolicies are the names of the role's Role Manager policies.
func roleManagerPolicies(m *rolemanager.Match) map[string]bool {
	out := map[string]bool{}
	if m != nil {
		for _, p := range m.Policies {
			out[p.Name] = true
		}
	}
	return out
}

// roleManagerIntro is what the role view says of a Role Manager role: who
// made it, what it is in sagerole's activities, how well that matches.
func roleManagerIntro(c *ProgramContext, m *rolemanager.Match) string {
	if m == nil {
		return ""
	}
	s := madeBy(m)
	if len(m.Activities) > 0 {
		s += "; in sagerole's terms " + strings.Join(m.Activities, ", ")
		if len(m.Guardrails) > 0 {
			s += ", " + plural(len(m.Guardrails), "guardrail ", "guardrails ") + strings.Join(m.Guardrails, ", ")
		}
	}
	counts := map[string]int{}
	for _, p := range m.Policies {
		counts[p.Match]++
	}
	var parts []string
	for _, k := range []string{"full", "partial", "none"} {
		if n := counts[k]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, map[string]string{"full": "match", "partial": "partly", "none": "not at all"}[k]))
		}
	}
	how := "r shows each"
	if c.Opts.Accessible {
		how = "each is said next"
	}
	return s + fmt.Sprintf(". Of its %d %s, %s (%s).", len(m.Policies), plural(len(m.Policies), "policy", "policies"), strings.Join(parts, ", "), how)
}

// roleManagerLines are who made the role (with header), each Role Manager
// policy of the role, what it is in sagerole's activities and what does
// not match, the options found, and what adopting the role does, wrapped
// to width.
func roleManagerLines(role string, m *rolemanager.Match, width int, header bool) []string {
	w := width
	wrap := func(text, first, rest string) []string {
		lines := strings.Split(wrapWords(text, w-len(first)), "\n")
		for i := range lines {
			if i == 0 {
				lines[i] = first + lines[i]
			} else {
				lines[i] = rest + lines[i]
			}
		}
		return lines
	}
	var out []string
	if header {
		out = append(wrap(madeBy(m)+".", "", ""), "")
	}
	out = append(out, "Its policies in sagerole's activities:")
	named := map[string]bool{}
	for _, p := range m.Policies {
		named[p.Name] = true
		act := p.Activity
		if act == "" {
			act = "no sagerole activity"
		}
		out = append(out, "  "+truncate(p.Name+" ("+p.Kind+")", w-2))
		out = append(out, wrap(fmt.Sprintf("%s → %s: %s", p.RoleManagerActivity, act, map[string]string{"full": "matches", "partial": "matches partly", "none": "no match"}[p.Match]), "    ", "      ")...)
		for _, d := range p.Differences {
			out = append(out, wrap(d, "    · ", "      ")...)
		}
	}
	for _, u := range m.Unmatched {
		name, _, _ := strings.Cut(u, " ")
		if !named[name] {
			out = append(out, wrap("does not match: "+u, "  ", "    ")...)
		}
	}
	o := m.Options
	var opts []string
	for _, l := range []struct {
		what string
		vals []string
	}{
		{"buckets", o.Buckets}, {"ECR repositories", o.ECRRepos}, {"roles to pass", o.PassRoles}, {"KMS keys", o.KMSKeys},
		{"Glue databases", o.GlueDatabases}, {"Athena workgroups", o.AthenaWorkgroups},
		{"subnets", o.Subnets}, {"security groups", o.SecurityGroups}, {"guardrails", m.Guardrails},
	} {
		if len(l.vals) > 0 {
			opts = append(opts, l.what+" "+strings.Join(l.vals, ", "))
		}
	}
	if o.VPC {
		opts = append(opts, "the VPC network-interface actions")
	}
	if len(opts) > 0 {
		out = append(out, "")
		out = append(out, wrap("Its policies name "+strings.Join(opts, "; ")+".", "", "  ")...)
	}
	out = append(out, "")
	if m.Command == "" {
		return append(out, wrap("sagerole has no activity for its policies: there is nothing to adopt.", "", "")...)
	}
	inline, detach := m.Removes()
	return append(out, wrap(fmt.Sprintf("“adopt it” in the list of changes puts %s in sagerole's terms: it adds %s to its sagerole-scope policy, with these options, and takes away Role Manager's %d %s. The review shows every step before anything is sent, and undo takes it back.",
		role, strings.Join(m.Activities, ", "), len(inline)+len(detach), plural(len(inline)+len(detach), "policy", "policies")), "", "")...)
}

// adopt turns the adopt change into the changes it stands for, each
// filled in as Role Manager's policies name it, so that the next steps
// show them and the review lists them: the activities, options and
// guardrails, the buckets, and the policies deleted or detached.
func (st *modifyState) adopt() {
	m := st.details.RoleManager
	if m == nil || !slices.Contains(st.actions, modAdopt) {
		return
	}
	acts := slices.DeleteFunc(slices.Clone(st.actions), func(a string) bool { return a == modAdopt })
	add := func(a string) {
		if !slices.Contains(acts, a) {
			acts = append(acts, a)
		}
	}
	add(modActivities)
	st.activities = union(st.activities, m.Activities)
	if len(m.Guardrails) > 0 {
		add(modGuardrails)
		st.guardrails = union(st.guardrails, m.Guardrails)
	}
	o := m.Options
	if len(o.Buckets) > 0 {
		add(modBuckets)
		for _, b := range o.Buckets {
			if st.accountBuckets.has(b) {
				st.buckets = union(st.buckets, []string{b})
			} else {
				st.otherBuckets = strings.Join(union(splitList(st.otherBuckets), []string{b}), ", ")
			}
		}
	}
	typed := func(field *string, vals []string) {
		*field = strings.Join(union(splitList(*field), vals), ", ")
	}
	s := &st.settings
	typed(&s.ecrRepos, o.ECRRepos)
	typed(&s.kmsKeys, o.KMSKeys)
	typed(&s.passRoles, o.PassRoles)
	typed(&s.glueDBs, o.GlueDatabases)
	typed(&s.workgroups, o.AthenaWorkgroups)
	typed(&s.subnets, o.Subnets)
	typed(&s.securityGroups, o.SecurityGroups)
	s.vpc = s.vpc || o.VPC
	inline, detach := m.Removes()
	for _, n := range inline {
		add(modDelete + n)
	}
	for _, a := range detach {
		add(modDetach + a)
	}
	st.actions = acts
}

// union is a with those of b it lacks, in order.
func union(a, b []string) []string {
	out := slices.Clone(a)
	for _, v := range b {
		if !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

// roleManagerScreen shows what each Role Manager policy of a role is in
// sagerole's activities; the arrows scroll, esc goes back to the role.
type roleManagerScreen struct {
	ctx   *ProgramContext
	id    int
	role  string
	lines []string
	top   int
}

func newRoleManagerScreen(c *ProgramContext, role string, m *rolemanager.Match) *roleManagerScreen {
	return &roleManagerScreen{ctx: c, id: c.newID(), role: role, lines: roleManagerLines(role, m, c.Width-2, true)}
}

func (r *roleManagerScreen) ID() int       { return r.id }
func (r *roleManagerScreen) Title() string { return "Modify role › " + r.role + " › Role Manager" }
func (r *roleManagerScreen) Init() tea.Cmd { return nil }

func (r *roleManagerScreen) page() int { return max(r.ctx.BodyHeight-1, 1) }

func (r *roleManagerScreen) Update(msg tea.Msg) (Child, tea.Cmd) {
	if m, ok := msg.(tea.KeyPressMsg); ok {
		if key.Matches(m, r.ctx.Keys.Back) {
			return r, pop(r.id)
		}
		r.top, _ = scroll(r.ctx.Keys, m, r.top, r.page(), max(len(r.lines)-r.page(), 0))
	}
	return r, nil
}

func (r *roleManagerScreen) View() string {
	end := min(r.top+r.page(), len(r.lines))
	return strings.Join(r.lines[r.top:end], "\n")
}

func (r *roleManagerScreen) Help() keyHelp {
	k := r.ctx.Keys
	return keyHelp{short: []key.Binding{k.Down, k.PageDown, k.Back, k.Quit}}
}
