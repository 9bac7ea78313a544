package lint

import (
	"strings"
	"testing"

	"github.com/sagerole/sagerole/flows/policy"
)

// cleanCorpus are documents written as the reference says they should be:
// the validator must find nothing in them, or it would cry wolf.
var cleanCorpus = []struct{ name, text string }{
	{"seed 000's trust policy", policy.Trust()},
	{"a trust policy for another account, with an external ID", doc(
		`{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::444455556666:root","444455556666"]},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"x-1"}}}`,
		`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"sts:TagSession","Condition":{"ForAllValues:StringEquals":{"aws:TagKeys":["team"]}}}`)},
	{"a trust policy for SAML", doc(
		`{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::111122223333:saml-provider/corp"},"Action":"sts:AssumeRoleWithSAML","Condition":{"StringEquals":{"SAML:aud":"https://signin.aws.amazon.com/saml"}}}`)},
	{"S3: objects on objects, buckets on buckets, the rest on *", doc(
		`{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject","s3:DeleteObject","s3:AbortMultipartUpload","s3:PutObjectAcl"],"Resource":["arn:aws:s3:::team-data/*","arn:aws:s3:::ml-models/curated/*"]}`,
		`{"Effect":"Allow","Action":["s3:ListBucket","s3:GetBucketLocation","s3:GetBucketAcl"],"Resource":["arn:aws:s3:::team-data","arn:aws:s3:::ml-models"]}`,
		`{"Effect":"Allow","Action":["s3:ListAllMyBuckets"],"Resource":"*"}`)},
	{"ListBucket on a prefix only", doc(
		`{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::team-data","Condition":{"StringLike":{"s3:prefix":["curated/*","${aws:username}/*"]}}}`)},
	{"objects and buckets in one statement, as seed 000 writes it", doc(
		`{"Effect":"Allow","Action":["s3:GetObject","s3:ListBucket"],"Resource":["arn:aws:s3:::team-data","arn:aws:s3:::team-data/*"]}`)},
	{"SSE-KMS through S3 on key ARNs", doc(
		`{"Effect":"Allow","Action":["kms:Decrypt","kms:Encrypt","kms:GenerateDataKey"],"Resource":"arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab","Condition":{"StringEquals":{"kms:ViaService":"s3.us-east-1.amazonaws.com"}}}`,
		`{"Effect":"Allow","Action":"kms:CreateGrant","Resource":"arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab","Condition":{"Bool":{"kms:GrantIsForAWSResource":"true"}}}`)},
	{"PassRole on the role's own ARN, to SageMaker only", doc(
		`{"Effect":"Allow","Action":"iam:PassRole","Resource":"arn:aws:iam::111122223333:role/service-role/ds-role","Condition":{"StringEquals":{"iam:PassedToService":"sagemaker.amazonaws.com"}}}`)},
	{"a volume-KMS guardrail on the key its actions carry", doc(
		`{"Sid":"DenyWithoutVolumeKmsKeyArn","Effect":"Deny","Action":["sagemaker:CreateTrainingJob","sagemaker:CreateProcessingJob","sagemaker:CreateHyperParameterTuningJob","sagemaker:CreateTransformJob"],"Resource":"*","Condition":{"Null":{"sagemaker:VolumeKmsKeyArn":"true"}}}`)},
	{"an instance-type guardrail with a set operator", doc(
		`{"Sid":"DenyOtherInstanceTypes","Effect":"Deny","Action":["sagemaker:CreateTrainingJob","sagemaker:CreateProcessingJob"],"Resource":"*","Condition":{"ForAnyValue:StringNotLike":{"sagemaker:InstanceTypes":["ml.m5.*","ml.c5.xlarge"]}}}`)},
	{"network isolation and a source-IP guardrail on global keys", doc(
		`{"Effect":"Deny","Action":"sagemaker:CreateTrainingJob","Resource":"*","Condition":{"Bool":{"sagemaker:NetworkIsolation":"false"}}}`,
		`{"Effect":"Deny","Action":"sagemaker:*","Resource":"*","Condition":{"NotIpAddress":{"aws:SourceIp":["203.0.113.0/24","2001:db8::/32"]},"Bool":{"aws:ViaAWSService":"false"}}}`)},
	{"dates, numbers and ARNs with their operators", doc(
		`{"Effect":"Deny","Action":"sagemaker:CreateTrainingJob","Resource":"arn:aws:sagemaker:*:111122223333:training-job/*","Condition":{
			"DateGreaterThan":{"aws:CurrentTime":"2026-12-01T00:00:00Z"},"NumericGreaterThan":{"sagemaker:MaxRuntimeInSeconds":"86400"},
			"ArnNotLike":{"sagemaker:VolumeKmsKeyArn":"arn:aws:kms:*:111122223333:key/*"}}}`)},
	{"logs on the SageMaker log groups and their streams", doc(
		`{"Effect":"Allow","Action":["logs:CreateLogGroup","logs:CreateLogStream","logs:PutLogEvents","logs:DescribeLogStreams"],"Resource":"arn:aws:logs:us-east-1:111122223333:log-group:/aws/sagemaker/*"}`)},
	{"tag-based access on the actions that carry the tag", doc(
		`{"Effect":"Deny","Action":["sagemaker:DescribeTrainingJob","sagemaker:StopTrainingJob"],"Resource":"*","Condition":{"StringNotEquals":{"aws:ResourceTag/team":"research"}}}`,
		`{"Effect":"Allow","Action":"sagemaker:AddTags","Resource":"*","Condition":{"StringLike":{"sagemaker:TaggingAction":"Create*"},"ForAllValues:StringEquals":{"aws:TagKeys":["team","project"]}}}`)},
	{"AdministratorAccess: * on * names no ended service and no PassRole on purpose", doc(
		`{"Effect":"Allow","Action":"*","Resource":"*"}`)},
	{"a service's own tag key, written tag-key by the reference", doc(
		`{"Effect":"Allow","Action":["secretsmanager:DescribeSecret","secretsmanager:GetSecretValue"],"Resource":"*","Condition":{"StringEquals":{"secretsmanager:ResourceTag/SageMaker":"true"}}}`)},
	{"NotAction, checked for existence only", doc(
		`{"Effect":"Deny","NotAction":["iam:*","sts:GetCallerIdentity"],"Resource":"*","Condition":{"StringNotEquals":{"aws:RequestedRegion":"us-east-1"}}}`)},
}

func TestCleanCorpus(t *testing.T) {
	r := ref(t)
	for _, tt := range cleanCorpus {
		fs, err := Text(r, tt.text, Options{})
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		for _, f := range fs {
			t.Errorf("%s: %s [%s]", tt.name, f, f.Code)
		}
	}
}

func TestPositions(t *testing.T) {
	text := `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "Read",
      "Effect": "Allow",
      "Action": [
        "s3:GetObject",
        "s3:GetObjekt"
      ],
      "Resource": "arn:aws:s3:::b/*",
      "Condition": {"StringEquals": {"aws:SourceVcpe": "vpce-1"}}
    },
    {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::b/*"}
  ]
}`
	fs, err := Text(ref(t), text, Options{})
	if err != nil {
		t.Fatal(err)
	}
	// Each finding points at the opening quote of what it is about.
	at := func(s string) [2]int {
		off := strings.Index(text, `"`+s+`"`)
		return [2]int{strings.Count(text[:off], "\n") + 1, off - strings.LastIndexByte(text[:off], '\n')}
	}
	want := map[string][2]int{
		"unknown-action":    at("s3:GetObjekt"),
		"unknown-key":       at("aws:SourceVcpe"),
		"resource-mismatch": at("s3:ListBucket"),
		"resource-unused":   {14, 64}, // the second "arn:aws:s3:::b/*"
	}
	if want["unknown-action"] != [2]int{9, 9} {
		t.Fatalf("the test's own arithmetic is off: %v", want["unknown-action"])
	}
	if len(fs) != len(want) {
		t.Fatalf("got %d findings, want %d: %v", len(fs), len(want), fs)
	}
	for _, f := range fs {
		w, ok := want[f.Code]
		if !ok || f.Line != w[0] || f.Column != w[1] {
			t.Errorf("%s at %d:%d, want %v", f.Code, f.Line, f.Column, w)
		}
	}
	// Columns count characters, not bytes.
	fs, _ = Text(ref(t), `{"Version":"2012-10-17","Statement":{"Sid":"Ünïcode","Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}`, Options{})
	if len(fs) != 1 || fs[0].Code != "invalid-sid" || fs[0].Line != 1 || fs[0].Column != 44 {
		t.Errorf("findings of a one-statement document: %+v", fs)
	}
}

func TestSyntaxErrors(t *testing.T) {
	tests := []struct {
		name, text string
		line, col  int
	}{
		{"broken JSON", "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [ {\"Effect\": \"Allow\",, } ]\n}", 3, 37},
		{"a malformed statement", "{\"Version\": \"2012-10-17\",\n \"Statement\": [\n  {\"Effect\": \"Allow\", \"Action\": \"s3:GetObject\", \"Resource\": \"*\"},\n  {\"Effect\": \"Maybe\", \"Action\": \"s3:GetObject\", \"Resource\": \"*\"}]}", 4, 3},
		{"not an object", "[]", 1, 1},
		{"empty", "", 1, 1},
	}
	for _, tt := range tests {
		_, err := Text(ref(t), tt.text, Options{})
		se, ok := err.(*SyntaxError)
		if !ok {
			t.Errorf("%s: error %v is not a *SyntaxError", tt.name, err)
			continue
		}
		if se.Line != tt.line || se.Column != tt.col {
			t.Errorf("%s: at %d:%d, want %d:%d (%s)", tt.name, se.Line, se.Column, tt.line, tt.col, se.Msg)
		}
		if !strings.Contains(se.Error(), "line ") {
			t.Errorf("%s: %q does not say where", tt.name, se.Error())
		}
	}
}

// TestLintAndTextAgree checks that the parsed path and the text path find
// the same things: positions are the only difference.
func TestLintAndTextAgree(t *testing.T) {
	r := ref(t)
	for _, tt := range badCorpus {
		d, err := policy.Parse(tt.text)
		if err != nil {
			t.Fatal(err)
		}
		fromText, _ := Text(r, tt.text, Options{Kind: tt.kind})
		fromDoc := Lint(r, d, Options{Kind: tt.kind})
		if len(fromText) != len(fromDoc) {
			t.Errorf("%s: Text gives %d findings, Lint %d", tt.name, len(fromText), len(fromDoc))
			continue
		}
		key := func(f Finding) string { return f.Code + "|" + f.Value + "|" + f.Message }
		count := map[string]int{}
		for _, f := range fromDoc {
			count[key(f)]++
		}
		for _, f := range fromText {
			count[key(f)]--
		}
		for k, n := range count {
			if n != 0 {
				t.Errorf("%s: %s differs between Text and Lint", tt.name, k)
			}
		}
	}
}
