package eval

import (
	"testing"

	"github.com/sagerole/sagerole/flows/policy"
)

// BenchmarkEvaluate decides one guarded CreateTrainingJob against a large
// generated scope (every statement explained), the work `why` does per
// request.
func BenchmarkEvaluate(b *testing.B) {
	s := policy.Scope{Persona: policy.DataScientist, Activities: []string{policy.Images}, VPC: true, LogGroups: true,
		KMSKeys:       []string{"arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"},
		Buckets:       []policy.BucketGrant{{Bucket: "ml-input"}, {Bucket: "ml-output", Prefix: "models"}},
		Guardrails:    []string{policy.NetworkIsolation, policy.VPCOnly, policy.VolumeKMS, policy.NotebookNoRoot, policy.AddTagsOnCreate},
		InstanceTypes: []string{"ml.m5.*"}, SourceIPs: []string{"203.0.113.0/24"}, ResourceTagKey: "team", ResourceTagValue: "red",
		Account: "111122223333", Region: "us-east-1", RoleARN: "arn:aws:iam::111122223333:role/ds"}
	named, err := policy.Assemble(s, policy.DefaultLimits())
	if err != nil {
		b.Fatal(err)
	}
	var role Role
	n := 0
	for _, p := range named {
		role.Policies = append(role.Policies, Policy{Name: p.Name, Document: p.Document})
		n += len(p.Document.Statement)
	}
	r := Request{Action: "sagemaker:CreateTrainingJob", Resource: "arn:aws:sagemaker:us-east-1:111122223333:training-job/j",
		Context: map[string][]string{"sagemaker:InstanceTypes": {"ml.m5.xlarge"}, "sagemaker:NetworkIsolation": {"true"},
			"sagemaker:VpcSubnets": {"subnet-1"}, "sagemaker:VpcSecurityGroupIds": {"sg-1"}, "aws:SourceIp": {"203.0.113.9"},
			"aws:ViaAWSService": {"false"}, "aws:RequestTag/team": {"red"}},
		MultiValued: []string{"sagemaker:InstanceTypes", "sagemaker:VpcSubnets", "sagemaker:VpcSecurityGroupIds"}}
	for b.Loop() {
		if _, err := Evaluate(role, r); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n), "statements")
}
