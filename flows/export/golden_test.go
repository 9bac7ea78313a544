package export_test

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sagerole/sagerole/flows/createrole"
	"github.com/sagerole/sagerole/flows/export"
	"github.com/sagerole/sagerole/flows/find"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// golden is what a reviewer sees of an export: the code, then the lines
// that deploy it, the notes and the warnings.
func golden(c export.Code) string {
	var b strings.Builder
	b.WriteString(c.Code)
	for _, part := range []struct {
		name  string
		lines []string
	}{{"commands", c.Commands}, {"notes", c.Notes}, {"warnings", c.Warnings}} {
		if len(part.lines) > 0 {
			b.WriteString("---- " + part.name + "\n" + strings.Join(part.lines, "\n") + "\n")
		}
	}
	return b.String()
}

func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to write it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from %s (go test -update rewrites it):\n%s", name, path, got)
	}
}

func TestGolden(t *testing.T) {
	ctx := context.Background()
	a := newSandbox(t)
	research, err := export.Read(ctx, a, "AmazonSageMaker-ExecutionRole-Research")
	if err != nil {
		t.Fatal(err)
	}
	home := handRole(t)
	in := planInputs[1]
	offline := export.NewOffline(in.Name, "", in.Custom.PassRoles...)
	plan, err := createrole.Plan(ctx, offline, in)
	if err != nil {
		t.Fatal(err)
	}
	planned, err := export.FromPlan(plan, offline.Region())
	if err != nil {
		t.Fatal(err)
	}
	cfn := export.Options{Format: export.CloudFormation}
	tf := export.Options{Format: export.Terraform}
	roles := []struct {
		name string
		r    export.Role
		o    export.Options
	}{
		{"research.cfn.yaml", research, cfn},
		{"research.cfn.json", research, export.Options{Format: export.CloudFormation, JSON: true}},
		{"research.stackset.yaml", research, export.Options{Format: export.CloudFormation, StackSet: true, OUs: []string{"ou-ab12-cdef3456"}}},
		{"research.tf", research, tf},
		{"home-dirs.cfn.yaml", home, cfn},
		{"home-dirs.stackset.yaml", home, export.Options{Format: export.CloudFormation, StackSet: true}},
		{"home-dirs.tf", home, tf},
		{"plan-ml-train.cfn.yaml", planned, cfn},
		{"plan-ml-train.tf", planned, tf},
	}
	for _, c := range roles {
		code, err := export.RoleCode(c.r, c.o)
		if err != nil {
			t.Fatal(err)
		}
		checkGolden(t, c.name, golden(code))
	}
	as, err := export.ReadDomain(ctx, find.NewSession(a, nil), "d-research1")
	if err != nil {
		t.Fatal(err)
	}
	for name, o := range map[string]export.Options{"domain-d-research1.cfn.yaml": cfn, "domain-d-research1.tf": tf} {
		code, err := export.DomainCode(as, o)
		if err != nil {
			t.Fatal(err)
		}
		checkGolden(t, name, golden(code))
	}
}
