package policy

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/sagerole/sagerole/awsops/rules"
)

func TestParseForms(t *testing.T) {
	tests := []struct {
		name, in, want string // want: compact MarshalJSON after MergeDocuments
	}{
		{"strings",
			`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}`,
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`},
		{"arrays",
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject"],"Resource":["*"]}]}`,
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`},
		{"condition scalars",
			`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":false},"NumericLessThan":{"s3:max-keys":10},"StringEquals":{"aws:RequestedRegion":["us-east-1","eu-west-1"]}}}]}`,
			`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"},"NumericLessThan":{"s3:max-keys":"10"},"StringEquals":{"aws:RequestedRegion":["eu-west-1","us-east-1"]}}}]}`},
		{"principal star",
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole"}]}`,
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}]}`},
		{"principal lists",
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":["sagemaker.amazonaws.com","glue.amazonaws.com"]},"Action":"sts:AssumeRole"}]}`,
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":["glue.amazonaws.com","sagemaker.amazonaws.com"]},"Action":"sts:AssumeRole"}]}`},
		{"NotAction and NotResource kept whole",
			`{"Version":"2012-10-17","Id":"x","Statement":[{"Sid":"A","Effect":"Deny","NotAction":["iam:*","sts:*"],"NotResource":"arn:aws:s3:::b/*"}]}`,
			`{"Version":"2012-10-17","Id":"x","Statement":[{"Sid":"A","Effect":"Deny","NotAction":["iam:*","sts:*"],"NotResource":"arn:aws:s3:::b/*"}]}`},
		{"html characters not escaped",
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/<a&b>"}]}`,
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/<a&b>"}]}`},
		{"policy variables untouched",
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${aws:username}/*"}]}`,
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${aws:username}/*"}]}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d, err := Parse(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := MergeDocuments(d).MarshalJSON()
			if string(b) != tc.want {
				t.Errorf("got  %s\nwant %s", b, tc.want)
			}
			// URL-encoded, as IAM's GetRolePolicy returns it.
			enc, err := Parse(url.QueryEscape(tc.in))
			if err != nil {
				t.Fatalf("URL-encoded: %v", err)
			}
			if enc.String() != d.String() {
				t.Error("URL-encoded form reads differently")
			}
			// Through encoding/json too.
			var viaJSON Document
			if err := json.Unmarshal([]byte(tc.in), &viaJSON); err != nil || viaJSON.String() != d.String() {
				t.Errorf("json.Unmarshal: %v", err)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ name, in, says string }{
		{"not JSON", `{"Version":`, "not a JSON object"},
		{"array", `[]`, "not a JSON object"},
		{"trailing", `{"Statement":[{"Effect":"Allow","Action":"a:b"}]} {}`, "trailing"},
		{"no statement", `{"Version":"2012-10-17"}`, "no Statement"},
		{"empty statement", `{"Statement":[]}`, "empty Statement"},
		{"bad version", `{"Version":"2020-01-01","Statement":[{"Effect":"Allow","Action":"a:b"}]}`, "Version"},
		{"unknown top element", `{"Statment":[]}`, `"Statment"`},
		{"unknown statement element", `{"Statement":[{"Effect":"Allow","Action":"a:b","Resources":"*"}]}`, `"Resources"`},
		{"bad effect", `{"Statement":[{"Effect":"allow","Action":"a:b"}]}`, "Effect"},
		{"no effect", `{"Statement":[{"Action":"a:b"}]}`, "Effect"},
		{"no action", `{"Statement":[{"Effect":"Allow","Resource":"*"}]}`, "Action"},
		{"both action kinds", `{"Statement":[{"Effect":"Allow","Action":"a:b","NotAction":"c:d"}]}`, "exactly one"},
		{"empty action list", `{"Statement":[{"Effect":"Allow","Action":[]}]}`, "empty array"},
		{"empty action", `{"Statement":[{"Effect":"Allow","Action":""}]}`, "empty string"},
		{"number action", `{"Statement":[{"Effect":"Allow","Action":5}]}`, "string or an array"},
		{"bad principal", `{"Statement":[{"Effect":"Allow","Principal":"me","Action":"a:b"}]}`, "Principal"},
		{"bad condition", `{"Statement":[{"Effect":"Allow","Action":"a:b","Condition":{"Bool":{"k":{"x":1}}}}]}`, "Condition Bool k"},
		{"statement not object", `{"Statement":[1]}`, "must be a JSON object"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse(tc.in)
			if err == nil || !strings.Contains(err.Error(), tc.says) {
				t.Errorf("got %v, want an error saying %q", err, tc.says)
			}
		})
	}
}

func TestTrust(t *testing.T) {
	want := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"sagemaker.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	b, _ := TrustDocument().MarshalJSON()
	if string(b) != want {
		t.Errorf("trust policy\n%s\nwant\n%s", b, want)
	}
	if err := rules.PolicyDocument("trust policy", Trust()); err != nil {
		t.Error(err)
	}

	tests := []struct {
		name, doc string
		trusts    bool
	}{
		{"seed trust", Trust(), true},
		{"with other service", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":["glue.amazonaws.com","sagemaker.amazonaws.com"]},"Action":"sts:AssumeRole"}]}`, true},
		{"conditioned", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"sagemaker.amazonaws.com"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"aws:SourceAccount":"123456789012"}}}]}`, true},
		{"sts wildcard", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"sagemaker.amazonaws.com"},"Action":"sts:*"}]}`, true},
		{"only glue", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"glue.amazonaws.com"},"Action":"sts:AssumeRole"}]}`, false},
		{"wrong action", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"sagemaker.amazonaws.com"},"Action":"sts:TagSession"}]}`, false},
		{"denied", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"sagemaker.amazonaws.com"},"Action":"sts:AssumeRole"},{"Effect":"Deny","Principal":{"Service":"sagemaker.amazonaws.com"},"Action":"sts:AssumeRole"}]}`, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d, err := Parse(tc.doc)
			if err != nil {
				t.Fatal(err)
			}
			if got := TrustsSageMaker(d); got != tc.trusts {
				t.Errorf("TrustsSageMaker = %v", got)
			}
			fixed, changed := FixTrust(d)
			if changed == tc.trusts {
				t.Errorf("FixTrust changed = %v", changed)
			}
			if tc.name != "denied" && !TrustsSageMaker(fixed) {
				t.Errorf("FixTrust did not fix:\n%s", fixed)
			}
			if changed && tc.name == "only glue" && !strings.Contains(fixed.String(), "glue.amazonaws.com") {
				t.Errorf("FixTrust dropped the existing principal:\n%s", fixed)
			}
		})
	}
}

// FuzzParse: whatever Parse accepts, merging gives a document that IAM's
// basic shape check accepts, that parses back to itself, and that merging
// again leaves alone.
func FuzzParse(f *testing.F) {
	for _, c := range goldenCases() {
		ps, err := c.gen()
		if err == nil {
			for _, p := range ps {
				f.Add(p.JSON())
			}
		}
	}
	f.Add(`{"Statement":{"Effect":"Deny","NotAction":"s3:*","NotResource":["a","b"],"Condition":{"Bool":{"k":true}}}}`)
	f.Add(`{"Version":"2008-10-17","Id":"i","Statement":[{"Sid":"S","Effect":"Allow","Principal":"*","Action":"sts:AssumeRole"}]}`)
	f.Add(`%7B%22Statement%22%3A%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22a%3Ab%22%7D%7D`)
	f.Fuzz(func(t *testing.T, in string) {
		d, err := Parse(in)
		if err != nil {
			return
		}
		m := MergeDocuments(d)
		js := m.String()
		if err := rules.PolicyDocument("policy", js); err != nil {
			t.Fatalf("merged document fails the shape check: %v\n%s", err, js)
		}
		back, err := Parse(js)
		if err != nil {
			t.Fatalf("merged document does not parse: %v\n%s", err, js)
		}
		if back.String() != js {
			t.Fatalf("merged document reads back differently:\n%s\n%s", js, back)
		}
		if again := MergeDocuments(back).String(); again != js {
			t.Fatalf("merge not idempotent:\n%s\n%s", js, again)
		}
	})
}
