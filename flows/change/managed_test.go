package change_test

import (
	"strings"
	"testing"

	"github.com/sagerole/sagerole/awsops"
	"github.com/sagerole/sagerole/awsops/sandbox"
	"github.com/sagerole/sagerole/flows/change"
)

// TestManagedTargetOffersExport: a domain whose tags say CloudFormation or
// Terraform owns it gets a warning that names the owner and offers the
// export in that tool's format; an untagged one passes the check.
func TestManagedTargetOffersExport(t *testing.T) {
	const domainARN = "arn:aws:sagemaker:us-east-1:111122223333:domain/d-research1"
	cases := []struct {
		name string
		tags []awsops.Tag
		want string // "" means the check passes
	}{
		{"untagged", nil, ""},
		{"cloudformation", []awsops.Tag{{Key: awsops.TagCloudFormationStack, Value: "studio"}},
			"domain d-research1 is managed by CloudFormation stack studio: the stack will revert this change at its next update (or the update breaks); change its code instead (ExecutionRole to " + restrictedARN + ") — sagerole export --domain d-research1 --format cloudformation writes"},
		{"terraform", []awsops.Tag{{Key: "team", Value: "research"}, {Key: "ManagedBy", Value: "Terraform"}},
			"domain d-research1 is managed by Terraform (tag ManagedBy=Terraform): the next terraform apply will revert this change; change its code instead (ExecutionRole to " + restrictedARN + ") — sagerole export --domain d-research1 --format terraform writes"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := newSandbox(t, sandbox.Options{})
			if err := a.SetSageMakerTags(domainARN, c.tags); err != nil {
				t.Fatal(err)
			}
			p := prepare(t, a, change.Request{Target: change.TargetDefaultUser, DomainID: "d-research1", Role: "DataScientistRestricted"})
			var warned, passed []string
			for _, ch := range p.Checks {
				if !strings.Contains(ch.Text, "managed by") {
					continue
				}
				if ch.Status == change.CheckWarn {
					warned = append(warned, ch.Text)
				} else if ch.Status == change.CheckOK {
					passed = append(passed, ch.Text)
				}
			}
			if c.want == "" {
				if len(warned) != 0 || len(passed) != 1 {
					t.Errorf("untagged domain: warned %q, passed %q", warned, passed)
				}
				return
			}
			if len(warned) != 1 || !strings.HasPrefix(warned[0], c.want) {
				t.Errorf("warnings %q, want one starting %q", warned, c.want)
			}
		})
	}
}
