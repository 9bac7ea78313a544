package find_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sagerole/sagerole/awsops"
	"github.com/sagerole/sagerole/awsops/rules"
	"github.com/sagerole/sagerole/awsops/sandbox"
	"github.com/sagerole/sagerole/flows/find"
	"github.com/sagerole/sagerole/flows/pool"
)

const (
	acct          = "111122223333"
	researchARN   = "arn:aws:iam::111122223333:role/service-role/AmazonSageMaker-ExecutionRole-Research"
	sharedARN     = "arn:aws:iam::111122223333:role/SageMakerSharedSpaceRole"
	restrictedARN = "arn:aws:iam::111122223333:role/sagemaker/DataScientistRestricted"
	platformARN   = "arn:aws:iam::111122223333:role/service-role/AmazonSageMaker-ExecutionRole-20240918T143027"
	lambdaARN     = "arn:aws:iam::111122223333:role/LambdaBasic"
	danglingARN   = "arn:aws:iam::111122223333:role/service-role/AmazonSageMaker-ExecutionRole-20230607T120000"
	pipelineARN   = "arn:aws:iam::111122223333:role/mlops-pipeline-PipelineExecutionRole-7QX2M9KD4B1Z"
	notebooksARN  = "arn:aws:iam::111122223333:role/service-role/AmazonSageMaker-ExecutionRole-Notebooks"
)

func newSandbox(t testing.TB, opts sandbox.Options) *sandbox.Account {
	t.Helper()
	a, err := sandbox.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// session is a find session over r with n calls in flight (0: the
// default), whose throttled calls are retried at once and given up on
// after a few tries.
func session(r awsops.Reader, n int) *find.Session {
	l := pool.New(n)
	l.SetRetry(func(int) time.Duration { return time.Millisecond }, 5*time.Millisecond)
	return find.NewSession(r, l)
}

func inventory(t *testing.T, r awsops.Reader, opts find.Options) *find.Tree {
	t.Helper()
	return inventoryN(t, r, 0, opts)
}

func inventoryN(t *testing.T, r awsops.Reader, n int, opts find.Options) *find.Tree {
	t.Helper()
	tree, err := session(r, n).Inventory(context.Background(), opts)
	if err != nil {
		t.Fatalf("Inventory: %v", err)
	}
	return tree
}

func domainOf(t *testing.T, tree *find.Tree, id string) find.DomainNode {
	t.Helper()
	for _, d := range tree.Domains {
		if d.ID == id {
			return d
		}
	}
	t.Fatalf("no domain %s in the tree", id)
	return find.DomainNode{}
}

func userOf(t *testing.T, d find.DomainNode, name string) find.UserNode {
	t.Helper()
	for _, u := range d.Users {
		if u.Name == name {
			return u
		}
	}
	t.Fatalf("no user %s in %s", name, d.ID)
	return find.UserNode{}
}

func spaceOf(t *testing.T, d find.DomainNode, name string) find.SpaceNode {
	t.Helper()
	for _, s := range d.Spaces {
		if s.Name == name {
			return s
		}
	}
	t.Fatalf("no space %s in %s", name, d.ID)
	return find.SpaceNode{}
}

// TestInventoryProvenance covers every provenance case of the seed account:
// own role, inherited, private space, shared space with and without a
// default space role, a missing role, a role without SageMaker trust.
func TestInventoryProvenance(t *testing.T) {
	tree := inventory(t, newSandbox(t, sandbox.Options{}), find.Options{})
	if tree.Account != acct || tree.Region != "us-east-1" {
		t.Errorf("account, region = %s, %s", tree.Account, tree.Region)
	}
	research := domainOf(t, tree, "d-research1")
	platform := domainOf(t, tree, "d-mlplatform")
	if research.DefaultUserRole != researchARN || research.DefaultSpaceRole != sharedARN {
		t.Errorf("research defaults = %q, %q", research.DefaultUserRole, research.DefaultSpaceRole)
	}
	if platform.DefaultSpaceRole != "" || platform.DefaultSpaceRoleProblem != "" {
		t.Errorf("ml-platform has no default space role, got %q (%q)", platform.DefaultSpaceRole, platform.DefaultSpaceRoleProblem)
	}

	users := []struct {
		domain  find.DomainNode
		name    string
		role    string
		source  find.Source
		problem find.RoleProblem
	}{
		{research, "alice", researchARN, find.SourceDomainDefault, ""},
		{research, "bob", restrictedARN, find.SourceOwn, ""},
		// carol's own role equals the domain default: still her own.
		{research, "carol", researchARN, find.SourceOwn, ""},
		{platform, "dave", lambdaARN, find.SourceOwn, find.RoleNoTrust},
		{platform, "erin", danglingARN, find.SourceOwn, find.RoleNotFound},
		{platform, "frank", platformARN, find.SourceDomainDefault, ""},
		{platform, "grace", pipelineARN, find.SourceOwn, ""},
	}
	for _, c := range users {
		t.Run("user "+c.name, func(t *testing.T) {
			u := userOf(t, c.domain, c.name)
			if u.Role != c.role || u.Source != c.source || u.RoleProblem != c.problem {
				t.Errorf("%s = role %s, source %s, problem %q; want %s, %s, %q", c.name, u.Role, u.Source, u.RoleProblem, c.role, c.source, c.problem)
			}
		})
	}

	spaces := []struct {
		domain  find.DomainNode
		name    string
		sharing string
		role    string
		source  find.Source
	}{
		{research, "alice-lab", "Private", researchARN, find.SourceOwner},         // owner inherits
		{research, "bob-experiments", "Private", restrictedARN, find.SourceOwner}, // owner's own
		{research, "forecasting-demo", "Shared", sharedARN, find.SourceDomainSpaceDefault},
		{research, "team-notebooks", "Shared", sharedARN, find.SourceDomainSpaceDefault},
		{platform, "frank-workspace", "Private", platformARN, find.SourceOwner},
		{platform, "grace-sandbox", "Private", pipelineARN, find.SourceOwner},
		// A shared space in a domain without a default space role: not guessed.
		{platform, "platform-shared", "Shared", "", find.SourceUnresolved},
	}
	for _, c := range spaces {
		t.Run("space "+c.name, func(t *testing.T) {
			s := spaceOf(t, c.domain, c.name)
			if s.Sharing != c.sharing || s.Role != c.role || s.Source != c.source {
				t.Errorf("%s = %s, role %q, source %s; want %s, %q, %s", c.name, s.Sharing, s.Role, s.Source, c.sharing, c.role, c.source)
			}
		})
	}

	t.Run("apps", func(t *testing.T) {
		bob := userOf(t, research, "bob")
		if len(bob.Apps) != 1 || bob.Apps[0].Type != "Canvas" || !bob.Apps[0].Running() {
			t.Errorf("bob's apps = %+v, want his Canvas app (it runs as his role)", bob.Apps)
		}
		if carol := userOf(t, research, "carol"); len(carol.Apps) != 0 {
			t.Errorf("carol's deleted app is listed: %+v", carol.Apps)
		}
		if s := spaceOf(t, research, "alice-lab"); len(s.Apps) != 1 || s.Apps[0].Type != "JupyterLab" {
			t.Errorf("alice-lab apps = %+v", s.Apps)
		}
	})

	t.Run("notebooks", func(t *testing.T) {
		want := map[string]string{"churn-prediction": notebooksARN, "legacy-xgboost-training": researchARN}
		if len(tree.Notebooks) != len(want) {
			t.Fatalf("notebooks = %+v", tree.Notebooks)
		}
		for _, n := range tree.Notebooks {
			if want[n.Name] != n.Role || n.RoleProblem != "" {
				t.Errorf("notebook %s = %s (%q), want %s", n.Name, n.Role, n.RoleProblem, want[n.Name])
			}
		}
	})

	t.Run("warnings", func(t *testing.T) {
		all := strings.Join(tree.Warnings, "\n")
		for _, want := range []string{
			"shared space platform-shared in domain d-mlplatform is unresolved",
			"role " + lambdaARN + " does not let sagemaker.amazonaws.com assume it",
			"role " + danglingARN + " does not exist; used by user profile erin",
		} {
			if !strings.Contains(all, want) {
				t.Errorf("warnings lack %q:\n%s", want, all)
			}
		}
	})
}

// TestRoleCheckPath: a role of the right name under another path is not
// the role an ARN names; SageMaker would not find it.
func TestRoleCheckPath(t *testing.T) {
	a := newSandbox(t, sandbox.Options{})
	ctx := context.Background()
	wrongPath := "arn:aws:iam::111122223333:role/AmazonSageMaker-ExecutionRole-Research"
	c := find.CheckRole(ctx, a, acct, wrongPath)
	if c.Exists || c.Problem != find.RoleNotFound || !strings.Contains(c.Detail, researchARN) {
		t.Errorf("CheckRole(%s) = %+v, want not found, naming %s", wrongPath, c, researchARN)
	}
	if c := find.CheckRole(ctx, a, acct, restrictedARN); !c.Exists || !c.TrustsSageMaker || c.Problem != "" {
		t.Errorf("a trust with an aws:SourceAccount condition trusts SageMaker: %+v", c)
	}
	other := "arn:aws:iam::999988887777:role/X"
	if c := find.CheckRole(ctx, a, acct, other); c.Problem != find.RoleOtherAccount {
		t.Errorf("CheckRole(%s) = %+v, want other-account", other, c)
	}
}

func TestTrustsSageMaker(t *testing.T) {
	cases := []struct {
		name string
		doc  string
		want bool
	}{
		{"seed trust", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"sagemaker.amazonaws.com"},"Action":"sts:AssumeRole"}]}`, true},
		{"service list and action list", `{"Statement":[{"Effect":"Allow","Principal":{"Service":["events.amazonaws.com","sagemaker.amazonaws.com"]},"Action":["sts:AssumeRole","sts:TagSession"]}]}`, true},
		{"single statement object", `{"Statement":{"Effect":"Allow","Principal":{"Service":"sagemaker.amazonaws.com"},"Action":"sts:*"}}`, true},
		{"with a condition", `{"Statement":[{"Effect":"Allow","Principal":{"Service":"sagemaker.amazonaws.com"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"aws:SourceAccount":"111122223333"}}}]}`, true},
		{"lambda only", `{"Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`, false},
		{"wrong action", `{"Statement":[{"Effect":"Allow","Principal":{"Service":"sagemaker.amazonaws.com"},"Action":"sts:TagSession"}]}`, false},
		{"denied", `{"Statement":[{"Effect":"Allow","Principal":{"Service":"sagemaker.amazonaws.com"},"Action":"sts:AssumeRole"},{"Effect":"Deny","Principal":{"Service":"sagemaker.amazonaws.com"},"Action":"sts:AssumeRole"}]}`, false},
		{"account principal", `{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"sts:AssumeRole"}]}`, false},
		{"not JSON", `{`, false},
	}
	for _, c := range cases {
		if got := find.TrustsSageMaker(c.doc); got != c.want {
			t.Errorf("%s: TrustsSageMaker = %v, want %v", c.name, got, c.want)
		}
	}
}

// TestSingleQueries covers find --domain, --user and --space.
func TestSingleQueries(t *testing.T) {
	a := newSandbox(t, sandbox.Options{})
	ctx := context.Background()

	d, err := session(a, 0).Domain(ctx, "d-mlplatform")
	if err != nil {
		t.Fatal(err)
	}
	if d.Domain.DefaultUserRole != platformARN || d.Domain.DefaultSpaceRole != "" {
		t.Errorf("Domain = %+v", d.Domain)
	}

	u, err := session(a, 0).User(ctx, "d-research1", "alice")
	if err != nil {
		t.Fatal(err)
	}
	if u.User.Role != researchARN || u.User.Source != find.SourceDomainDefault || len(u.Spaces) != 1 || u.Spaces[0].Name != "alice-lab" {
		t.Errorf("User alice = %+v, spaces %+v", u.User, u.Spaces)
	}
	u, err = session(a, 0).User(ctx, "d-mlplatform", "dave")
	if err != nil {
		t.Fatal(err)
	}
	if u.User.RoleProblem != find.RoleNoTrust || len(u.Warnings) == 0 {
		t.Errorf("User dave = %+v, warnings %q", u.User, u.Warnings)
	}

	s, err := session(a, 0).Space(ctx, "d-research1", "bob-experiments")
	if err != nil {
		t.Fatal(err)
	}
	if s.Space.Role != restrictedARN || s.Space.Source != find.SourceOwner || s.Owner == nil || s.Owner.Source != find.SourceOwn {
		t.Errorf("Space bob-experiments = %+v, owner %+v", s.Space, s.Owner)
	}
	s, err = session(a, 0).Space(ctx, "d-mlplatform", "platform-shared")
	if err != nil {
		t.Fatal(err)
	}
	if s.Space.Source != find.SourceUnresolved || s.Space.Role != "" || len(s.Warnings) == 0 {
		t.Errorf("Space platform-shared = %+v, warnings %q", s.Space, s.Warnings)
	}
}

func TestUnknownIsBadInput(t *testing.T) {
	a := newSandbox(t, sandbox.Options{})
	ctx := context.Background()
	cases := []struct {
		name string
		call func() error
		want string
	}{
		{"unknown domain", func() error { _, err := session(a, 0).Domain(ctx, "d-nosuchdomain"); return err }, "domain d-nosuchdomain does not exist in region us-east-1"},
		{"malformed domain", func() error { _, err := session(a, 0).Domain(ctx, "research"); return err }, "not of the form d-"},
		{"unknown user", func() error { _, err := session(a, 0).User(ctx, "d-research1", "zoe"); return err }, "user profile zoe does not exist in domain d-research1"},
		{"unknown space", func() error { _, err := session(a, 0).Space(ctx, "d-research1", "nope"); return err }, "space nope does not exist"},
		{"bad space name", func() error { _, err := session(a, 0).Space(ctx, "d-research1", "no_underscores"); return err }, "space name"},
		{"bad role ARN", func() error { _, err := session(a, 0).Uses(ctx, "arn:aws:iam::1:role/x", find.Options{}); return err }, "not of the form"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.call()
			if !rules.IsInput(err) || !strings.Contains(err.Error(), c.want) {
				t.Errorf("err = %v, want an input error mentioning %q", err, c.want)
			}
		})
	}
}

func TestUses(t *testing.T) {
	a := newSandbox(t, sandbox.Options{})
	ctx := context.Background()
	res, err := session(a, 0).Uses(ctx, "AmazonSageMaker-ExecutionRole-Research", find.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, u := range res.UsedBy {
		got = append(got, fmt.Sprintf("%s %s %s", u.Kind, u.DomainID, u.Name))
	}
	want := []string{
		"domain-default-user-role d-research1 ",
		"user-profile d-research1 alice",
		"user-profile d-research1 carol",
		"space d-research1 alice-lab",
		"notebook-instance  legacy-xgboost-training",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("uses =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if !res.Role.Exists || res.Role.ARN != researchARN {
		t.Errorf("role = %+v", res.Role)
	}

	// By ARN: exact, path included.
	res, err = session(a, 0).Uses(ctx, sharedARN, find.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.UsedBy) != 3 || res.UsedBy[0].Kind != find.UseDefaultSpaceRole {
		t.Errorf("uses of %s = %+v", sharedARN, res.UsedBy)
	}

	// A role that no longer exists is still found where it is named.
	res, err = session(a, 0).Uses(ctx, "AmazonSageMaker-ExecutionRole-20230607T120000", find.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.UsedBy) != 1 || res.UsedBy[0].Name != "erin" || res.Role.Problem != find.RoleNotFound {
		t.Errorf("uses of the dangling role = %+v, role %+v", res.UsedBy, res.Role)
	}

	// Narrowed to one domain.
	res, err = session(a, 0).Uses(ctx, "AmazonSageMaker-ExecutionRole-Research", find.Options{DomainID: "d-mlplatform", SkipNotebooks: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.UsedBy) != 0 {
		t.Errorf("uses in d-mlplatform = %+v, want none", res.UsedBy)
	}
}

// flaky wraps a backend: chosen describes fail with chosen errors, chosen
// spaces are listed without their sharing type (as spaces from before
// sharing types are), and it counts how many calls are in flight at most.
type flaky struct {
	awsops.Backend
	fail      map[string]error // "user/NAME", "space/NAME", "notebook/NAME"
	noSharing map[string]bool  // spaces whose list item lacks the sharing type
	inFlight  atomic.Int32
	maxSeen   atomic.Int32
	delay     time.Duration
}

func (f *flaky) enter() func() {
	n := f.inFlight.Add(1)
	for {
		m := f.maxSeen.Load()
		if n <= m || f.maxSeen.CompareAndSwap(m, n) {
			break
		}
	}
	time.Sleep(f.delay)
	return func() { f.inFlight.Add(-1) }
}

func (f *flaky) DescribeUserProfile(ctx context.Context, d, name string) (awsops.UserProfile, error) {
	defer f.enter()()
	if err := f.fail["user/"+name]; err != nil {
		return awsops.UserProfile{}, err
	}
	return f.Backend.DescribeUserProfile(ctx, d, name)
}

func (f *flaky) ListSpacesPage(ctx context.Context, d string, q awsops.PageQuery) ([]awsops.Space, string, error) {
	defer f.enter()()
	list, next, err := f.Backend.ListSpacesPage(ctx, d, q)
	for i := range list {
		if f.noSharing[list[i].Name] {
			list[i].SharingType, list[i].Owner = "", ""
		}
	}
	return list, next, err
}

func (f *flaky) DescribeSpace(ctx context.Context, d, name string) (awsops.Space, error) {
	defer f.enter()()
	if err := f.fail["space/"+name]; err != nil {
		return awsops.Space{}, err
	}
	return f.Backend.DescribeSpace(ctx, d, name)
}

func (f *flaky) DescribeNotebookInstance(ctx context.Context, name string) (awsops.NotebookInstance, error) {
	defer f.enter()()
	if err := f.fail["notebook/"+name]; err != nil {
		return awsops.NotebookInstance{}, err
	}
	return f.Backend.DescribeNotebookInstance(ctx, name)
}

// TestInventoryReportsItemFailures: an item throttled past the retries,
// vanished or denied is reported, never fails the inventory.
func TestInventoryReportsItemFailures(t *testing.T) {
	throttled := awsops.NewError("sagemaker:DescribeUserProfile", "ThrottlingException", "Rate exceeded")
	goneUser := awsops.NewError("sagemaker:DescribeUserProfile", "ResourceNotFound", "User profile does not exist.")
	goneSpace := awsops.NewError("sagemaker:DescribeSpace", "ResourceNotFound", "Space does not exist.")
	denied := awsops.NewError("sagemaker:DescribeNotebookInstance", "AccessDeniedException", "not authorized")
	a := newSandbox(t, sandbox.Options{})
	f := &flaky{Backend: a, fail: map[string]error{
		"user/alice": throttled, "user/carol": goneUser, "space/forecasting-demo": goneSpace, "notebook/churn-prediction": denied},
		noSharing: map[string]bool{"forecasting-demo": true, "bob-experiments": true}}
	tree := inventory(t, f, find.Options{})
	research := domainOf(t, tree, "d-research1")

	alice := userOf(t, research, "alice")
	if alice.Source != find.SourceUnresolved || !strings.Contains(alice.Error, "ThrottlingException") {
		t.Errorf("throttled alice = %+v", alice)
	}
	// Her private space cannot be resolved without her.
	if s := spaceOf(t, research, "alice-lab"); s.Source != find.SourceUnresolved {
		t.Errorf("alice-lab = %+v, want unresolved", s)
	}
	// Everyone else is still there; a space whose list item did not say
	// how it is shared was described.
	if bob := userOf(t, research, "bob"); bob.Role != restrictedARN {
		t.Errorf("bob = %+v", bob)
	}
	if s := spaceOf(t, research, "bob-experiments"); s.Sharing != awsops.SharingPrivate || s.Role != restrictedARN {
		t.Errorf("bob-experiments, described = %+v", s)
	}
	for _, u := range research.Users {
		if u.Name == "carol" {
			t.Errorf("a profile deleted during the inventory is still listed: %+v", u)
		}
	}
	for _, s := range research.Spaces {
		if s.Name == "forecasting-demo" {
			t.Errorf("a space deleted during the inventory is still listed: %+v", s)
		}
	}
	var nb *find.NotebookNode
	for i := range tree.Notebooks {
		if tree.Notebooks[i].Name == "churn-prediction" {
			nb = &tree.Notebooks[i]
		}
	}
	if nb == nil || !strings.Contains(nb.Error, "AccessDenied") {
		t.Errorf("denied notebook = %+v", nb)
	}
	all := strings.Join(tree.Warnings, "\n")
	for _, want := range []string{
		"user profile alice in domain d-research1 could not be read",
		"user profile carol in domain d-research1 was deleted while the inventory ran",
		"space forecasting-demo in domain d-research1 was deleted while the inventory ran",
		"notebook instance churn-prediction could not be read",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("warnings lack %q:\n%s", want, all)
		}
	}
	// Of the seed's six spaces, only the two listed without a sharing type
	// were described: bob-experiments by the sandbox, forecasting-demo by
	// the wrapper (not found).
	if n := a.Calls()["sagemaker:DescribeSpace"]; n != 1 {
		t.Errorf("%d DescribeSpace calls reached the sandbox, want 1", n)
	}
}

// TestInventoryThrottledList: a list page that is throttled is read again
// after a pause, so the domain comes out whole; a list that fails
// otherwise is shown with its error, and the other domain is whole.
func TestInventoryThrottledList(t *testing.T) {
	a := newSandbox(t, sandbox.Options{Faults: map[string]sandbox.Fault{
		"sagemaker:ListUserProfiles": {Code: "ThrottlingException", Message: "Rate exceeded", Times: 2}}})
	tree := inventoryN(t, a, 1, find.Options{})
	for _, d := range tree.Domains {
		if d.Error != "" || len(d.Users) == 0 {
			t.Errorf("domain %s after a throttled list: error %q, %d users", d.ID, d.Error, len(d.Users))
		}
	}
	seed := inventory(t, newSandbox(t, sandbox.Options{}), find.Options{})
	if strings.Join(tree.Warnings, "\n") != strings.Join(seed.Warnings, "\n") {
		t.Errorf("warnings = %q, want the seed's %q", tree.Warnings, seed.Warnings)
	}

	a = newSandbox(t, sandbox.Options{Faults: map[string]sandbox.Fault{
		"sagemaker:ListUserProfiles": {Code: "InternalFailure", Message: "boom", Times: 1}}})
	tree = inventoryN(t, a, 1, find.Options{})
	var failed, whole int
	for _, d := range tree.Domains {
		if strings.Contains(d.Error, "InternalFailure") {
			failed++
		} else if len(d.Users) > 0 {
			whole++
		}
	}
	if failed != 1 || whole != 1 {
		t.Errorf("want one domain with the list's error and one complete, got %d and %d: %+v", failed, whole, tree.Domains)
	}
}

func TestInventoryFailsWhenDomainsCannotBeListed(t *testing.T) {
	a := newSandbox(t, sandbox.Options{Faults: map[string]sandbox.Fault{
		"sagemaker:ListDomains": {Code: "AccessDeniedException", Message: "no"}}})
	_, err := session(a, 0).Inventory(context.Background(), find.Options{})
	if awsops.KindOf(err) != awsops.KindAccessDenied {
		t.Errorf("err = %v, want the access denied error", err)
	}
}

// TestInventoryConcurrencyBound: never more calls in flight than asked, and
// progress reaches done == total, one callback at a time.
func TestInventoryConcurrencyBound(t *testing.T) {
	a := newSandbox(t, sandbox.Options{})
	for i := range 40 {
		if err := a.AddUserProfile("d-research1", fmt.Sprintf("u%02d", i), ""); err != nil {
			t.Fatal(err)
		}
	}
	f := &flaky{Backend: a, delay: 2 * time.Millisecond}
	var mu sync.Mutex
	var last find.Progress
	inCallback := atomic.Int32{}
	tree := inventoryN(t, f, 4, find.Options{Progress: func(p find.Progress) {
		if inCallback.Add(1) != 1 {
			t.Error("progress callbacks overlap")
		}
		defer inCallback.Add(-1)
		mu.Lock()
		defer mu.Unlock()
		if p.Done < last.Done {
			t.Errorf("progress went back: %+v after %+v", p, last)
		}
		last = p
	}})
	if m := f.maxSeen.Load(); m > 4 || m < 2 {
		t.Errorf("at most %d describes in flight, want 2..4", m)
	}
	if last.Done != last.Total || last.Total < 43 {
		t.Errorf("last progress = %+v", last)
	}
	if n := len(domainOf(t, tree, "d-research1").Users); n != 43 {
		t.Errorf("%d users, want 43", n)
	}
}

func TestInventoryCancelled(t *testing.T) {
	a := newSandbox(t, sandbox.Options{Latency: 5 * time.Millisecond})
	ctx, cancel := context.WithCancel(context.Background())
	n := 0
	_, err := session(a, 0).Inventory(ctx, find.Options{Progress: func(find.Progress) {
		if n++; n == 3 {
			cancel()
		}
	}})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

func TestRenderTree(t *testing.T) {
	tree := inventory(t, newSandbox(t, sandbox.Options{}), find.Options{})
	var b strings.Builder
	if err := find.WriteTree(&b, tree); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{
		"research (d-research1) · InService",
		"├── user alice ",
		"│   └── space alice-lab (private) ",
		"domain default",
		"⚠ role does not trust sagemaker.amazonaws.com",
		"⚠ role does not exist",
		"space platform-shared (shared)",
		"notebook churn-prediction · InService",
		"Warnings:",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("tree lacks %q:\n%s", want, out)
		}
	}
	// The role column is aligned: alice's and bob's roles start at the same
	// rune offset.
	col := func(prefix string) int {
		for _, line := range strings.Split(out, "\n") {
			if strings.HasPrefix(line, prefix) {
				i := strings.Index(line, "service-role/")
				if i < 0 {
					i = strings.Index(line, "sagemaker/")
				}
				return len([]rune(line[:i]))
			}
		}
		return -1
	}
	if a, b := col("├── user alice"), col("├── user bob"); a != b || a < 0 {
		t.Errorf("role columns differ: %d, %d\n%s", a, b, out)
	}
}
