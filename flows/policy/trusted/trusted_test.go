package trusted_test

import (
	"slices"
	"testing"

	"github.com/sagerole/sagerole/flows/policy"
	"github.com/sagerole/sagerole/flows/policy/trusted"
)

const roleARN = "arn:aws:iam::111122223333:role/service-role/mlops"

func build(t *testing.T, s policy.Scope) policy.Document {
	t.Helper()
	s.Account, s.Region, s.RoleARN = "111122223333", "us-east-1", roleARN
	d, err := policy.Build(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func parse(t *testing.T, js string) policy.Document {
	t.Helper()
	d, err := policy.Parse(js)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestNeeded(t *testing.T) {
	pipelines := build(t, policy.Scope{Activities: []string{policy.Pipelines}})
	emr := build(t, policy.Scope{Activities: []string{policy.EMRServerless, policy.GlueSessions}})
	jobs := build(t, policy.Scope{Activities: []string{policy.MLJobs}})
	trustScheduler, err := policy.TrustFor([]string{"scheduler.amazonaws.com"}, "111122223333")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		docs    []policy.Document
		trust   policy.Document
		needs   []string
		missing []string
	}{
		{"jobs pass the role to SageMaker only", []policy.Document{jobs}, policy.TrustDocument(), nil, nil},
		{"pipelines' schedules", []policy.Document{jobs, pipelines}, policy.TrustDocument(),
			[]string{"scheduler.amazonaws.com"}, []string{"scheduler.amazonaws.com"}},
		{"already trusted", []policy.Document{pipelines}, trustScheduler, []string{"scheduler.amazonaws.com"}, nil},
		{"two services", []policy.Document{emr}, policy.Document{},
			[]string{"glue.amazonaws.com", "emr-serverless.amazonaws.com"}, []string{"glue.amazonaws.com", "emr-serverless.amazonaws.com"}},
		// A role passed to Glue that is not this one needs no trust here.
		{"another role passed", []policy.Document{parse(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:PassRole",
			"Resource":"arn:aws:iam::111122223333:role/glue-jobs","Condition":{"StringEquals":{"iam:PassedToService":"glue.amazonaws.com"}}}]}`)},
			policy.TrustDocument(), nil, nil},
		// A Deny wins, as IAM decides it.
		{"denied", []policy.Document{emr, parse(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"iam:PassRole","Resource":"*",
			"Condition":{"StringEquals":{"iam:PassedToService":"glue.amazonaws.com"}}}]}`)},
			policy.TrustDocument(), []string{"emr-serverless.amazonaws.com"}, []string{"emr-serverless.amazonaws.com"}},
		// PassRole on every role to every service (an admin's policy) needs them all.
		{"a wildcard", []policy.Document{parse(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:*","Resource":"*"}]}`)},
			policy.TrustDocument(), []string{"scheduler.amazonaws.com", "glue.amazonaws.com", "emr-serverless.amazonaws.com"},
			[]string{"scheduler.amazonaws.com", "glue.amazonaws.com", "emr-serverless.amazonaws.com"}},
	} {
		needs, err := trusted.Needed(tc.docs, roleARN, tc.trust)
		if err != nil {
			t.Fatal(err)
		}
		if got := trusted.Principals(needs); !slices.Equal(got, tc.needs) {
			t.Errorf("%s: needs %v, want %v", tc.name, got, tc.needs)
		}
		if got := trusted.Missing(needs); !slices.Equal(got, tc.missing) {
			t.Errorf("%s: missing %v, want %v", tc.name, got, tc.missing)
		}
		if len(trusted.Sentences(needs)) != len(needs) {
			t.Errorf("%s: not one sentence per need", tc.name)
		}
	}
}
