package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/sagerole/sagerole/awsops"
	"github.com/sagerole/sagerole/awsops/awsapi"
)

// requireAWSCLI skips a test that runs printed commands when the AWS CLI
// is not installed, except in CI, where it is a failure.
func requireAWSCLI(t *testing.T) {
	t.Helper()
	for _, tool := range []string{"aws", "bash"} {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatalf("%s is not on PATH (CI=true, so not skipping)", tool)
			}
			t.Skipf("%s is not on PATH", tool)
		}
	}
}

// runBash runs a script in bash, failing the test with its output if it
// fails.
func runBash(t *testing.T, script string, env ...string) string {
	t.Helper()
	cmd := exec.Command("bash", "-euo", "pipefail", "-c", script)
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("bash: %v\n%s\nscript:\n%s", err, out, script)
	}
	return string(out)
}

// Values the AWS CLI reads from elsewhere — file:// and fileb:// (v1 and
// v2), http:// and https:// (v1 unless cli_follow_urlparam = false; v2
// never) — are printed so that the CLI takes them as they are. Both
// behaviours that can run here are run: CLI v1 as it comes (following
// URLs), and v1 with cli_follow_urlparam = false (what v2 does with URLs).
// The printed lines run against moto, and the roles get the literal
// values; the naive lines, run the same way, show that the CLI would have
// read the file and fetched the URL.
func TestPrintedCLITakesValuesLiterally(t *testing.T) {
	requireAWSCLI(t)
	isolate(t)
	args := motoArgs(t)
	endpoint := args[1]
	dir := t.TempDir()
	secret := filepath.Join(dir, "secret")
	if err := os.WriteFile(secret, []byte("FILE-CONTENT"), 0o600); err != nil {
		t.Fatal(err)
	}
	var fetched atomic.Int32
	web := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fetched.Add(1)
		_, _ = w.Write([]byte("URL-CONTENT"))
	}))
	t.Cleanup(web.Close)
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"sagemaker.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	fileDesc, urlDesc := "file://"+secret, web.URL+"/description"
	tagKey := "fileb://" + secret
	opts := awsops.CLIOptions{Region: "us-east-1", EndpointURL: endpoint}
	ops := []awsops.Op{
		awsops.CreateRoleOp(awsops.CreateRoleInput{Name: "-x", Description: fileDesc, TrustPolicy: trust}),
		awsops.CreateRoleOp(awsops.CreateRoleInput{Name: "url-role", Description: urlDesc, TrustPolicy: trust,
			Tags: []awsops.Tag{{Key: tagKey, Value: "v"}, {Key: "keep", Value: "k"}}}),
		awsops.UntagRoleOp("url-role", []string{tagKey}),
	}
	ctx := context.Background()
	b, err := awsapi.New(ctx, awsapi.Options{Region: "us-east-1", EndpointURL: endpoint})
	if err != nil {
		t.Fatal(err)
	}
	config := os.Getenv("AWS_CONFIG_FILE")
	for _, mode := range []struct{ name, config string }{
		{"v1 default (follows URLs)", ""},
		{"cli_follow_urlparam = false (as v2)", "[default]\ncli_follow_urlparam = false\n"},
	} {
		t.Run(mode.name, func(t *testing.T) {
			moto(t).Reset(t)
			fetched.Store(0)
			if err := os.WriteFile(config, []byte(mode.config), 0o600); err != nil {
				t.Fatal(err)
			}
			var script strings.Builder
			for _, op := range ops {
				script.WriteString(op.CLI(opts) + " >/dev/null\n")
			}
			runBash(t, script.String())
			r, err := b.GetRole(ctx, "-x")
			if err != nil || r.Description != fileDesc {
				t.Errorf("role -x: description %q, want %q (%v)", r.Description, fileDesc, err)
			}
			r, err = b.GetRole(ctx, "url-role")
			if err != nil || r.Description != urlDesc {
				t.Errorf("url-role: description %q, want %q (%v)", r.Description, urlDesc, err)
			}
			if len(r.Tags) != 1 || r.Tags[0].Key != "keep" {
				t.Errorf("url-role: tags %v, want only keep (the tag %s removed)", r.Tags, tagKey)
			}
			if n := fetched.Swap(0); n != 0 {
				t.Errorf("the printed lines made the CLI fetch the URL %d times", n)
			}

			// The naive lines, for contrast: the CLI reads the file, and (v1
			// as it comes) fetches the URL.
			runBash(t, "aws iam create-role --role-name naive-file --description "+awsops.ShellQuote(fileDesc)+
				" --assume-role-policy-document "+awsops.ShellQuote(trust)+" --region us-east-1 --endpoint-url "+endpoint+" >/dev/null\n"+
				"aws iam create-role --role-name naive-url --description "+awsops.ShellQuote(urlDesc)+
				" --assume-role-policy-document "+awsops.ShellQuote(trust)+" --region us-east-1 --endpoint-url "+endpoint+" >/dev/null")
			if r, _ := b.GetRole(ctx, "naive-file"); r.Description != "FILE-CONTENT" {
				t.Errorf("the naive line's description is %q: this CLI does not read file:// values, so the test shows nothing", r.Description)
			}
			r, _ = b.GetRole(ctx, "naive-url")
			follows := mode.config == ""
			if got := fetched.Load() > 0; got != follows || (follows && r.Description != "URL-CONTENT") || (!follows && r.Description != urlDesc) {
				t.Errorf("naive URL line: fetched %v, description %q", got, r.Description)
			}
		})
	}
}
