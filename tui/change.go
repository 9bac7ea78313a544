package tui

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"charm.land/huh/v2"

	"github.com/sagerole/sagerole/awsops"
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

// domainLists are a domain's user profiles and spaces, read when the
// domain is picked.
type domainLists struct {
	users  []awsops.UserProfile
	spaces []awsops.Space
	err    error
	done   bool
}

// changeState holds the answers of the change flow.
type changeState struct {
	target   string
	domainID string
	name     string   // user, space or notebook
	role     rolePick // an ARN, or a name or ARN typed
	restart  bool

	roles        rolesRead
	domains      []awsops.DomainSummary
	domainsErr   error
	domainsRead  bool
	notebooks    []awsops.NotebookInstance
	notebooksErr error
	notebooksRd  bool
	lists        map[string]*domainLists
}

func (st *changeState) kind() change.TargetKind { return change.TargetKind(st.target) }

func newChange(c *ProgramContext, pre changePrefill) *flow {
	st := &changeState{target: string(pre.Target), domainID: pre.DomainID, name: pre.Name, role: rolePick{choice: pre.Role},
		lists: map[string]*domainLists{}}
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
	f.steps = []step{
		{
			name:   "Target",
			fields: []string{"target"},
			skip:   func() bool { return given },
			form: func() *huh.Form {
				return huh.NewForm(huh.NewGroup(
					huh.NewSelect[string]().Key("target").Title("What runs as the role you want to change?").
						Options(
							huh.NewOption("a user profile (and its private spaces)", string(change.TargetUser)),
							huh.NewOption("a space (private: its owner; shared: the domain default)", string(change.TargetSpace)),
							huh.NewOption("a domain's default user role (users without their own)", string(change.TargetDefaultUser)),
							huh.NewOption("a domain's default space role (shared spaces)", string(change.TargetDefaultSpace)),
							huh.NewOption("a notebook instance", string(change.TargetNotebook)),
						).Value(&st.target),
				))
			},
		},
		{
			name:    "Domain",
			fields:  []string{"domain"},
			skip:    func() bool { return given || isNotebook() },
			ready:   func() bool { return st.domainsRead },
			waiting: "Listing the SageMaker domains",
			live:    map[string]func(string) error{"domain": find.CheckDomainID},
			form:    func() *huh.Form { return huh.NewForm(huh.NewGroup(st.domainField(c))) },
		},
		{
			name:   "Who",
			fields: []string{"user profile", "space", "notebook", "notebook instance"},
			skip:   func() bool { return given || !needsName() },
			ready: func() bool {
				if isNotebook() {
					return st.notebooksRd
				}
				l := st.lists[st.domainID]
				return l != nil && l.done
			},
			waiting: "Reading the domain's user profiles and spaces",
			fetch: func() load {
				if isNotebook() || st.lists[st.domainID] != nil {
					return nil
				}
				id := st.domainID
				l := &domainLists{}
				st.lists[id] = l
				return func(ctx context.Context) func() {
					users, err := b.ListUserProfiles(ctx, id)
					var spaces []awsops.Space
					if err == nil {
						spaces, err = b.ListSpaces(ctx, id)
					}
					return func() { l.users, l.spaces, l.err, l.done = users, spaces, err, true }
				}
			},
			form: func() *huh.Form { return huh.NewForm(huh.NewGroup(st.whoField(c))) },
		},
		{
			name:    "New role",
			fields:  []string{"role", "restart"},
			ready:   func() bool { return st.roles.done },
			waiting: "Listing the account's roles",
			live:    map[string]func(string) error{"role": find.CheckRoleInput},
			form: func() *huh.Form {
				fields := []huh.Field{rolePicker(c, &st.roles, "New execution role for "+st.targetWords(), &st.role, true)}
				if nb := st.notebook(); nb != nil && nb.Status != awsops.StatusStopped {
					fields = append(fields, huh.NewConfirm().Key("restart").
						Title(fmt.Sprintf("Notebook %s is %s: stop it, change its role, start it again?", nb.Name, nb.Status)).
						Description("AWS changes a notebook instance's role only while it is Stopped").
						Value(&st.restart))
				}
				return huh.NewForm(huh.NewGroup(fields...))
			},
		},
		typedRoleStep(c, &st.roles, &st.role, nil),
	}
	f.plan = func(ctx context.Context) (*review, error) {
		req := change.Request{Target: st.kind(), DomainID: st.domainID, Name: st.name, Role: st.role.value(),
			Restart: st.restart && isNotebook()}
		if !needsName() {
			req.Name = ""
		}
		if isNotebook() {
			req.DomainID = ""
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
			return []string{o.Text()}, nil
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
		return "space " + st.name
	case change.TargetNotebook:
		return "notebook " + st.name
	}
	return st.name
}

func (st *changeState) domainField(c *ProgramContext) huh.Field {
	if len(st.domains) == 0 {
		desc := "d-xxxxxxxxxxxx"
		if st.domainsErr != nil {
			desc = "The domains could not be listed (" + st.domainsErr.Error() + "); type the ID: " + desc
		} else {
			desc = "No domain was found in this region; type an ID: " + desc
		}
		return huh.NewInput().Key("domain").Title("Domain ID").Description(desc).Value(&st.domainID).Validate(c.check(find.CheckDomainID))
	}
	opts := make([]huh.Option[string], len(st.domains))
	for i, d := range st.domains {
		opts[i] = huh.NewOption(fmt.Sprintf("%s (%s) · %s", d.Name, d.ID, d.Status), d.ID)
	}
	return huh.NewSelect[string]().Key("domain").Title("Which domain?").Options(opts...).Value(&st.domainID)
}

func (st *changeState) whoField(c *ProgramContext) huh.Field {
	if st.kind() == change.TargetNotebook {
		if len(st.notebooks) == 0 {
			return huh.NewInput().Key("name").Title("Notebook instance name").Value(&st.name).
				Validate(c.check(func(s string) error { return find.CheckName("notebook instance", s) }))
		}
		opts := make([]huh.Option[string], len(st.notebooks))
		for i, nb := range st.notebooks {
			label := nb.Name + " · " + nb.Status
			if nb.RoleARN != "" { // not part of the list on AWS
				label += " · " + find.ShortRole(nb.RoleARN)
			}
			opts[i] = huh.NewOption(label, nb.Name)
		}
		return huh.NewSelect[string]().Key("name").Title("Which notebook instance?").Options(opts...).Value(&st.name).
			Height(min(len(opts)+3, 12))
	}
	l := st.lists[st.domainID]
	what := "user profile"
	var opts []huh.Option[string]
	if st.kind() == change.TargetSpace {
		what = "space"
		sp := append([]awsops.Space(nil), l.spaces...)
		sort.Slice(sp, func(i, j int) bool { return sp[i].Name < sp[j].Name })
		for _, s := range sp {
			label := s.Name + " (" + strings.ToLower(s.SharingType)
			if s.SharingType == awsops.SharingPrivate && s.Owner != "" {
				label += ", owner " + s.Owner
			}
			opts = append(opts, huh.NewOption(label+")", s.Name))
		}
	} else {
		us := append([]awsops.UserProfile(nil), l.users...)
		sort.Slice(us, func(i, j int) bool { return us[i].Name < us[j].Name })
		for _, u := range us {
			opts = append(opts, huh.NewOption(u.Name+" · "+u.Status, u.Name))
		}
	}
	if len(opts) == 0 {
		desc := "none was found in " + st.domainID + "; type a name"
		if l.err != nil {
			desc = "they could not be listed (" + l.err.Error() + "); type a name"
		}
		return huh.NewInput().Key("name").Title(strings.ToUpper(what[:1]) + what[1:] + " name").Description(desc).
			Value(&st.name).Validate(c.check(func(s string) error { return find.CheckName(what, s) }))
	}
	return huh.NewSelect[string]().Key("name").Title(fmt.Sprintf("Which %s in %s?", what, st.domainID)).
		Options(opts...).Value(&st.name).Height(min(len(opts)+3, 12))
}
