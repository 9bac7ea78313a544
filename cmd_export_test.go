package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/sagerole/sagerole/flows/export"
	"github.com/sagerole/sagerole/flows/export/exporttest"
)

// counting is an endpoint that counts every request it gets and answers
// none usefully: a command that must make no AWS call must leave it at 0.
func counting(t *testing.T) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		n.Add(1)
		http.Error(w, "no", http.StatusInternalServerError)
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

// TestCreateRoleExportMakesNoCall: create-role --dry-run --export writes
// the plan as code with no request at all to the endpoint, and the code
// declares the role the plan would create.
func TestCreateRoleExportMakesNoCall(t *testing.T) {
	isolate(t)
	srv, calls := counting(t)
	env := exporttest.Env{Partition: "aws", Account: "444455556666", Region: "eu-west-1"}
	for _, format := range []string{"cloudformation", "terraform"} {
		code, out, errOut := runCLI(t, "--endpoint-url", srv.URL, "--dry-run", "create-role", "planned", "--persona", "compute",
			"--bucket", "bucket-one", "--tag", "team=ml", "--export", format)
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", format, code, errOut)
		}
		var got exporttest.Role
		var err error
		if format == "terraform" {
			got, err = exporttest.ReadTerraform(out, env)
		} else {
			got, err = exporttest.ReadCloudFormation(out, env)
		}
		if err != nil {
			t.Fatalf("%s: standard output is not the code alone: %v\n%s", format, err, out)
		}
		if got.Name != "planned" || got.Tags["team"] != "ml" || len(got.Inline) != 2 {
			t.Errorf("%s: the code declares %+v", format, got)
		}
		if !strings.Contains(got.Inline["sagerole-buckets"], "arn:aws:s3:::bucket-one/*") {
			t.Errorf("%s: the bucket policy is not the plan's:\n%s", format, got.Inline["sagerole-buckets"])
		}
		if !strings.Contains(errOut, "without any AWS call") {
			t.Errorf("%s: standard error does not say no call was made:\n%s", format, errOut)
		}
	}
	if n := calls.Load(); n != 0 {
		t.Errorf("create-role --dry-run --export sent %d requests", n)
	}
}

func TestExportBadInput(t *testing.T) {
	isolate(t)
	srv, calls := counting(t)
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"create-role", "r", "--export", "terraform"}, "add --dry-run"},
		{[]string{"--dry-run", "create-role", "r", "--export", "pulumi"}, `--format must be cloudformation or terraform, not "pulumi"`},
		{[]string{"--dry-run", "create-role", "r", "--export", ""}, "--export is empty"},
		{[]string{"export"}, "needs a ROLE"},
		{[]string{"export", "a", "b"}, "one ROLE"},
		{[]string{"export", "r", "--domain", "d-x"}, "not both"},
		{[]string{"export", "r", "--format", "tf"}, `not "tf"`},
		{[]string{"export", "r", "--format", ""}, "--format is empty"},
		{[]string{"export", "r", "--format", "terraform", "--json"}, "--json applies to --format cloudformation"},
		{[]string{"export", "r", "--format", "terraform", "--stackset"}, "--stackset applies to --format cloudformation"},
		{[]string{"export", "r", "--ou", "ou-ab12-cdef3456"}, "add --stackset"},
		{[]string{"export", "r", "--stackset", "--ou", "123456789012"}, "not an organizational unit ID"},
		{[]string{"export", "--domain", "d-x", "--stackset"}, "fragment"},
	}
	for _, c := range cases {
		code, _, errOut := runCLI(t, append([]string{"--endpoint-url", srv.URL}, c.args...)...)
		if code != exitBadUsage || !strings.Contains(errOut, c.want) || strings.Count(strings.TrimSpace(errOut), "\n") > 0 {
			t.Errorf("%v: exit %d, %q; want exit 2 with one line saying %q", c.args, code, errOut, c.want)
		}
	}
	if n := calls.Load(); n != 0 {
		t.Errorf("bad input sent %d requests", n)
	}
}

// TestExportOutput: text puts the code alone on standard output and what
// to do with it on standard error; --output json is the documented shape.
func TestExportOutput(t *testing.T) {
	isolate(t)
	const role = "AmazonSageMaker-ExecutionRole-Research"
	code, out, errOut := runCLI(t, "--sandbox", "export", role)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if _, err := exporttest.ReadCloudFormation(out, exporttest.Env{Partition: "aws", Account: "111122223333", Region: "us-east-1"}); err != nil {
		t.Errorf("standard output is not the template alone: %v", err)
	}
	if strings.Contains(out, "create-change-set") || !strings.Contains(errOut, "aws cloudformation create-change-set --stack-name sagerole-"+role) {
		t.Errorf("the import lines are not on standard error alone:\n%s", errOut)
	}

	for _, c := range []struct {
		args []string
		keys []string
		kind string
	}{
		{[]string{"export", role, "--format", "terraform"}, []string{"format", "syntax", "kind", "fragment", "role", "file", "code", "commands", "notes", "warnings"}, export.KindRole},
		{[]string{"export", role, "--stackset"}, []string{"format", "syntax", "kind", "fragment", "role", "file", "code", "commands", "notes", "warnings"}, export.KindStackSet},
		{[]string{"export", "--domain", "d-research1"}, []string{"format", "syntax", "kind", "fragment", "domainId", "file", "code", "commands", "notes", "warnings"}, export.KindDomain},
		{[]string{"--dry-run", "create-role", "x", "--export", "terraform"}, []string{"format", "syntax", "kind", "fragment", "file", "code", "commands", "notes", "warnings"}, export.KindPlan},
	} {
		code, out, errOut := runCLI(t, append([]string{"--sandbox", "--output", "json"}, c.args...)...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", c.args, code, errOut)
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(out), &m); err != nil {
			t.Fatalf("%v: %v", c.args, err)
		}
		var keys []string
		for k := range m {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		want := slices.Sorted(slices.Values(c.keys))
		if !slices.Equal(keys, want) || m["kind"] != c.kind {
			t.Errorf("%v: keys %v kind %v; want %v kind %s", c.args, keys, m["kind"], want, c.kind)
		}
	}
}
