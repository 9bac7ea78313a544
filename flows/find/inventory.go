package find

import (
	"context"
	"fmt"
	"sync"

	"github.com/sagerole/sagerole/awsops"
	"github.com/sagerole/sagerole/flows/pool"
)

// ItemKind names what one inventory call was about.
type ItemKind string

const (
	ItemDomain   ItemKind = "domain"
	ItemUsers    ItemKind = "user-profiles" // a page of a domain's profiles
	ItemSpaces   ItemKind = "spaces"        // a page of a domain's spaces
	ItemApps     ItemKind = "apps"          // a page of a domain's apps
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
// finished (Total grows as pages reveal what must be described), Item is
// the one that just did. Callbacks are serialised: one at a time.
type Progress struct {
	Done, Total int
	Item        Item
}

// Options say what an inventory reads, and whom it tells as it goes.
type Options struct {
	// DomainID limits the inventory to one domain.
	DomainID string
	// SkipNotebooks leaves notebook instances out.
	SkipNotebooks bool
	// SkipRoleChecks does not read the roles (no existence or trust flags).
	SkipRoleChecks bool
	// Progress, when set, is called after every call.
	Progress func(Progress)
	// Domains, when set, is called once the domains are listed, before
	// any is read.
	Domains func([]awsops.DomainSummary)
	// Domain, when set, is called with each domain as soon as it is read
	// whole, its roles checked: a tree of that one domain (none when it
	// was deleted meanwhile) with its warnings; i is its index in the list
	// Domains was given.
	Domain func(i int, t *Tree)
}

// highWater is how many tasks may wait before a list's next page waits its
// turn behind them instead of going first: the pipeline stays bounded (a
// few pages of describes queued), and the describes never run dry.
const highWater = 2 * awsops.MaxPageSize

// Inventory reads the account in the backend's region: every domain (or
// opts.DomainID) with its user profiles and spaces, notebook instances,
// and the roles they all use. Each list is read a page at a time
// (awsops.MaxPageSize), and each page's items are described while the next
// page is read, through the session's limiter. A space is described only
// when its list item does not say how it is shared. One item that cannot
// be read (throttled past the retries, deleted meanwhile, denied) is
// reported in Warnings and in its node, never fails the whole inventory;
// only failing to list the domains (or a cancelled ctx) does.
func (s *Session) Inventory(ctx context.Context, opts Options) (*Tree, error) {
	id, err := s.Identity(ctx)
	if err != nil {
		return nil, fmt.Errorf("inventory: %w", err)
	}
	var summaries []awsops.DomainSummary
	if opts.DomainID != "" {
		summaries = []awsops.DomainSummary{{ID: opts.DomainID}}
	} else if err := s.do(ctx, func(ctx context.Context) (err error) {
		summaries, err = s.r.ListDomains(ctx)
		return err
	}); err != nil {
		return nil, fmt.Errorf("inventory: %w", err)
	}
	if opts.Domains != nil {
		opts.Domains(summaries)
	}

	r := &run{s: s, g: s.lim.Group(ctx), opts: opts, account: id.Account}
	reads := make([]*domainRead, len(summaries))
	for i, sum := range summaries {
		reads[i] = &domainRead{index: i, summary: sum}
		r.readDomain(reads[i])
	}
	nbs := &notebookRead{}
	if !opts.SkipNotebooks {
		r.readNotebooks(nbs)
	}
	r.g.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return r.tree(reads, nbs, !opts.SkipNotebooks), nil
}

// run is one inventory under way.
type run struct {
	s       *Session
	g       *pool.Group
	opts    Options
	account string

	mu          sync.Mutex // serialises the callbacks, and guards the counts
	done, total int
}

// call makes one call of item, counted for Progress.
func (r *run) call(ctx context.Context, item Item, f func(ctx context.Context) error) error {
	r.mu.Lock()
	r.total++
	r.mu.Unlock()
	err := f(ctx)
	item.Err = err
	r.mu.Lock()
	defer r.mu.Unlock()
	r.done++
	if r.opts.Progress != nil {
		r.opts.Progress(Progress{Done: r.done, Total: r.total, Item: item})
	}
	return err
}

// limited is call through the limiter.
func (r *run) limited(ctx context.Context, item Item, f func(ctx context.Context) error) error {
	return r.call(ctx, item, func(ctx context.Context) error { return r.s.lim.Do(ctx, f) })
}

// tracker counts what is left to read of one domain (calls, and role
// checks it waits for); fn runs when nothing is.
type tracker struct {
	mu      sync.Mutex
	pending int
	fn      func()
}

func (t *tracker) add(n int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.pending += n
}

func (t *tracker) done() {
	t.mu.Lock()
	t.pending--
	last := t.pending == 0
	t.mu.Unlock()
	if last && t.fn != nil {
		t.fn()
	}
}

// userRead and spaceRead are one list item and what describing it gave.
type userRead struct {
	u   awsops.UserProfile
	err error
}

type spaceRead struct {
	s   awsops.Space
	err error
}

// domainRead collects what the calls about one domain found. Each page
// of a list is a chunk of its own, allocated by the page's call and then
// filled in by index, one describe call per index.
type domainRead struct {
	index   int
	summary awsops.DomainSummary
	tracker

	domain    awsops.Domain
	domainErr error

	mu        sync.Mutex // guards the chunk lists and apps
	users     [][]userRead
	spaces    [][]spaceRead
	apps      []awsops.App
	usersErr  error
	spacesErr error
	appsErr   error
}

type notebookRead struct {
	tracker
	mu     sync.Mutex
	chunks [][]notebookItem
	err    error
}

type notebookItem struct {
	nb  awsops.NotebookInstance
	err error
}

// pages reads a list on the group a page at a time: got takes each page's
// items (and may queue work for them), fail the error that ends the list.
// Each page is one task of t; the next page is queued ahead of the others
// while few wait, behind them when many do.
func pages[T any](r *run, t *tracker, item Item, list func(ctx context.Context, q awsops.PageQuery) ([]T, string, error),
	got func([]T), fail func(error)) {
	var read func(token string)
	read = func(token string) {
		task := func(ctx context.Context) {
			defer t.done()
			var items []T
			var next string
			err := r.limited(ctx, item, func(ctx context.Context) (err error) {
				items, next, err = list(ctx, awsops.PageQuery{Token: token, Size: awsops.MaxPageSize})
				return err
			})
			if err != nil {
				fail(err)
				return
			}
			got(items)
			if next != "" {
				t.add(1)
				read(next)
			}
		}
		if r.g.Queued() >= highWater {
			r.g.Go(task)
		} else {
			r.g.GoFirst(task)
		}
	}
	read("")
}

// readDomain queues the calls that read one domain: its description and
// its three lists, each page of profiles queueing one describe per
// profile, and a space only when its list item lacks its sharing type.
func (r *run) readDomain(dr *domainRead) {
	id := dr.summary.ID
	if r.opts.Domain != nil {
		dr.fn = func() { r.emit(dr) }
	}
	dr.add(4)
	r.g.GoFirst(func(ctx context.Context) {
		defer dr.done()
		err := r.call(ctx, Item{Kind: ItemDomain, DomainID: id}, func(ctx context.Context) (err error) {
			dr.domain, err = r.s.describeDomain(ctx, id)
			return err
		})
		if err != nil {
			dr.domainErr = err
			return
		}
		r.role(&dr.tracker, dr.domain.DefaultUserRole)
		r.role(&dr.tracker, dr.domain.DefaultSpaceRole)
	})
	pages(r, &dr.tracker, Item{Kind: ItemUsers, DomainID: id},
		func(ctx context.Context, q awsops.PageQuery) ([]awsops.UserProfile, string, error) {
			return r.s.r.ListUserProfilesPage(ctx, id, q)
		},
		func(list []awsops.UserProfile) {
			chunk := make([]userRead, len(list))
			dr.mu.Lock()
			dr.users = append(dr.users, chunk)
			dr.mu.Unlock()
			dr.add(len(list))
			for i, u := range list {
				chunk[i].u = u
				r.g.Go(func(ctx context.Context) {
					defer dr.done()
					var full awsops.UserProfile
					err := r.limited(ctx, Item{Kind: ItemUser, DomainID: id, Name: u.Name}, func(ctx context.Context) (err error) {
						full, err = r.s.r.DescribeUserProfile(ctx, id, u.Name)
						return err
					})
					if err != nil {
						chunk[i].err = err
						return
					}
					chunk[i].u = full
					r.role(&dr.tracker, full.ExecutionRole)
				})
			}
		},
		func(err error) { dr.mu.Lock(); dr.usersErr = err; dr.mu.Unlock() })
	pages(r, &dr.tracker, Item{Kind: ItemSpaces, DomainID: id},
		func(ctx context.Context, q awsops.PageQuery) ([]awsops.Space, string, error) {
			return r.s.r.ListSpacesPage(ctx, id, q)
		},
		func(list []awsops.Space) {
			chunk := make([]spaceRead, len(list))
			dr.mu.Lock()
			dr.spaces = append(dr.spaces, chunk)
			dr.mu.Unlock()
			for i, sp := range list {
				chunk[i].s = sp
				if sp.SharingType != "" {
					continue // the list item says all a space's role depends on
				}
				dr.add(1)
				r.g.Go(func(ctx context.Context) {
					defer dr.done()
					chunk[i].s, chunk[i].err = r.describeSpace(ctx, id, sp)
				})
			}
		},
		func(err error) { dr.mu.Lock(); dr.spacesErr = err; dr.mu.Unlock() })
	pages(r, &dr.tracker, Item{Kind: ItemApps, DomainID: id},
		func(ctx context.Context, q awsops.PageQuery) ([]awsops.App, string, error) {
			return r.s.r.ListAppsPage(ctx, awsops.AppFilter{DomainID: id}, q)
		},
		func(list []awsops.App) { dr.mu.Lock(); dr.apps = append(dr.apps, list...); dr.mu.Unlock() },
		func(err error) { dr.mu.Lock(); dr.appsErr = err; dr.mu.Unlock() })
}

// describeSpace describes a space whose list item lacks its sharing type;
// on failure the list item is kept.
func (r *run) describeSpace(ctx context.Context, domainID string, item awsops.Space) (awsops.Space, error) {
	var full awsops.Space
	err := r.limited(ctx, Item{Kind: ItemSpace, DomainID: domainID, Name: item.Name}, func(ctx context.Context) (err error) {
		full, err = r.s.r.DescribeSpace(ctx, domainID, item.Name)
		return err
	})
	if err != nil {
		return item, err
	}
	return full, nil
}

// readNotebooks queues the notebook instances' list, and a describe for
// each (the list has no role).
func (r *run) readNotebooks(nr *notebookRead) {
	nr.add(1)
	pages(r, &nr.tracker, Item{Kind: ItemNotebook}, r.s.r.ListNotebookInstancesPage,
		func(list []awsops.NotebookInstance) {
			chunk := make([]notebookItem, len(list))
			nr.mu.Lock()
			nr.chunks = append(nr.chunks, chunk)
			nr.mu.Unlock()
			nr.add(len(list))
			for i, nb := range list {
				chunk[i].nb = nb
				r.g.Go(func(ctx context.Context) {
					defer nr.done()
					var full awsops.NotebookInstance
					err := r.limited(ctx, Item{Kind: ItemNotebook, Name: nb.Name}, func(ctx context.Context) (err error) {
						full, err = r.s.r.DescribeNotebookInstance(ctx, nb.Name)
						return err
					})
					if err != nil {
						chunk[i].err = err
						return
					}
					chunk[i].nb = full
					r.role(&nr.tracker, full.RoleARN)
				})
			}
		},
		func(err error) { nr.mu.Lock(); nr.err = err; nr.mu.Unlock() })
}

// role makes sure arn is checked, once for the session, and makes t wait
// for it.
func (r *run) role(t *tracker, arn string) {
	if arn == "" || r.opts.SkipRoleChecks {
		return
	}
	t.add(1)
	e, first := r.s.afterRole(arn, t.done)
	if first {
		r.g.GoFirst(func(ctx context.Context) {
			_ = r.call(ctx, Item{Kind: ItemRole, Name: arn}, func(ctx context.Context) error {
				r.s.checkRole(ctx, e, r.account, arn)
				if e.check.Problem == RoleUnchecked {
					return fmt.Errorf("%s", e.check.Detail)
				}
				return nil
			})
		})
	}
}
