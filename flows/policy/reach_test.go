package policy_test

import (
	"testing"

	"github.com/sagerole/sagerole/flows/policy"
)

// Reaches says an option is reached exactly when the scope takes it: an
// option reached builds, one not reached is refused as changing nothing.
func TestReachesDecidesWhatBuilds(t *testing.T) {
	named := "arn:aws:iam::111122223333:role/training-jobs"
	options := []struct {
		name    string
		reached func(policy.Reach) bool
		set     func(*policy.Scope)
	}{
		{"ECR repositories", func(r policy.Reach) bool { return r.ECR }, func(s *policy.Scope) { s.ECRRepos = []string{"team/train"} }},
		{"log groups", func(r policy.Reach) bool { return r.Logs }, func(s *policy.Scope) { s.LogGroups = true }},
		{"roles to pass", func(r policy.Reach) bool { return r.PassRole }, func(s *policy.Scope) { s.PassRoles = []string{named} }},
		{"Glue databases", func(r policy.Reach) bool { return r.Glue }, func(s *policy.Scope) { s.GlueDatabases = []string{"churn"} }},
		{"Athena workgroups", func(r policy.Reach) bool { return r.Athena }, func(s *policy.Scope) { s.AthenaWorkgroups = []string{"analysts"} }},
		{"buckets", func(r policy.Reach) bool { return r.S3 }, func(s *policy.Scope) { s.Buckets = []policy.BucketGrant{{Bucket: "team-raw-data"}} }},
	}
	var scopes []policy.Scope
	for _, a := range policy.Activities() {
		scopes = append(scopes, policy.Scope{Activities: []string{a.Name}})
	}
	for _, p := range policy.Personas() {
		scopes = append(scopes, policy.Scope{Persona: p.Name})
	}
	reached := map[string]int{}
	for _, base := range scopes {
		r, err := base.Reaches()
		if err != nil {
			t.Fatalf("%+v: %v", base, err)
		}
		for _, o := range options {
			s := base
			s.KMSKeys = kmsFor(s)
			o.set(&s)
			_, err := policy.Build(s)
			switch {
			case o.reached(r) && err != nil:
				t.Errorf("%s %s%v: reached, yet refused: %v", base.Persona, o.name, base.Activities, err)
			case !o.reached(r) && err == nil:
				t.Errorf("%s %s%v: not reached, yet it builds", base.Persona, o.name, base.Activities)
			}
			if o.reached(r) {
				reached[o.name]++
			}
		}
	}
	for _, o := range options {
		if reached[o.name] == 0 {
			t.Errorf("no activity reaches %s", o.name)
		}
	}
	if r, err := (policy.Scope{}).Reaches(); err != nil || r != (policy.Reach{}) {
		t.Errorf("an empty scope reaches %+v, %v", r, err)
	}
}

func kmsFor(s policy.Scope) []string {
	for _, a := range s.Activities {
		if a == policy.DomainKMS {
			return []string{"arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"}
		}
	}
	return nil
}
