package modify

import (
	"strings"
	"testing"
)

func TestInlineBroadening(t *testing.T) {
	const (
		objects   = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::data/*"}]}`
		starRead  = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`
		s3All     = `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"S3:*","Resource":"arn:aws:s3:::data/*"}}`
		iamAll    = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:*","Resource":"*"}]}`
		everyth   = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`
		notAction = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}]}`
		notRes    = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sagemaker:CreateApp","NotResource":"arn:aws:sagemaker:*:*:domain/*"}]}`
		guard     = `{"Version":"2012-10-17","Statement":[{"Sid":"G","Effect":"Deny","Action":["sagemaker:CreateTrainingJob","sagemaker:CreateHyperParameterTuningJob"],"Resource":"*","Condition":{"BoolIfExists":{"sagemaker:NetworkIsolation":"false"}}}]}`
		guard2    = `{"Version":"2012-10-17","Statement":[{"Sid":"Other","Effect":"Deny","Action":["sagemaker:CreateTrainingJob","sagemaker:CreateHyperParameterTuningJob","sagemaker:CreateProcessingJob"],"Resource":"*","Condition":{"BoolIfExists":{"sagemaker:NetworkIsolation":"false"}}}]}`
		guardOne  = `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"sagemaker:CreateTrainingJob","Resource":"*","Condition":{"BoolIfExists":{"sagemaker:NetworkIsolation":"false"}}}]}`
	)
	m := func(kv ...string) map[string]string {
		out := map[string]string{}
		for i := 0; i < len(kv); i += 2 {
			out[kv[i]] = kv[i+1]
		}
		return out
	}
	tests := []struct {
		name          string
		before, after map[string]string
		want          []string // substrings, one warning each, in order
	}{
		{"narrow addition", m(), m("p", objects), nil},
		{"new star resource", m(), m("p", starRead), []string{`inline policy p newly allows 1 action(s) on every resource ("*"): s3:GetObject`}},
		{"star already allowed elsewhere", m("old", starRead), m("old", starRead, "p", starRead), nil},
		{"moved between policies", m("old", starRead), m("p", starRead), nil},
		{"covered by a wider pattern before", m("old", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:Get*","Resource":"*"}]}`), m("p", starRead), nil},
		{"s3:* on one bucket", m(), m("p", s3All), []string{"inline policy p allows S3:*, which the role's inline policies did not"}},
		{"iam:*", m(), m("p", iamAll), []string{`allows iam:* on every resource ("*"), which`}},
		{"iam:* already covered by *", m("old", everyth), m("old", everyth, "p", iamAll), nil},
		{"everything", m(), m("p", everyth), []string{`allows * on every resource ("*")`}},
		{"not action", m(), m("p", notAction), []string{"allows every action except iam:* (NotAction)"}},
		{"not resource is every resource", m(), m("p", notRes), []string{"sagemaker:CreateApp"}},
		{"guardrail removed", m("g", guard), m(), []string{"the Deny of sagemaker:CreateTrainingJob, sagemaker:CreateHyperParameterTuningJob that inline policy g had is gone"}},
		{"guardrail merged into a wider deny", m("g", guard), m("h", guard2), nil},
		{"guardrail narrowed", m("g", guard), m("g", guardOne), []string{"sagemaker:CreateHyperParameterTuningJob that inline policy g had is gone"}},
		{"guardrail condition changed", m("g", guard), m("g", strings.Replace(guard, `"false"`, `"true"`, 1)), []string{"is gone"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := InlineBroadening(tt.before, tt.after)
			if len(got) != len(tt.want) {
				t.Fatalf("got %d warnings, want %d:\n%s", len(got), len(tt.want), strings.Join(got, "\n"))
			}
			for i, w := range tt.want {
				if !strings.Contains(got[i], w) || !strings.HasPrefix(got[i], "broadens access: ") {
					t.Errorf("warning %d = %q, want it to contain %q", i, got[i], w)
				}
			}
		})
	}
}

func TestInlineBroadeningListsSome(t *testing.T) {
	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["a:1","a:2","a:3","a:4","a:5","a:6","a:7","a:8"],"Resource":"*"}]}`
	got := InlineBroadening(nil, map[string]string{"p": doc})
	if len(got) != 1 || !strings.Contains(got[0], "8 action(s)") || !strings.Contains(got[0], "a:6 and 2 more") {
		t.Fatalf("got %q", got)
	}
}

func TestManagedBroadening(t *testing.T) {
	tests := []struct{ arn, want string }{
		{"arn:aws:iam::aws:policy/AdministratorAccess", "every action on every resource"},
		{"arn:aws:iam::aws:policy/AmazonS3FullAccess", "AmazonS3FullAccess grants full access"},
		{"arn:aws:iam::aws:policy/AmazonSageMakerFullAccess", "AmazonSageMakerFullAccess"},
		{"arn:aws:iam::aws:policy/IAMFullAccess", "iam:*"},
		{"arn:aws:iam::aws:policy/PowerUserAccess", "every action except IAM"},
		{"arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess", ""},
		{"arn:aws:iam::111122223333:policy/team-raw-data-read", ""},
	}
	for _, tt := range tests {
		got := ManagedBroadening(tt.arn)
		if (tt.want == "") != (got == "") || !strings.Contains(got, tt.want) {
			t.Errorf("ManagedBroadening(%s) = %q, want %q", tt.arn, got, tt.want)
		}
	}
}

func TestCovers(t *testing.T) {
	tests := []struct {
		p, q string
		fold bool
		want bool
	}{
		{"*", "anything", false, true},
		{"s3:*", "S3:GetObject", true, true},
		{"s3:Get*", "s3:GetObject", false, true},
		{"s3:Get*", "s3:*", false, false},
		{"s3:*", "s3:Get*", false, true},
		{"arn:aws:s3:::b/*", "arn:aws:s3:::b/x/*", false, true},
		{"arn:aws:s3:::b/?", "arn:aws:s3:::b/xy", false, false},
		{"iam:PassRole", "iam:passrole", true, true},
		{"iam:PassRole", "iam:passrole", false, false},
	}
	for _, tt := range tests {
		if got := covers(tt.p, tt.q, tt.fold); got != tt.want {
			t.Errorf("covers(%q, %q) = %v, want %v", tt.p, tt.q, got, tt.want)
		}
	}
}
