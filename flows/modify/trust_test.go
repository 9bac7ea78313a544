package modify

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/sagerole/sagerole/awsops/rules"
	"github.com/sagerole/sagerole/flows/policy"
)

// statementsOf returns the raw bytes of each statement of doc, as written.
func statementsOf(t *testing.T, doc string) []string {
	t.Helper()
	var top struct{ Statement json.RawMessage }
	if err := json.Unmarshal([]byte(doc), &top); err != nil {
		t.Fatalf("%v in %s", err, doc)
	}
	var list []json.RawMessage
	if err := json.Unmarshal(top.Statement, &list); err != nil {
		return []string{string(top.Statement)}
	}
	out := make([]string, len(list))
	for i, r := range list {
		out[i] = string(r)
	}
	return out
}

func TestAddSageMakerTrustKeepsOtherStatementsByteForByte(t *testing.T) {
	tests := []struct {
		name string
		doc  string
	}{
		{"compact array", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`},
		{"pretty array, odd spacing and key order", "{\n  \"Statement\" : [\n    {\n      \"Action\": \"sts:AssumeRole\",\n      \"Principal\": {\"AWS\": \"arn:aws:iam::111122223333:root\"},\n      \"Effect\": \"Allow\"\n    }  ,\n    {\"Sid\":\"Events\",\"Effect\":\"Allow\",\"Principal\":{\"Service\":[\"events.amazonaws.com\"]},\"Action\":[\"sts:AssumeRole\",\"sts:TagSession\"],\"Condition\":{\"StringEquals\":{\"aws:SourceAccount\":\"111122223333\"}}}\n  ],\n  \"Version\": \"2012-10-17\"\n}\n"},
		{"single object statement", `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Principal": {"Federated": "cognito-identity.amazonaws.com"}, "Action": "sts:AssumeRoleWithWebIdentity"}}`},
		{"escaped characters kept as written", `{"Version":"2012-10-17","Statement":[{"Sid":"A\u0042","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role\/Admin"},"Action":"sts:AssumeRole"}]}`},
		{"SageMaker only under a Deny with a condition", `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":{"Service":"sagemaker.amazonaws.com"},"Action":"sts:AssumeRole","Condition":{"StringNotEquals":{"aws:SourceAccount":"111122223333"}}}]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fixed, changed, err := AddSageMakerTrust(tt.doc)
			if err != nil || !changed {
				t.Fatalf("changed %v, err %v", changed, err)
			}
			before, after := statementsOf(t, tt.doc), statementsOf(t, fixed)
			if len(after) != len(before)+1 {
				t.Fatalf("want %d statements, got %d:\n%s", len(before)+1, len(after), fixed)
			}
			for i := range before {
				if before[i] != after[i] {
					t.Errorf("statement %d changed:\nwas %s\nnow %s", i+1, before[i], after[i])
				}
			}
			// Everything outside the Statement value is untouched too.
			start, end, err := statementSpan(tt.doc)
			if err != nil {
				t.Fatal(err)
			}
			fs, fe, err := statementSpan(fixed)
			if err != nil {
				t.Fatal(err)
			}
			if tt.doc[:start] != fixed[:fs] || tt.doc[end:] != fixed[fe:] {
				t.Errorf("the document around Statement changed:\n%q\n%q", tt.doc, fixed)
			}
			d, err := policy.Parse(fixed)
			if err != nil || !policy.TrustsSageMaker(d) {
				t.Errorf("the fixed policy does not trust SageMaker (%v):\n%s", err, fixed)
			}
			var added map[string]any
			if err := json.Unmarshal([]byte(after[len(after)-1]), &added); err != nil || added["Action"] != "sts:AssumeRole" {
				t.Errorf("added statement %s", after[len(after)-1])
			}
		})
	}
}

func TestAddSageMakerTrustAlreadyTrusted(t *testing.T) {
	for _, doc := range []string{
		policy.Trust(),
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"sagemaker.amazonaws.com"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"aws:SourceAccount":"111122223333"}}}]}`,
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":["sagemaker.amazonaws.com","events.amazonaws.com"]},"Action":"sts:*"}]}`,
	} {
		fixed, changed, err := AddSageMakerTrust(doc)
		if err != nil || changed || fixed != doc {
			t.Errorf("a policy that trusts SageMaker must come back unchanged: changed %v, err %v\n%s", changed, err, doc)
		}
	}
}

func TestAddSageMakerTrustRefuses(t *testing.T) {
	tests := []struct {
		name, doc, want string
	}{
		{"unconditioned deny", `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":{"Service":"sagemaker.amazonaws.com"},"Action":"sts:AssumeRole"}]}`, "remove that Deny by hand"},
		{"not JSON", `{"Version":`, "cannot be read"},
		{"unknown element", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}],"Extra":1}`, "cannot be read"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := AddSageMakerTrust(tt.doc)
			if !rules.IsInput(err) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("want an input error saying %q, got %v", tt.want, err)
			}
		})
	}
}

func TestStatementSpanRefusesDuplicates(t *testing.T) {
	if _, _, err := statementSpan(`{"Statement":[],"Statement":[]}`); err == nil {
		t.Error("a document with Statement twice must not be edited")
	}
	if _, _, err := statementSpan(`{"Version":"2012-10-17"}`); err == nil {
		t.Error("a document without Statement has no span")
	}
}
