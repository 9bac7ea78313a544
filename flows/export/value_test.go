package export

import "testing"

// The account and region are references wherever a name is made of them,
// and nowhere else.
func TestSubstTokens(t *testing.T) {
	g := subst{partition: "aws", account: "111122223333", region: "us-east-1"}
	for in, want := range map[string]string{
		"arn:aws:s3:::sagemaker-us-east-1-111122223333/Canvas/*": "arn:${AWS::Partition}:s3:::sagemaker-${AWS::Region}-${AWS::AccountId}/Canvas/*",
		"s3.us-east-1.amazonaws.com":                             "s3.${AWS::Region}.amazonaws.com",
		"arn:aws:s3:::team-111122223333x":                        "arn:${AWS::Partition}:s3:::team-111122223333x",
		"us-east-1":                                              "us-east-1",
		"111122223333":                                           "${AWS::AccountId}",
		"arn:aws:sagemaker:us-east-1:111122223333:model/us-east-1-model": "arn:${AWS::Partition}:sagemaker:${AWS::Region}:${AWS::AccountId}:model/${AWS::Region}-model",
	} {
		v := g.str(in)
		got := v.s
		if v.kind == vSub {
			got = cfnSub(v.parts)
		}
		if got != want {
			t.Errorf("%s: %s, want %s", in, got, want)
		}
	}
}
