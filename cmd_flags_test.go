package main

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// Every flag of every command that takes a value refuses an empty one:
// exit 2, one sentence naming the flag, nothing sent. The commands and
// flags come from the command tree itself, so a flag added later is in the
// table without a line more. AWS is a loopback server that counts what
// reaches it: a flag that fell back to "not given" and went on to call AWS
// (as --sandbox-state "" once did) would be counted.
func TestEmptyFlagValues(t *testing.T) {
	isolate(t)
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		http.Error(w, "no", http.StatusForbidden)
	}))
	t.Cleanup(srv.Close)
	t.Setenv("AWS_ENDPOINT_URL", srv.URL)
	t.Setenv("AWS_ACCESS_KEY_ID", "testing")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "testing")
	t.Setenv("AWS_REGION", "us-east-1")

	type flagCase struct {
		path []string // the command, after "sagerole"
		flag string
		typ  string
	}
	var cases []flagCase
	root := (&app{}).rootCommand()
	var walk func(c *cobra.Command, path []string)
	walk = func(c *cobra.Command, path []string) {
		seen := map[string]bool{}
		visit := func(f *pflag.Flag) {
			if seen[f.Name] || !takesValue(f) {
				return
			}
			seen[f.Name] = true
			cases = append(cases, flagCase{path: path, flag: f.Name, typ: f.Value.Type()})
		}
		c.LocalFlags().VisitAll(visit)
		c.InheritedFlags().VisitAll(visit)
		for _, sub := range c.Commands() {
			walk(sub, append(append([]string(nil), path...), sub.Name()))
		}
	}
	walk(root, nil)
	t.Logf("%d flags that take a value, over every command", len(cases))
	if len(cases) < 40 {
		t.Fatalf("only %d flags found in the command tree", len(cases))
	}
	for _, needed := range []string{"sandbox-state", "guardrail", "attach", "delete-inline", "domain", "call-timeout"} {
		found := false
		for _, c := range cases {
			found = found || c.flag == needed
		}
		if !found {
			t.Errorf("no command has --%s", needed)
		}
	}

	for _, c := range cases {
		for _, form := range [][]string{{"--" + c.flag + "="}, {"--" + c.flag, ""}, {"--" + c.flag, "  "}} {
			args := append(append([]string(nil), c.path...), form...)
			name := strings.Join(append([]string{"sagerole"}, args...), " ")
			t.Run(name, func(t *testing.T) {
				code, out, errOut := runCLI(t, args...)
				if code != exitBadUsage {
					t.Fatalf("exit %d, want %d; stdout %q, stderr %q", code, exitBadUsage, out, errOut)
				}
				line := strings.TrimSuffix(errOut, "\n")
				if strings.Contains(line, "\n") || !strings.Contains(line, "--"+c.flag+" ") {
					t.Errorf("want one sentence naming --%s, got %q", c.flag, errOut)
				}
			})
		}
		// A list flag refuses an empty item too.
		if strings.HasSuffix(c.typ, "Slice") {
			args := append(append([]string(nil), c.path...), "--"+c.flag, "a,,b")
			t.Run(strings.Join(args, " "), func(t *testing.T) {
				code, _, errOut := runCLI(t, args...)
				if code != exitBadUsage || !strings.Contains(errOut, "--"+c.flag+` "a,,b" has an empty item`) {
					t.Errorf("exit %d, stderr %q", code, errOut)
				}
			})
		}
	}
	if n := calls.Load(); n != 0 {
		t.Errorf("%d requests reached AWS", n)
	}
}
