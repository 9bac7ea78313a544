package awsops

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Drift is a difference between what a journaled run left and what the
// account holds now: something else changed it since. Blocks names the
// undo write the difference would make fail (a policy attached by hand to
// a role the undo deletes makes its iam:DeleteRole fail), "" for a change
// the undo would overwrite.
type Drift struct {
	Step     int    `json:"step"` // 1-based
	API      string `json:"api"`
	Target   string `json:"target"`
	Field    string `json:"field"`
	Recorded string `json:"recorded"`
	Current  string `json:"current"`
	Blocks   string `json:"blocks,omitempty"`
}

// resourceKey names what an Op's snapshot reads, so that the steps of an
// entry touching one resource are compared with the account together.
func resourceKey(op Op) string {
	a := op.arg
	switch op.API {
	case APICreateRole, APIDeleteRole, APIUpdateAssumeRolePolicy, APITagRole, APIUntagRole:
		return "role:" + strings.ToLower(a(ArgRoleName))
	case APIAttachRolePolicy, APIDetachRolePolicy:
		return "attached:" + strings.ToLower(a(ArgRoleName)) + ":" + a(ArgPolicyARN)
	case APIPutRolePolicy, APIDeleteRolePolicy:
		return "inline:" + strings.ToLower(a(ArgRoleName)) + ":" + a(ArgPolicyName)
	case APICreateBucket, APIDeleteBucket:
		return "bucket:" + a(ArgBucket)
	case APIUpdateDomain:
		return "domain:" + a(ArgDomainID)
	case APIUpdateUserProfile:
		return "user:" + a(ArgDomainID) + "/" + a(ArgUserProfile)
	case APIUpdateNotebookInstance, APIStopNotebookInstance, APIStartNotebookInstance:
		return "notebook:" + a(ArgNotebook)
	case APIDeleteApp, APICreateApp:
		r := AppRefOf(op)
		owner := "space:" + r.SpaceName
		if r.SpaceName == "" {
			owner = "user:" + r.UserProfile
		}
		return "app:" + r.DomainID + "/" + owner + "/" + r.AppType + "/" + r.AppName
	}
	return op.API + ":" + op.Target
}

// DetectDrift compares every resource that e's steps changed (done, or
// applied) with the account now. The resource may be as any step of e left
// it, or as it was before the first: that is e's own doing, or a partial
// undo's, not drift. Anything else is, reported against what the last
// step left. A policy of a role that e created, where the role is gone
// since, is as it was before e: not drift either.
func DetectDrift(ctx context.Context, r Reader, e *Entry) ([]Drift, error) {
	type chain struct {
		states []State
		last   int // the last step that recorded what it left; -1 if none
	}
	chains := map[string]*chain{}
	var order []string
	for i, s := range e.Steps {
		if !s.Status.InEffect() {
			continue
		}
		k := resourceKey(s.Op)
		c := chains[k]
		if c == nil {
			c = &chain{last: -1}
			chains[k] = c
			order = append(order, k)
		}
		if s.Before != nil {
			c.states = append(c.states, s.Before)
		}
		if s.After != nil {
			c.states = append(c.states, s.After)
			c.last = i
		}
	}
	created := createdRoles(e)
	var out []Drift
	for _, k := range order {
		c := chains[k]
		if c.last < 0 {
			continue // nothing recorded of what the run left
		}
		s := e.Steps[c.last]
		now, err := Snapshot(ctx, r, s.Op)
		if err != nil {
			return nil, fmt.Errorf("reading the current state of step %d (%s %s): %w", c.last+1, s.Op.API, s.Op.Target, err)
		}
		if slices.ContainsFunc(c.states, func(st State) bool { return statesEqual(st, now) }) {
			continue
		}
		if roleGone(s.Op, now) && created[strings.ToLower(s.Op.Args[ArgRoleName])] {
			continue
		}
		out = append(out, fieldDrift(c.last, s, now)...)
	}
	return out, nil
}

// fieldDrift lists, field by field, how now differs from what step i left.
func fieldDrift(i int, s StepRecord, now State) []Drift {
	var out []Drift
	add := func(field, recorded, current string) {
		out = append(out, Drift{Step: i + 1, API: s.Op.API, Target: s.Op.Target, Field: field, Recorded: recorded, Current: current})
	}
	if _, ok := s.After[StExecutionRole]; ok && effectiveRole(s.After) != effectiveRole(now) {
		add(StExecutionRole, effectiveRole(s.After), effectiveRole(now))
	}
	for _, k := range slices.Sorted(maps.Keys(unionOf(s.After, now))) {
		if k == StStatus || k == StExecutionRole || k == StInheritedRole || sameValue(k, s.After[k], now[k]) {
			continue
		}
		add(k, s.After[k], now[k])
	}
	return out
}
