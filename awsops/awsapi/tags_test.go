package awsapi

import (
	"reflect"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sagemaker"
	smtypes "github.com/aws/aws-sdk-go-v2/service/sagemaker/types"

	"github.com/sagerole/sagerole/awsops"
)

// TestListSageMakerTagsRequests checks the ListTags request shape and that
// every page is read (NextToken sent back as given).
func TestListSageMakerTagsRequests(t *testing.T) {
	const arn = "arn:aws:sagemaker:us-east-1:123456789012:user-profile/d-abc/alice"
	b, f := newFakeSageMaker(t, map[string][]smReply{"ListTags": {
		{Body: `{"Tags":[{"Key":"aws:cloudformation:stack-name","Value":"ml"}],"NextToken":"p2"}`},
		{Body: `{"Tags":[{"Key":"team","Value":"research"}]}`},
	}})
	tags, err := b.ListSageMakerTags(t.Context(), arn)
	if err != nil {
		t.Fatal(err)
	}
	want := []awsops.Tag{{Key: awsops.TagCloudFormationStack, Value: "ml"}, {Key: "team", Value: "research"}}
	if !reflect.DeepEqual(tags, want) {
		t.Errorf("tags = %+v, want %+v", tags, want)
	}
	calls := f.recorded()
	if len(calls) != 2 || calls[0].Op != "ListTags" || calls[0].Body["ResourceArn"] != arn || calls[1].Body["NextToken"] != "p2" {
		t.Errorf("requests = %+v", calls)
	}
}

func TestListSageMakerTagsErrors(t *testing.T) {
	b, _ := newFakeSageMaker(t, map[string][]smReply{"ListTags": {
		{Status: 400, Body: `{"__type":"AccessDeniedException","message":"not authorized to perform sagemaker:ListTags"}`}}})
	_, err := b.ListSageMakerTags(t.Context(), "arn:aws:sagemaker:us-east-1:123456789012:domain/d-abc")
	if awsops.KindOf(err) != awsops.KindAccessDenied {
		t.Errorf("err = %v, want access denied", err)
	}
}

// TestListSageMakerTagsMoto reads the tags of a domain and of a notebook
// instance created with tags on moto_server; awsops.SageMakerTags finds
// them through a dry run too (tags are a read).
func TestListSageMakerTagsMoto(t *testing.T) {
	b, cfg := newMotoBackend(t, "us-east-1")
	ctx := t.Context()
	role, err := b.CreateRole(ctx, awsops.CreateRoleInput{Name: "sr-tags-role", Path: "/service-role/",
		TrustPolicy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"sagemaker.amazonaws.com"},"Action":"sts:AssumeRole"}]}`})
	if err != nil {
		t.Fatal(err)
	}
	sm := sagemaker.NewFromConfig(cfg)
	stack := []smtypes.Tag{{Key: aws.String(awsops.TagCloudFormationStack), Value: aws.String("ml-stack")}}
	out, err := sm.CreateDomain(ctx, &sagemaker.CreateDomainInput{
		DomainName: aws.String("sr-tags"), AuthMode: smtypes.AuthModeIam,
		DefaultUserSettings: &smtypes.UserSettings{ExecutionRole: aws.String(role.ARN)},
		SubnetIds:           []string{"subnet-0123456789abcdef0"}, VpcId: aws.String("vpc-0123456789abcdef0"),
		Tags: stack,
	})
	if err != nil {
		t.Fatal(err)
	}
	tags, err := awsops.SageMakerTags(ctx, awsops.NewDryRun(b), aws.ToString(out.DomainArn))
	if err != nil {
		t.Fatalf("SageMakerTags(domain): %v", err)
	}
	if len(tags) != 1 || tags[0].Key != awsops.TagCloudFormationStack || tags[0].Value != "ml-stack" {
		t.Errorf("domain tags = %+v", tags)
	}
	if _, err := sm.CreateNotebookInstance(ctx, &sagemaker.CreateNotebookInstanceInput{
		NotebookInstanceName: aws.String("sr-tags-nb"), InstanceType: smtypes.InstanceTypeMlT3Medium,
		RoleArn: aws.String(role.ARN), Tags: []smtypes.Tag{{Key: aws.String("team"), Value: aws.String("ml")}},
	}); err != nil {
		t.Fatal(err)
	}
	nb, err := b.DescribeNotebookInstance(ctx, "sr-tags-nb")
	if err != nil {
		t.Fatal(err)
	}
	tags, err = b.ListSageMakerTags(ctx, nb.ARN)
	if err != nil {
		t.Fatalf("ListSageMakerTags(notebook): %v", err)
	}
	if len(tags) != 1 || tags[0].Key != "team" {
		t.Errorf("notebook tags = %+v", tags)
	}
}
