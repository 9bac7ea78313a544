// Package opstest is one behavioural test suite for the awsops Backend
// interfaces, run against every backend (the sandbox, and the aws backend
// pointed at moto_server) so that the sandbox cannot drift from AWS.
package opstest

import (
	"context"

	"github.com/sagerole/sagerole/awsops"
)

// Harness is one backend under test, on an account where the suite may
// create and delete what it needs.
type Harness struct {
	Backend awsops.Backend
	// Fixture creates what the Ops interfaces never create (sagerole does
	// not create domains or notebook instances).
	Fixture Fixture
}

// Fixture creates resources outside the Ops interfaces, for the suite.
type Fixture interface {
	// CreateDomain creates a SageMaker domain whose default user role is
	// userRoleARN and default space role spaceRoleARN ("" for none), and
	// returns its ID.
	CreateDomain(ctx context.Context, name, userRoleARN, spaceRoleARN string) (string, error)
	// CreateNotebookInstance creates a notebook instance running as roleARN.
	CreateNotebookInstance(ctx context.Context, name, roleARN string) error
	// AddRoleToInstanceProfile puts role in instance profile profile,
	// creating the profile when it does not exist.
	AddRoleToInstanceProfile(ctx context.Context, profile, role string) error
	// RemoveRoleFromInstanceProfile takes role out of profile again.
	RemoveRoleFromInstanceProfile(ctx context.Context, profile, role string) error
}
