package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestSIGKILLAtEveryStep kills the built binary (SIGKILL: no deferred
// code, no signal handler) while each write of a multi-step plan is in
// flight — held by the fault proxy before it reaches moto, or after moto
// applied it — and recovers with sagerole undo, which must read the step
// back, say what it found, and restore the role document by document.
func TestSIGKILLAtEveryStep(t *testing.T) {
	d, p, global := faultEnv(t)
	bin := filepath.Join(t.TempDir(), "sagerole")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	for _, plan := range matrixPlans {
		for step := range plan.steps {
			for _, mode := range []faultMode{hangBefore, hangAfter} {
				t.Run(fmt.Sprintf("%s/step%d-%s/%s", plan.name, step+1, plan.steps[step], mode), func(t *testing.T) {
					args, role := plan.setup(t, d, t.TempDir())
					before := d.role(t, role)
					p.arm(step+1, mode)
					cmd := exec.Command(bin, append(slices.Clone(global), append([]string{"--yes"}, args...)...)...)
					cmd.Env = os.Environ()
					var out strings.Builder
					cmd.Stdout, cmd.Stderr = &out, &out
					if err := cmd.Start(); err != nil {
						t.Fatal(err)
					}
					select {
					case <-p.hit:
					case <-time.After(time.Minute):
						_ = cmd.Process.Kill()
						t.Fatalf("step %d was never sent:\n%s", step+1, out.String())
					}
					if err := cmd.Process.Kill(); err != nil {
						t.Fatal(err)
					}
					_ = cmd.Wait()
					p.disarm()

					es := journalEntries(t, global)
					if len(es) == 0 {
						t.Fatal("nothing journaled before the kill")
					}
					e := es[0]
					if e.Status != "interrupted" || string(e.Steps[step].Status) != "sending" {
						t.Errorf("after the kill the entry is %s with step %d %s; want interrupted, sending", e.Status, step+1, e.Steps[step].Status)
					}
					code, uout, uerr := runCLI(t, append(slices.Clone(global), "--yes", "undo", e.ID)...)
					found := "read back, the change is not in effect"
					if mode.applied() {
						found = "read back, the change is in effect"
					}
					if !strings.Contains(uerr, fmt.Sprintf("Step %d of entry %s", step+1, e.ID)) || !strings.Contains(uerr, found) {
						t.Errorf("undo does not say what reading step %d back found (%q):\n%s", step+1, found, uerr)
					}
					nothing := step == 0 && !mode.applied()
					switch {
					case nothing && (code != exitBadUsage || !strings.Contains(uerr, "changed nothing")):
						t.Errorf("undo of a run that changed nothing: exit %d\n%s\n%s", code, uout, uerr)
					case !nothing && code != 0:
						t.Errorf("undo: exit %d\n%s\n%s", code, uout, uerr)
					}
					if now := d.role(t, role); !reflect.DeepEqual(now, before) {
						t.Errorf("after undo, role %s is not as before the run:\n%s\n%s", role, diffJSON(before, now), uerr)
					}
					for _, je := range journalEntries(t, global) {
						if je.ID != e.ID {
							continue
						}
						want := "undone"
						if nothing {
							want = "failed"
						}
						if je.Status != want || string(je.Steps[step].Status) == "sending" {
							t.Errorf("after undo the entry is %s, step %d %s; want %s, read back", je.Status, step+1, je.Steps[step].Status, want)
						}
					}
				})
			}
		}
	}
}
