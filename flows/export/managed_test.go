package export

import (
	"testing"

	"github.com/sagerole/sagerole/awsops"
)

func TestManagedBy(t *testing.T) {
	cases := []struct {
		name  string
		tags  []awsops.Tag
		tool  string // "" means not managed
		stack string
	}{
		{"none", nil, "", ""},
		{"ordinary tags", []awsops.Tag{{Key: "team", Value: "research"}, {Key: "cost-center", Value: "cc-1"}}, "", ""},
		{"cloudformation", []awsops.Tag{{Key: "team", Value: "x"}, {Key: "aws:cloudformation:stack-name", Value: "ml"}}, "CloudFormation", "ml"},
		{"cloudformation wins over a terraform tag", []awsops.Tag{{Key: "ManagedBy", Value: "terraform"}, {Key: "aws:cloudformation:stack-name", Value: "ml"}}, "CloudFormation", "ml"},
		{"ManagedBy=Terraform", []awsops.Tag{{Key: "ManagedBy", Value: "Terraform"}}, "Terraform", ""},
		{"managed-by=opentofu", []awsops.Tag{{Key: "managed-by", Value: "OpenTofu"}}, "Terraform", ""},
		{"terraform=true", []awsops.Tag{{Key: "terraform", Value: "true"}}, "Terraform", ""},
		{"Terraform=false", []awsops.Tag{{Key: "Terraform", Value: "false"}}, "", ""},
		{"terraform-workspace", []awsops.Tag{{Key: "terraform-workspace", Value: "prod"}}, "Terraform", ""},
		{"tf:module", []awsops.Tag{{Key: "tf:module", Value: "sagemaker"}}, "Terraform", ""},
		{"a stack-id alone is not the stack name", []awsops.Tag{{Key: "aws:cloudformation:logical-id", Value: "Role"}}, "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, ok := ManagedBy(c.tags)
			if ok != (c.tool != "") || m.Tool != c.tool || m.Stack != c.stack {
				t.Errorf("ManagedBy(%v) = %+v, %v; want tool %q stack %q", c.tags, m, ok, c.tool, c.stack)
			}
			if ok && (m.Format() == CloudFormation) != (c.tool == "CloudFormation") {
				t.Errorf("format %s for %s", m.Format(), c.tool)
			}
		})
	}
}
