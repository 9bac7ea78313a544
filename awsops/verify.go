package awsops

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"strings"
	"time"
)

// ErrNotSent marks the error of a write that never left the process (a
// run stopped before it): its outcome is known, nothing is read back.
var ErrNotSent = errors.New("not sent")

// verifyTimeout bounds a read back after a write whose answer was lost. It
// runs on a context of its own: the run's may be the one that was
// cancelled.
const verifyTimeout = 30 * time.Second

// Expected is the state op leaves when it takes effect on before: what a
// read back must show for the write to count as applied.
func Expected(op Op, before State) State {
	a := op.arg
	st := maps.Clone(before)
	if st == nil {
		st = State{}
	}
	switch op.API {
	case APICreateRole:
		path := a(ArgPath)
		if path == "" {
			path = "/"
		}
		return State{StExists: "true", StPath: path, StDescription: a(ArgDescription),
			StTrustPolicy: op.Documents[DocTrustPolicy], StTags: tagsState(op.Tags)}
	case APIDeleteRole, APIDeleteRolePolicy, APIDeleteBucket:
		return State{StExists: "false"}
	case APIUpdateAssumeRolePolicy:
		st[StTrustPolicy] = op.Documents[DocTrustPolicy]
	case APITagRole:
		tags := tagsByKey(before[StTags])
		for _, t := range op.Tags {
			tags[strings.ToLower(t.Key)] = t
		}
		st[StTags] = tagsState(slicesOf(tags))
	case APIUntagRole:
		tags := tagsByKey(before[StTags])
		for _, k := range op.Keys {
			delete(tags, strings.ToLower(k))
		}
		st[StTags] = tagsState(slicesOf(tags))
	case APIAttachRolePolicy:
		return State{StExists: "true", StAttached: "true"}
	case APIDetachRolePolicy:
		return State{StExists: "true", StAttached: "false"}
	case APIPutRolePolicy:
		return State{StExists: "true", StDocument: op.Documents[DocPolicy]}
	case APICreateBucket:
		return State{StExists: "true", StRegion: a(ArgRegion)}
	case APIUpdateDomain:
		if v, ok := op.Args[ArgDefaultUserRole]; ok {
			st[StDefaultUserRole] = v
		}
		if v, ok := op.Args[ArgDefaultSpaceRole]; ok {
			st[StDefaultSpaceRole] = v
		}
	case APIUpdateUserProfile:
		return State{StExecutionRole: a(ArgExecutionRole)}
	case APIUpdateNotebookInstance:
		st[StRoleARN] = a(ArgExecutionRole)
	case APIStopNotebookInstance:
		st[StStatus] = StatusStopped
	case APIStartNotebookInstance:
		st[StStatus] = StatusInService
	case APIDeleteApp:
		return State{StStatus: StatusDeleted}
	case APICreateApp:
		return State{StStatus: StatusInService, StResourceSpec: specState(SpecOf(op))}
	}
	return st
}

func slicesOf(m map[string]Tag) []Tag {
	out := make([]Tag, 0, len(m))
	for _, t := range m {
		out = append(out, t)
	}
	return out
}

// governed are the keys of a State that op changes: two states that agree
// on them are the same as far as op is concerned.
func governed(op Op) []string {
	switch op.API {
	case APICreateRole, APIDeleteRole, APICreateBucket, APIDeleteBucket:
		return []string{StExists}
	case APIUpdateAssumeRolePolicy:
		return []string{StExists, StTrustPolicy}
	case APITagRole, APIUntagRole:
		return []string{StExists, StTags}
	case APIAttachRolePolicy, APIDetachRolePolicy:
		return []string{StExists, StAttached}
	case APIPutRolePolicy, APIDeleteRolePolicy:
		return []string{StExists, StDocument}
	case APIUpdateDomain:
		var keys []string
		if _, ok := op.Args[ArgDefaultUserRole]; ok {
			keys = append(keys, StDefaultUserRole)
		}
		if _, ok := op.Args[ArgDefaultSpaceRole]; ok {
			keys = append(keys, StDefaultSpaceRole)
		}
		return keys
	case APIUpdateUserProfile:
		return []string{StExecutionRole}
	case APIUpdateNotebookInstance:
		return []string{StRoleARN}
	case APIStopNotebookInstance, APIStartNotebookInstance, APIDeleteApp, APICreateApp:
		return []string{StStatus}
	}
	return nil
}

// sameFor reports whether a and b agree on what op changes. Tags are
// compared on the keys op names; a user profile by the role it runs as.
func sameFor(op Op, a, b State) bool {
	for _, k := range governed(op) {
		switch k {
		case StTags:
			if a[StExists] == "false" && b[StExists] == "false" {
				continue
			}
			ta, tb := tagsByKey(a[StTags]), tagsByKey(b[StTags])
			keys := op.Keys
			for _, t := range op.Tags {
				keys = append(keys, t.Key)
			}
			for _, key := range keys {
				if ta[strings.ToLower(key)] != tb[strings.ToLower(key)] {
					return false
				}
			}
		case StExecutionRole:
			if effectiveRole(a) != effectiveRole(b) {
				return false
			}
		case StStatus:
			if statusClass(a[k]) != statusClass(b[k]) {
				return false
			}
		default:
			if !sameValue(k, a[k], b[k]) {
				return false
			}
		}
	}
	return true
}

// effectiveRole is the role a user profile state runs as: its own, or the
// domain default it inherits.
func effectiveRole(s State) string {
	if r := s[StExecutionRole]; r != "" {
		return r
	}
	return s[StInheritedRole]
}

// statusClass folds a status into where it is going: a notebook that is
// Stopping has been stopped, one (or an app) that is Pending started, an
// app that is Deleting deleted.
func statusClass(s string) string {
	switch s {
	case StatusStopping:
		return StatusStopped
	case StatusPending:
		return StatusInService
	case StatusDeleting:
		return StatusDeleted
	}
	return s
}

// sameValue compares one field; documents compare as JSON, since IAM may
// hand back a document with other white space than it was sent with.
func sameValue(key, a, b string) bool {
	if a == b {
		return true
	}
	switch key {
	case StTrustPolicy, StDocument, StTags, StResourceSpec:
		return jsonEqual(a, b)
	}
	return false
}

func jsonEqual(a, b string) bool {
	var x, y any
	if json.Unmarshal([]byte(a), &x) != nil || json.Unmarshal([]byte(b), &y) != nil {
		return false
	}
	return reflect.DeepEqual(x, y)
}

// statesEqual reports whether two snapshots of one resource describe the
// same thing. Status is left out: it moves on its own (Stopping →
// Stopped).
func statesEqual(a, b State) bool {
	if _, ok := a[StExecutionRole]; ok {
		if effectiveRole(a) != effectiveRole(b) {
			return false
		}
	}
	for k := range unionOf(a, b) {
		if k == StStatus || k == StExecutionRole || k == StInheritedRole {
			continue
		}
		if !sameValue(k, a[k], b[k]) {
			return false
		}
	}
	return true
}

// unionOf is a and b together; where both have a key, b's value.
func unionOf(a, b State) State {
	out := maps.Clone(a)
	if out == nil {
		out = State{}
	}
	maps.Copy(out, b)
	return out
}

// readBack reads what s touches and settles whether it took effect: the
// state now agrees with what the write would leave (applied), or it does
// not. A write that would change nothing counts as applied: the account
// is as it asked either way.
func readBack(ctx context.Context, r Reader, s *StepRecord) (State, bool, error) {
	if s.Before == nil {
		return nil, false, errors.New("the journal has no record of what it replaced")
	}
	vctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), verifyTimeout)
	defer cancel()
	now, err := Snapshot(vctx, r, s.Op)
	if err != nil {
		return nil, false, err
	}
	return now, sameFor(s.Op, now, Expected(s.Op, s.Before)), nil
}

// settle records what reading s back showed, after a write that failed
// with cause (what went wrong, in words). refused says AWS answered with a
// refusal of its own, so that a write found not in effect is failed
// rather than not-applied.
func settle(ctx context.Context, r Reader, s *StepRecord, cause string, refused bool) {
	now, applied, err := readBack(ctx, r, s)
	switch {
	case err != nil:
		s.Status = StepUnknown
		s.Outcome = fmt.Sprintf("%s, and what it changes could not be read back (%s): it may or may not have taken effect", cause, errText(err))
	case applied:
		s.Status, s.After = StepApplied, now
		s.Outcome = cause + "; read back, the change is in effect"
	case refused:
		s.Status = StepFailed
		s.Outcome = ""
	default:
		s.Status = StepNotApplied
		s.Outcome = cause + "; read back, the change is not in effect"
	}
}

// refusedByAWS reports whether err is an answer from AWS (an error code),
// as opposed to an answer that never came.
func refusedByAWS(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Code != "" && !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded)
}

// Settle reads back every step of e whose outcome is not known — one that
// was being sent when a run ended (a crash, a kill), or whose read back
// failed before — and records whether it took effect. It reports whether
// any step changed, so that the caller can save e.
func Settle(ctx context.Context, r Reader, e *Entry) bool {
	changed := false
	for i := range e.Steps {
		s := &e.Steps[i]
		if !s.Status.Unsettled() {
			continue
		}
		cause := "the run ended while this write was being sent"
		if s.Status == StepUnknown {
			cause = "the answer to this write never came"
		}
		prev := *s
		settle(ctx, r, s, cause, false)
		if s.Status == StepUnknown && prev.Status == StepUnknown {
			continue
		}
		changed = true
	}
	return changed
}
