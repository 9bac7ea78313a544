package awsapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/sagerole/sagerole/awsops"
)

func TestAssumedRoleName(t *testing.T) {
	cases := map[string]string{
		"arn:aws:sts::123456789012:assumed-role/DataScientist/alice@example.com": "DataScientist",
		"arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Admin_0123/bob":   "AWSReservedSSO_Admin_0123",
		"arn:aws-cn:sts::123456789012:assumed-role/R/s":                          "R",
		"arn:aws:iam::123456789012:user/carol":                                   "",
		"arn:aws:iam::123456789012:root":                                         "",
	}
	for arn, want := range cases {
		if got := assumedRoleName(arn); got != want {
			t.Errorf("assumedRoleName(%q) = %q, want %q", arn, got, want)
		}
	}
}

func TestDecodeDocument(t *testing.T) {
	cases := []struct{ in, want string }{
		{`%7B%22Version%22%3A%20%222012-10-17%22%7D`, `{"Version": "2012-10-17"}`},
		// IAM encodes "+" as %2B; a literal "+" is kept, not made a space.
		{`%22arn%3Aaws%3As3%3A%3A%3Aa%2Bb%22`, `"arn:aws:s3:::a+b"`},
		{`{"a":"x+y"}`, `{"a":"x+y"}`},
		// Not encoded at all, with a stray %: returned as is.
		{`{"Sid":"100%"}`, `{"Sid":"100%"}`},
		{"%0A%20%20", "\n  "},
	}
	for _, c := range cases {
		if got := decodeDocument(aws.String(c.in)); got != c.want {
			t.Errorf("decodeDocument(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	if got := decodeDocument(nil); got != "" {
		t.Errorf("decodeDocument(nil) = %q", got)
	}
}

func TestRegionOfLocation(t *testing.T) {
	cases := map[s3types.BucketLocationConstraint]string{
		"": "us-east-1", "EU": "eu-west-1", "eu-west-1": "eu-west-1", "ap-south-1": "ap-south-1",
	}
	for in, want := range cases {
		if got := regionOfLocation(in); got != want {
			t.Errorf("regionOfLocation(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestWrap(t *testing.T) {
	apiErr := func(code, msg string) error { return &smithy.GenericAPIError{Code: code, Message: msg} }
	cases := []struct {
		name string
		api  string
		err  error
		kind awsops.Kind
		code string
	}{
		{"NoSuchEntity", "iam:GetRole", apiErr("NoSuchEntity", "Role x not found"), awsops.KindNotFound, "NoSuchEntity"},
		{"DeleteConflict", "iam:DeleteRole", apiErr("DeleteConflict", "must detach"), awsops.KindConflict, "DeleteConflict"},
		{"S3 HeadBucket 404", "s3:HeadBucket", &s3types.NotFound{}, awsops.KindNotFound, "NotFound"},
		{"S3 NoSuchBucket", "s3:DeleteBucket", &s3types.NoSuchBucket{Message: aws.String("gone")}, awsops.KindNotFound, "NoSuchBucket"},
		{"SageMaker RecordNotFound", "sagemaker:DescribeNotebookInstance", apiErr("ValidationException", "RecordNotFound"), awsops.KindNotFound, "ValidationException"},
		{"SageMaker Could not find", "sagemaker:DescribeDomain", apiErr("ValidationException", "Could not find domain 'd-x'."), awsops.KindNotFound, "ValidationException"},
		{"SageMaker other validation", "sagemaker:UpdateDomain", apiErr("ValidationException", "Role is not assumable"), awsops.KindValidation, "ValidationException"},
		{"IAM validation is not not-found", "iam:CreateRole", apiErr("ValidationError", "Could not find x"), awsops.KindValidation, "ValidationError"},
		{"credentials gone mid-run", "iam:GetRole", fmt.Errorf("operation error IAM: GetRole, get identity: %w", errors.New("failed to refresh cached credentials, token expired")), awsops.KindCredentials, ""},
		{"network", "iam:GetRole", errors.New("dial tcp 127.0.0.1:1: connection refused"), awsops.KindOther, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := wrap(c.api, c.err)
			var e *awsops.Error
			if !errors.As(err, &e) {
				t.Fatalf("wrap = %T, want *awsops.Error", err)
			}
			if e.Kind != c.kind || e.Code != c.code || e.API != c.api || !errors.Is(err, c.err) {
				t.Errorf("wrap = {Kind:%s Code:%q API:%q Err:%v}, want {%s %q %q %v}", e.Kind, e.Code, e.API, e.Err, c.kind, c.code, c.api, c.err)
			}
		})
	}
	if wrap("iam:GetRole", nil) != nil {
		t.Error("wrap(nil) is not nil")
	}
	ctxErr := wrap("iam:GetRole", fmt.Errorf("operation error: %w", context.Canceled))
	if !errors.Is(ctxErr, context.Canceled) {
		t.Errorf("a canceled call does not unwrap to context.Canceled: %v", ctxErr)
	}
}

// fakeIAM answers GetAccountSummary, GetPolicy, GetPolicyVersion and
// ListRoles (its pages in turn); any other call panics on the nil embedded
// interface.
type fakeIAM struct {
	iamAPI
	summary  map[string]int32
	err      error
	document string
	pages    []*iam.ListRolesOutput
	markers  *[]string
}

func (f fakeIAM) GetPolicy(_ context.Context, in *iam.GetPolicyInput, _ ...func(*iam.Options)) (*iam.GetPolicyOutput, error) {
	return &iam.GetPolicyOutput{Policy: &iamtypes.Policy{Arn: in.PolicyArn, DefaultVersionId: aws.String("v7")}}, nil
}

func (f fakeIAM) GetPolicyVersion(_ context.Context, in *iam.GetPolicyVersionInput, _ ...func(*iam.Options)) (*iam.GetPolicyVersionOutput, error) {
	if aws.ToString(in.VersionId) != "v7" {
		return nil, &smithy.GenericAPIError{Code: "NoSuchEntity", Message: "wrong version " + aws.ToString(in.VersionId)}
	}
	return &iam.GetPolicyVersionOutput{PolicyVersion: &iamtypes.PolicyVersion{Document: aws.String(f.document), VersionId: in.VersionId}}, nil
}

func (f fakeIAM) ListRoles(_ context.Context, in *iam.ListRolesInput, _ ...func(*iam.Options)) (*iam.ListRolesOutput, error) {
	*f.markers = append(*f.markers, aws.ToString(in.Marker))
	return f.pages[len(*f.markers)-1], nil
}

// AWS URL-encodes every policy document it returns (moto leaves ListRoles
// and GetPolicyVersion documents plain, so the conformance run cannot show
// that these are decoded).
func TestDocumentsAreDecoded(t *testing.T) {
	const doc = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"sagemaker.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	enc := strings.ReplaceAll(url.QueryEscape(doc), "+", "%20")
	role := func(name string) iamtypes.Role {
		return iamtypes.Role{RoleName: aws.String(name), Path: aws.String("/"), Arn: aws.String("arn:aws:iam::123456789012:role/" + name), AssumeRolePolicyDocument: aws.String(enc)}
	}
	var markers []string
	b := &Backend{iam: fakeIAM{document: enc, markers: &markers, pages: []*iam.ListRolesOutput{
		{Roles: []iamtypes.Role{role("a")}, IsTruncated: true, Marker: aws.String("m1")},
		{Roles: []iamtypes.Role{role("b")}},
	}}}

	got, err := b.GetPolicyDocument(t.Context(), "arn:aws:iam::aws:policy/X")
	if err != nil || got != doc {
		t.Errorf("GetPolicyDocument = %q, %v; want %q", got, err, doc)
	}
	roles, err := b.ListRoles(t.Context(), "/")
	if err != nil {
		t.Fatal(err)
	}
	if len(roles) != 2 || roles[0].TrustPolicy != doc || roles[1].TrustPolicy != doc {
		t.Errorf("ListRoles = %+v, want roles a and b with decoded trust policies", roles)
	}
	if want := []string{"", "m1"}; !reflect.DeepEqual(markers, want) {
		t.Errorf("ListRoles markers = %q, want %q", markers, want)
	}
}

func (f fakeIAM) GetAccountSummary(context.Context, *iam.GetAccountSummaryInput, ...func(*iam.Options)) (*iam.GetAccountSummaryOutput, error) {
	return &iam.GetAccountSummaryOutput{SummaryMap: f.summary}, f.err
}

func TestQuotas(t *testing.T) {
	def := awsops.DefaultQuotas()
	raised := def
	raised.AttachedPoliciesPerRole = 20
	raised.TrustPolicySize = 4096
	cases := []struct {
		name    string
		fake    fakeIAM
		want    awsops.Quotas
		wantErr bool
	}{
		{"raised limits", fakeIAM{summary: map[string]int32{"AttachedPoliciesPerRoleQuota": 20, "AssumeRolePolicySizeQuota": 4096, "RolePolicySizeQuota": 10240, "PolicySizeQuota": 6144}}, raised, false},
		{"missing fields keep defaults", fakeIAM{summary: map[string]int32{"AttachedPoliciesPerRoleQuota": 20, "AssumeRolePolicySizeQuota": 4096}}, raised, false},
		{"not allowed to read the summary", fakeIAM{err: &smithy.GenericAPIError{Code: "AccessDenied", Message: "not authorized"}}, def, false},
		{"other failure", fakeIAM{err: &smithy.GenericAPIError{Code: "ServiceFailure", Message: "boom"}}, awsops.Quotas{}, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := &Backend{iam: c.fake}
			got, err := b.Quotas(t.Context())
			if (err != nil) != c.wantErr || got != c.want {
				t.Errorf("Quotas = %+v, %v; want %+v (error %v)", got, err, c.want, c.wantErr)
			}
		})
	}
}

// fakeS3 answers HeadBucket and GetBucketLocation.
type fakeS3 struct {
	s3API
	head      *s3.HeadBucketOutput
	headErr   error
	location  s3types.BucketLocationConstraint
	locErr    error
	locCalled *bool
}

func (f fakeS3) HeadBucket(context.Context, *s3.HeadBucketInput, ...func(*s3.Options)) (*s3.HeadBucketOutput, error) {
	return f.head, f.headErr
}

func (f fakeS3) GetBucketLocation(context.Context, *s3.GetBucketLocationInput, ...func(*s3.Options)) (*s3.GetBucketLocationOutput, error) {
	*f.locCalled = true
	return &s3.GetBucketLocationOutput{LocationConstraint: f.location}, f.locErr
}

// redirect is the error the SDK returns for S3's 301 to a bucket's region.
func redirect(region string) error {
	h := http.Header{}
	h.Set("X-Amz-Bucket-Region", region)
	return &awshttp.ResponseError{ResponseError: &smithyhttp.ResponseError{
		Response: &smithyhttp.Response{Response: &http.Response{StatusCode: http.StatusMovedPermanently, Header: h}},
		Err:      &smithy.GenericAPIError{Code: "301", Message: "Moved Permanently"},
	}}
}

func TestBucketRegion(t *testing.T) {
	cases := []struct {
		name     string
		fake     fakeS3
		want     string
		wantKind awsops.Kind // KindOther: no error
		wantLoc  bool        // GetBucketLocation asked
	}{
		{"HeadBucket names the region", fakeS3{head: &s3.HeadBucketOutput{BucketRegion: aws.String("eu-west-1")}}, "eu-west-1", awsops.KindOther, false},
		{"bucket elsewhere: 301 with header", fakeS3{headErr: redirect("ap-south-1")}, "ap-south-1", awsops.KindOther, false},
		{"no region header: us-east-1 location", fakeS3{head: &s3.HeadBucketOutput{}, location: ""}, "us-east-1", awsops.KindOther, true},
		{"no region header: EU location", fakeS3{head: &s3.HeadBucketOutput{}, location: "EU"}, "eu-west-1", awsops.KindOther, true},
		{"HeadBucket denied", fakeS3{headErr: &smithy.GenericAPIError{Code: "Forbidden"}, location: "us-west-2"}, "us-west-2", awsops.KindOther, true},
		{"no such bucket", fakeS3{headErr: &s3types.NotFound{}}, "", awsops.KindNotFound, false},
		{"location denied too", fakeS3{headErr: &smithy.GenericAPIError{Code: "Forbidden"}, locErr: &smithy.GenericAPIError{Code: "AccessDenied"}}, "", awsops.KindAccessDenied, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.fake.locCalled = new(bool)
			b := &Backend{s3: c.fake, region: "us-east-1"}
			got, err := b.BucketRegion(t.Context(), "b")
			if c.wantKind == awsops.KindOther && err != nil || c.wantKind != awsops.KindOther && awsops.KindOf(err) != c.wantKind {
				t.Fatalf("BucketRegion error = %v, want kind %s", err, c.wantKind)
			}
			if got != c.want || *c.fake.locCalled != c.wantLoc {
				t.Errorf("BucketRegion = %q (GetBucketLocation asked: %v), want %q (%v)", got, *c.fake.locCalled, c.want, c.wantLoc)
			}
		})
	}
}

// TestListRolesPages checks, on moto, that ListRoles follows IAM's Marker
// past the first page (IAM's default page is 100 roles).
func TestListRolesPages(t *testing.T) {
	b, _ := newMotoBackend(t, "us-east-1")
	const n = 130
	for i := range n {
		if _, err := b.CreateRole(t.Context(), awsops.CreateRoleInput{Name: fmt.Sprintf("page-%03d", i), TrustPolicy: `{"Version":"2012-10-17","Statement":[]}`}); err != nil {
			t.Fatal(err)
		}
	}
	roles, err := b.ListRoles(t.Context(), "")
	if err != nil {
		t.Fatal(err)
	}
	if len(roles) != n {
		t.Errorf("ListRoles returned %d roles, want %d", len(roles), n)
	}
}

// fakeDeleteS3 answers DeleteBucket with its errors in turn, recording the
// region each call was sent to.
type fakeDeleteS3 struct {
	s3API
	errs    []error
	regions *[]string
}

func (f fakeDeleteS3) DeleteBucket(_ context.Context, _ *s3.DeleteBucketInput, optFns ...func(*s3.Options)) (*s3.DeleteBucketOutput, error) {
	o := s3.Options{Region: "us-east-1"}
	for _, fn := range optFns {
		fn(&o)
	}
	*f.regions = append(*f.regions, o.Region)
	return &s3.DeleteBucketOutput{}, f.errs[len(*f.regions)-1]
}

func TestDeleteBucketFollowsRegion(t *testing.T) {
	cases := []struct {
		name     string
		errs     []error
		regions  []string
		wantKind awsops.Kind // KindOther: no error
	}{
		{"same region", []error{nil}, []string{"us-east-1"}, awsops.KindOther},
		{"bucket elsewhere", []error{redirect("eu-west-1"), nil}, []string{"us-east-1", "eu-west-1"}, awsops.KindOther},
		{"gone", []error{&s3types.NoSuchBucket{}}, []string{"us-east-1"}, awsops.KindNotFound},
		{"not empty, elsewhere", []error{redirect("eu-west-1"), &smithy.GenericAPIError{Code: "BucketNotEmpty"}}, []string{"us-east-1", "eu-west-1"}, awsops.KindConflict},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var regions []string
			b := &Backend{s3: fakeDeleteS3{errs: c.errs, regions: &regions}, region: "us-east-1"}
			err := b.DeleteBucket(t.Context(), "b")
			if (err == nil) != (c.errs[len(c.errs)-1] == nil) || awsops.KindOf(err) != c.wantKind {
				t.Errorf("DeleteBucket = %v, want kind %s", err, c.wantKind)
			}
			if !reflect.DeepEqual(regions, c.regions) {
				t.Errorf("sent to %v, want %v", regions, c.regions)
			}
		})
	}
}
