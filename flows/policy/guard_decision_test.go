package policy_test

import (
	"maps"
	"testing"

	"github.com/sagerole/sagerole/flows/policy"
	"github.com/sagerole/sagerole/flows/policy/eval"
)

// TestGuardrailsCoverWhatTheyName: with every job guardrail on, pinned to
// the subnets, security groups, key and instance types given, each create
// call the scope makes is allowed when compliant, and each missing or
// wrong property is denied by exactly the statement of the guardrail that
// names it — for notebooks, processing, AutoML, models and endpoint
// configs too, not only training jobs.
func TestGuardrailsCoverWhatTheyName(t *testing.T) {
	s := policy.Scope{Activities: []string{policy.MLJobs, policy.Models, policy.Endpoints, policy.Notebook}, KMSKeys: []string{keyARN}}
	for _, g := range []string{policy.NetworkIsolation, policy.VPCOnly, policy.VolumeKMS, policy.InstanceTypes, policy.NotebookNoRoot, policy.NotebookNoInternet} {
		withGuardrail(&s, g)
	}
	role := roleWith(t, s)
	sm := func(kind string) string { return "arn:aws:sagemaker:us-east-1:111122223333:" + kind + "/x" }
	type property struct {
		key      string
		bad      []string // nil: the property is left out
		sid      string
		sidWrong string // the statement that refuses a wrong value, when pinned
		wrong    []string
	}
	isolation := property{key: "sagemaker:NetworkIsolation", bad: []string{"false"}, sid: "DenyWithoutNetworkIsolation"}
	subnets := property{key: "sagemaker:VpcSubnets", sid: "DenyWithoutVpcSubnets", sidWrong: "DenyOtherVpcSubnets", wrong: []string{"subnet-0a1b2c3d", "subnet-9999aaaa"}}
	groups := property{key: "sagemaker:VpcSecurityGroupIds", sid: "DenyWithoutVpcSecurityGroups", sidWrong: "DenyOtherVpcSecurityGroups", wrong: []string{"sg-9999aaaa"}}
	volume := property{key: "sagemaker:VolumeKmsKeyArn", sid: "DenyWithoutVolumeKmsKey", sidWrong: "DenyOtherVolumeKmsKeys", wrong: []string{otherKey}}
	types := property{key: "sagemaker:InstanceTypes", sidWrong: "DenyInstanceTypesNotAllowed", wrong: []string{"ml.m5.xlarge", "ml.p4d.24xlarge"}}
	root := property{key: "sagemaker:RootAccess", bad: []string{"Enabled"}, sid: "DenyNotebookRootAccessOnCreate"}
	internet := property{key: "sagemaker:DirectInternetAccess", bad: []string{"Enabled"}, sid: "DenyNotebookDirectInternetAccess"}
	compliant := map[string][]string{
		isolation.key: {"true"}, subnets.key: {"subnet-0a1b2c3d"}, groups.key: {"sg-0a1b2c3d"}, volume.key: {keyARN},
		types.key: {"ml.m5.xlarge"}, root.key: {"Disabled"}, internet.key: {"Disabled"},
	}
	for _, c := range []struct {
		action, resource string
		props            []property // what the reference says the action carries, so the guardrails check
	}{
		{"sagemaker:CreateTrainingJob", sm("training-job"), []property{isolation, subnets, groups, volume, types}},
		{"sagemaker:CreateProcessingJob", sm("processing-job"), []property{isolation, subnets, groups, volume, types}},
		{"sagemaker:CreateHyperParameterTuningJob", sm("hyper-parameter-tuning-job"), []property{isolation, subnets, groups, volume, types}},
		{"sagemaker:CreateAutoMLJobV2", sm("automl-job"), []property{subnets, groups, volume}},
		{"sagemaker:CreateModel", sm("model"), []property{isolation, subnets, groups}},
		{"sagemaker:CreateEndpointConfig", sm("endpoint-config"), []property{isolation, subnets, groups, volume, types}},
		{"sagemaker:CreateTransformJob", sm("transform-job"), []property{volume, types}},
		{"sagemaker:CreateNotebookInstance", sm("notebook-instance"), []property{subnets, groups, volume, types, root, internet}},
	} {
		ctx := map[string][]string{}
		for _, p := range c.props {
			ctx[p.key] = compliant[p.key]
		}
		check{what: c.action + " compliant", action: c.action, resource: c.resource, ctx: ctx, want: eval.Allow}.run(t, role)
		for _, p := range c.props {
			if p.sid != "" {
				bad := maps.Clone(ctx)
				if p.bad == nil {
					delete(bad, p.key)
				} else {
					bad[p.key] = p.bad
				}
				check{what: c.action + " without " + p.key, action: c.action, resource: c.resource, ctx: bad, want: eval.ExplicitDeny, sid: p.sid}.run(t, role)
			}
			if p.sidWrong != "" {
				bad := maps.Clone(ctx)
				bad[p.key] = p.wrong
				check{what: c.action + " with a wrong " + p.key, action: c.action, resource: c.resource, ctx: bad, want: eval.ExplicitDeny, sid: p.sidWrong}.run(t, role)
			}
		}
	}
	// Updating a notebook instance: root access may not be turned on, and
	// an update that does not touch it is not refused.
	nb := sm("notebook-instance")
	check{what: "turn root access on", action: "sagemaker:UpdateNotebookInstance", resource: nb, ctx: map[string][]string{root.key: {"Enabled"}}, want: eval.ExplicitDeny, sid: "DenyNotebookRootAccessOnUpdate"}.run(t, role)
	check{what: "resize a notebook", action: "sagemaker:UpdateNotebookInstance", resource: nb, ctx: map[string][]string{types.key: {"ml.m5.2xlarge"}}, want: eval.Allow}.run(t, role)
	// What carries none of the keys is left alone.
	check{what: "describe a job", action: "sagemaker:DescribeTrainingJob", resource: sm("training-job"), want: eval.Allow}.run(t, role)
	check{what: "read data", action: "s3:GetObject", resource: s3obj("any", "x"), want: eval.Allow}.run(t, role)
}

// TestGuardrailOnAFullAccessRole: added to a role whose other policies
// allow every SageMaker action, a guardrail restricts those calls — a
// domain's creation outside the VPC among them.
func TestGuardrailOnAFullAccessRole(t *testing.T) {
	s := policy.Scope{Allowed: []string{"sagemaker:*"}}
	withGuardrail(&s, policy.VPCOnly)
	role := roleWith(t, s)
	role.Policies = append(role.Policies, eval.Policy{Name: policy.FullAccessARN, Kind: eval.Managed,
		Document: policy.Document{Version: policy.Version, Statement: []policy.Statement{{Effect: "Allow", Action: []string{"sagemaker:*"}, Resource: []string{"*"}}}}})
	sm := "arn:aws:sagemaker:us-east-1:111122223333:"
	check{what: "a domain without subnets", action: "sagemaker:CreateDomain", resource: sm + "domain/d-x",
		ctx: map[string][]string{"sagemaker:VpcSecurityGroupIds": {"sg-0a1b2c3d"}}, want: eval.ExplicitDeny, sid: "DenyWithoutVpcSubnets"}.run(t, role)
	check{what: "a monitoring schedule in the VPC", action: "sagemaker:CreateMonitoringSchedule", resource: sm + "monitoring-schedule/m",
		ctx: map[string][]string{"sagemaker:VpcSubnets": {"subnet-0a1b2c3d"}, "sagemaker:VpcSecurityGroupIds": {"sg-0a1b2c3d"}}, want: eval.Allow}.run(t, role)
	check{what: "a call that carries no VPC", action: "sagemaker:CreateExperiment", resource: sm + "experiment/e", want: eval.Allow}.run(t, role)
}
