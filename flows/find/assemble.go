package find

import (
	"fmt"
	"sort"
	"strings"

	"github.com/sagerole/sagerole/awsops"
)

func flat[T any](chunks [][]T) []T {
	n := 0
	for _, c := range chunks {
		n += len(c)
	}
	out := make([]T, 0, n)
	for _, c := range chunks {
		out = append(out, c...)
	}
	return out
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
	for _, ur := range flat(dr.users) {
		u, err := ur.u, ur.err
		switch {
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
	for _, sr := range flat(dr.spaces) {
		s, err := sr.s, sr.err
		switch {
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

// roleARNs are the role ARNs a tree names.
func (t *Tree) roleARNs() map[string]bool {
	arns := map[string]bool{}
	add := func(arn string) {
		if arn != "" {
			arns[arn] = true
		}
	}
	for _, d := range t.Domains {
		add(d.DefaultUserRole)
		add(d.DefaultSpaceRole)
		for _, u := range d.Users {
			add(u.Role)
		}
		for _, s := range d.Spaces {
			add(s.Role)
		}
	}
	for _, n := range t.Notebooks {
		add(n.Role)
	}
	return arns
}

// emit tells opts.Domain about a domain read whole.
func (r *run) emit(dr *domainRead) {
	t := r.newTree()
	var incomplete []string
	lost := func(w string) { t.Warnings = append(t.Warnings, w); incomplete = append(incomplete, w) }
	if n, ok := assembleDomain(dr, func(w string) { t.Warnings = append(t.Warnings, w) }, lost, &incomplete); ok {
		t.Domains = append(t.Domains, n)
	}
	t.incomplete = incomplete
	r.flag(t)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.opts.Domain(dr.index, t)
}

func (r *run) newTree() *Tree {
	return &Tree{Account: r.account, Region: r.s.Region(), Domains: []DomainNode{}, Notebooks: []NotebookNode{},
		Warnings: []string{}, Roles: map[string]RoleCheck{}}
}

// flag fills t.Roles with the checks of the roles in t, and marks them.
func (r *run) flag(t *Tree) {
	if r.opts.SkipRoleChecks {
		return
	}
	t.Roles = r.s.checked(t.roleARNs())
	t.flagRoles()
}

// tree assembles the whole inventory once every call is done.
func (r *run) tree(reads []*domainRead, nr *notebookRead, notebooks bool) *Tree {
	inv := r.newTree()
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
	if notebooks && nr.err != nil {
		lost("notebook instances could not be listed: " + nr.err.Error())
	}
	for _, chunk := range nr.chunks {
		for _, n := range chunk {
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
	}
	sort.Slice(inv.Notebooks, func(i, j int) bool { return inv.Notebooks[i].Name < inv.Notebooks[j].Name })
	r.flag(inv)
	return inv
}
