package rules

import "testing"

func TestScopeInputs(t *testing.T) {
	tests := []struct {
		name  string
		check func(string) error
		ok    []string
		bad   []string
	}{
		{"InstanceType", InstanceType,
			[]string{"ml.m5.xlarge", "ml.c5.*", "ml.p4d.24xlarge", "ml.g5.*large", "ml.*"},
			[]string{"", "m5.large", "ml.", "ml..large", "ML.M5.LARGE", "ml.m5 large"}},
		{"VPCEndpointID", VPCEndpointID,
			[]string{"vpce-1a2b3c4d", "vpce-0123456789abcdef0"},
			[]string{"", "vpce-", "vpce-XYZ12345", "vpc-1a2b3c4d", "vpce-1a2b3c4d5e6f7a8b9c"}},
		{"ECRRepository", ECRRepository,
			[]string{"trainer", "team/shared-image", "a.b_c-d", "arn:aws:ecr:us-east-1:123456789012:repository/team/img"},
			[]string{"", "a", "My_Repo", "-lead", "trail-", "a//b", "arn:aws:ecr:us-east-1:123:repository/x", "arn:aws:s3:::x"}},
		{"S3Prefix", S3Prefix,
			[]string{"", "data", "data/train", "/leading-is-a-legal-key"},
			[]string{"a/*", "a?", "${aws:username}", "a//b", "a\x01b"}},
		{"AccountID", AccountID, []string{"123456789012"}, []string{"", "12345678901", "12345678901a"}},
		{"Region", Region, []string{"us-east-1", "eu-central-2", "us-gov-west-1", "ap-southeast-5"}, []string{"", "useast1", "US-EAST-1", "mars"}},
		{"Partition", Partition, []string{"aws", "aws-cn", "aws-us-gov", "aws-iso-b"}, []string{"", "AWS", "gcp", "aws-"}},
	}
	for _, tc := range tests {
		for _, s := range tc.ok {
			if err := tc.check(s); err != nil {
				t.Errorf("%s(%q): %v", tc.name, s, err)
			}
		}
		for _, s := range tc.bad {
			err := tc.check(s)
			if !IsInput(err) {
				t.Errorf("%s(%q) = %v, want an InputError", tc.name, s, err)
			}
		}
	}
	if err := OneOf("activity", "x", []string{"a", "b"}); err == nil || err.Error() != `activity "x" is unknown; choose one of a, b` {
		t.Errorf("OneOf: %v", err)
	}
	if err := OneOf("activity", "a", []string{"a", "b"}); err != nil {
		t.Errorf("OneOf: %v", err)
	}
}
