package awsapi

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/sagerole/sagerole/awsops"
	"github.com/sagerole/sagerole/awsops/motoserver"
)

// The SageMaker calls moto does not implement (user profiles, spaces, apps,
// UpdateDomain, UpdateNotebookInstance) are checked against an httptest
// server that speaks AWS JSON 1.1 as SageMaker does: POST /, the operation
// in X-Amz-Target ("SageMaker.UpdateDomain"), JSON in and out, errors as
// {"__type": CODE, "message": ...} with a 4xx status.

// smCall is one request the fake SageMaker received.
type smCall struct {
	Op   string
	Body map[string]any
}

// smReply is one canned response.
type smReply struct {
	Status int
	Body   string
}

// fakeSageMaker records requests and answers each operation with its
// replies in turn (the last one repeats).
type fakeSageMaker struct {
	t       *testing.T
	mu      sync.Mutex
	calls   []smCall
	replies map[string][]smReply
}

func (f *fakeSageMaker) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	target := r.Header.Get("X-Amz-Target")
	op, ok := strings.CutPrefix(target, "SageMaker.")
	if r.Method != http.MethodPost || !ok {
		f.t.Errorf("request %s %s with X-Amz-Target %q, want POST and SageMaker.OPERATION", r.Method, r.URL, target)
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/x-amz-json-1.1" {
		f.t.Errorf("%s: Content-Type %q, want application/x-amz-json-1.1", op, ct)
	}
	raw, _ := io.ReadAll(r.Body)
	var body map[string]any
	if err := json.Unmarshal(raw, &body); err != nil {
		f.t.Errorf("%s: body is not a JSON object: %v: %s", op, err, raw)
	}

	f.mu.Lock()
	n := 0
	for _, c := range f.calls {
		if c.Op == op {
			n++
		}
	}
	f.calls = append(f.calls, smCall{Op: op, Body: body})
	replies := f.replies[op]
	f.mu.Unlock()

	reply := smReply{Status: http.StatusOK, Body: "{}"}
	switch {
	case len(replies) > n:
		reply = replies[n]
	case len(replies) > 0:
		reply = replies[len(replies)-1]
	}
	if reply.Status == 0 {
		reply.Status = http.StatusOK
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.WriteHeader(reply.Status)
	_, _ = io.WriteString(w, reply.Body)
}

func (f *fakeSageMaker) recorded() []smCall {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]smCall(nil), f.calls...)
}

// newFakeSageMaker starts a fake SageMaker with replies and returns a
// backend on it that does not retry (every request is seen exactly once).
func newFakeSageMaker(t *testing.T, replies map[string][]smReply) (*Backend, *fakeSageMaker) {
	t.Helper()
	f := &fakeSageMaker{t: t, replies: replies}
	return backendOn(t, f), f
}

// backendOn starts an httptest server with h and returns a backend that
// sends every call there and does not retry (every request is seen once).
func backendOn(t *testing.T, h http.Handler) *Backend {
	t.Helper()
	motoserver.Env(t)
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	b, err := New(t.Context(), Options{Region: "us-east-1", EndpointURL: srv.URL, MaxAttempts: 1})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return b
}

func jsonObject(t *testing.T, s string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		t.Fatalf("bad test JSON %s: %v", s, err)
	}
	return m
}

const (
	roleA = "arn:aws:iam::123456789012:role/service-role/A"
	roleB = "arn:aws:iam::123456789012:role/B"
)

// TestSageMakerWriteRequests checks that each write sends exactly the
// fields it means to change: UpdateDomain with one default must not carry
// the other (an empty DefaultSpaceSettings could clear it).
func TestSageMakerWriteRequests(t *testing.T) {
	cases := []struct {
		name string
		call func(b *Backend) error
		op   string
		body string
	}{
		{"UpdateDomain user default only",
			func(b *Backend) error {
				return b.UpdateDomainRoles(t.Context(), "d-abc", awsops.DomainRoles{DefaultUserRole: new(roleA)})
			},
			"UpdateDomain", `{"DomainId":"d-abc","DefaultUserSettings":{"ExecutionRole":"` + roleA + `"}}`},
		{"UpdateDomain space default only",
			func(b *Backend) error {
				return b.UpdateDomainRoles(t.Context(), "d-abc", awsops.DomainRoles{DefaultSpaceRole: new(roleB)})
			},
			"UpdateDomain", `{"DomainId":"d-abc","DefaultSpaceSettings":{"ExecutionRole":"` + roleB + `"}}`},
		{"UpdateDomain both",
			func(b *Backend) error {
				return b.UpdateDomainRoles(t.Context(), "d-abc", awsops.DomainRoles{DefaultUserRole: new(roleA), DefaultSpaceRole: new(roleB)})
			},
			"UpdateDomain", `{"DomainId":"d-abc","DefaultUserSettings":{"ExecutionRole":"` + roleA + `"},"DefaultSpaceSettings":{"ExecutionRole":"` + roleB + `"}}`},
		{"UpdateUserProfile",
			func(b *Backend) error { return b.UpdateUserProfileRole(t.Context(), "d-abc", "alice", roleA) },
			"UpdateUserProfile", `{"DomainId":"d-abc","UserProfileName":"alice","UserSettings":{"ExecutionRole":"` + roleA + `"}}`},
		{"UpdateNotebookInstance",
			func(b *Backend) error { return b.UpdateNotebookInstanceRole(t.Context(), "nb1", roleB) },
			"UpdateNotebookInstance", `{"NotebookInstanceName":"nb1","RoleArn":"` + roleB + `"}`},
		{"StopNotebookInstance",
			func(b *Backend) error { return b.StopNotebookInstance(t.Context(), "nb1") },
			"StopNotebookInstance", `{"NotebookInstanceName":"nb1"}`},
		{"StartNotebookInstance",
			func(b *Backend) error { return b.StartNotebookInstance(t.Context(), "nb1") },
			"StartNotebookInstance", `{"NotebookInstanceName":"nb1"}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b, f := newFakeSageMaker(t, map[string][]smReply{
				"UpdateDomain":      {{Body: `{"DomainArn":"arn:aws:sagemaker:us-east-1:123456789012:domain/d-abc"}`}},
				"UpdateUserProfile": {{Body: `{"UserProfileArn":"arn:aws:sagemaker:us-east-1:123456789012:user-profile/d-abc/alice"}`}},
			})
			if err := c.call(b); err != nil {
				t.Fatalf("call: %v", err)
			}
			calls := f.recorded()
			want := []smCall{{Op: c.op, Body: jsonObject(t, c.body)}}
			if !reflect.DeepEqual(calls, want) {
				t.Errorf("requests = %+v\nwant %+v", calls, want)
			}
		})
	}
}

// TestApplyUpdateDomainOp checks the path a plan takes: an Op applied to
// the backend sends the same request as the direct call.
func TestApplyUpdateDomainOp(t *testing.T) {
	b, f := newFakeSageMaker(t, nil)
	role := roleB
	op := awsops.UpdateDomainRolesOp("d-abc", awsops.DomainRoles{DefaultSpaceRole: &role})
	if err := awsops.Apply(t.Context(), b, op); err != nil {
		t.Fatalf("Apply: %v", err)
	}
	want := []smCall{{Op: "UpdateDomain", Body: jsonObject(t, `{"DomainId":"d-abc","DefaultSpaceSettings":{"ExecutionRole":"`+roleB+`"}}`)}}
	if got := f.recorded(); !reflect.DeepEqual(got, want) {
		t.Errorf("requests = %+v\nwant %+v", got, want)
	}
}

// TestSageMakerListPage checks one page at a time: the token and the page
// size asked for (none for the service's default), the next token
// returned, and ListApps' filters by user profile and by space.
func TestSageMakerListPage(t *testing.T) {
	b, f := newFakeSageMaker(t, map[string][]smReply{
		"ListApps":   {{Body: `{"Apps":[{"DomainId":"d-abc","UserProfileName":"alice","AppType":"Canvas","AppName":"default","Status":"InService"}],"NextToken":"t2"}`}},
		"ListSpaces": {{Body: `{"Spaces":[{"DomainId":"d-abc","SpaceName":"lab","Status":"InService"}]}`}},
	})
	apps, next, err := b.ListAppsPage(t.Context(), awsops.AppFilter{DomainID: "d-abc", UserProfile: "alice"}, awsops.PageQuery{Size: 100})
	if err != nil || next != "t2" || len(apps) != 1 || apps[0].UserProfile != "alice" {
		t.Fatalf("ListAppsPage = %+v, %q, %v", apps, next, err)
	}
	if _, _, err := b.ListAppsPage(t.Context(), awsops.AppFilter{DomainID: "d-abc", Space: "lab"}, awsops.PageQuery{Token: "t2", Size: 100}); err != nil {
		t.Fatal(err)
	}
	spaces, next, err := b.ListSpacesPage(t.Context(), "d-abc", awsops.PageQuery{Token: "s9"})
	if err != nil || next != "" || len(spaces) != 1 {
		t.Fatalf("ListSpacesPage = %+v, %q, %v", spaces, next, err)
	}
	want := []smCall{
		{Op: "ListApps", Body: jsonObject(t, `{"DomainIdEquals":"d-abc","UserProfileNameEquals":"alice","MaxResults":100}`)},
		{Op: "ListApps", Body: jsonObject(t, `{"DomainIdEquals":"d-abc","SpaceNameEquals":"lab","MaxResults":100,"NextToken":"t2"}`)},
		{Op: "ListSpaces", Body: jsonObject(t, `{"DomainIdEquals":"d-abc","NextToken":"s9"}`)},
	}
	if got := f.recorded(); !reflect.DeepEqual(got, want) {
		t.Errorf("requests = %+v\nwant %+v", got, want)
	}
}

// TestSageMakerListPagination checks that every SageMaker list follows
// NextToken to the last page, asking for pages of 100 (SageMaker's most;
// 10 when not asked) and sending the filter with each request.
func TestSageMakerListPagination(t *testing.T) {
	type listFn func(b *Backend) (any, error)
	cases := []struct {
		name  string
		op    string
		pages []string
		list  listFn
		want  any
		// body is the first request; later ones add NextToken.
		body string
	}{
		{
			name: "ListUserProfiles", op: "ListUserProfiles",
			pages: []string{
				`{"UserProfiles":[{"DomainId":"d-abc","UserProfileName":"alice","Status":"InService"},{"DomainId":"d-abc","UserProfileName":"bob","Status":"Updating"}],"NextToken":"page2"}`,
				`{"UserProfiles":[{"DomainId":"d-abc","UserProfileName":"carol","Status":"Failed"}]}`,
			},
			list: func(b *Backend) (any, error) { return b.ListUserProfiles(t.Context(), "d-abc") },
			want: []awsops.UserProfile{
				{DomainID: "d-abc", Name: "alice", Status: "InService"},
				{DomainID: "d-abc", Name: "bob", Status: "Updating"},
				{DomainID: "d-abc", Name: "carol", Status: "Failed"},
			},
			body: `{"DomainIdEquals":"d-abc","MaxResults":100}`,
		},
		{
			name: "ListApps", op: "ListApps",
			pages: []string{
				`{"Apps":[{"DomainId":"d-abc","UserProfileName":"alice","AppType":"Canvas","AppName":"default","Status":"InService"}],"NextToken":"page2"}`,
				`{"Apps":[{"DomainId":"d-abc","SpaceName":"lab","AppType":"JupyterLab","AppName":"default","Status":"Pending"}]}`,
			},
			list: func(b *Backend) (any, error) { return b.ListApps(t.Context(), "d-abc") },
			want: []awsops.App{
				{DomainID: "d-abc", UserProfile: "alice", AppType: "Canvas", AppName: "default", Status: "InService"},
				{DomainID: "d-abc", SpaceName: "lab", AppType: "JupyterLab", AppName: "default", Status: "Pending"},
			},
			body: `{"DomainIdEquals":"d-abc","MaxResults":100}`,
		},
		{
			name: "ListSpaces", op: "ListSpaces",
			pages: []string{
				`{"Spaces":[{"DomainId":"d-abc","SpaceName":"alice-lab","Status":"InService","SpaceSharingSettingsSummary":{"SharingType":"Private"},"OwnershipSettingsSummary":{"OwnerUserProfileName":"alice"}}],"NextToken":"page2"}`,
				`{"Spaces":[{"DomainId":"d-abc","SpaceName":"team","Status":"InService","SpaceSharingSettingsSummary":{"SharingType":"Shared"}},{"DomainId":"d-abc","SpaceName":"old","Status":"Deleting"}]}`,
			},
			list: func(b *Backend) (any, error) { return b.ListSpaces(t.Context(), "d-abc") },
			want: []awsops.Space{
				{DomainID: "d-abc", Name: "alice-lab", Status: "InService", SharingType: "Private", Owner: "alice"},
				{DomainID: "d-abc", Name: "team", Status: "InService", SharingType: "Shared"},
				// A space from before sharing types has no summary at all.
				{DomainID: "d-abc", Name: "old", Status: "Deleting"},
			},
			body: `{"DomainIdEquals":"d-abc","MaxResults":100}`,
		},
		{
			name: "ListDomains", op: "ListDomains",
			pages: []string{
				`{"Domains":[{"DomainId":"d-abc","DomainName":"research","DomainArn":"arn:aws:sagemaker:us-east-1:123456789012:domain/d-abc","Status":"InService"}],"NextToken":"page2"}`,
				`{"Domains":[{"DomainId":"d-def","DomainName":"prod","DomainArn":"arn:aws:sagemaker:us-east-1:123456789012:domain/d-def","Status":"Updating"}]}`,
			},
			list: func(b *Backend) (any, error) { return b.ListDomains(t.Context()) },
			want: []awsops.DomainSummary{
				{ID: "d-abc", Name: "research", ARN: "arn:aws:sagemaker:us-east-1:123456789012:domain/d-abc", Status: "InService"},
				{ID: "d-def", Name: "prod", ARN: "arn:aws:sagemaker:us-east-1:123456789012:domain/d-def", Status: "Updating"},
			},
			body: `{"MaxResults":100}`,
		},
		{
			name: "ListNotebookInstances", op: "ListNotebookInstances",
			pages: []string{
				`{"NotebookInstances":[{"NotebookInstanceName":"nb1","NotebookInstanceArn":"arn:aws:sagemaker:us-east-1:123456789012:notebook-instance/nb1","NotebookInstanceStatus":"InService","InstanceType":"ml.t3.medium"}],"NextToken":"page2"}`,
				`{"NotebookInstances":[{"NotebookInstanceName":"nb2","NotebookInstanceArn":"arn:aws:sagemaker:us-east-1:123456789012:notebook-instance/nb2","NotebookInstanceStatus":"Stopped","InstanceType":"ml.t3.large"}]}`,
			},
			list: func(b *Backend) (any, error) { return b.ListNotebookInstances(t.Context()) },
			want: []awsops.NotebookInstance{
				{Name: "nb1", ARN: "arn:aws:sagemaker:us-east-1:123456789012:notebook-instance/nb1", Status: "InService", InstanceType: "ml.t3.medium"},
				{Name: "nb2", ARN: "arn:aws:sagemaker:us-east-1:123456789012:notebook-instance/nb2", Status: "Stopped", InstanceType: "ml.t3.large"},
			},
			body: `{"MaxResults":100}`,
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var replies []smReply
			for _, p := range c.pages {
				replies = append(replies, smReply{Body: p})
			}
			b, f := newFakeSageMaker(t, map[string][]smReply{c.op: replies})
			got, err := c.list(b)
			if err != nil {
				t.Fatalf("list: %v", err)
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("got %+v\nwant %+v", got, c.want)
			}
			first := jsonObject(t, c.body)
			second := jsonObject(t, c.body)
			second["NextToken"] = "page2"
			want := []smCall{{Op: c.op, Body: first}, {Op: c.op, Body: second}}
			if calls := f.recorded(); !reflect.DeepEqual(calls, want) {
				t.Errorf("requests = %+v\nwant %+v", calls, want)
			}
		})
	}
}

func TestDescribeUserProfile(t *testing.T) {
	cases := []struct {
		name string
		resp string
		want awsops.UserProfile
	}{
		{"own role",
			`{"DomainId":"d-abc","UserProfileName":"alice","UserProfileArn":"arn:aws:sagemaker:us-east-1:123456789012:user-profile/d-abc/alice","Status":"InService","UserSettings":{"ExecutionRole":"` + roleA + `"}}`,
			awsops.UserProfile{DomainID: "d-abc", Name: "alice", ARN: "arn:aws:sagemaker:us-east-1:123456789012:user-profile/d-abc/alice", Status: "InService", ExecutionRole: roleA}},
		{"no user settings: inherits",
			`{"DomainId":"d-abc","UserProfileName":"bob","Status":"InService"}`,
			awsops.UserProfile{DomainID: "d-abc", Name: "bob", Status: "InService"}},
		{"user settings without a role: inherits",
			`{"DomainId":"d-abc","UserProfileName":"carol","Status":"Update_Failed","FailureReason":"role not assumable","UserSettings":{"SecurityGroups":["sg-1"]}}`,
			awsops.UserProfile{DomainID: "d-abc", Name: "carol", Status: "Update_Failed", FailureReason: "role not assumable"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b, f := newFakeSageMaker(t, map[string][]smReply{"DescribeUserProfile": {{Body: c.resp}}})
			got, err := b.DescribeUserProfile(t.Context(), "d-abc", c.want.Name)
			if err != nil {
				t.Fatal(err)
			}
			if got != c.want {
				t.Errorf("got %+v\nwant %+v", got, c.want)
			}
			want := []smCall{{Op: "DescribeUserProfile", Body: map[string]any{"DomainId": "d-abc", "UserProfileName": c.want.Name}}}
			if calls := f.recorded(); !reflect.DeepEqual(calls, want) {
				t.Errorf("requests = %+v, want %+v", calls, want)
			}
		})
	}
}

func TestDescribeSpace(t *testing.T) {
	cases := []struct {
		name string
		resp string
		want awsops.Space
	}{
		{"private with owner",
			`{"DomainId":"d-abc","SpaceName":"alice-lab","SpaceArn":"arn:aws:sagemaker:us-east-1:123456789012:space/d-abc/alice-lab","Status":"InService","SpaceSharingSettings":{"SharingType":"Private"},"OwnershipSettings":{"OwnerUserProfileName":"alice"}}`,
			awsops.Space{DomainID: "d-abc", Name: "alice-lab", ARN: "arn:aws:sagemaker:us-east-1:123456789012:space/d-abc/alice-lab", Status: "InService", SharingType: awsops.SharingPrivate, Owner: "alice"}},
		{"shared",
			`{"DomainId":"d-abc","SpaceName":"team","Status":"InService","SpaceSharingSettings":{"SharingType":"Shared"},"OwnershipSettings":{"OwnerUserProfileName":"bob"}}`,
			awsops.Space{DomainID: "d-abc", Name: "team", Status: "InService", SharingType: awsops.SharingShared, Owner: "bob"}},
		{"no sharing settings",
			`{"DomainId":"d-abc","SpaceName":"legacy","Status":"InService"}`,
			awsops.Space{DomainID: "d-abc", Name: "legacy", Status: "InService"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b, f := newFakeSageMaker(t, map[string][]smReply{"DescribeSpace": {{Body: c.resp}}})
			got, err := b.DescribeSpace(t.Context(), "d-abc", c.want.Name)
			if err != nil {
				t.Fatal(err)
			}
			if got != c.want {
				t.Errorf("got %+v\nwant %+v", got, c.want)
			}
			want := []smCall{{Op: "DescribeSpace", Body: map[string]any{"DomainId": "d-abc", "SpaceName": c.want.Name}}}
			if calls := f.recorded(); !reflect.DeepEqual(calls, want) {
				t.Errorf("requests = %+v, want %+v", calls, want)
			}
		})
	}
}

func TestDescribeDomainRoles(t *testing.T) {
	cases := []struct {
		name        string
		resp        string
		user, space string
	}{
		{"both defaults", `{"DomainId":"d-abc","DomainName":"research","Status":"InService","DefaultUserSettings":{"ExecutionRole":"` + roleA + `"},"DefaultSpaceSettings":{"ExecutionRole":"` + roleB + `"}}`, roleA, roleB},
		{"no space default", `{"DomainId":"d-abc","DomainName":"research","Status":"InService","DefaultUserSettings":{"ExecutionRole":"` + roleA + `"}}`, roleA, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b, _ := newFakeSageMaker(t, map[string][]smReply{"DescribeDomain": {{Body: c.resp}}})
			d, err := b.DescribeDomain(t.Context(), "d-abc")
			if err != nil {
				t.Fatal(err)
			}
			if d.DefaultUserRole != c.user || d.DefaultSpaceRole != c.space || d.Name != "research" {
				t.Errorf("got %+v, want user %q space %q", d, c.user, c.space)
			}
		})
	}
}

// TestSageMakerErrors checks that SageMaker's JSON errors become
// *awsops.Error with the code, the message and the right Kind.
func TestSageMakerErrors(t *testing.T) {
	cases := []struct {
		name  string
		reply smReply
		call  func(b *Backend) error
		api   string
		kind  awsops.Kind
		code  string
		msg   string
	}{
		{"ResourceNotFound",
			smReply{400, `{"__type":"ResourceNotFound","message":"User profile alice does not exist."}`},
			func(b *Backend) error {
				_, err := b.DescribeUserProfile(t.Context(), "d-abc", "alice")
				return err
			},
			"sagemaker:DescribeUserProfile", awsops.KindNotFound, "ResourceNotFound", "User profile alice does not exist."},
		{"notebook RecordNotFound",
			smReply{400, `{"__type":"ValidationException","message":"RecordNotFound"}`},
			func(b *Backend) error {
				_, err := b.DescribeNotebookInstance(t.Context(), "nb1")
				return err
			},
			"sagemaker:DescribeNotebookInstance", awsops.KindNotFound, "ValidationException", "RecordNotFound"},
		{"update notebook not stopped",
			smReply{400, `{"__type":"ValidationException","message":"Status (InService) not in ([Stopped, Failed]). Unable to transition to (Updating) for Notebook Instance (arn:aws:sagemaker:us-east-1:123456789012:notebook-instance/nb1)."}`},
			func(b *Backend) error { return b.UpdateNotebookInstanceRole(t.Context(), "nb1", roleA) },
			"sagemaker:UpdateNotebookInstance", awsops.KindValidation, "ValidationException", "Status (InService) not in ([Stopped, Failed]). Unable to transition to (Updating) for Notebook Instance (arn:aws:sagemaker:us-east-1:123456789012:notebook-instance/nb1)."},
		{"role not yet propagated",
			smReply{400, `{"__type":"ValidationException","message":"SageMaker is unable to assume the role"}`},
			func(b *Backend) error { return b.UpdateUserProfileRole(t.Context(), "d-abc", "alice", roleA) },
			"sagemaker:UpdateUserProfile", awsops.KindValidation, "ValidationException", "SageMaker is unable to assume the role"},
		{"throttled",
			smReply{400, `{"__type":"ThrottlingException","message":"Rate exceeded"}`},
			func(b *Backend) error {
				_, err := b.ListSpaces(t.Context(), "d-abc")
				return err
			},
			"sagemaker:ListSpaces", awsops.KindThrottled, "ThrottlingException", "Rate exceeded"},
		{"access denied",
			smReply{400, `{"__type":"AccessDeniedException","Message":"not authorized to perform: sagemaker:UpdateDomain"}`},
			func(b *Backend) error {
				return b.UpdateDomainRoles(t.Context(), "d-abc", awsops.DomainRoles{DefaultUserRole: new(roleA)})
			},
			"sagemaker:UpdateDomain", awsops.KindAccessDenied, "AccessDeniedException", "not authorized to perform: sagemaker:UpdateDomain"},
		{"HTML server error (moto, for what it lacks)",
			smReply{500, `<!doctype html><title>500 Internal Server Error</title>`},
			func(b *Backend) error {
				_, err := b.ListApps(t.Context(), "d-abc")
				return err
			},
			"sagemaker:ListApps", awsops.KindOther, "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b, f := newFakeSageMaker(t, map[string][]smReply{
				"DescribeUserProfile": {c.reply}, "DescribeNotebookInstance": {c.reply}, "UpdateNotebookInstance": {c.reply},
				"UpdateUserProfile": {c.reply}, "ListSpaces": {c.reply}, "UpdateDomain": {c.reply}, "ListApps": {c.reply},
			})
			err := c.call(b)
			var e *awsops.Error
			if !errors.As(err, &e) {
				t.Fatalf("got %T %v, want *awsops.Error", err, err)
			}
			if e.API != c.api || e.Kind != c.kind || e.Code != c.code || (c.msg != "" && e.Message != c.msg) {
				t.Errorf("got {API:%q Kind:%s Code:%q Message:%q}, want {%q %s %q %q}", e.API, e.Kind, e.Code, e.Message, c.api, c.kind, c.code, c.msg)
			}
			if e.Err == nil {
				t.Error("the SDK error is not kept in Err")
			}
			if n := len(f.recorded()); n != 1 {
				t.Errorf("%d requests, want 1 (MaxAttempts 1)", n)
			}
		})
	}
}
