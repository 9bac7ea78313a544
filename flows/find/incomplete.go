package find

// Incomplete lists what an answer could not read (throttled, denied,
// deleted meanwhile): it may lack identities or their roles. Empty when it
// is whole. `sagerole find` exits 3 on an incomplete answer.

// Incomplete lists what could not be read of everything that might run as
// the role.
func (r *RoleUses) Incomplete() []string { return r.missing }

// Incomplete lists what could not be read of the domain.
func (r *DomainResult) Incomplete() []string { return nodeErrors(r.Domain, nil, nil) }

// Incomplete lists what could not be read of the domain, the user and its
// private spaces.
func (r *UserResult) Incomplete() []string {
	return nodeErrors(r.Domain, []UserNode{r.User}, r.Spaces)
}

// Incomplete lists what could not be read of the domain, the space and its
// owner.
func (r *SpaceResult) Incomplete() []string {
	var users []UserNode
	if r.Owner != nil {
		users = append(users, *r.Owner)
	}
	return nodeErrors(r.Domain, users, []SpaceNode{r.Space})
}

func nodeErrors(d DomainInfo, users []UserNode, spaces []SpaceNode) []string {
	var out []string
	if d.Error != "" {
		out = append(out, "domain "+d.ID+" could not be read whole: "+d.Error)
	}
	for _, u := range users {
		if u.Error != "" {
			out = append(out, "user profile "+u.Name+" in domain "+d.ID+" could not be read: "+u.Error)
		}
	}
	for _, s := range spaces {
		if s.Error != "" {
			out = append(out, "space "+s.Name+" in domain "+d.ID+" could not be read: "+s.Error)
		}
	}
	return out
}
