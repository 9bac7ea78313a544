package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

// notebookEndpoint is SageMaker's JSON protocol for one notebook instance,
// as AWS behaves: a stop leaves the instance Stopping, an update Updating,
// a start Pending, each for a few DescribeNotebookInstance polls, and a
// write that needs another status is refused (UpdateNotebookInstance only
// while Stopped). moto does not implement UpdateNotebookInstance; every
// request that is not SageMaker's (IAM, STS) goes on to moto.
type notebookEndpoint struct {
	t    *testing.T
	moto http.Handler

	mu                     sync.Mutex
	name, status, role     string
	next                   string // the status after the polls left
	polls                  int
	settlePolls            int
	refused                []string
	unknown                []string
	stops, updates, starts int
}

func (f *notebookEndpoint) set(status, role string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.status, f.role, f.next, f.polls, f.refused = status, role, "", 0, nil
	f.stops, f.updates, f.starts = 0, 0, 0
}

func (f *notebookEndpoint) state() (status, role string, refused []string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.status, f.role, append([]string(nil), f.refused...)
}

func (f *notebookEndpoint) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	op, ok := strings.CutPrefix(r.Header.Get("X-Amz-Target"), "SageMaker.")
	if !ok {
		f.moto.ServeHTTP(w, r)
		return
	}
	raw, _ := io.ReadAll(r.Body)
	var in map[string]any
	_ = json.Unmarshal(raw, &in)
	f.mu.Lock()
	defer f.mu.Unlock()
	reply := func(status int, v any) {
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(v)
	}
	refuse := func(msg string) {
		f.refused = append(f.refused, op+": "+msg)
		reply(http.StatusBadRequest, map[string]string{"__type": "ValidationException", "message": msg})
	}
	if name, _ := in["NotebookInstanceName"].(string); op != "ListTags" && op != "ListNotebookInstances" && name != f.name {
		reply(http.StatusBadRequest, map[string]string{"__type": "ValidationException", "message": "RecordNotFound"})
		return
	}
	// to moves the instance to a transitional status for a few polls.
	to := func(now, then string) { f.status, f.next, f.polls = now, then, f.settlePolls }
	arn := "arn:aws:sagemaker:us-east-1:123456789012:notebook-instance/" + f.name
	switch op {
	case "DescribeNotebookInstance":
		out := map[string]any{"NotebookInstanceName": f.name, "NotebookInstanceArn": arn, "NotebookInstanceStatus": f.status,
			"RoleArn": f.role, "InstanceType": "ml.t3.medium", "CreationTime": 1.7e9, "LastModifiedTime": 1.7e9}
		if f.next != "" {
			if f.polls--; f.polls <= 0 {
				f.status, f.next = f.next, ""
			}
		}
		reply(http.StatusOK, out)
	case "ListTags":
		reply(http.StatusOK, map[string]any{"Tags": []any{}})
	case "StopNotebookInstance":
		if f.status != "InService" {
			refuse(fmt.Sprintf("Status (%s) not in ([InService]). Unable to transition to (Stopping) for Notebook Instance (%s).", f.status, arn))
			return
		}
		f.stops++
		to("Stopping", "Stopped")
		reply(http.StatusOK, map[string]any{})
	case "UpdateNotebookInstance":
		if f.status != "Stopped" {
			refuse(fmt.Sprintf("Status (%s) not in ([Stopped, Failed]). Unable to transition to (Updating) for Notebook Instance (%s).", f.status, arn))
			return
		}
		f.updates++
		f.role, _ = in["RoleArn"].(string)
		to("Updating", "Stopped")
		reply(http.StatusOK, map[string]any{})
	case "StartNotebookInstance":
		if f.status != "Stopped" {
			refuse(fmt.Sprintf("Status (%s) not in ([Stopped, Failed]). Unable to transition to (Pending) for Notebook Instance (%s).", f.status, arn))
			return
		}
		f.starts++
		to("Pending", "InService")
		reply(http.StatusOK, map[string]any{})
	default:
		f.unknown = append(f.unknown, op)
		reply(http.StatusBadRequest, map[string]string{"__type": "UnknownOperationException", "message": op})
	}
}

// planLines runs a sagerole dry run (JSON) and returns its steps' cli lines.
func planLines(t *testing.T, args ...string) []string {
	t.Helper()
	code, out, errOut, _ := runCLIQuick(t, append([]string{"--dry-run", "--output", "json"}, args...)...)
	if code != 0 {
		t.Fatalf("dry run %v: exit %d\n%s", args, code, errOut)
	}
	var plan struct {
		Steps []struct {
			CLI string `json:"cli"`
		} `json:"steps"`
	}
	if err := json.Unmarshal([]byte(out), &plan); err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, s := range plan.Steps {
		lines = append(lines, s.CLI)
	}
	return lines
}

// The printed lines of a notebook --restart change, and of its undo, run
// in bash against an endpoint that keeps the instance Stopping (Updating,
// Pending) for a while: they reach the state sagerole's own runs reach,
// with nothing refused. The same lines without their wait commands are
// refused, which is what the waits are for.
func TestNotebookRestartLinesRunAsPrinted(t *testing.T) {
	requireAWSCLI(t)
	isolate(t)
	args := motoArgs(t)
	motoURL, err := url.Parse(args[1])
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	cfg, err := config.LoadDefaultConfig(ctx, config.WithRegion("us-east-1"), config.WithBaseEndpoint(args[1]))
	if err != nil {
		t.Fatal(err)
	}
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"sagemaker.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	roles := map[string]string{}
	for _, name := range []string{"NotebookOld", "NotebookNew"} {
		out, err := iam.NewFromConfig(cfg).CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(name), Path: aws.String("/service-role/"), AssumeRolePolicyDocument: aws.String(trust)})
		if err != nil {
			t.Fatal(err)
		}
		roles[name] = aws.ToString(out.Role.Arn)
	}
	f := &notebookEndpoint{t: t, moto: httputil.NewSingleHostReverseProxy(motoURL), name: "nb1", settlePolls: 2}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	sr := []string{"--endpoint-url", srv.URL, "--region", "us-east-1"}
	change := append(append([]string(nil), sr...), "change", "--notebook", "nb1", "--restart", "--role", "NotebookNew")

	// The AWS CLI's waiters poll every 30 s; the test's Python sleeps at
	// most 20 ms a time. The commands are the printed ones.
	py := t.TempDir()
	if err := os.WriteFile(filepath.Join(py, "sitecustomize.py"), []byte("import time\n_sleep = time.sleep\ntime.sleep = lambda s: _sleep(min(s, 0.02))\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	bash := func(lines []string) {
		t.Helper()
		runBash(t, strings.Join(lines, " >/dev/null\n")+" >/dev/null\n", "PYTHONPATH="+py)
	}

	// Forward: printed lines, then sagerole's own run, from the same start.
	f.set("InService", roles["NotebookOld"])
	forward := planLines(t, change...)
	if len(forward) != 3 {
		t.Fatalf("plan %q", forward)
	}
	bash(forward)
	cliStatus, cliRole, refused := f.state()
	f.set("InService", roles["NotebookOld"])
	if code, out, errOut, _ := runCLIQuick(t, append([]string{"--yes"}, change...)...); code != 0 {
		t.Fatalf("sagerole change: exit %d\n%s\n%s", code, out, errOut)
	}
	srStatus, srRole, srRefused := f.state()
	if len(refused)+len(srRefused) > 0 {
		t.Fatalf("writes were refused: printed lines %q, sagerole %q", refused, srRefused)
	}
	if cliStatus != srStatus || cliRole != srRole || srRole != roles["NotebookNew"] || srStatus != "InService" {
		t.Fatalf("printed lines left %s %s, sagerole %s %s", cliStatus, cliRole, srStatus, srRole)
	}

	// Undo: the undo plan's printed lines, then sagerole undo, from what
	// sagerole's run left.
	undo := planLines(t, append(append([]string(nil), sr...), "undo")...)
	if len(undo) != 3 {
		t.Fatalf("undo plan %q", undo)
	}
	bash(undo)
	cliStatus, cliRole, refused = f.state()
	f.set(srStatus, srRole)
	if code, out, errOut, _ := runCLIQuick(t, append(append([]string{"--yes"}, sr...), "undo")...); code != 0 {
		t.Fatalf("sagerole undo: exit %d\n%s\n%s", code, out, errOut)
	}
	undoStatus, undoRole, srRefused := f.state()
	if len(refused)+len(srRefused) > 0 {
		t.Fatalf("undo writes were refused: printed lines %q, sagerole %q", refused, srRefused)
	}
	if cliStatus != undoStatus || cliRole != undoRole || undoRole != roles["NotebookOld"] || undoStatus != "InService" {
		t.Fatalf("undo: printed lines left %s %s, sagerole %s %s", cliStatus, cliRole, undoStatus, undoRole)
	}
	if len(f.unknown) > 0 {
		t.Errorf("operations the endpoint does not know were called: %v", f.unknown)
	}

	// Without the waits, AWS refuses the update of an instance that is
	// still Stopping.
	f.set("InService", roles["NotebookOld"])
	var bare []string
	for _, l := range forward {
		cmd, _, _ := strings.Cut(l, " && aws sagemaker wait ")
		bare = append(bare, cmd)
	}
	script := strings.Join(bare, " >/dev/null 2>&1 &&\n") + " >/dev/null 2>&1 || true"
	runBash(t, script, "PYTHONPATH="+py)
	if _, _, refused := f.state(); len(refused) == 0 || !strings.Contains(refused[0], "UpdateNotebookInstance: Status (Stopping)") {
		t.Fatalf("the lines without waits were not refused: %q", refused)
	}
}

// A dry run's undo column is what the real run records: for a --restart,
// the start step's undo is a stop (a dry run sends nothing, so the start
// replaces the Stopped instance the stop would have left, not the running
// one the account still has).
func TestDryRunUndoColumnOfRestart(t *testing.T) {
	dir := isolate(t)
	state := filepath.Join(dir, "account.json")
	change := []string{"--sandbox-state", state, "change", "--notebook", "churn-prediction", "--restart", "--role", "DataScientistRestricted"}
	type view struct {
		Steps []struct {
			API  string `json:"api"`
			Undo string `json:"undo"`
		} `json:"steps"`
	}
	read := func(args ...string) view {
		t.Helper()
		code, out, errOut, _ := runCLIQuick(t, append([]string{"--output", "json"}, args...)...)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		var v view
		if err := json.Unmarshal([]byte(out), &v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	dry := read(append([]string{"--dry-run"}, change...)...)
	ran := read(append([]string{"--yes"}, change...)...)
	if len(dry.Steps) != 3 || len(ran.Steps) != 3 {
		t.Fatalf("steps: dry %d, ran %d", len(dry.Steps), len(ran.Steps))
	}
	for i := range dry.Steps {
		if dry.Steps[i].Undo != ran.Steps[i].Undo {
			t.Errorf("step %d (%s): dry run says undo %q, the run recorded %q", i+1, dry.Steps[i].API, dry.Steps[i].Undo, ran.Steps[i].Undo)
		}
	}
	if !strings.HasPrefix(dry.Steps[2].Undo, "aws sagemaker stop-notebook-instance") {
		t.Errorf("the start step's undo is %q", dry.Steps[2].Undo)
	}
}
