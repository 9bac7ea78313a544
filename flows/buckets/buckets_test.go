package buckets_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/sagerole/sagerole/awsops"
	"github.com/sagerole/sagerole/awsops/rules"
	"github.com/sagerole/sagerole/awsops/sandbox"
	"github.com/sagerole/sagerole/flows/buckets"
	"github.com/sagerole/sagerole/flows/policy"
	"github.com/sagerole/sagerole/flows/pool"
)

const research = "AmazonSageMaker-ExecutionRole-Research"

func steps(p awsops.Plan) []string {
	var out []string
	for _, s := range p.Steps {
		out = append(out, s.API+" "+s.Target+" "+s.Args[awsops.ArgPolicyName])
	}
	return out
}

func TestPlan(t *testing.T) {
	tests := []struct {
		name      string
		in        buckets.Input
		want      []string
		docHas    []string // in the put document
		docHasNot []string
		err       string
	}{
		{name: "one bucket, read-write", in: buckets.Input{Role: research, Buckets: []string{"team-raw-data"}},
			want:      []string{"iam:PutRolePolicy " + research + " sagerole-buckets"},
			docHas:    []string{"arn:aws:s3:::team-raw-data/*", "s3:PutObject", "s3:ListBucket"},
			docHasNot: []string{"s3:ListAllMyBuckets", `"*"`}}, // bucket actions on the bucket only
		{name: "prefix and read-only", in: buckets.Input{Role: research, Buckets: []string{"team-raw-data"}, Prefix: "curated/2026", ReadOnly: true},
			want:      []string{"iam:PutRolePolicy " + research + " sagerole-buckets"},
			docHas:    []string{"arn:aws:s3:::team-raw-data/curated/2026/*", "s3:GetObject"},
			docHasNot: []string{"s3:PutObject", "s3:DeleteObject"}},
		{name: "missing buckets are refused, naming them and the flag", in: buckets.Input{Role: research, Buckets: []string{"nope-one", "team-raw-data", "nope-two"}},
			err: "buckets nope-one, nope-two do not exist in this account; pass --create-missing"},
		{name: "missing bucket created first, in the account's region", in: buckets.Input{Role: research, Buckets: []string{"brand-new-data"}, CreateMissing: true},
			want: []string{"s3:CreateBucket brand-new-data ", "iam:PutRolePolicy " + research + " sagerole-buckets"}},
		{name: "role by ARN keeps its path", in: buckets.Input{Role: "arn:aws:iam::111122223333:role/service-role/" + research, Buckets: []string{"team-raw-data"}},
			want: []string{"iam:PutRolePolicy " + research + " sagerole-buckets"}},
		{name: "unknown role", in: buckets.Input{Role: "Nobody", Buckets: []string{"team-raw-data"}}, err: "does not exist"},
		{name: "no bucket", in: buckets.Input{Role: research}, err: "no bucket given"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			acct, err := sandbox.New(sandbox.Options{Region: "eu-west-1"})
			if err != nil {
				t.Fatal(err)
			}
			res, err := buckets.Plan(context.Background(), acct, nil, tt.in)
			if tt.err != "" {
				if !rules.IsInput(err) || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err = %v, want an input error saying %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := steps(res.Plan); strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Fatalf("steps\n got %q\nwant %q", got, tt.want)
			}
			for _, s := range res.Plan.Steps {
				if s.API == awsops.APICreateBucket && s.Args[awsops.ArgRegion] != "eu-west-1" {
					t.Errorf("bucket created in %q, not the account's region", s.Args[awsops.ArgRegion])
				}
			}
			doc := res.Plan.Steps[len(res.Plan.Steps)-1].Documents[awsops.DocPolicy]
			for _, s := range tt.docHas {
				if !strings.Contains(doc, s) {
					t.Errorf("document lacks %s:\n%s", s, doc)
				}
			}
			for _, s := range tt.docHasNot {
				if strings.Contains(doc, s) {
					t.Errorf("document has %s:\n%s", s, doc)
				}
			}
		})
	}
}

// A role whose bucket policy was split (sagerole-buckets, -2) gets one merged
// family back: the new bucket appears once, and a member no longer needed
// is deleted rather than left to grant stale access.
func TestPlanMergesASplitFamily(t *testing.T) {
	acct, err := sandbox.New(sandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for name, b := range map[string]string{"sagerole-buckets": "team-raw-data", "sagerole-buckets-2": "ml-models-prod"} {
		d, err := policy.S3Policy("", []policy.BucketGrant{{Bucket: b}}, false)
		if err != nil {
			t.Fatal(err)
		}
		if err := acct.PutRolePolicy(ctx, research, name, d.String()); err != nil {
			t.Fatal(err)
		}
	}
	res, err := buckets.Plan(ctx, acct, nil, buckets.Input{Role: research, Buckets: []string{"research-datasets", "team-raw-data"}})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"iam:PutRolePolicy " + research + " sagerole-buckets", "iam:DeleteRolePolicy " + research + " sagerole-buckets-2"}
	if got := steps(res.Plan); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("steps\n got %q\nwant %q", got, want)
	}
	d, err := policy.Parse(res.Plan.Steps[0].Documents[awsops.DocPolicy])
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, g := range policy.BucketsIn(d) {
		got = append(got, g.String())
	}
	if strings.Join(got, ",") != "ml-models-prod,research-datasets,team-raw-data" {
		t.Errorf("merged buckets %v", got)
	}
	if len(res.Plan.Notes) == 0 || !strings.Contains(strings.Join(res.Plan.Notes, " "), "AccessDenied") {
		t.Errorf("the Research role has FullAccess: the plan should teach why these buckets needed the policy: %q", res.Plan.Notes)
	}
}

// Adding a bucket the role already has changes nothing, and says only
// that: not why the role got AccessDenied there, which it did not. Granted
// lists what the bucket policy gives, so the wizard can mark it.
func TestPlanNoOpSaysOnlyThat(t *testing.T) {
	acct, err := sandbox.New(sandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	first, err := buckets.Plan(ctx, acct, nil, buckets.Input{Role: research, Buckets: []string{"team-raw-data"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, op := range first.Plan.Steps {
		if err := awsops.Apply(ctx, acct, op); err != nil {
			t.Fatal(err)
		}
	}
	st, err := buckets.ReadRole(ctx, acct, research)
	if err != nil {
		t.Fatal(err)
	}
	if g := buckets.Granted(st); len(g) != 1 || g[0] != (policy.BucketGrant{Bucket: "team-raw-data"}) {
		t.Errorf("Granted = %v, want team-raw-data", g)
	}
	again, err := buckets.Plan(ctx, acct, nil, buckets.Input{Role: research, Buckets: []string{"team-raw-data"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(again.Plan.Steps) != 0 {
		t.Fatalf("a bucket granted twice: %v", steps(again.Plan))
	}
	notes := strings.Join(again.Plan.Notes, "\n")
	if strings.Contains(notes, "AccessDenied") || !strings.Contains(notes, "already grants team-raw-data") {
		t.Errorf("notes of a no-op:\n%s", notes)
	}
}

// TestBucketsLookedUpTogether: the buckets are looked up several at once
// (each with one HeadBucket), and the plan keeps their order.
func TestBucketsLookedUpTogether(t *testing.T) {
	acct, err := sandbox.New(sandbox.Options{Latency: 5 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for i := range 12 {
		names = append(names, fmt.Sprintf("new-bucket-%02d", i))
	}
	names = append(names, "team-raw-data")
	lim := pool.New(4)
	res, err := buckets.Plan(context.Background(), acct, lim, buckets.Input{Role: research, Buckets: names, CreateMissing: true})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(res.Missing, ",") != strings.Join(names[:12], ",") {
		t.Errorf("missing = %v, want the 12 new ones in order", res.Missing)
	}
	if n := acct.Calls()["s3:HeadBucket"]; n != 13 {
		t.Errorf("%d HeadBucket calls for 13 buckets", n)
	}
	if st := lim.Stats(); st.Calls != 13 || st.Peak < 2 || st.Peak > 4 {
		t.Errorf("limiter stats %+v: want the 13 lookups, 2 to 4 at once", st)
	}
}
