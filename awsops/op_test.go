package awsops

import (
	"encoding/json"
	"os/exec"
	"reflect"
	"strings"
	"testing"
)

// bashArgs runs cli in bash with `aws` replaced by a function that prints
// its arguments, so the test sees exactly what the AWS CLI would receive.
func bashArgs(t *testing.T, cli string) []string {
	t.Helper()
	out, err := exec.Command("bash", "-c", `aws() { printf '%s\0' "$@"; }; `+cli).Output()
	if err != nil {
		t.Fatalf("bash could not run %q: %v", cli, err)
	}
	return strings.Split(strings.TrimSuffix(string(out), "\x00"), "\x00")
}

func TestCLIRunsInBashAsPrinted(t *testing.T) {
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("bash not installed")
	}
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"sagemaker.amazonaws.com"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"aws:SourceAccount":"it's $HOME ` + "`x`" + `"}}}]}`
	pretty := "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": []\n}"
	spaceRole := "arn:aws:iam::111122223333:role/Shared"
	tests := []struct {
		name string
		op   Op
		opts CLIOptions
		want []string
	}{
		{"create role with quotes and dollars", CreateRoleOp(CreateRoleInput{Name: "ds", Path: "/service-role/", Description: "Alice's role", TrustPolicy: trust,
			Tags: []Tag{{Key: "team", Value: "a b,c"}}}), CLIOptions{},
			[]string{"iam", "create-role", "--role-name", "ds", "--path", "/service-role/", "--description", "Alice's role",
				"--assume-role-policy-document", trust, "--tags", `[{"Key":"team","Value":"a b,c"}]`}},
		{"put policy compacts JSON", PutRolePolicyOp("ds", "sagerole-s3", pretty), CLIOptions{Profile: "dev", Region: "eu-west-1"},
			[]string{"iam", "put-role-policy", "--role-name", "ds", "--policy-name", "sagerole-s3", "--policy-document",
				`{"Version":"2012-10-17","Statement":[]}`, "--profile", "dev", "--region", "eu-west-1"}},
		{"untag keys", UntagRoleOp("ds", []string{"a", "b c"}), CLIOptions{},
			[]string{"iam", "untag-role", "--role-name", "ds", "--tag-keys", "a", "b c"}},
		{"bucket outside us-east-1", CreateBucketOp("my-data", "eu-west-1"), CLIOptions{},
			[]string{"s3api", "create-bucket", "--bucket", "my-data", "--create-bucket-configuration", "LocationConstraint=eu-west-1", "--region", "eu-west-1"}},
		{"bucket in us-east-1 has no LocationConstraint", CreateBucketOp("my-data", "us-east-1"), CLIOptions{Region: "us-east-1"},
			[]string{"s3api", "create-bucket", "--bucket", "my-data", "--region", "us-east-1"}},
		{"update domain space default only", UpdateDomainRolesOp("d-1", DomainRoles{DefaultSpaceRole: &spaceRole}), CLIOptions{EndpointURL: "http://127.0.0.1:5000"},
			[]string{"sagemaker", "update-domain", "--domain-id", "d-1", "--default-space-settings", `{"ExecutionRole":"arn:aws:iam::111122223333:role/Shared"}`, "--endpoint-url", "http://127.0.0.1:5000"}},
		{"update user profile", UpdateUserProfileRoleOp("d-1", "alice", "arn:aws:iam::111122223333:role/service-role/X"), CLIOptions{},
			[]string{"sagemaker", "update-user-profile", "--domain-id", "d-1", "--user-profile-name", "alice", "--user-settings", `{"ExecutionRole":"arn:aws:iam::111122223333:role/service-role/X"}`}},
		{"update notebook, then wait until it is Stopped again", UpdateNotebookInstanceRoleOp("nb", "arn:aws:iam::111122223333:role/R"), CLIOptions{Region: "us-east-1"},
			[]string{"sagemaker", "update-notebook-instance", "--notebook-instance-name", "nb", "--role-arn", "arn:aws:iam::111122223333:role/R", "--region", "us-east-1",
				"sagemaker", "wait", "notebook-instance-stopped", "--notebook-instance-name", "nb", "--region", "us-east-1"}},
		{"stop notebook, then wait until Stopped", StopNotebookInstanceOp("nb"), CLIOptions{},
			[]string{"sagemaker", "stop-notebook-instance", "--notebook-instance-name", "nb", "sagemaker", "wait", "notebook-instance-stopped", "--notebook-instance-name", "nb"}},
		{"start notebook, then wait until InService", StartNotebookInstanceOp("nb"), CLIOptions{},
			[]string{"sagemaker", "start-notebook-instance", "--notebook-instance-name", "nb", "sagemaker", "wait", "notebook-instance-in-service", "--notebook-instance-name", "nb"}},
		{"values that start with a dash", CreateRoleOp(CreateRoleInput{Name: "-x", Path: "/", Description: "-- not an option", TrustPolicy: "{}"}), CLIOptions{Profile: "-p"},
			[]string{"iam", "create-role", "--role-name=-x", "--description=-- not an option", "--assume-role-policy-document", "{}", "--profile=-p"}},
		{"a description the CLI would read as a file", CreateRoleOp(CreateRoleInput{Name: "r", Description: "file:///etc/hostname", TrustPolicy: "{}"}), CLIOptions{},
			[]string{"iam", "create-role", "--role-name", "r", "--assume-role-policy-document", "{}", "--cli-input-json", `{"Description":"file:///etc/hostname"}`}},
		{"a description the CLI v1 would fetch", CreateRoleOp(CreateRoleInput{Name: "r", Description: "https://example.com/x", TrustPolicy: "{}"}), CLIOptions{},
			[]string{"iam", "create-role", "--role-name", "r", "--assume-role-policy-document", "{}", "--cli-input-json", `{"Description":"https://example.com/x"}`}},
		{"not a paramfile: the prefix is not at the start, or in another case", CreateRoleOp(CreateRoleInput{Name: "r", Description: "see file://x", Tags: []Tag{{Key: "FILE://k", Value: "v"}}, TrustPolicy: "{}"}), CLIOptions{},
			[]string{"iam", "create-role", "--role-name", "r", "--description", "see file://x", "--assume-role-policy-document", "{}", "--tags", `[{"Key":"FILE://k","Value":"v"}]`}},
		{"one tag key the CLI would read as a file", UntagRoleOp("r", []string{"fileb://k"}), CLIOptions{},
			[]string{"iam", "untag-role", "--role-name", "r", "--cli-input-json", `{"TagKeys":["fileb://k"]}`}},
		{"two such tag keys are taken literally", UntagRoleOp("r", []string{"file://a", "file://b"}), CLIOptions{},
			[]string{"iam", "untag-role", "--role-name", "r", "--tag-keys", "file://a", "file://b"}},
		{"tag keys with a dash", UntagRoleOp("-r", []string{"a", "-b"}), CLIOptions{},
			[]string{"iam", "untag-role", "--role-name=-r", "--cli-input-json", `{"TagKeys":["a","-b"]}`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cli := tt.op.CLI(tt.opts)
			if !strings.HasPrefix(cli, "aws ") {
				t.Fatalf("CLI %q does not start with aws", cli)
			}
			if got := bashArgs(t, cli); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("bash parsed\n%q\nwant\n%q\nfrom %s", got, tt.want, cli)
			}
		})
	}
}

func TestInverse(t *testing.T) {
	tags := func(tt ...Tag) string { return tagsState(tt) }
	arnA, arnB := "arn:aws:iam::111122223333:role/A", "arn:aws:iam::111122223333:role/B"
	tests := []struct {
		name       string
		op         Op
		before     State
		want       []Op
		wantReason bool
		wantNote   bool
	}{
		{"create role deletes it", CreateRoleOp(CreateRoleInput{Name: "r", TrustPolicy: "{}"}), State{StExists: "false"},
			[]Op{DeleteRoleOp("r")}, false, false},
		{"create existing role has no undo", CreateRoleOp(CreateRoleInput{Name: "r"}), State{StExists: "true"}, nil, true, false},
		{"delete role recreates it with path and tags", DeleteRoleOp("r"),
			State{StExists: "true", StPath: "/p/", StDescription: "d", StTrustPolicy: "{}", StTags: tags(Tag{"k", "v"})},
			[]Op{CreateRoleOp(CreateRoleInput{Name: "r", Path: "/p/", Description: "d", TrustPolicy: "{}", Tags: []Tag{{"k", "v"}}})}, false, false},
		{"trust policy restored", UpdateTrustPolicyOp("r", "new"), State{StExists: "true", StTrustPolicy: "old"},
			[]Op{UpdateTrustPolicyOp("r", "old")}, false, false},
		{"attach detaches", AttachRolePolicyOp("r", "p"), State{StAttached: "false"}, []Op{DetachRolePolicyOp("r", "p")}, false, false},
		{"attach of attached changes nothing", AttachRolePolicyOp("r", "p"), State{StAttached: "true"}, nil, false, false},
		{"detach attaches", DetachRolePolicyOp("r", "p"), State{StAttached: "true"}, []Op{AttachRolePolicyOp("r", "p")}, false, false},
		{"put new inline deletes it", PutRolePolicyOp("r", "n", "new"), State{StExists: "false"}, []Op{DeleteRolePolicyOp("r", "n")}, false, false},
		{"put over inline restores old bytes", PutRolePolicyOp("r", "n", "new"), State{StExists: "true", StDocument: "old \n bytes"},
			[]Op{PutRolePolicyOp("r", "n", "old \n bytes")}, false, false},
		{"delete inline puts it back", DeleteRolePolicyOp("r", "n"), State{StExists: "true", StDocument: "old"}, []Op{PutRolePolicyOp("r", "n", "old")}, false, false},
		{"tag restores changed values and removes new keys", TagRoleOp("r", []Tag{{"a", "2"}, {"b", "1"}, {"c", "same"}}),
			State{StTags: tags(Tag{"a", "1"}, Tag{"c", "same"})},
			[]Op{TagRoleOp("r", []Tag{{"a", "1"}}), UntagRoleOp("r", []string{"b"})}, false, false},
		{"untag puts back what existed", UntagRoleOp("r", []string{"a", "zz"}), State{StTags: tags(Tag{"a", "1"})},
			[]Op{TagRoleOp("r", []Tag{{"a", "1"}})}, false, false},
		{"tag of a key in other case restores the tag it overwrote", TagRoleOp("r", []Tag{{"team", "x"}}),
			State{StTags: tags(Tag{"Team", "ml"})}, []Op{TagRoleOp("r", []Tag{{"Team", "ml"}})}, false, false},
		{"untag of a key in other case puts back the tag it removed", UntagRoleOp("r", []string{"team"}),
			State{StTags: tags(Tag{"Team", "ml"})}, []Op{TagRoleOp("r", []Tag{{"Team", "ml"}})}, false, false},
		{"create bucket deletes it", CreateBucketOp("b", "eu-west-1"), State{StExists: "false"}, []Op{DeleteBucketOp("b")}, false, false},
		{"domain user default restored", UpdateDomainRolesOp("d", DomainRoles{DefaultUserRole: &arnB}),
			State{StDefaultUserRole: arnA, StDefaultSpaceRole: arnA}, []Op{UpdateDomainRolesOp("d", DomainRoles{DefaultUserRole: &arnA})}, false, false},
		{"domain with no space default cannot be reset", UpdateDomainRolesOp("d", DomainRoles{DefaultSpaceRole: &arnB}),
			State{StDefaultUserRole: arnA, StDefaultSpaceRole: ""}, nil, true, false},
		{"own user role restored", UpdateUserProfileRoleOp("d", "u", arnB), State{StExecutionRole: arnA},
			[]Op{UpdateUserProfileRoleOp("d", "u", arnA)}, false, false},
		{"inherited user role set explicitly, and said", UpdateUserProfileRoleOp("d", "u", arnB), State{StExecutionRole: "", StInheritedRole: arnA},
			[]Op{UpdateUserProfileRoleOp("d", "u", arnA)}, false, true},
		{"notebook role restored", UpdateNotebookInstanceRoleOp("nb", arnB), State{StRoleARN: arnA, StStatus: StatusStopped},
			[]Op{UpdateNotebookInstanceRoleOp("nb", arnA)}, false, false},
		{"stop of running starts it", StopNotebookInstanceOp("nb"), State{StStatus: StatusInService}, []Op{StartNotebookInstanceOp("nb")}, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, reason := Inverse(tt.op, tt.before)
			if (reason != "") != tt.wantReason {
				t.Errorf("reason = %q, want reason: %v", reason, tt.wantReason)
			}
			hasNote := len(got) > 0 && got[0].Note != ""
			if hasNote != tt.wantNote {
				t.Errorf("note present = %v, want %v", hasNote, tt.wantNote)
			}
			for i := range got {
				got[i].Note = ""
			}
			if !reflect.DeepEqual(got, tt.want) {
				g, _ := json.Marshal(got)
				w, _ := json.Marshal(tt.want)
				t.Errorf("inverse =\n%s\nwant\n%s", g, w)
			}
		})
	}
}

func TestShellQuote(t *testing.T) {
	for _, s := range []string{"", "plain", "a b", "it's", `"q"`, "$(rm -rf /)", "tab\there", "new\nline", "ünï"} {
		out, err := exec.Command("bash", "-c", "printf %s "+ShellQuote(s)).Output()
		if err != nil {
			t.Fatalf("bash: %v", err)
		}
		if string(out) != s {
			t.Errorf("ShellQuote(%q) came back as %q", s, out)
		}
	}
}
