package tui

import (
	"fmt"
	"sort"
	"strings"

	"charm.land/huh/v2"

	"github.com/sagerole/sagerole/awsops"
	"github.com/sagerole/sagerole/flows/change"
	"github.com/sagerole/sagerole/flows/find"
)

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
				opts = append(opts, huh.NewOption(fit(fmt.Sprintf("%s%s · %s: %s", s.Name, st.roleFlag(s.Role), how, roleWords(s.Role))), s.Name))
			}
		} else {
			us := append([]find.UserNode(nil), n.Users...)
			sort.Slice(us, func(i, j int) bool { return us[i].Name < us[j].Name })
			for _, u := range us {
				opts = append(opts, huh.NewOption(fit(fmt.Sprintf("%s%s · %s: %s", u.Name, st.roleFlag(u.Role), find.SourceText(u.Source), roleWords(u.Role))), u.Name))
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

// roleFlag marks, from the account's roles as listed, a role that is not
// there (at that ARN) or that SageMaker cannot assume: the identities that
// most need a change. It comes right after the name, where a narrow
// screen does not cut it.
func (st *changeState) roleFlag(arn string) string {
	if arn == "" || !st.roles.done || st.roles.err != nil {
		return ""
	}
	for _, r := range st.roles.roles {
		if r.ARN == arn {
			if !find.TrustsSageMaker(r.TrustPolicy) {
				return "  ⚠ no SageMaker trust"
			}
			return ""
		}
	}
	return "  ⚠ no such role"
}
