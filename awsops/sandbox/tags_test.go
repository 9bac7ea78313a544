package sandbox

import (
	"context"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/sagerole/sagerole/awsops"
)

func TestSageMakerTags(t *testing.T) {
	ctx := context.Background()
	a := newAccount(t)
	// The seed's grace was created by the mlops-pipeline stack.
	grace := "arn:aws:sagemaker:us-east-1:111122223333:user-profile/d-mlplatform/grace"
	tags, err := a.ListSageMakerTags(ctx, grace)
	if err != nil {
		t.Fatal(err)
	}
	if len(tags) == 0 || tags[0].Key != awsops.TagCloudFormationStack || tags[0].Value != "mlops-pipeline" {
		t.Errorf("grace's tags = %+v", tags)
	}

	set := []awsops.Tag{{Key: "team", Value: "research"}}
	for _, arn := range []string{
		"arn:aws:sagemaker:us-east-1:111122223333:domain/d-research1",
		"arn:aws:sagemaker:us-east-1:111122223333:user-profile/d-research1/alice",
		"arn:aws:sagemaker:us-east-1:111122223333:space/d-research1/alice-lab",
		"arn:aws:sagemaker:us-east-1:111122223333:notebook-instance/churn-prediction",
	} {
		if err := a.SetSageMakerTags(arn, set); err != nil {
			t.Fatalf("SetSageMakerTags(%s): %v", arn, err)
		}
		got, err := awsops.SageMakerTags(ctx, awsops.NewDryRun(a), arn)
		if err != nil || !reflect.DeepEqual(got, set) {
			t.Errorf("tags of %s = %+v, %v", arn, got, err)
		}
	}

	for _, arn := range []string{
		"arn:aws:sagemaker:us-east-1:111122223333:domain/d-nope",
		"arn:aws:sagemaker:us-east-1:111122223333:user-profile/d-research1/zoe",
		"arn:aws:sagemaker:eu-west-1:111122223333:domain/d-research1",
		"not an arn",
	} {
		_, err := a.ListSageMakerTags(ctx, arn)
		wantErr(t, err, "ResourceNotFound", "does not exist")
	}
	if n := a.Calls()["sagemaker:ListTags"]; n != 9 {
		t.Errorf("ListTags calls = %d, want 9", n)
	}
}

// TestSageMakerTagsPersist: tags live in the state file like the rest.
func TestSageMakerTagsPersist(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	a, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	arn := "arn:aws:sagemaker:us-east-1:111122223333:domain/d-research1"
	set := []awsops.Tag{{Key: awsops.TagCloudFormationStack, Value: "research"}}
	if err := a.SetSageMakerTags(arn, set); err != nil {
		t.Fatal(err)
	}
	b, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := b.ListSageMakerTags(context.Background(), arn); err != nil || !reflect.DeepEqual(got, set) {
		t.Errorf("reopened tags = %+v, %v", got, err)
	}
}
