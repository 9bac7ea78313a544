package awsops_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sagerole/sagerole/awsops"
	"github.com/sagerole/sagerole/awsops/sandbox"
)

// A failure whose text quotes a session token and a presigned signature —
// raw, not an *awsops.Error, as a transport error would be — reaches the
// journal file and the run's error redacted: the step's error, and the
// outcome of reading it back (a transport error leaves the write's outcome
// to be read back, which here shows it did not take effect).
func TestJournaledErrorIsRedacted(t *testing.T) {
	const token = "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQDr5Ht8aUw7QbX4iXr6"
	const sig = "fe5f80f77d5fa3beca038a248ff027d0445342fe2855ddc963176630326f1024"
	raw := errors.New("Post \"https://iam.amazonaws.com/?X-Amz-Signature=" + sig + "\": x-amz-security-token:" + token + ": connection reset")
	acct, err := sandbox.New(sandbox.Options{Faults: map[string]sandbox.Fault{awsops.APIPutRolePolicy: {Err: raw}}})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	x := &awsops.Executor{Backend: acct, Journal: &awsops.Journal{Dir: dir}, BackendName: "sandbox"}
	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`
	e, runErr := x.Run(t.Context(), awsops.Plan{Command: "t", Steps: []awsops.Op{awsops.PutRolePolicyOp(researchRole, "p", doc)}})
	if runErr == nil {
		t.Fatal("the faulted write succeeded")
	}
	data, err := os.ReadFile(filepath.Join(dir, e.ID+".json"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), `"status": "not-applied"`) || !strings.Contains(e.Steps[0].Outcome, "connection reset") {
		t.Fatalf("the journal does not record the failure and what reading it back showed:\n%s", data)
	}
	for _, secret := range []string{token[:20], sig} {
		if strings.Contains(string(data), secret) {
			t.Errorf("the journal keeps %q:\n%s", secret, data)
		}
		if strings.Contains(e.Steps[0].Error, secret) || strings.Contains(e.Steps[0].Outcome, secret) {
			t.Errorf("the entry's error or outcome keeps %q: %s; %s", secret, e.Steps[0].Error, e.Steps[0].Outcome)
		}
	}
	if !strings.Contains(e.Steps[0].Error, "connection reset") {
		t.Errorf("the reason was lost: %s", e.Steps[0].Error)
	}
}
