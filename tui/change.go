package tui

import (
	"context"
	"fmt"
	"sort"
	"strings"

	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"

	"github.com/sagerole/sagerole/awsops"
	"github.com/sagerole/sagerole/awsops/rules"
	"github.com/sagerole/sagerole/flows/change"
	"github.com/sagerole/sagerole/flows/find"
)

// changePrefill starts the change flow with what is already known: from
// the find screen, the identity; from a new role's result, the role.
type changePrefill struct {
	Target   change.TargetKind
	DomainID string
	Name     string
	Role     string // name or ARN
}

// domainRead is a domain as the change flow's pickers show it: every user
// profile and space with the role it runs as now, read with find's
// inventory when the domain is picked.
type domainRead struct {
	node *find.DomainNode
	err  error
	done bool
}

// changeState holds the answers of the change flow.
type changeState struct {
	target   string
	domainID string
	name     string   // user, space or notebook
	role     rolePick // an ARN, or a name or ARN typed
	restart  bool
	// given is the role the flow was opened with (a new role to assign).
	given string

	roles        rolesRead
	domains      []awsops.DomainSummary
	domainsErr   error
	domainsRead  bool
	notebooks    []awsops.NotebookInstance
	notebooksErr error
	notebooksRd  bool
	read         map[string]*domainRead
	// described are notebook instances described (the list does not say
	// their role on AWS), by name.
	described map[string]*nbRead
}

// nbRead is a notebook instance being described.
type nbRead struct {
	nb   *awsops.NotebookInstance
	done bool
}

func (st *changeState) kind() change.TargetKind { return change.TargetKind(st.target) }

func newChange(c *ProgramContext, pre changePrefill) *flow {
	st := &changeState{target: string(pre.Target), domainID: pre.DomainID, name: pre.Name, role: rolePick{choice: pre.Role},
		given: pre.Role, read: map[string]*domainRead{}, described: map[string]*nbRead{}}
	if st.target == "" {
		st.target = string(change.TargetUser)
	}
	f := newFlow(c, "Change role")
	b := c.Opts.Backend
	f.loads = []load{
		st.roles.load(c),
		func(ctx context.Context) func() {
			ds, err := b.ListDomains(ctx)
			return func() { st.domains, st.domainsErr, st.domainsRead = ds, err, true }
		},
		func(ctx context.Context) func() {
			nbs, err := b.ListNotebookInstances(ctx)
			return func() { st.notebooks, st.notebooksErr, st.notebooksRd = nbs, err, true }
		},
	}
	isNotebook := func() bool { return st.kind() == change.TargetNotebook }
	needsName := func() bool {
		k := st.kind()
		return k == change.TargetUser || k == change.TargetSpace || k == change.TargetNotebook
	}
	// A target given whole (from the find screen) skips the questions it
	// answers.
	given := pre.Target != "" && (pre.DomainID != "" || pre.Target == change.TargetNotebook) &&
		(pre.Name != "" || pre.Target == change.TargetDefaultUser || pre.Target == change.TargetDefaultSpace)
	// The domain's identities, with their roles, are read once it is
	// picked (also for a default target: the current role is marked).
	readDomain := func() load {
		if isNotebook() {
			name := st.name
			if _, ok := st.described[name]; ok {
				return nil
			}
			r := &nbRead{}
			st.described[name] = r
			return func(ctx context.Context) func() {
				nb, err := b.DescribeNotebookInstance(ctx, name)
				return func() {
					if err == nil {
						r.nb = &nb
					}
					r.done = true
				}
			}
		}
		if st.read[st.domainID] != nil {
			return nil
		}
		id := st.domainID
		d := &domainRead{}
		st.read[id] = d
		return func(ctx context.Context) func() {
			t, err := find.Inventory(ctx, b, find.Options{DomainID: id, SkipNotebooks: true, SkipRoleChecks: true,
				Concurrency: c.Opts.InventoryConcurrency})
			var node *find.DomainNode
			if err == nil && len(t.Domains) > 0 {
				node = &t.Domains[0]
			}
			return func() { d.node, d.err, d.done = node, err, true }
		}
	}
	domainReady := func() bool {
		if isNotebook() {
			return st.notebooksRd
		}
		d := st.read[st.domainID]
		return d != nil && d.done
	}
	const roleStep = 3
	f.steps = []step{
		{
			name:   "Target",
			fields: []string{"target"},
			skip:   func() bool { return given },
			form: func(k *kit) *huh.Form {
				title := "What runs as the role you want to change?"
				if st.given != "" {
					title = "Who should run as " + roleName(st.given) + "?"
				}
				return k.form(k.pick("target", title, "", []huh.Option[string]{
					huh.NewOption("a user profile (and its private spaces)", string(change.TargetUser)),
					huh.NewOption("a space (private: its owner; shared: the domain default)", string(change.TargetSpace)),
					huh.NewOption("a domain's default user role (users without their own)", string(change.TargetDefaultUser)),
					huh.NewOption("a domain's default space role (shared spaces)", string(change.TargetDefaultSpace)),
					huh.NewOption("a notebook instance", string(change.TargetNotebook)),
				}, &st.target, nil))
			},
		},
		{
			name:    "Domain",
			fields:  []string{"domain"},
			skip:    func() bool { return given || isNotebook() },
			ready:   func() bool { return st.domainsRead },
			waiting: "Listing the SageMaker domains",
			form:    func(k *kit) *huh.Form { return k.form(st.domainField(k)) },
		},
		{
			name:    "Who",
			fields:  []string{"user profile", "space", "notebook", "notebook instance"},
			skip:    func() bool { return given || !needsName() },
			ready:   domainReady,
			waiting: "Reading the domain's user profiles and spaces, and their roles",
			fetch:   readDomain,
			form:    func(k *kit) *huh.Form { return k.form(st.whoField(c, k)) },
		},
		{
			name:   "New role",
			fields: []string{"role", "restart"},
			ready: func() bool {
				if isNotebook() {
					d := st.described[st.name]
					return st.roles.done && d != nil && d.done && st.notebooksRd
				}
				return st.roles.done && st.read[st.domainID] != nil && st.read[st.domainID].done
			},
			waiting: "Reading the account's roles",
			fetch: func() load {
				if l := readDomain(); l != nil {
					return l
				}
				if !st.roles.done {
					return st.roles.reload(c)
				}
				return nil
			},
			intro: func() string { return st.resolution(c) },
			form: func(k *kit) *huh.Form {
				fields := []huh.Field{rolePicker(k, &st.roles, roleQuestion{title: "New execution role for " + st.targetWords(),
					byARN: true, current: st.currentRole(), create: true, check: trustCheck(&st.roles)}, &st.role)}
				if nb := st.notebook(); nb != nil && nb.Status != awsops.StatusStopped {
					fields = append(fields, k.confirm("restart",
						fmt.Sprintf("Notebook %s is %s: stop it, change its role, start it again?", nb.Name, nb.Status),
						"AWS changes a notebook instance's role only while it is Stopped", &st.restart).
						Validate(func(yes bool) error {
							if yes {
								return nil
							}
							return fmt.Errorf("answer Yes to stop and restart it, or esc: AWS changes its role only when Stopped")
						}))
				}
				return k.form(fields...)
			},
			// "create a new role…" runs create-role inside this flow, which
			// comes back here with the role.
			done: func() tea.Cmd {
				if st.role.choice != createRole {
					return nil
				}
				return push(f.id, newCreateRole(c, createRolePrefill{back: &returnTo{id: f.id, label: "use it for " + st.targetWords() + " (back to Change role)"}}))
			},
		},
		typedRoleStep(&st.roles, &st.role, nil),
	}
	// Back from a flow opened from here (the role created, its trust
	// fixed): the roles are read again and the role is preselected.
	f.receive = func(outputs map[string]string) tea.Cmd {
		if arn := outputs["roleArn"]; arn != "" {
			st.role = rolePick{choice: arn}
		}
		st.roles.done = false
		f.i = roleStep
		return f.enter()
	}
	f.remedy = func(ie *rules.InputError) (string, *offer) {
		back := &returnTo{id: f.id, label: "use it for " + st.targetWords() + " (back to Change role)"}
		role := st.role.value()
		switch ie.Flag {
		case "--fix-trust":
			name := roleName(role)
			if r := st.roles.byName(role); r != nil {
				name = r.Name
			}
			return "pick a role that trusts SageMaker, or fix this one's trust policy", &offer{label: "fix " + name + "'s trust policy",
				open: func() tea.Cmd {
					return push(f.id, newModifyWith(c, modifyPrefill{role: name, actions: []string{modFixTrust}, back: back}))
				}}
		case "create-role":
			name := roleName(role)
			return "pick a role from the list", &offer{label: "create role " + name,
				open: func() tea.Cmd {
					return push(f.id, newCreateRole(c, createRolePrefill{Name: name, back: back}))
				}}
		case "--role":
			return "pick it from the list, or type that ARN", nil
		case "--restart":
			return "answer Yes to “stop it, change its role, start it again?”", nil
		}
		return "", nil
	}
	f.plan = func(ctx context.Context) (*review, error) {
		if st.role.choice == createRole {
			return nil, inputErr("role", "pick the new role: the role to create is not made yet")
		}
		req := change.Request{Target: st.kind(), DomainID: st.domainID, Name: st.name, Role: st.role.value(),
			Restart: st.restart && isNotebook(), Concurrency: c.Opts.InventoryConcurrency}
		if !needsName() {
			req.Name = ""
		}
		if isNotebook() {
			req.DomainID = ""
		}
		p, err := change.Prepare(ctx, b, req)
		if err != nil {
			return nil, err
		}
		rv := newReview(c, "Change role", p.Plan(false))
		rv.impact = changeImpact(p)
		rv.hooks = changeHooks(c, p)
		rv.next = []nextAction{
			{key: "f", label: "find execution roles", short: "find", open: func(c *ProgramContext) Child { return newFind(c) }},
			{key: "c", label: "change another identity's role", short: "change another", open: func(c *ProgramContext) Child {
				return newChange(c, changePrefill{})
			}},
		}
		return rv, nil
	}
	return f
}

// changeHooks are what a change's run needs around the executor: retries
// while IAM propagates a new role, notebook instances waited for, and the
// target read back once it is InService again.
func changeHooks(c *ProgramContext, p *change.Prepared) runHooks {
	return runHooks{
		retry: change.PropagationRetry(change.PropagationLimit),
		line:  change.ProgressLine,
		wrap: func(b awsops.Backend, say func(string)) awsops.Backend {
			return change.WithNotebookWaits(b, change.Waiter{Sleep: c.Opts.Sleep, Say: say})
		},
		after: func(ctx context.Context, say func(string)) ([]string, error) {
			o, err := change.Settle(ctx, c.Opts.Backend, p, change.Waiter{Sleep: c.Opts.Sleep, Say: say})
			if err != nil {
				return nil, fmt.Errorf("the change was sent, but its outcome could not be read: %w", err)
			}
			if !o.OK() {
				return nil, fmt.Errorf("%s", o.Text())
			}
			return append([]string{o.Text()}, restartLines(p)...), nil
		},
	}
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
		for _, a := range p.Impact.Apps {
			where := "user profile " + a.UserProfile
			if a.Space != "" {
				where = "space " + a.Space
			}
			out = append(out, fmt.Sprintf("app %s/%s in %s keeps the old role until it is restarted", a.Type, a.Name, where))
		}
	}
	return out
}

func (st *changeState) notebook() *awsops.NotebookInstance {
	if st.kind() != change.TargetNotebook {
		return nil
	}
	for i := range st.notebooks {
		if st.notebooks[i].Name == st.name {
			return &st.notebooks[i]
		}
	}
	return nil
}

// targetWords names the target for the role question.
func (st *changeState) targetWords() string {
	switch st.kind() {
	case change.TargetDefaultUser:
		return "the default user role of " + st.domainID
	case change.TargetDefaultSpace:
		return "the default space role of " + st.domainID
	case change.TargetUser:
		return "user " + st.name
	case change.TargetSpace:
		if n := st.node(); n != nil {
			for _, sp := range n.Spaces {
				if sp.Name == st.name && sp.Sharing == awsops.SharingPrivate && sp.Owner != "" {
					return "user " + sp.Owner + " (owner of private space " + sp.Name + ")"
				}
				if sp.Name == st.name && sp.Sharing != awsops.SharingPrivate {
					return "the shared spaces of " + st.domainID + " (the domain's default space role)"
				}
			}
		}
		return "space " + st.name
	case change.TargetNotebook:
		return "notebook " + st.name
	}
	return st.name
}

// restartLines say, on the result, which running apps still hold the old
// role: the review said so, and the change is not done for them until
// they restart.
func restartLines(p *change.Prepared) []string {
	if len(p.Impact.Apps) == 0 {
		return nil
	}
	out := []string{"", fmt.Sprintf("Restart %s to use the new role (%s the old one until then):",
		plural(len(p.Impact.Apps), "this app", "these apps"), plural(len(p.Impact.Apps), "it keeps", "they keep"))}
	for _, a := range p.Impact.Apps {
		where := "user profile " + a.UserProfile
		if a.Space != "" {
			where = "space " + a.Space
		}
		out = append(out, fmt.Sprintf("  • %s/%s in %s (%s)", a.Type, a.Name, where, a.DomainID))
	}
	return out
}

// node is the picked domain as read, nil until it is.
func (st *changeState) node() *find.DomainNode {
	if d := st.read[st.domainID]; d != nil {
		return d.node
	}
	return nil
}

// currentRole is the ARN the target runs as now, as read ("" when not
// known).
func (st *changeState) currentRole() string {
	if d := st.described[st.name]; st.kind() == change.TargetNotebook && d != nil && d.nb != nil {
		return d.nb.RoleARN
	}
	n := st.node()
	if n == nil {
		return ""
	}
	switch st.kind() {
	case change.TargetDefaultUser:
		return n.DefaultUserRole
	case change.TargetDefaultSpace:
		return n.DefaultSpaceRole
	case change.TargetUser:
		for _, u := range n.Users {
			if u.Name == st.name {
				return u.Role
			}
		}
	case change.TargetSpace:
		for _, sp := range n.Spaces {
			if sp.Name == st.name {
				return sp.Role
			}
		}
	}
	return ""
}

// resolution says at once, for a space, which identity the change is
// really on: a space has no role of its own.
func (st *changeState) resolution(c *ProgramContext) string {
	n := st.node()
	if st.kind() != change.TargetSpace || n == nil {
		return ""
	}
	for _, sp := range n.Spaces {
		if sp.Name != st.name {
			continue
		}
		var text string
		switch {
		case sp.Sharing == awsops.SharingPrivate && sp.Owner != "":
			text = fmt.Sprintf("Space %s is private: it runs as its owner %s's role, so this changes user %s's role (and every private space of %s).",
				sp.Name, sp.Owner, sp.Owner, sp.Owner)
		default:
			text = fmt.Sprintf("Space %s is shared: it runs as the domain's default space role, so this changes that default (and every shared space of %s).",
				sp.Name, st.domainID)
		}
		return c.Styles.Bold.Render(wrapWords(text, c.Width-2))
	}
	return ""
}

func (st *changeState) domainField(k *kit) huh.Field {
	if len(st.domains) == 0 {
		desc := "d-xxxxxxxxxxxx"
		if st.domainsErr != nil {
			desc = "The domains could not be listed (" + st.domainsErr.Error() + "); type the ID: " + desc
		} else {
			desc = "No domain was found in this region; type an ID: " + desc
		}
		return k.input("domain", "Domain ID", desc, &st.domainID, find.CheckDomainID)
	}
	opts := make([]huh.Option[string], len(st.domains))
	for i, d := range st.domains {
		opts[i] = huh.NewOption(fmt.Sprintf("%s (%s) · %s", d.Name, d.ID, d.Status), d.ID)
	}
	return k.pick("domain", "Which domain?", "", opts, &st.domainID, nil)
}

// whoField picks the user profile, space or notebook instance, each shown
// with the role it runs as now (and, for a space, why).
func (st *changeState) whoField(c *ProgramContext, k *kit) huh.Field {
	fit := func(label string) string {
		if c.Opts.Accessible {
			return label
		}
		return truncate(label, max(c.Width-6, 20))
	}
	if st.kind() == change.TargetNotebook {
		if len(st.notebooks) == 0 {
			return k.input("name", "Notebook instance name", "", &st.name, func(s string) error { return find.CheckName("notebook instance", s) })
		}
		opts := make([]huh.Option[string], len(st.notebooks))
		for i, nb := range st.notebooks {
			label := nb.Name + " · " + nb.Status
			if nb.RoleARN != "" { // not part of the list on AWS
				label += " · " + find.ShortRole(nb.RoleARN)
			}
			opts[i] = huh.NewOption(fit(label), nb.Name)
		}
		return k.pick("name", "Which notebook instance?", "", opts, &st.name, nil).Height(min(len(opts)+3, 12))
	}
	d := st.read[st.domainID]
	what := "user profile"
	var opts []huh.Option[string]
	if n := d.node; n != nil {
		if st.kind() == change.TargetSpace {
			what = "space"
			sp := append([]find.SpaceNode(nil), n.Spaces...)
			sort.Slice(sp, func(i, j int) bool { return sp[i].Name < sp[j].Name })
			for _, s := range sp {
				how := "shared → the domain's space default"
				if s.Sharing == awsops.SharingPrivate {
					how = "private → " + s.Owner + "'s role"
				}
				opts = append(opts, huh.NewOption(fit(fmt.Sprintf("%s · %s: %s", s.Name, how, roleWords(s.Role))), s.Name))
			}
		} else {
			us := append([]find.UserNode(nil), n.Users...)
			sort.Slice(us, func(i, j int) bool { return us[i].Name < us[j].Name })
			for _, u := range us {
				opts = append(opts, huh.NewOption(fit(fmt.Sprintf("%s · %s: %s", u.Name, find.SourceText(u.Source), roleWords(u.Role))), u.Name))
			}
		}
	} else if st.kind() == change.TargetSpace {
		what = "space"
	}
	if len(opts) == 0 {
		desc := "none was found in " + st.domainID + "; type a name"
		if d.err != nil {
			desc = "they could not be listed (" + d.err.Error() + "); type a name"
		}
		return k.input("name", strings.ToUpper(what[:1])+what[1:]+" name", desc, &st.name, func(s string) error { return find.CheckName(what, s) })
	}
	return k.pick("name", fmt.Sprintf("Which %s in %s?", what, st.domainID), "each with the role it runs as now", opts, &st.name, nil).
		Height(min(len(opts)+4, 12))
}

// roleWords is a role in a picker's few characters.
func roleWords(arn string) string {
	if arn == "" {
		return "(none)"
	}
	return find.ShortRole(arn)
}
