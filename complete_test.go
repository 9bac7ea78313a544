package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/sagerole/sagerole/awsops/sandbox"
	"github.com/sagerole/sagerole/flows/policy"
)

// complete runs cobra's hidden __complete command, as the shell scripts
// do, and returns the values offered (descriptions cut) and the directive.
func complete(t *testing.T, args ...string) ([]string, string) {
	t.Helper()
	code, out, errOut := runCLI(t, append([]string{"__complete"}, args...)...)
	if code != exitOK {
		t.Fatalf("__complete %v: exit %d\n%s", args, code, errOut)
	}
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	directive := lines[len(lines)-1]
	var values []string
	for _, l := range lines[:len(lines)-1] {
		v, _, _ := strings.Cut(l, "\t")
		values = append(values, v)
	}
	return values, directive
}

func choiceNames(cs []policy.Choice) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Name)
	}
	return out
}

// Every value completion, through cobra's __complete: fixed values, the
// catalogues, the shared config's profiles, and names read from the
// (sandbox) account.
func TestCompletions(t *testing.T) {
	dir := isolate(t)
	t.Setenv("XDG_CACHE_HOME", filepath.Join(dir, "cache"))
	if err := os.WriteFile(os.Getenv("AWS_CONFIG_FILE"), []byte("[default]\nregion = us-east-1\n[profile dev]\nregion = eu-west-1\n[sso-session corp]\nsso_region = us-east-1\n[services local]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(os.Getenv("AWS_SHARED_CREDENTIALS_FILE"), []byte("[ci]\naws_access_key_id = x\n[dev]\naws_access_key_id = y\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	state := filepath.Join(dir, "acct.json")
	if code, _, errOut := runCLI(t, "--sandbox-state", state, "--yes", "create-role", "completed-role"); code != exitOK {
		t.Fatal(errOut)
	}
	_, out, _ := runCLI(t, "--sandbox-state", state, "--output", "json", "journal")
	entry := between(out, `"id": "`, `"`)

	cases := []struct {
		name string
		args []string
		want []string
	}{
		{"--output", []string{"--output", ""}, []string{"text", "json"}},
		{"--output on a command", []string{"find", "--output", "j"}, []string{"json"}},
		{"--profile from the shared files", []string{"--profile", ""}, []string{"default", "dev", "ci"}},
		{"--scope", []string{"create-role", "x", "--scope", ""}, []string{"full", "custom"}},
		{"--persona", []string{"create-role", "x", "--persona", ""}, choiceNames(policy.Personas())},
		{"--activity", []string{"create-role", "x", "--activity", ""}, choiceNames(policy.Activities())},
		{"--activity after a comma", []string{"create-role", "x", "--activity", "training,pro"}, []string{"training,processing"}},
		{"--guardrail", []string{"create-role", "x", "--guardrail", "n"}, []string{"network-isolation", "notebook-no-root", "notebook-no-internet"}},
		{"--export", []string{"--dry-run", "create-role", "x", "--export", ""}, []string{"cloudformation", "terraform"}},
		{"modify --add-guardrail", []string{"modify", "r", "--add-guardrail", "vpc"}, []string{"vpc-only"}},
		{"policy KIND", []string{"policy", ""}, []string{"lint", "trust", "full", "activity", "guardrail", "persona", "scope", "s3"}},
		{"policy activity NAME", []string{"policy", "activity", ""}, choiceNames(policy.Activities())},
		{"policy persona NAME", []string{"policy", "persona", "m"}, []string{"mlops"}},
		{"policy lint --kind", []string{"policy", "lint", "f.json", "--kind", ""}, []string{"auto", "identity", "trust"}},
		{"export --format", []string{"export", "r", "--format", ""}, []string{"cloudformation", "terraform"}},
		{"help topics", []string{"help", "e"}, []string{"environment", "exit-codes", "export"}},
		// From the account.
		{"role names", []string{"--sandbox-state", state, "modify", "Amazon"}, []string{"AmazonSageMaker-ExecutionRole-20240918T143027", "AmazonSageMaker-ExecutionRole-Notebooks", "AmazonSageMaker-ExecutionRole-Research"}},
		{"a new role", []string{"--sandbox-state", state, "change", "--role", "comp"}, []string{"completed-role"}},
		{"find --role", []string{"--sandbox", "find", "--role", "Data"}, []string{"DataScientistRestricted"}},
		{"domain IDs", []string{"--sandbox", "find", "--domain", ""}, []string{"d-mlplatform", "d-research1"}},
		{"users of a domain", []string{"--sandbox", "change", "--domain", "d-research1", "--user", ""}, []string{"alice", "bob", "carol"}},
		{"spaces of a domain", []string{"--sandbox", "find", "--domain", "d-research1", "--space", ""}, seedSpaces(t, "d-research1")},
		{"notebook instances", []string{"--sandbox", "change", "--notebook", ""}, []string{"churn-prediction", "legacy-xgboost-training"}},
		{"buckets", []string{"--sandbox", "add-buckets", "ds-role", "team"}, []string{"team-raw-data"}},
		{"journal entries", []string{"--sandbox-state", state, "undo", ""}, []string{entry}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, directive := complete(t, c.args...)
			if !slices.Equal(got, c.want) {
				t.Errorf("__complete %q = %q, want %q", c.args, got, c.want)
			}
			if directive == ":0" {
				t.Errorf("__complete %q offers file names too (directive %s)", c.args, directive)
			}
		})
	}
	// A tab never creates the sandbox state file it completes from.
	missing := filepath.Join(dir, "not-yet.json")
	if got, _ := complete(t, "--sandbox-state", missing, "find", "--domain", "d-r"); !slices.Equal(got, []string{"d-research1"}) {
		t.Errorf("names from a state file not yet written = %q", got)
	}
	if _, err := os.Stat(missing); err == nil {
		t.Errorf("a completion wrote %s", missing)
	}
}

// Names read from AWS are kept for a minute per account: pressing tab
// again makes no call, another region (another account view) does, and an
// endpoint that fails offers nothing, quietly.
func TestCompletionCache(t *testing.T) {
	dir := isolate(t)
	t.Setenv("XDG_CACHE_HOME", filepath.Join(dir, "cache"))
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "secretexample")
	var calls atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		if r.Form.Get("Action") != "ListRoles" {
			http.Error(w, "unexpected "+r.Form.Get("Action"), http.StatusBadRequest)
			return
		}
		calls.Add(1)
		w.Header().Set("Content-Type", "text/xml")
		fmt.Fprint(w, `<ListRolesResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><ListRolesResult><IsTruncated>false</IsTruncated><Roles>
<member><Path>/service-role/</Path><RoleName>cached-role</RoleName><RoleId>AROAEXAMPLE00000001</RoleId><Arn>arn:aws:iam::123456789012:role/service-role/cached-role</Arn><CreateDate>2026-01-01T00:00:00Z</CreateDate><AssumeRolePolicyDocument>%7B%7D</AssumeRolePolicyDocument></member>
</Roles></ListRolesResult></ListRolesResponse>`)
	}))
	t.Cleanup(srv.Close)
	args := []string{"--endpoint-url", srv.URL, "--region", "us-east-1", "modify", "c"}
	for i := range 2 {
		if got, _ := complete(t, args...); !slices.Equal(got, []string{"cached-role"}) {
			t.Fatalf("tab %d: %q", i+1, got)
		}
	}
	if n := calls.Load(); n != 1 {
		t.Errorf("two tabs made %d ListRoles calls, want 1", n)
	}
	if got, _ := complete(t, "--endpoint-url", srv.URL, "--region", "eu-west-1", "modify", "c"); !slices.Equal(got, []string{"cached-role"}) || calls.Load() != 2 {
		t.Errorf("another region: %q after %d calls, want a call of its own", got, calls.Load())
	}
	files, _ := filepath.Glob(filepath.Join(dir, "cache", "sagerole", "completions", "*.json"))
	for _, f := range files {
		if st, err := os.Stat(f); err != nil || st.Mode().Perm() != 0o600 {
			t.Errorf("cache file %s: %v, mode %v", f, err, st.Mode())
		}
	}
	down := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, "<html>nope</html>", http.StatusForbidden)
	}))
	t.Cleanup(down.Close)
	code, out, errOut := runCLI(t, "__complete", "--endpoint-url", down.URL, "--region", "us-east-1", "modify", "")
	if code != exitOK || strings.TrimSpace(out) != ":4" || strings.Contains(errOut, "sagerole:") {
		t.Errorf("a failing endpoint: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
}

// seedSpaces are the names of the sandbox seed's spaces in domain.
func seedSpaces(t *testing.T, domain string) []string {
	t.Helper()
	acct, err := sandbox.New(sandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	spaces, err := acct.ListSpaces(t.Context(), domain)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, s := range spaces {
		out = append(out, s.Name)
	}
	return out
}

// between is the text of s after the first from, up to the next to.
func between(s, from, to string) string {
	_, rest, _ := strings.Cut(s, from)
	v, _, _ := strings.Cut(rest, to)
	return v
}
