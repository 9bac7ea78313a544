package find

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/sagerole/sagerole/awsops"
)

// DefaultConcurrency is how many describe calls an inventory keeps in
// flight. SageMaker's Describe* APIs are throttled at a few requests per
// second per account; 8 goes several times faster than one at a time and
// stays where adaptive retry absorbs the throttling.
const DefaultConcurrency = 8

// MaxConcurrency bounds --concurrency: beyond it SageMaker only throttles.
const MaxConcurrency = 64

// ItemKind names what one inventory call was about.
type ItemKind string

const (
	ItemDomain   ItemKind = "domain"
	ItemUsers    ItemKind = "user-profiles" // the list of a domain's profiles
	ItemSpaces   ItemKind = "spaces"        // the list of a domain's spaces
	ItemApps     ItemKind = "apps"          // the list of a domain's apps
	ItemUser     ItemKind = "user-profile"
	ItemSpace    ItemKind = "space"
	ItemNotebook ItemKind = "notebook-instance"
	ItemRole     ItemKind = "role"
)

// Item is one call of an inventory that finished: what it was about, and
// its error (nil when it worked).
type Item struct {
	Kind     ItemKind
	DomainID string
	Name     string
	Err      error
}

// Progress reports an inventory as it goes: Done of Total calls have
// finished (Total grows as lists reveal what must be described), Item is
// the one that just did. Callbacks are serialised: one at a time.
type Progress struct {
	Done, Total int
	Item        Item
}

// Options tune an inventory.
type Options struct {
	// Concurrency is how many calls are in flight; < 1 means
	// DefaultConcurrency.
	Concurrency int
	// DomainID limits the inventory to one domain.
	DomainID string
	// SkipNotebooks leaves notebook instances out.
	SkipNotebooks bool
	// SkipRoleChecks does not read the roles (no existence or trust flags).
	SkipRoleChecks bool
	// Progress, when set, is called after every call.
	Progress func(Progress)
}

// pool runs calls with a bounded number in flight. Calls never wait for
// other calls (a call that reveals more work submits it and returns), so a
// full pool cannot deadlock.
type pool struct {
	ctx      context.Context
	sem      chan struct{}
	wg       sync.WaitGroup
	mu       sync.Mutex
	done     int
	total    int
	progress func(Progress)
}

func newPool(ctx context.Context, n int, progress func(Progress)) *pool {
	if n < 1 {
		n = DefaultConcurrency
	}
	return &pool{ctx: ctx, sem: make(chan struct{}, n), progress: progress}
}

// Go runs f when a slot is free; f's error is reported as item's.
func (p *pool) Go(item Item, f func(ctx context.Context) error) {
	p.mu.Lock()
	p.total++
	p.mu.Unlock()
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		var err error
		select {
		case p.sem <- struct{}{}:
			err = f(p.ctx)
			<-p.sem
		case <-p.ctx.Done():
			err = p.ctx.Err()
		}
		item.Err = err
		p.mu.Lock()
		defer p.mu.Unlock()
		p.done++
		if p.progress != nil {
			p.progress(Progress{Done: p.done, Total: p.total, Item: item})
		}
	}()
}

func (p *pool) Wait() { p.wg.Wait() }

// domainRead collects what the calls about one domain found. Each field is
// written by one call; the slices of described items are allocated by the
// list call and then filled by index, one describe call per index.
type domainRead struct {
	summary   awsops.DomainSummary
	domain    awsops.Domain
	domainErr error

	users     []awsops.UserProfile
	userErrs  []error
	usersErr  error
	spaces    []awsops.Space
	spaceErrs []error
	spacesErr error
	apps      []awsops.App
	appsErr   error
}

type notebookRead struct {
	nb  awsops.NotebookInstance
	err error
}

// Inventory reads the account in r's region: every domain (or
// opts.DomainID), its user profiles and spaces, each described with a
// bounded number of calls in flight, notebook instances, and the roles
// they all use. One item that cannot be read (throttled past the SDK's
// retries, deleted meanwhile, denied) is reported in Warnings and in its
// node, never fails the whole inventory; only failing to list the domains
// (or a cancelled ctx) does.
func Inventory(ctx context.Context, r awsops.Reader, opts Options) (*Tree, error) {
	id, err := r.CallerIdentity(ctx)
	if err != nil {
		return nil, fmt.Errorf("inventory: who am I: %w", err)
	}
	inv := &Tree{Account: id.Account, Region: RegionOf(r), Domains: []DomainNode{}, Notebooks: []NotebookNode{},
		Warnings: []string{}, Roles: map[string]RoleCheck{}}

	var summaries []awsops.DomainSummary
	if opts.DomainID != "" {
		summaries = []awsops.DomainSummary{{ID: opts.DomainID}}
	} else {
		summaries, err = r.ListDomains(ctx)
		if err != nil {
			return nil, fmt.Errorf("inventory: %w", err)
		}
	}

	p := newPool(ctx, opts.Concurrency, opts.Progress)
	roles := &roleQueue{p: p, r: r, account: id.Account, seen: map[string]*RoleCheck{}, skip: opts.SkipRoleChecks}
	reads := make([]*domainRead, len(summaries))
	for i, s := range summaries {
		dr := &domainRead{summary: s}
		reads[i] = dr
		readDomain(p, r, roles, dr)
	}
	var notebooks []notebookRead
	var notebooksErr error
	if !opts.SkipNotebooks {
		p.Go(Item{Kind: ItemNotebook}, func(ctx context.Context) error {
			list, err := r.ListNotebookInstances(ctx)
			if err != nil {
				notebooksErr = err
				return err
			}
			notebooks = make([]notebookRead, len(list))
			for i, nb := range list {
				notebooks[i].nb = nb
				p.Go(Item{Kind: ItemNotebook, Name: nb.Name}, func(ctx context.Context) error {
					full, err := r.DescribeNotebookInstance(ctx, nb.Name)
					if err != nil {
						notebooks[i].err = err
						return err
					}
					notebooks[i].nb = full
					roles.check(full.RoleARN)
					return nil
				})
			}
			return nil
		})
	}
	p.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}

	warn := func(s string) { inv.Warnings = append(inv.Warnings, s) }
	// lost is a warning about something the tree may be missing.
	lost := func(s string) {
		warn(s)
		inv.incomplete = append(inv.incomplete, s)
	}
	for _, dr := range reads {
		if n, ok := assembleDomain(dr, warn, lost, &inv.incomplete); ok {
			inv.Domains = append(inv.Domains, n)
		}
	}
	if notebooksErr != nil {
		lost("notebook instances could not be listed: " + notebooksErr.Error())
	}
	for _, n := range notebooks {
		node := NotebookNode{Name: n.nb.Name, Status: n.nb.Status, Role: n.nb.RoleARN}
		switch {
		case awsops.IsNotFound(n.err):
			lost("notebook instance " + n.nb.Name + " was deleted while the inventory ran")
			continue
		case n.err != nil:
			node.Error = n.err.Error()
			lost("notebook instance " + n.nb.Name + " could not be read, so its role is unknown: " + n.err.Error())
		}
		inv.Notebooks = append(inv.Notebooks, node)
	}
	sort.Slice(inv.Notebooks, func(i, j int) bool { return inv.Notebooks[i].Name < inv.Notebooks[j].Name })

	for arn, c := range roles.seen {
		inv.Roles[arn] = *c
	}
	inv.flagRoles()
	return inv, nil
}

// readDomain submits the calls that read one domain: its description and
// its three lists, each list then submitting one describe per item.
func readDomain(p *pool, r awsops.Reader, roles *roleQueue, dr *domainRead) {
	id := dr.summary.ID
	p.Go(Item{Kind: ItemDomain, DomainID: id}, func(ctx context.Context) error {
		d, err := r.DescribeDomain(ctx, id)
		if err != nil {
			dr.domainErr = err
			return err
		}
		dr.domain = d
		roles.check(d.DefaultUserRole)
		roles.check(d.DefaultSpaceRole)
		return nil
	})
	p.Go(Item{Kind: ItemUsers, DomainID: id}, func(ctx context.Context) error {
		list, err := r.ListUserProfiles(ctx, id)
		if err != nil {
			dr.usersErr = err
			return err
		}
		dr.users = list
		dr.userErrs = make([]error, len(list))
		for i, u := range list {
			p.Go(Item{Kind: ItemUser, DomainID: id, Name: u.Name}, func(ctx context.Context) error {
				full, err := r.DescribeUserProfile(ctx, id, u.Name)
				if err != nil {
					dr.userErrs[i] = err
					return err
				}
				dr.users[i] = full
				roles.check(full.ExecutionRole)
				return nil
			})
		}
		return nil
	})
	p.Go(Item{Kind: ItemSpaces, DomainID: id}, func(ctx context.Context) error {
		list, err := r.ListSpaces(ctx, id)
		if err != nil {
			dr.spacesErr = err
			return err
		}
		dr.spaces = list
		dr.spaceErrs = make([]error, len(list))
		for i, s := range list {
			p.Go(Item{Kind: ItemSpace, DomainID: id, Name: s.Name}, func(ctx context.Context) error {
				full, err := r.DescribeSpace(ctx, id, s.Name)
				if err != nil {
					dr.spaceErrs[i] = err
					return err
				}
				dr.spaces[i] = full
				return nil
			})
		}
		return nil
	})
	p.Go(Item{Kind: ItemApps, DomainID: id}, func(ctx context.Context) error {
		list, err := r.ListApps(ctx, id)
		if err != nil {
			dr.appsErr = err
			return err
		}
		dr.apps = list
		return nil
	})
}

// assembleDomain turns what was read of a domain into its node, reporting
// what could not be read. It returns false for a domain that was deleted
// while the inventory ran.
func assembleDomain(dr *domainRead, warn, lost func(string), incomplete *[]string) (DomainNode, bool) {
	id := dr.summary.ID
	if awsops.IsNotFound(dr.domainErr) {
		lost("domain " + id + " was not found (deleted while the inventory ran?)")
		return DomainNode{}, false
	}
	data := DomainData{Domain: dr.domain, Apps: dr.apps, UserErrors: map[string]string{}, SpaceErrors: map[string]string{}}
	var problems []string
	if dr.domainErr != nil {
		data.Domain = awsops.Domain{ID: id, Name: dr.summary.Name, Status: dr.summary.Status}
		problems = append(problems, dr.domainErr.Error())
		lost("domain " + id + " could not be read, so its default roles are unknown: " + dr.domainErr.Error())
	}
	if dr.usersErr != nil {
		problems = append(problems, dr.usersErr.Error())
		lost("the user profiles of domain " + id + " could not be listed: " + dr.usersErr.Error())
	}
	if dr.spacesErr != nil {
		problems = append(problems, dr.spacesErr.Error())
		lost("the spaces of domain " + id + " could not be listed: " + dr.spacesErr.Error())
	}
	if dr.appsErr != nil {
		problems = append(problems, dr.appsErr.Error())
		lost("the apps of domain " + id + " could not be listed, so running apps are not shown: " + dr.appsErr.Error())
	}
	for i, u := range dr.users {
		switch err := dr.userErrs[i]; {
		case awsops.IsNotFound(err):
			lost("user profile " + u.Name + " in domain " + id + " was deleted while the inventory ran")
			continue
		case err != nil:
			// BuildDomain warns about it; the tree is incomplete too.
			data.UserErrors[u.Name] = err.Error()
			*incomplete = append(*incomplete, "user profile "+u.Name+" in domain "+id+" could not be read: "+err.Error())
		}
		data.Users = append(data.Users, u)
	}
	for i, s := range dr.spaces {
		switch err := dr.spaceErrs[i]; {
		case awsops.IsNotFound(err):
			lost("space " + s.Name + " in domain " + id + " was deleted while the inventory ran")
			continue
		case err != nil:
			data.SpaceErrors[s.Name] = err.Error()
			*incomplete = append(*incomplete, "space "+s.Name+" in domain "+id+" could not be read: "+err.Error())
		}
		data.Spaces = append(data.Spaces, s)
	}
	n := BuildDomain(data, warn)
	if dr.domainErr != nil {
		// Without the domain, inherited roles are unknown, not absent.
		for i := range n.Users {
			if n.Users[i].Source == SourceUnresolved && n.Users[i].Error == "" {
				n.Users[i].Error = "the domain could not be read"
			}
		}
	}
	n.Error = strings.Join(problems, "; ")
	return n, true
}

// roleQueue submits one role check per distinct ARN, as soon as the ARN is
// seen, so that roles are read while the describes go on.
type roleQueue struct {
	p       *pool
	r       awsops.IAMReader
	account string
	skip    bool
	mu      sync.Mutex
	seen    map[string]*RoleCheck
}

func (q *roleQueue) check(arn string) {
	if arn == "" || q.skip {
		return
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	if _, ok := q.seen[arn]; ok {
		return
	}
	c := &RoleCheck{ARN: arn}
	q.seen[arn] = c
	q.p.Go(Item{Kind: ItemRole, Name: arn}, func(ctx context.Context) error {
		res := CheckRole(ctx, q.r, q.account, arn)
		q.mu.Lock()
		*c = res
		q.mu.Unlock()
		if res.Problem == RoleUnchecked {
			return fmt.Errorf("%s", res.Detail)
		}
		return nil
	})
}

// flagRoles marks every role in the tree with its problem, and adds one
// warning per problem role, naming who uses it.
func (inv *Tree) flagRoles() {
	users := map[string][]string{}
	note := func(arn, who string) RoleProblem {
		c, ok := inv.Roles[arn]
		if !ok || c.Problem == "" {
			return ""
		}
		users[arn] = append(users[arn], who)
		return c.Problem
	}
	for i := range inv.Domains {
		d := &inv.Domains[i]
		d.DefaultUserRoleProblem = note(d.DefaultUserRole, "the default user role of domain "+d.ID)
		d.DefaultSpaceRoleProblem = note(d.DefaultSpaceRole, "the default space role of domain "+d.ID)
		for j := range d.Users {
			u := &d.Users[j]
			u.RoleProblem = note(u.Role, "user profile "+u.Name+" in "+d.ID)
		}
		for j := range d.Spaces {
			s := &d.Spaces[j]
			s.RoleProblem = note(s.Role, "space "+s.Name+" in "+d.ID)
		}
	}
	for i := range inv.Notebooks {
		n := &inv.Notebooks[i]
		n.RoleProblem = note(n.Role, "notebook instance "+n.Name)
	}
	arns := make([]string, 0, len(users))
	for arn := range users {
		arns = append(arns, arn)
	}
	sort.Strings(arns)
	for _, arn := range arns {
		who := users[arn]
		list := strings.Join(who, ", ")
		if len(who) > 5 {
			list = strings.Join(who[:5], ", ") + fmt.Sprintf(" and %d more", len(who)-5)
		}
		inv.Warnings = append(inv.Warnings, inv.Roles[arn].Sentence()+"; used by "+list)
	}
}

// RegionOf is the backend's region when the reader knows it.
func RegionOf(r awsops.Reader) string {
	if b, ok := r.(interface{ Region() string }); ok {
		return b.Region()
	}
	return ""
}
