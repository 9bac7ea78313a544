package main

import (
	"bytes"
	"context"
	"encoding/json"
	"runtime/debug"
	"strings"
	"testing"
)

// Environment defaults of the global flags: sagerole's own variable, then
// the AWS CLI's; the flag always wins; an empty SAGEROLE_ variable, or a
// value the flag would refuse, is exit 2.
func TestEnvironmentDefaults(t *testing.T) {
	for _, c := range []struct {
		name string
		env  map[string]string
		args []string
		json bool
		code int
		says string
	}{
		{"SAGEROLE_OUTPUT=json", map[string]string{"SAGEROLE_OUTPUT": "json"}, nil, true, exitOK, ""},
		{"AWS_DEFAULT_OUTPUT=json", map[string]string{"AWS_DEFAULT_OUTPUT": "json"}, nil, true, exitOK, ""},
		{"AWS_DEFAULT_OUTPUT=table is text", map[string]string{"AWS_DEFAULT_OUTPUT": "table"}, nil, false, exitOK, ""},
		{"AWS_DEFAULT_OUTPUT=yaml is text", map[string]string{"AWS_DEFAULT_OUTPUT": "yaml"}, nil, false, exitOK, ""},
		{"sagerole's own wins over the AWS CLI's", map[string]string{"SAGEROLE_OUTPUT": "text", "AWS_DEFAULT_OUTPUT": "json"}, nil, false, exitOK, ""},
		{"the flag wins", map[string]string{"SAGEROLE_OUTPUT": "json"}, []string{"--output", "text"}, false, exitOK, ""},
		{"SAGEROLE_OUTPUT empty", map[string]string{"SAGEROLE_OUTPUT": ""}, nil, false, exitBadUsage, "SAGEROLE_OUTPUT is set but empty"},
		{"SAGEROLE_OUTPUT=yaml", map[string]string{"SAGEROLE_OUTPUT": "yaml"}, nil, false, exitBadUsage, `SAGEROLE_OUTPUT="yaml" must be text or json`},
		{"AWS_DEFAULT_OUTPUT=xml", map[string]string{"AWS_DEFAULT_OUTPUT": "xml"}, nil, false, exitBadUsage, "is not an output format of the AWS CLI"},
		{"AWS_DEFAULT_OUTPUT empty is unset", map[string]string{"AWS_DEFAULT_OUTPUT": ""}, nil, false, exitOK, ""},
		{"SAGEROLE_DEBUG=yes", map[string]string{"SAGEROLE_DEBUG": "maybe"}, nil, false, exitBadUsage, `SAGEROLE_DEBUG="maybe" must be 1, true, 0 or false`},
		{"SAGEROLE_DEBUG=0", map[string]string{"SAGEROLE_DEBUG": "0"}, nil, false, exitOK, ""},
		{"SAGEROLE_DEBUG=1 on the sandbox", map[string]string{"SAGEROLE_DEBUG": "1"}, nil, false, exitOK, "sagerole debug: the sandbox answers every call in this process: none reaches AWS"},
	} {
		t.Run(c.name, func(t *testing.T) {
			isolate(t)
			for k, v := range c.env {
				t.Setenv(k, v)
			}
			code, out, errOut := runCLI(t, append(append([]string{"--sandbox"}, c.args...), "find", "--whoami")...)
			if code != c.code || !strings.Contains(errOut, c.says) {
				t.Fatalf("exit %d, stderr %q; want %d and %q", code, errOut, c.code, c.says)
			}
			if code != exitOK {
				return
			}
			if got := json.Valid([]byte(out)); got != c.json {
				t.Errorf("JSON output %v, want %v:\n%s", got, c.json, out)
			}
		})
	}
}

// ACCESSIBLE=1 is --accessible, as huh reads it: the wizard asks line by
// line, with no terminal needed.
func TestAccessibleFromTheEnvironment(t *testing.T) {
	isolate(t)
	t.Setenv("TERM", "xterm-256color")
	t.Setenv("ACCESSIBLE", "1")
	var out, errb bytes.Buffer
	code := run(context.Background(), []string{"--sandbox"}, strings.NewReader(""), &out, &errb)
	if code != exitOK || !strings.Contains(out.String(), "What do you want to do?") {
		t.Errorf("ACCESSIBLE=1: exit %d\nstdout:\n%s\nstderr:\n%s", code, out.String(), errb.String())
	}
	t.Setenv("ACCESSIBLE", "")
	if code, _, errOut := runCLI(t, "--sandbox"); code != exitBadUsage || !strings.Contains(errOut, "needs a terminal") {
		t.Errorf("ACCESSIBLE empty: exit %d %s", code, errOut)
	}
}

// The version is the release build's stamp; without one, what the Go
// toolchain recorded: the module version of go install …@vX, the commit
// and time in a pseudo-version, or the VCS revision of a checkout.
func TestVersionFromBuildInfo(t *testing.T) {
	info := func(main string, settings ...debug.BuildSetting) func() (*debug.BuildInfo, bool) {
		return func() (*debug.BuildInfo, bool) {
			return &debug.BuildInfo{Main: debug.Module{Version: main}, Settings: settings}, true
		}
	}
	for _, c := range []struct {
		name            string
		v, commit, date string
		read            func() (*debug.BuildInfo, bool)
		want            versionInfo
	}{
		{"the release stamp wins", "1.4.0", "abc123", "2026-12-01T00:00:00Z", info("v9.9.9"), versionInfo{"1.4.0", "abc123", "2026-12-01T00:00:00Z"}},
		{"go install @v1.2.3", "dev", "none", "unknown", info("v1.2.3"), versionInfo{"1.2.3", "none", "unknown"}},
		{"go install @commit", "dev", "none", "unknown", info("v0.0.0-20261124013746-a1b2c3d4e5f6"),
			versionInfo{"0.0.0-20261124013746-a1b2c3d4e5f6", "a1b2c3d4e5f6", "2026-11-24T01:37:46Z"}},
		{"a checkout", "dev", "none", "unknown", info("(devel)",
			debug.BuildSetting{Key: "vcs.revision", Value: "0123456789abcdef0123"},
			debug.BuildSetting{Key: "vcs.time", Value: "2026-11-30T10:00:00Z"},
			debug.BuildSetting{Key: "vcs.modified", Value: "true"}),
			versionInfo{"dev", "0123456789abcdef0123-dirty", "2026-11-30T10:00:00Z"}},
		{"no build info", "dev", "none", "unknown", func() (*debug.BuildInfo, bool) { return nil, false }, versionInfo{"dev", "none", "unknown"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := versionFrom(c.v, c.commit, c.date, c.read); got != c.want {
				t.Errorf("versionFrom = %+v, want %+v", got, c.want)
			}
		})
	}
	if got := (versionInfo{"0.3.0", "0123456789abcdef0123-dirty", "d"}).String(); got != "sagerole 0.3.0 (commit 0123456789ab-dirty, built d)" {
		t.Errorf("String = %q", got)
	}
	isolate(t)
	_, v1, _ := runCLI(t, "--version")
	_, v2, _ := runCLI(t, "version")
	if v1 != v2 || !strings.HasPrefix(v1, "sagerole ") {
		t.Errorf("--version %q and version %q differ", v1, v2)
	}
}
