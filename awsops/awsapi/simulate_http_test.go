package awsapi

import (
	"io"
	"net/http"
	"net/url"
	"reflect"
	"sync"
	"testing"

	"github.com/sagerole/sagerole/awsops"
)

// moto does not implement iam:SimulatePrincipalPolicy, so the request and
// its context entries are checked against an httptest server that speaks
// IAM's query protocol: POST / with a form body (Action=…&Version=2010-05-08,
// lists as Name.member.N), answered in XML.

type fakeIAMQuery struct {
	t     *testing.T
	mu    sync.Mutex
	forms []url.Values
	pages []string // one XML body per request, in turn
}

func (f *fakeIAMQuery) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	raw, _ := io.ReadAll(r.Body)
	form, err := url.ParseQuery(string(raw))
	if r.Method != http.MethodPost || err != nil {
		f.t.Errorf("request %s %s: %v", r.Method, r.URL, err)
	}
	f.mu.Lock()
	n := len(f.forms)
	f.forms = append(f.forms, form)
	f.mu.Unlock()
	w.Header().Set("Content-Type", "text/xml")
	body := f.pages[min(n, len(f.pages)-1)]
	if len(body) > 14 && body[:14] == "<ErrorResponse" {
		w.WriteHeader(http.StatusNotFound)
	}
	_, _ = io.WriteString(w, body)
}

const simPage1 = `<SimulatePrincipalPolicyResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">
  <SimulatePrincipalPolicyResult>
    <IsTruncated>true</IsTruncated>
    <Marker>page-2</Marker>
    <EvaluationResults>
      <member>
        <EvalActionName>iam:PassRole</EvalActionName>
        <EvalResourceName>arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}</EvalResourceName>
        <EvalDecision>implicitDeny</EvalDecision>
        <MatchedStatements/>
        <MissingContextValues/>
        <OrganizationsDecisionDetail><AllowedByOrganizations>true</AllowedByOrganizations></OrganizationsDecisionDetail>
        <ResourceSpecificResults>
          <member>
            <EvalResourceName>arn:aws:iam::123456789012:role/B</EvalResourceName>
            <EvalResourceDecision>implicitDeny</EvalResourceDecision>
            <MatchedStatements/>
            <MissingContextValues><member>iam:AssociatedResourceArn</member></MissingContextValues>
            <PermissionsBoundaryDecisionDetail><AllowedByPermissionsBoundary>false</AllowedByPermissionsBoundary></PermissionsBoundaryDecisionDetail>
          </member>
        </ResourceSpecificResults>
      </member>
    </EvaluationResults>
  </SimulatePrincipalPolicyResult>
  <ResponseMetadata><RequestId>1</RequestId></ResponseMetadata>
</SimulatePrincipalPolicyResponse>`

const simPage2 = `<SimulatePrincipalPolicyResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">
  <SimulatePrincipalPolicyResult>
    <IsTruncated>false</IsTruncated>
    <EvaluationResults>
      <member>
        <EvalActionName>s3:GetObject</EvalActionName>
        <EvalResourceName>*</EvalResourceName>
        <EvalDecision>allowed</EvalDecision>
        <MatchedStatements>
          <member>
            <SourcePolicyId>sagerole-buckets</SourcePolicyId>
            <SourcePolicyType>role</SourcePolicyType>
            <StartPosition><Line>3</Line><Column>5</Column></StartPosition>
            <EndPosition><Line>9</Line><Column>6</Column></EndPosition>
          </member>
        </MatchedStatements>
        <MissingContextValues/>
      </member>
    </EvaluationResults>
  </SimulatePrincipalPolicyResult>
  <ResponseMetadata><RequestId>2</RequestId></ResponseMetadata>
</SimulatePrincipalPolicyResponse>`

func newFakeIAMQuery(t *testing.T, pages ...string) (*Backend, *fakeIAMQuery) {
	t.Helper()
	f := &fakeIAMQuery{t: t, pages: pages}
	return backendOn(t, f), f
}

func TestSimulatePrincipalPolicyRequest(t *testing.T) {
	b, f := newFakeIAMQuery(t, simPage1, simPage2)
	in := awsops.SimulateInput{
		PolicySourceARN: roleA,
		Actions:         []string{"iam:PassRole"},
		Resources:       []string{roleB},
		Context: []awsops.ContextEntry{
			{Key: "iam:PassedToService", Type: "string", Values: []string{"sagemaker.amazonaws.com"}},
			{Key: "aws:TagKeys", Type: "stringList", Values: []string{"team", "project"}},
		},
		ResourcePolicy: `{"Version":"2012-10-17","Statement":[]}`,
	}
	got, err := b.SimulatePrincipalPolicy(t.Context(), in)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.forms) != 2 {
		t.Fatalf("%d requests, want 2 (two pages)", len(f.forms))
	}
	first := f.forms[0]
	want := map[string]string{
		"Action":                                 "SimulatePrincipalPolicy",
		"Version":                                "2010-05-08",
		"PolicySourceArn":                        roleA,
		"ActionNames.member.1":                   "iam:PassRole",
		"ResourceArns.member.1":                  roleB,
		"ResourcePolicy":                         in.ResourcePolicy,
		"ContextEntries.member.1.ContextKeyName": "iam:PassedToService",
		"ContextEntries.member.1.ContextKeyType": "string",
		"ContextEntries.member.1.ContextKeyValues.member.1": "sagemaker.amazonaws.com",
		"ContextEntries.member.2.ContextKeyName":            "aws:TagKeys",
		"ContextEntries.member.2.ContextKeyType":            "stringList",
		"ContextEntries.member.2.ContextKeyValues.member.1": "team",
		"ContextEntries.member.2.ContextKeyValues.member.2": "project",
	}
	for k, v := range want {
		if first.Get(k) != v {
			t.Errorf("request %s = %q, want %q", k, first.Get(k), v)
		}
	}
	for k := range first {
		if _, ok := want[k]; !ok {
			t.Errorf("request carries %s=%q, which was not asked for", k, first.Get(k))
		}
	}
	if m := f.forms[1].Get("Marker"); m != "page-2" {
		t.Errorf("second page asked with Marker %q, want page-2", m)
	}
	no, yes := false, true
	wantResults := []awsops.SimulateResult{
		{Action: "iam:PassRole", Resource: roleB, Decision: awsops.SimImplicitDeny,
			MissingContextValues: []string{"iam:AssociatedResourceArn"}, BoundaryAllowed: &no, OrganizationsAllowed: &yes},
		{Action: "s3:GetObject", Resource: "*", Decision: awsops.SimAllowed,
			Matched: []awsops.SimulatedStatement{{PolicyID: "sagerole-buckets", PolicyType: "role", StartLine: 3, EndLine: 9}}},
	}
	for i := range got {
		if len(got[i].MissingContextValues) == 0 {
			got[i].MissingContextValues = nil
		}
	}
	if !reflect.DeepEqual(got, wantResults) {
		t.Errorf("results\n got %+v\nwant %+v", got, wantResults)
	}
}

func TestSimulatePrincipalPolicyError(t *testing.T) {
	b, _ := newFakeIAMQuery(t, `<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>Sender</Type><Code>NoSuchEntity</Code><Message>The role with name B cannot be found.</Message></Error><RequestId>3</RequestId></ErrorResponse>`)
	_, err := b.SimulatePrincipalPolicy(t.Context(), awsops.SimulateInput{PolicySourceARN: roleB, Actions: []string{"s3:GetObject"}})
	if !awsops.IsNotFound(err) || awsops.KindOf(err) != awsops.KindNotFound {
		t.Fatalf("err = %v, want NoSuchEntity as not found", err)
	}
}
