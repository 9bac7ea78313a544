package awsops

import (
	"context"
	"fmt"
	"maps"
	"slices"
)

// Drift is a difference between what a journaled step left and what the
// account holds now: something else changed it since.
type Drift struct {
	Step     int    `json:"step"` // 1-based
	API      string `json:"api"`
	Target   string `json:"target"`
	Field    string `json:"field"`
	Recorded string `json:"recorded"`
	Current  string `json:"current"`
}

// resourceKey names what an Op's snapshot reads, so that only the last step
// of an entry touching a resource is compared with the account.
func resourceKey(op Op) string {
	a := op.arg
	switch op.API {
	case APICreateRole, APIDeleteRole, APIUpdateAssumeRolePolicy, APITagRole, APIUntagRole:
		return "role:" + a(ArgRoleName)
	case APIAttachRolePolicy, APIDetachRolePolicy:
		return "attached:" + a(ArgRoleName) + ":" + a(ArgPolicyARN)
	case APIPutRolePolicy, APIDeleteRolePolicy:
		return "inline:" + a(ArgRoleName) + ":" + a(ArgPolicyName)
	case APICreateBucket, APIDeleteBucket:
		return "bucket:" + a(ArgBucket)
	case APIUpdateDomain:
		return "domain:" + a(ArgDomainID)
	case APIUpdateUserProfile:
		return "user:" + a(ArgDomainID) + "/" + a(ArgUserProfile)
	case APIUpdateNotebookInstance, APIStopNotebookInstance, APIStartNotebookInstance:
		return "notebook:" + a(ArgNotebook)
	}
	return op.API + ":" + op.Target
}

// DetectDrift compares, for every resource e's done steps changed, the
// state the last such step left with the state now.
func DetectDrift(ctx context.Context, r Reader, e *Entry) ([]Drift, error) {
	last := map[string]int{}
	for i, s := range e.Steps {
		if s.Status == StepDone && s.After != nil {
			last[resourceKey(s.Op)] = i
		}
	}
	var out []Drift
	for i, s := range e.Steps {
		if s.Status != StepDone || s.After == nil || last[resourceKey(s.Op)] != i {
			continue
		}
		now, err := Snapshot(ctx, r, s.Op)
		if err != nil {
			return nil, fmt.Errorf("reading the current state of step %d (%s %s): %w", i+1, s.Op.API, s.Op.Target, err)
		}
		keys := map[string]bool{}
		for k := range s.After {
			keys[k] = true
		}
		for k := range now {
			keys[k] = true
		}
		for _, k := range slices.Sorted(maps.Keys(keys)) {
			// Status moves on its own (Stopping → Stopped); it is not a change.
			if k == StStatus || s.After[k] == now[k] {
				continue
			}
			out = append(out, Drift{Step: i + 1, API: s.Op.API, Target: s.Op.Target, Field: k, Recorded: s.After[k], Current: now[k]})
		}
	}
	return out, nil
}
