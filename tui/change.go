package tui

import (
	"context"
	"fmt"

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
	// apps is what to do with the running apps of who moves.
	apps appsChoice
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
	// One session for the flow's reads of its domains: the identity is
	// read once, every call through the wizard's limiter.
	s := c.session()
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
			t, err := s.Inventory(ctx, find.Options{DomainID: id, SkipNotebooks: true, SkipRoleChecks: true})
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
	request := func() change.Request {
		req := change.Request{Target: st.kind(), DomainID: st.domainID, Name: st.name, Role: st.role.value(),
			Restart: st.restart && isNotebook()}
		if !needsName() {
			req.Name = ""
		}
		if isNotebook() {
			req.DomainID = ""
		}
		return req
	}
	apps := appsStep(c, &st.apps, request)
	skipApps := apps.skip
	apps.skip = func() bool { return st.role.choice == createRole || skipApps() }
	f.steps = append(f.steps, apps)
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
		req := request()
		req.Now = clock(c)
		if !isNotebook() {
			req.Apps, req.IncludeActive = change.AppAction(st.apps.action), st.apps.active
		}
		p, err := change.Prepare(ctx, c.session(), req)
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
