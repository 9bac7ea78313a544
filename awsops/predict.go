package awsops

import (
	"maps"
	"strings"
)

// Predicted is the state op leaves, given the state it replaced. A dry run
// sends nothing, so what a later step of the plan replaces is what the
// earlier steps on the same resource would have left, not what the account
// holds now: stop then start a notebook instance, and the start replaces a
// Stopped instance.
func Predicted(op Op, before State) State {
	a := op.arg
	after := maps.Clone(before)
	if after == nil {
		after = State{}
	}
	set := func(kv ...string) {
		for i := 0; i+1 < len(kv); i += 2 {
			after[kv[i]] = kv[i+1]
		}
	}
	switch op.API {
	case APICreateRole:
		set(StExists, "true", StPath, a(ArgPath), StDescription, a(ArgDescription), StTrustPolicy, op.Documents[DocTrustPolicy], StTags, tagsState(op.Tags))
	case APIDeleteRole, APIDeleteRolePolicy, APIDeleteBucket:
		after = State{StExists: "false"}
	case APIUpdateAssumeRolePolicy:
		set(StTrustPolicy, op.Documents[DocTrustPolicy])
	case APIAttachRolePolicy:
		set(StExists, "true", StAttached, "true")
	case APIDetachRolePolicy:
		set(StAttached, "false")
	case APIPutRolePolicy:
		set(StExists, "true", StDocument, op.Documents[DocPolicy])
	case APITagRole:
		tags := tagsByKey(before[StTags])
		for _, t := range op.Tags {
			tags[strings.ToLower(t.Key)] = t
		}
		set(StTags, tagsState(mapValues(tags)))
	case APIUntagRole:
		tags := tagsByKey(before[StTags])
		for _, k := range op.Keys {
			delete(tags, strings.ToLower(k))
		}
		set(StTags, tagsState(mapValues(tags)))
	case APICreateBucket:
		set(StExists, "true", StRegion, a(ArgRegion))
	case APIUpdateDomain:
		if v, ok := op.Args[ArgDefaultUserRole]; ok {
			set(StDefaultUserRole, v)
		}
		if v, ok := op.Args[ArgDefaultSpaceRole]; ok {
			set(StDefaultSpaceRole, v)
		}
	case APIUpdateUserProfile:
		set(StExecutionRole, a(ArgExecutionRole))
		delete(after, StInheritedRole)
	case APIUpdateNotebookInstance:
		set(StRoleARN, a(ArgExecutionRole), StStatus, StatusStopped)
	case APIStopNotebookInstance:
		set(StStatus, StatusStopped)
	case APIStartNotebookInstance:
		set(StStatus, StatusInService)
	case APIDeleteApp:
		after = State{StStatus: StatusDeleted}
	case APICreateApp:
		after = State{StStatus: StatusInService, StResourceSpec: specState(SpecOf(op))}
	}
	return after
}

func mapValues(m map[string]Tag) []Tag {
	out := make([]Tag, 0, len(m))
	for _, t := range m {
		out = append(out, t)
	}
	return out
}
