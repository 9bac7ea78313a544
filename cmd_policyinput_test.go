package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sagerole/sagerole/awsops/sandbox"
)

// A --put-inline file that a lenient reader would judge as another
// document than the one sent is bad input: exit 2, one sentence, the
// account untouched (the state file byte for byte).
func TestPutInlineStrict(t *testing.T) {
	dir := isolate(t)
	state := filepath.Join(dir, "account.json")
	if code, _, errOut := runCLI(t, "--sandbox-state", state, "find", "--whoami"); code != 0 {
		t.Fatal(errOut)
	}
	before, err := os.ReadFile(state)
	if err != nil {
		t.Fatal(err)
	}
	const deny = `{"Effect":"Deny","Action":"s3:*","Resource":"*"}`
	const allow = `{"Effect":"Allow","Action":"*","Resource":"*"}`
	tests := []struct{ name, doc, want string }{
		{"Statement twice", `{"Version":"2012-10-17","Statement":[` + deny + `],"Statement":[` + allow + `]}`, `gives the key "Statement" twice`},
		{"Effect twice", `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:*","Resource":"*","Effect":"Allow"}]}`, `gives the key "Effect" twice in Statement[1]`},
		{"invalid UTF-8", "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"x\xc3\",\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"*\"}]}", "is not valid UTF-8"},
		{"unknown Version", `{"Version":"1999-01-01","Statement":[` + deny + `]}`, `Version "1999-01-01" is not 2012-10-17 or 2008-10-17`},
		{"unknown statement element", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Resources":"x"}]}`, `element "Resources"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			file := writeFile(t, dir, strings.ReplaceAll(tc.name, " ", "-")+".json", tc.doc)
			code, out, errOut := runCLI(t, "--sandbox-state", state, "--yes", "modify", researchRole, "--put-inline", "extra="+file)
			if code != exitBadUsage || out != "" {
				t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errOut)
			}
			if !strings.Contains(errOut, tc.want) || !strings.Contains(errOut, "--put-inline extra") || strings.Count(strings.TrimSpace(errOut), "\n") > 0 {
				t.Errorf("want one sentence naming the file's flag and %q, got %q", tc.want, errOut)
			}
			if now, _ := os.ReadFile(state); string(now) != string(before) {
				t.Fatal("the account changed")
			}
		})
	}
}

// What is previewed is what is sent, byte for byte: the dry run's
// document (indentation aside), the document in its printed aws command,
// and the document the account holds after the real run are the same text.
func TestPutInlinePreviewIsWhatIsSent(t *testing.T) {
	dir := isolate(t)
	state := filepath.Join(dir, "account.json")
	file := writeFile(t, dir, "extra.json", "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\"Sid\": \"Read\", \"Effect\": \"Allow\", \"Action\": \"s3:GetObject\", \"Resource\": \"arn:aws:s3:::b/Caf\u00e9 <&>/*\"}\n  ]\n}\n")
	code, out, errOut := runCLI(t, "--sandbox-state", state, "--dry-run", "--output", "json", "modify", researchRole, "--put-inline", "extra="+file)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var plan struct {
		Steps []struct {
			API       string                     `json:"api"`
			CLI       string                     `json:"cli"`
			Documents map[string]json.RawMessage `json:"documents"`
		} `json:"steps"`
	}
	if err := json.Unmarshal([]byte(out), &plan); err != nil {
		t.Fatal(err)
	}
	if len(plan.Steps) != 1 || plan.Steps[0].API != "iam:PutRolePolicy" {
		t.Fatalf("plan %s", out)
	}
	// The JSON output indents documents (it holds them as objects): the
	// text is the same once compact.
	var compact bytes.Buffer
	if err := json.Compact(&compact, plan.Steps[0].Documents["policyDocument"]); err != nil {
		t.Fatal(err)
	}
	previewed := compact.String()
	// The printed command, as bash reads it: the --policy-document word.
	argv := bashWords(t, plan.Steps[0].CLI)
	printed := ""
	for i, w := range argv {
		if w == "--policy-document" && i+1 < len(argv) {
			printed = argv[i+1]
		}
	}
	if code, _, errOut := runCLI(t, "--sandbox-state", state, "--yes", "modify", researchRole, "--put-inline", "extra="+file); code != 0 {
		t.Fatalf("run: %s", errOut)
	}
	acct, err := sandbox.Open(state, sandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	sent, err := acct.GetRolePolicy(context.Background(), researchRole, "extra")
	if err != nil {
		t.Fatal(err)
	}
	if previewed != sent || printed != sent {
		t.Fatalf("previewed, printed and sent differ:\npreviewed %s\nprinted   %s\nsent      %s", previewed, printed, sent)
	}
	if !strings.Contains(sent, "Café <&>") {
		t.Fatalf("the document's text was changed: %s", sent)
	}
}

// bashWords splits a printed command line into its words as bash does.
func bashWords(t *testing.T, line string) []string {
	t.Helper()
	out, err := exec.Command("bash", "-c", `eval "set -- $1"; for w in "$@"; do printf '%s\0' "$w"; done`, "bash", line).Output()
	if err != nil {
		t.Fatalf("bash cannot read %q: %v", line, err)
	}
	return strings.Split(strings.TrimSuffix(string(out), "\x00"), "\x00")
}
