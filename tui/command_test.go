package tui

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/sagerole/sagerole/awsops"
	"github.com/sagerole/sagerole/flows/policy"
)

// shellWords is what sh makes of a command line: its words, as the aws CLI
// would receive them.
func shellWords(t *testing.T, cmdline string) []string {
	t.Helper()
	rest, ok := strings.CutPrefix(cmdline, "aws ")
	if !ok {
		t.Fatalf("not an aws command: %q", cmdline)
	}
	script := filepath.Join(t.TempDir(), "cmd.sh")
	if err := os.WriteFile(script, []byte("printf '%s\\0' "+rest+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("sh", script).Output()
	if err != nil {
		t.Fatalf("sh: %v\n%s", err, cmdline)
	}
	return strings.Split(strings.TrimSuffix(string(out), "\x00"), "\x00")
}

// sameArg: the same bytes, or the same JSON document (a break inside a
// document adds white space between its tokens, which JSON ignores).
func sameArg(a, b string) bool {
	if a == b {
		return true
	}
	var x, y any
	if json.Unmarshal([]byte(a), &x) != nil || json.Unmarshal([]byte(b), &y) != nil {
		return false
	}
	ja, _ := json.Marshal(x)
	jb, _ := json.Marshal(y)
	return bytes.Equal(ja, jb)
}

// A command laid out on several lines, copied as it is shown (from the
// "aws" of its first line to the end of its last), is the same command to
// the shell: the same words, the same documents. Every line fits.
func TestWrapCommandRunsAsPrinted(t *testing.T) {
	if _, err := exec.LookPath("sh"); err != nil {
		t.Skip("no sh")
	}
	doc, err := policy.S3Policy("", []policy.BucketGrant{{Bucket: "team-raw-data"}, {Bucket: "research-datasets", Prefix: "curated"}}, false)
	if err != nil {
		t.Fatal(err)
	}
	ops := []awsops.Op{
		awsops.CreateRoleOp(awsops.CreateRoleInput{Name: "ds-role", Path: "/service-role/", Description: "it's the data scientists' role",
			TrustPolicy: policy.TrustDocument().String(), Tags: []awsops.Tag{{Key: "team", Value: "research"}}}),
		awsops.PutRolePolicyOp("ds-role", "sagerole-buckets", doc.String()),
		awsops.UpdateUserProfileRoleOp("d-research1", "alice", "arn:aws:iam::111122223333:role/service-role/AmazonSageMaker-ExecutionRole-Research"),
		awsops.AttachRolePolicyOp("a-role-with-a-rather-long-name-for-the-test", "arn:aws:iam::111122223333:policy/a/very/long/path/of/policies/ReadTheDatasetsOfTheResearchTeamOnly"),
	}
	cli := awsops.CLIOptions{Region: "us-east-1", EndpointURL: "http://127.0.0.1:5000"}
	for _, op := range ops {
		cmd := op.CLI(cli)
		want := shellWords(t, cmd)
		for _, width := range []int{30, 47, 60, 79, 100} {
			lines := wrapCommand(cmd, width, "   $ ", "     ")
			for _, l := range lines {
				if w := ansi.StringWidth(l); w > width {
					t.Errorf("%s at %d: a line is %d wide: %q", op.API, width, w, l)
				}
			}
			copied := strings.TrimPrefix(strings.Join(lines, "\n"), "   $ ")
			got := shellWords(t, copied)
			if len(got) != len(want) {
				t.Fatalf("%s at %d: %d words, want %d\n%s", op.API, width, len(got), len(want), strings.Join(lines, "\n"))
			}
			for i := range want {
				if !sameArg(got[i], want[i]) {
					t.Errorf("%s at %d: word %d is %q, want %q\n%s", op.API, width, i, got[i], want[i], strings.Join(lines, "\n"))
				}
			}
		}
	}
}
