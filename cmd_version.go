package main

import (
	"fmt"
	"regexp"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"

	"github.com/sagerole/sagerole/awsops"
)

// Set by the release build (-ldflags "-X main.version=...").
var (
	version = "dev"
	commit  = "none"
	date    = "unknown"
)

// versionInfo is what `sagerole version` and `--version` say.
type versionInfo struct {
	Version string `json:"version"`
	Commit  string `json:"commit"`
	Date    string `json:"date"`
}

func (v versionInfo) String() string {
	return fmt.Sprintf("sagerole %s (commit %s, built %s)", v.Version, shortCommit(v.Commit), v.Date)
}

// pseudoVersion is a Go pseudo-version: v0.0.0-20261124013746-a1b2c3d4e5f6,
// with the commit's time and hash.
var pseudoVersion = regexp.MustCompile(`-(?:0\.)?(\d{14})-([0-9a-f]{12})(?:\+incompatible)?(?:\+dirty)?$`)

// buildVersion is the version the release build stamped in; without one
// (go install, go build), what the Go toolchain recorded: the module's
// version (go install …@v1.2.3, or a pseudo-version carrying the commit)
// and the VCS revision and time of a build from a checkout.
func buildVersion() versionInfo {
	return versionFrom(version, commit, date, debug.ReadBuildInfo)
}

func versionFrom(v, c, d string, read func() (*debug.BuildInfo, bool)) versionInfo {
	info := versionInfo{Version: v, Commit: c, Date: d}
	if v != "dev" {
		return info
	}
	bi, ok := read()
	if !ok {
		return info
	}
	if mv := bi.Main.Version; mv != "" && mv != "(devel)" {
		info.Version = strings.TrimPrefix(mv, "v")
		if m := pseudoVersion.FindStringSubmatch(mv); m != nil {
			t := m[1]
			info.Commit = m[2]
			info.Date = fmt.Sprintf("%s-%s-%sT%s:%s:%sZ", t[0:4], t[4:6], t[6:8], t[8:10], t[10:12], t[12:14])
		}
	}
	modified := false
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			info.Commit = s.Value
		case "vcs.time":
			info.Date = s.Value
		case "vcs.modified":
			modified = s.Value == "true"
		}
	}
	if modified {
		info.Commit += "-dirty"
	}
	return info
}

func shortCommit(c string) string {
	c = strings.TrimSpace(c)
	dirty := strings.HasSuffix(c, "-dirty")
	c = strings.TrimSuffix(c, "-dirty")
	if len(c) > 12 {
		c = c[:12]
	}
	if dirty {
		c += "-dirty"
	}
	return c
}

func (a *app) versionCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:     "version",
		Short:   "Print the version",
		Long:    "Print sagerole's version, the commit it was built from and when (also --version).",
		Example: "  sagerole version\n  sagerole --output json version",
		GroupID: groupOther,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			info := buildVersion()
			if a.g.output == "json" {
				return awsops.WriteJSON(a.stdout, info)
			}
			_, err := fmt.Fprintln(a.stdout, info.String())
			return err
		},
	}
	usesGlobals(cmd, globalsOutput)
	return cmd
}
