// Package rmtest puts a role SageMaker Role Manager made into an account,
// for the tests of the command line and the wizard that recognise it.
package rmtest

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"

	"github.com/sagerole/sagerole/awsops"
)

// Fixture is the fixture of a role Role Manager's CDK library made for its
// Data Scientist persona with the VPC customization (its documents as
// Role Manager writes them; see the file's _source).
func Fixture() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "testdata", "cdk-data-scientist.json")
}

// Seed creates the fixture's role with its trust policy and inline
// policies, and returns its name and its policies' names (sorted).
func Seed(ctx context.Context, acct awsops.IAMWriter) (name string, policies []string, err error) {
	b, err := os.ReadFile(Fixture())
	if err != nil {
		return "", nil, err
	}
	var f struct {
		Name   string
		Trust  json.RawMessage
		Inline map[string]json.RawMessage
	}
	if err := json.Unmarshal(b, &f); err != nil {
		return "", nil, fmt.Errorf("reading %s: %w", Fixture(), err)
	}
	if _, err := acct.CreateRole(ctx, awsops.CreateRoleInput{Name: f.Name, Path: "/", TrustPolicy: string(f.Trust)}); err != nil {
		return "", nil, err
	}
	for n, d := range f.Inline {
		if err := acct.PutRolePolicy(ctx, f.Name, n, string(d)); err != nil {
			return "", nil, fmt.Errorf("%s: %w", n, err)
		}
		policies = append(policies, n)
	}
	sort.Strings(policies)
	return f.Name, policies, nil
}
