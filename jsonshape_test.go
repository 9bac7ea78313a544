package main

import (
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"testing"
)

// nulls lists the paths of the null values in a JSON document.
func nulls(t *testing.T, doc string) []string {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(doc), &v); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, doc)
	}
	var out []string
	var walk func(path string, v any)
	walk = func(path string, v any) {
		switch v := v.(type) {
		case nil:
			out = append(out, path)
		case map[string]any:
			for k, x := range v {
				walk(path+"."+k, x)
			}
		case []any:
			for _, x := range v {
				walk(path+"[]", x)
			}
		}
	}
	walk("", v)
	return out
}

// The JSON contract: one shape for usedBy (find --role and modify's blast
// radius), every list present and never null — warnings and notes of a
// plan included, [] when empty.
func TestJSONShapes(t *testing.T) {
	isolate(t)
	const role = "AmazonSageMaker-ExecutionRole-Research"
	_, findOut, _ := runCLI(t, "--sandbox", "--output", "json", "find", "--role", role)
	_, modifyOut, _ := runCLI(t, "--sandbox", "--output", "json", "modify", role)
	var found, shown struct{ UsedBy []map[string]any }
	if err := json.Unmarshal([]byte(findOut), &found); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(modifyOut), &shown); err != nil {
		t.Fatal(err)
	}
	if len(found.UsedBy) == 0 || len(found.UsedBy) != len(shown.UsedBy) {
		t.Fatalf("find --role: %d uses, modify: %d", len(found.UsedBy), len(shown.UsedBy))
	}
	for i := range found.UsedBy {
		f, m := found.UsedBy[i], shown.UsedBy[i]
		if !slices.Equal(slices.Sorted(maps.Keys(f)), slices.Sorted(maps.Keys(m))) {
			t.Errorf("usedBy[%d] keys: find %v, modify %v", i, slices.Sorted(maps.Keys(f)), slices.Sorted(maps.Keys(m)))
		}
		apps, ok := f["apps"].([]any)
		if !ok {
			t.Errorf("usedBy[%d] of find has no apps list: %v", i, f)
		}
		for _, a := range apps {
			if obj, ok := a.(map[string]any); !ok || obj["type"] == nil || obj["name"] == nil || obj["status"] == nil {
				t.Errorf("usedBy[%d] app is not {type,name,status}: %v", i, a)
			}
		}
		if _, ok := m["runningApps"]; ok {
			t.Errorf("modify still writes runningApps: %v", m)
		}
	}

	_, plan, _ := runCLI(t, "--sandbox", "--output", "json", "--dry-run", "create-role", "shape-role")
	var p map[string]json.RawMessage
	if err := json.Unmarshal([]byte(plan), &p); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"warnings", "notes", "steps"} {
		if v, ok := p[k]; !ok || !strings.HasPrefix(string(v), "[") {
			t.Errorf("the plan's %s is %s, want a list", k, v)
		}
	}

	for _, args := range [][]string{
		{"find"}, {"find", "--whoami"}, {"find", "--role", role}, {"find", "--domain", "d-research1"},
		{"find", "--domain", "d-research1", "--user", "alice"}, {"find", "--domain", "d-research1", "--space", "alice-lab"},
		{"modify", role}, {"modify", "LambdaBasic"}, {"--dry-run", "create-role", "shape-role"}, {"--dry-run", "modify", role, "--attach", "full"},
		{"journal"}, {"version"}, {"export", role},
	} {
		code, out, errOut := runCLI(t, append([]string{"--sandbox", "--output", "json"}, args...)...)
		if code != exitOK {
			t.Errorf("%v: exit %d %s", args, code, errOut)
			continue
		}
		if n := nulls(t, out); len(n) > 0 {
			t.Errorf("%v: null at %v", args, n)
		}
	}
}
