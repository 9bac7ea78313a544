package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/sagerole/sagerole/awsops"
)

// The demo mode on a real account: refused, exit 2, one sentence naming
// the variable, and no request leaves. Without the variable the same
// command does reach the endpoint, so the count could have been other
// than zero.
func TestDemoModeRefusedWithoutSandbox(t *testing.T) {
	isolate(t)
	var calls atomic.Int32
	aws := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.WriteHeader(http.StatusForbidden)
		_, _ = w.Write([]byte(`<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>no</Message></Error></ErrorResponse>`))
	}))
	t.Cleanup(aws.Close)
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "secret")
	t.Setenv("AWS_REGION", "us-east-1")
	args := []string{"--endpoint-url", aws.URL, "--yes", "create-role", "demo-role", "--bucket", "research-datasets"}

	t.Run("without the variable the command reaches AWS", func(t *testing.T) {
		calls.Store(0)
		code, _, _ := runCLI(t, args...)
		if code == 0 || calls.Load() == 0 {
			t.Fatalf("exit %d after %d calls: the endpoint should have been called and refused", code, calls.Load())
		}
	})
	for _, v := range []string{"1", "true"} {
		t.Run(demoEnv+"="+v, func(t *testing.T) {
			t.Setenv(demoEnv, v)
			calls.Store(0)
			for _, cmd := range [][]string{args, {"--endpoint-url", aws.URL, "find", "--whoami"}, {"--endpoint-url", aws.URL, "--dry-run", "--yes", "undo"}} {
				code, out, errOut := runCLI(t, cmd...)
				if code != 2 {
					t.Errorf("%v: exit %d, want 2\n%s%s", cmd, code, out, errOut)
				}
				if !strings.Contains(errOut, demoEnv+" is set") || !strings.Contains(errOut, "sandbox only") || strings.Count(strings.TrimSpace(errOut), "\n") > 0 {
					t.Errorf("%v: stderr is not one sentence naming %s and the rule:\n%s", cmd, demoEnv, errOut)
				}
			}
			if n := calls.Load(); n != 0 {
				t.Errorf("%d requests reached the endpoint with the demo mode refused", n)
			}
		})
	}
	t.Run("an empty or unknown value is bad input", func(t *testing.T) {
		for _, v := range []string{"", "yes please"} {
			t.Setenv(demoEnv, v)
			code, _, errOut := runCLI(t, "--sandbox", "find", "--whoami")
			if code != 2 || !strings.Contains(errOut, demoEnv) {
				t.Errorf("%s=%q: exit %d, stderr %q; want exit 2 naming the variable", demoEnv, v, code, errOut)
			}
		}
	})
}

// demoRun is what one sandbox run in the demo mode left: its journal and
// the account afterwards.
type demoRun struct {
	entries []*awsops.Entry
	account map[string]any
}

// runDemoScript runs the commands, in a fresh journal and state file, with
// the demo mode on or off.
func runDemoScript(t *testing.T, on bool, cmds ...[]string) demoRun {
	t.Helper()
	dir := isolate(t)
	if on {
		t.Setenv(demoEnv, "1")
	} else {
		os.Unsetenv(demoEnv)
	}
	state := filepath.Join(dir, "account.json")
	for _, c := range cmds {
		if code, out, errOut := runCLI(t, append([]string{"--sandbox-state", state}, c...)...); code != 0 {
			t.Fatalf("%v: exit %d\n%s%s", c, code, out, errOut)
		}
	}
	entries, _, err := (&awsops.Journal{Dir: filepath.Join(dir, "state", "sagerole")}).Scan()
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(state)
	if err != nil {
		t.Fatal(err)
	}
	var acct map[string]any
	if err := json.Unmarshal(b, &acct); err != nil {
		t.Fatal(err)
	}
	return demoRun{entries: entries, account: acct}
}

// stamps are the run's ids and times: each entry's id and time, its steps'
// start and end, and each role's creation date.
func (r demoRun) stamps(t *testing.T) []string {
	t.Helper()
	var s []string
	for _, e := range r.entries {
		s = append(s, e.ID, e.Time.String())
		for _, st := range e.Steps {
			s = append(s, st.Started.String(), st.Finished.String())
		}
	}
	roles, _ := r.account["roles"].([]any)
	for _, x := range roles {
		role, _ := x.(map[string]any)
		s = append(s, role["name"].(string)+" created "+role["createDate"].(string)+" id "+role["roleId"].(string))
	}
	if len(s) == 0 {
		t.Fatal("the run left no entry and no role")
	}
	return s
}

// In the demo mode two runs of the same commands on new accounts stamp
// the same ids and times; a second command goes on after the first.
// Without it the entry ids are random: the comparison can fail.
func TestDemoModeStampsTheSameEveryRun(t *testing.T) {
	script := [][]string{
		{"--yes", "create-role", "demo-role", "--bucket", "research-datasets"},
		{"--yes", "add-buckets", "demo-role", "ml-models-prod"},
		{"--yes", "undo"},
	}
	first := runDemoScript(t, true, script...)
	second := runDemoScript(t, true, script...)
	a, b := first.stamps(t), second.stamps(t)
	if strings.Join(a, "\n") != strings.Join(b, "\n") {
		t.Fatalf("two runs in the demo mode stamped differently:\n%s\n---\n%s", strings.Join(a, "\n"), strings.Join(b, "\n"))
	}
	if len(first.entries) != 3 {
		t.Fatalf("%d journal entries, want 3", len(first.entries))
	}
	ids := map[string]bool{}
	for _, e := range first.entries {
		if ids[e.ID] {
			t.Errorf("entry id %s twice", e.ID)
		}
		ids[e.ID] = true
		for _, st := range e.Steps {
			if st.Started.Before(e.Time) || st.Finished.Before(st.Started) {
				t.Errorf("entry %s: step %s ran %s–%s, before its entry's time or ending before it starts", e.ID, st.Op.API, st.Started, st.Finished)
			}
		}
	}
	// Scan lists newest first: each run starts after the one before.
	for i := 1; i < len(first.entries); i++ {
		if !first.entries[i-1].Time.After(first.entries[i].Time) {
			t.Errorf("entry %s (%s) does not come after %s (%s)", first.entries[i-1].ID, first.entries[i-1].Time,
				first.entries[i].ID, first.entries[i].Time)
		}
	}

	plain1 := runDemoScript(t, false, script[0])
	plain2 := runDemoScript(t, false, script[0])
	if plain1.entries[0].ID == plain2.entries[0].ID {
		t.Errorf("without the demo mode two runs got the same entry id %s", plain1.entries[0].ID)
	}
}
