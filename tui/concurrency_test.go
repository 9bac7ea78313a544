package tui

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sagerole/sagerole/awsops"
	"github.com/sagerole/sagerole/awsops/sandbox"
	"github.com/sagerole/sagerole/flows/policy"
)

const sharedRole = "AmazonSageMaker-ExecutionRole-Research"

var bucketARN = regexp.MustCompile(`arn:aws:s3:::[a-z0-9.-]+/\*`)

// waitFocus waits until the form's focused field (the one drawn with a
// bar) is the one titled title.
func (h *harness) waitFocus(title string) {
	h.t.Helper()
	for range 500 {
		for _, l := range strings.Split(h.frame(), "\n") {
			if strings.HasPrefix(strings.TrimSpace(l), "┃") && strings.Contains(l, title) {
				return
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	h.t.Fatalf("the field %q never had the focus:\n%s", title, h.frame())
}

// buildBinary builds sagerole from the module root into dir.
func buildBinary(t *testing.T, dir string) string {
	t.Helper()
	bin := filepath.Join(dir, "sagerole")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	cmd.Dir = ".."
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// Writers on one --sandbox-state file at the same time lose nothing: 20
// one-shot `add-buckets` processes (the built binary, each a bucket of its
// own) and the wizard, in this process, adding one more. Every bucket is in
// the final policy, and the journal is one history: each run's policy
// replaced exactly what the run before it left (a lost update shows as two
// runs that replaced the same document).
func TestConcurrentWritersLoseNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs 20 processes")
	}
	const writers = 20
	dir := t.TempDir()
	bin := buildBinary(t, dir)
	state := filepath.Join(dir, "account.json")
	acct, err := sandbox.Open(state, sandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	stateHome := filepath.Join(dir, "state")
	j := &awsops.Journal{Dir: filepath.Join(stateHome, "sagerole")}

	var wg sync.WaitGroup
	failures := make(chan string, writers)
	for i := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cmd := exec.Command(bin, "--sandbox-state", state, "--yes", "add-buckets", sharedRole,
				fmt.Sprintf("parallel-bucket-%02d", i), "--create-missing")
			cmd.Env = append(os.Environ(), "XDG_STATE_HOME="+stateHome, "NO_COLOR=1")
			var out bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &out
			if err := cmd.Run(); err != nil {
				failures <- fmt.Sprintf("writer %d: %v\n%s", i, err, out.String())
			}
		}()
	}

	// The wizard adds its bucket meanwhile. When the account changed
	// between its review and its run, it refuses to run (nothing sent) and
	// the person starts again, as they would.
	opts := Options{BackendName: "sandbox:" + state, Mode: ModeSandbox, Journal: j, History: j, Backend: acct,
		NoColor: true, Static: true, Now: fixedClock(), Sleep: instantSleep}
	h := startHarness(t, opts, acct, 100, 40)
	refused := 0
	for attempt := 1; ; attempt++ {
		h.waitFor("Add S3 buckets")
		h.press("2")
		h.waitFor("Which role gets the buckets?")
		h.press("down", "down", "enter")
		h.waitFor("Buckets to give " + sharedRole)
		h.press("enter") // none picked from the list
		h.waitFocus("Other buckets")
		h.typeText("wizard-bucket")
		h.press("enter")
		h.waitFocus("Only under this prefix")
		h.press("enter")
		h.waitFocus("Read-only?")
		h.press("enter")
		h.waitFocus("Create typed buckets")
		h.press("y")
		h.waitFor("add-buckets " + sharedRole + " wizard-bucket")
		h.press("y")
		f := h.waitFor("add-buckets")
		for deadline := time.Now().Add(30 * time.Second); !strings.Contains(f, "✓ add-buckets") && !strings.Contains(f, "the account changed since this plan was reviewed"); {
			if time.Now().After(deadline) {
				t.Fatalf("the wizard's run neither finished nor was refused:\n%s", f)
			}
			time.Sleep(50 * time.Millisecond)
			f = h.waitFor("add-buckets")
		}
		if strings.Contains(f, "✓ add-buckets") {
			break
		}
		refused++
		if attempt == 10 {
			t.Fatalf("the wizard was refused %d times:\n%s", refused, f)
		}
		h.press("esc")
	}
	wg.Wait()
	close(failures)
	for f := range failures {
		t.Error(f)
	}
	t.Logf("the wizard's run was refused %d time(s) because the account had changed since its review", refused)

	// Every bucket is in the final policy, read from the file.
	final, err := sandbox.Open(state, sandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	doc, err := final.GetRolePolicy(t.Context(), sharedRole, policy.BucketPolicyName)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"wizard-bucket"}
	for i := range writers {
		want = append(want, fmt.Sprintf("parallel-bucket-%02d", i))
	}
	lost := 0
	for _, b := range want {
		if !strings.Contains(doc, "arn:aws:s3:::"+b+"/*") {
			lost++
			t.Errorf("bucket %s is not in the final policy", b)
		}
	}
	t.Logf("%d of %d buckets lost", lost, len(want))

	// The journal is one history of the policy: starting from no policy,
	// each run replaced what exactly one run before it left, and the last
	// left what the account holds.
	entries, err := j.List()
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != len(want) {
		t.Fatalf("%d journal entries, want %d", len(entries), len(want))
	}
	next := map[string]string{} // the document a run replaced → the one it left
	for _, e := range entries {
		if e.Status() != "done" {
			t.Errorf("entry %s (%s) is %s", e.ID, e.Command, e.Status())
		}
		for _, s := range e.Steps {
			if s.Op.API != awsops.APIPutRolePolicy {
				continue
			}
			before := s.Before[awsops.StDocument]
			// A run's policy keeps every bucket of the one it replaced:
			// one planned from an older document would drop some.
			for _, m := range bucketARN.FindAllString(before, -1) {
				if !strings.Contains(s.After[awsops.StDocument], m) {
					t.Errorf("entry %s (%s) dropped %s from the policy it replaced: it was planned from an older one", e.ID, e.Command, m)
				}
			}
			if _, dup := next[before]; dup {
				t.Errorf("entry %s (%s) replaced a document another run had already replaced: a lost update", e.ID, e.Command)
			}
			next[before] = s.After[awsops.StDocument]
		}
	}
	at, steps := "", 0
	for steps < len(entries) {
		to, ok := next[at]
		if !ok {
			break
		}
		at, steps = to, steps+1
	}
	if steps != len(entries) || at != doc {
		t.Errorf("the journal's history of the policy has %d of %d runs in one line, and ends %s the account", steps, len(entries), map[bool]string{true: "at", false: "away from"}[at == doc])
	}
}
