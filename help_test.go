package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"go.yaml.in/yaml/v3"
)

func testRoot() *cobra.Command {
	a := &app{stdin: strings.NewReader(""), stdout: &bytes.Buffer{}, stderr: &bytes.Buffer{}}
	return a.rootCommand()
}

// Every command a person can run has examples, and every command of the
// root declares its group: a command added later without them fails here.
func TestEveryCommandHasExamplesAndAGroup(t *testing.T) {
	root := testRoot()
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		for _, sub := range c.Commands() {
			if !sub.IsAvailableCommand() {
				continue
			}
			if strings.TrimSpace(sub.Example) == "" {
				t.Errorf("%s has no Example", sub.CommandPath())
			}
			if !c.HasParent() && (sub.GroupID == "" || !c.ContainsGroup(sub.GroupID)) {
				t.Errorf("%s declares no help group (GroupID)", sub.CommandPath())
			}
			walk(sub)
		}
	}
	walk(root)
}

// section is the lines of a help section, up to the next blank line.
func section(help, title string) []string {
	_, rest, ok := strings.Cut(help, "\n"+title+"\n")
	if !ok {
		return nil
	}
	body, _, _ := strings.Cut(rest, "\n\n")
	return strings.Split(body, "\n")
}

func firstWords(lines []string) []string {
	var out []string
	for _, l := range lines {
		if f := strings.Fields(l); len(f) > 0 {
			out = append(out, f[0])
		}
	}
	return out
}

func flagNames(lines []string) []string {
	re := regexp.MustCompile(`--([a-z-]+)`)
	var out []string
	for _, l := range lines {
		if m := re.FindStringSubmatch(l); m != nil {
			out = append(out, m[1])
		}
	}
	return out
}

// Every global flag says what kind it is, so that each command's help
// shows it only where it matters: a global flag added later fails here
// until it is given a kind (globalKinds in main.go).
func TestEveryGlobalFlagHasAKind(t *testing.T) {
	testRoot().PersistentFlags().VisitAll(func(f *pflag.Flag) {
		if len(f.Annotations[annotationKind]) == 0 {
			t.Errorf("global flag --%s has no kind: add it to a globalKinds line in rootCommand", f.Name)
		}
	})
}

// The root's help groups the commands; a command's help groups its flags
// and shows only the global flags that do something there.
func TestHelpGroupsAndGlobals(t *testing.T) {
	isolate(t)
	_, help, _ := runCLI(t, "--help")
	for title, want := range map[string][]string{
		"Create and edit:":  {"add-buckets", "change", "create-role", "modify"},
		"Find:":             {"find", "why"},
		"Undo and journal:": {"journal", "undo"},
		"Other:":            {"completion", "export", "policy", "version"},
		"Help topics:":      {"environment", "exit-codes"},
	} {
		got := firstWords(section(help, title))
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("%s lists %v, want %v\n%s", title, got, want, help)
		}
	}

	_, help, _ = runCLI(t, "create-role", "--help")
	for title, want := range map[string][]string{
		"Scope flags:":      {"activity", "persona", "scope"},
		"S3 flags:":         {"bucket", "create-missing", "read-only"},
		"Options flags:":    {"athena-workgroup", "ecr-repo", "glue-database", "kms-key", "log-groups", "pass-role", "vpc"},
		"Guardrails flags:": {"guardrail", "instance-type", "security-group", "source-ip", "source-vpce", "subnet", "tag-key", "tag-value"},
	} {
		if got := flagNames(section(help, title)); !slices.Equal(got, want) {
			t.Errorf("create-role %s %v, want %v", title, got, want)
		}
	}

	for _, c := range []struct {
		args       []string
		has, lacks []string
	}{
		{[]string{"policy", "--help"}, []string{"output"}, []string{"dry-run", "yes", "profile", "sandbox", "accessible"}},
		{[]string{"policy", "lint", "--help"}, []string{"output"}, []string{"dry-run", "yes", "region"}},
		{[]string{"version", "--help"}, []string{"output"}, []string{"dry-run", "profile"}},
		{[]string{"find", "--help"}, []string{"profile", "region", "endpoint-url", "sandbox", "output", "debug"}, []string{"dry-run", "yes", "accessible", "no-color"}},
		{[]string{"create-role", "--help"}, []string{"profile", "dry-run", "yes", "output"}, []string{"accessible"}},
		{[]string{"undo", "--help"}, []string{"dry-run", "yes"}, []string{"accessible"}},
		{[]string{"completion", "bash", "--help"}, nil, []string{"profile", "dry-run", "output"}},
	} {
		code, help, errOut := runCLI(t, c.args...)
		if code != exitOK {
			t.Fatalf("%v: exit %d %s", c.args, code, errOut)
		}
		globals := flagNames(section(help, "Global flags:"))
		for _, f := range c.has {
			if !slices.Contains(globals, f) {
				t.Errorf("%v: global flags lack --%s: %v", c.args, f, globals)
			}
		}
		for _, f := range c.lacks {
			if slices.Contains(globals, f) {
				t.Errorf("%v: global flags show --%s, which does nothing there: %v", c.args, f, globals)
			}
		}
	}
}

// The help topics are built from the tables the code uses, and every entry
// is in them; the README documents the same variables and statuses.
func TestHelpTopics(t *testing.T) {
	isolate(t)
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	code, env, _ := runCLI(t, "help", "environment")
	if code != exitOK {
		t.Fatalf("help environment: exit %d", code)
	}
	for _, e := range envDefaults {
		if !strings.Contains(env, e.name) {
			t.Errorf("help environment lacks %s", e.name)
		}
		if !strings.Contains(string(readme), "`"+e.name) {
			t.Errorf("the README does not document %s", e.name)
		}
	}
	for _, v := range []string{sandboxLatencyEnv, sandboxFaultsEnv, demoEnv, "AWS_MAX_ATTEMPTS", "AWS_RETRY_MODE", "AWS_CA_BUNDLE"} {
		if !strings.Contains(env, v) || !strings.Contains(string(readme), v) {
			t.Errorf("%s is not in help environment and the README", v)
		}
	}
	code, codes, _ := runCLI(t, "help", "exit-codes")
	if code != exitOK {
		t.Fatalf("help exit-codes: exit %d", code)
	}
	for _, c := range exitCodes {
		if !regexp.MustCompile(`(?m)^\s+` + strconv.Itoa(c.code) + `\s`).MatchString(codes) {
			t.Errorf("help exit-codes lacks %d:\n%s", c.code, codes)
		}
		if !regexp.MustCompile("\\| `?" + strconv.Itoa(c.code) + "`? \\|").Match(readme) {
			t.Errorf("the README's exit status table lacks %d", c.code)
		}
	}
}

// Man pages come from the command tree: one per command (not the hidden
// ones), the topics in section 7, each listing only the global flags that
// matter to its command; the completion scripts beside them. The Homebrew
// cask installs exactly these pages.
func TestReleaseFiles(t *testing.T) {
	isolate(t)
	dir := t.TempDir()
	if code, _, errOut := runCLI(t, "release-files", "--dir", dir); code != exitOK {
		t.Fatalf("release-files: %s", errOut)
	}
	man := filepath.Join(dir, "man")
	for _, f := range []string{"sagerole.1", "sagerole-find.1", "sagerole-create-role.1", "sagerole-policy.1", "sagerole-policy-lint.1",
		"sagerole-completion-bash.1", "sagerole-environment.7", "sagerole-exit-codes.7"} {
		b, err := os.ReadFile(filepath.Join(man, f))
		if err != nil {
			t.Errorf("no %s: %v", f, err)
			continue
		}
		if !strings.HasPrefix(string(b), ".nh\n.TH \"SAGEROLE\"") {
			t.Errorf("%s has no man header: %.80q", f, b)
		}
	}
	for _, f := range []string{"sagerole-release-files.1", "sagerole-help.1"} {
		if _, err := os.Stat(filepath.Join(man, f)); err == nil {
			t.Errorf("%s was written: hidden and help commands have no page", f)
		}
	}
	policyPage, _ := os.ReadFile(filepath.Join(man, "sagerole-policy.1"))
	createPage, _ := os.ReadFile(filepath.Join(man, "sagerole-create-role.1"))
	if strings.Contains(string(policyPage), "dry-run") || !strings.Contains(string(createPage), "dry-run") {
		t.Errorf("--dry-run is on the policy page or missing from create-role's")
	}
	for f, want := range map[string]string{"sagerole.bash": "__start_sagerole", "_sagerole": "#compdef sagerole", "sagerole.fish": "complete -c sagerole",
		"sagerole.ps1": "Register-ArgumentCompleter"} {
		if b, err := os.ReadFile(filepath.Join(dir, "completions", f)); err != nil || !strings.Contains(string(b), want) {
			t.Errorf("completions/%s: %v, lacks %q", f, err, want)
		}
	}
	// The flags hidden for one page are back for the next and for --help.
	root := testRoot()
	var out bytes.Buffer
	root.SetOut(&out)
	root.SetArgs([]string{"create-role", "--help"})
	_ = root.ExecuteContext(context.Background())
	if !strings.Contains(out.String(), "--dry-run") {
		t.Errorf("create-role --help lost --dry-run")
	}
	if code, _, _ := runCLI(t, "release-files"); code != exitBadUsage {
		t.Errorf("release-files without --dir: exit %d", code)
	}

	var cfg struct {
		Casks []struct {
			Manpages    []string          `yaml:"manpages"`
			Completions map[string]string `yaml:"completions"`
		} `yaml:"homebrew_casks"`
	}
	b, err := os.ReadFile(".goreleaser.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(b, &cfg); err != nil || len(cfg.Casks) != 1 {
		t.Fatalf(".goreleaser.yaml: %v, %d casks", err, len(cfg.Casks))
	}
	pages, _ := filepath.Glob(filepath.Join(man, "*.[17]"))
	var written []string
	for _, p := range pages {
		written = append(written, "man/"+filepath.Base(p))
	}
	listed := slices.Sorted(slices.Values(cfg.Casks[0].Manpages))
	if !slices.Equal(listed, written) {
		t.Errorf("homebrew_casks manpages in .goreleaser.yaml = %v\nthe pages written are %v: list each page there", listed, written)
	}
	for shell, f := range cfg.Casks[0].Completions {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("the cask's %s completion %s is not written: %v", shell, f, err)
		}
	}
}
