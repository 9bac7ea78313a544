package awsapi

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/sagerole/sagerole/awsops"
)

// The app calls against the shapes of the SageMaker API reference
// (DescribeApp, DeleteApp, CreateApp): a request names the space or the
// user profile, never both; CreateApp carries exactly the ResourceSpec
// fields that are set, or none; DescribeApp's timestamps are epoch seconds.

var (
	spaceApp = awsops.AppRef{DomainID: "d-abc", SpaceName: "alice-lab", AppType: awsops.AppJupyterLab, AppName: "default"}
	userApp  = awsops.AppRef{DomainID: "d-abc", UserProfile: "bob", AppType: awsops.AppCanvas, AppName: "default"}
)

func TestAppWriteRequests(t *testing.T) {
	spec := awsops.ResourceSpec{InstanceType: "ml.t3.medium", ImageARN: "arn:aws:sagemaker:us-east-1:885854791233:image/sagemaker-distribution-cpu",
		ImageVersionAlias: "2.1.0", LifecycleConfigARN: "arn:aws:sagemaker:us-east-1:123456789012:studio-lifecycle-config/install"}
	cases := []struct {
		name string
		call func(b *Backend) error
		op   string
		body string
	}{
		{"DeleteApp of a space",
			func(b *Backend) error { return b.DeleteApp(t.Context(), spaceApp) },
			"DeleteApp", `{"DomainId":"d-abc","SpaceName":"alice-lab","AppType":"JupyterLab","AppName":"default"}`},
		{"DeleteApp of a user profile",
			func(b *Backend) error { return b.DeleteApp(t.Context(), userApp) },
			"DeleteApp", `{"DomainId":"d-abc","UserProfileName":"bob","AppType":"Canvas","AppName":"default"}`},
		{"CreateApp with the recorded spec",
			func(b *Backend) error { return b.CreateApp(t.Context(), spaceApp, spec) },
			"CreateApp", `{"DomainId":"d-abc","SpaceName":"alice-lab","AppType":"JupyterLab","AppName":"default","ResourceSpec":{"InstanceType":"ml.t3.medium",
				"SageMakerImageArn":"arn:aws:sagemaker:us-east-1:885854791233:image/sagemaker-distribution-cpu","SageMakerImageVersionAlias":"2.1.0",
				"LifecycleConfigArn":"arn:aws:sagemaker:us-east-1:123456789012:studio-lifecycle-config/install"}}`},
		{"CreateApp without a spec",
			func(b *Backend) error { return b.CreateApp(t.Context(), userApp, awsops.ResourceSpec{}) },
			"CreateApp", `{"DomainId":"d-abc","UserProfileName":"bob","AppType":"Canvas","AppName":"default"}`},
		{"the CreateApp Op applied",
			func(b *Backend) error {
				return awsops.Apply(t.Context(), b, awsops.CreateAppOp(userApp, awsops.ResourceSpec{InstanceType: "system"}))
			},
			"CreateApp", `{"DomainId":"d-abc","UserProfileName":"bob","AppType":"Canvas","AppName":"default","ResourceSpec":{"InstanceType":"system"}}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b, f := newFakeSageMaker(t, map[string][]smReply{
				"CreateApp": {{Body: `{"AppArn":"arn:aws:sagemaker:us-east-1:123456789012:app/d-abc/alice-lab/jupyterlab/default"}`}},
			})
			if err := c.call(b); err != nil {
				t.Fatalf("call: %v", err)
			}
			want := []smCall{{Op: c.op, Body: jsonObject(t, c.body)}}
			if calls := f.recorded(); !reflect.DeepEqual(calls, want) {
				t.Errorf("requests = %+v\nwant %+v", calls, want)
			}
		})
	}
}

func TestDescribeApp(t *testing.T) {
	at := func(s int64) time.Time { return time.Unix(s, 0) }
	cases := []struct {
		name string
		ref  awsops.AppRef
		resp string
		want awsops.AppDetail
	}{
		{"a space's app, in use",
			spaceApp,
			`{"AppArn":"arn:aws:sagemaker:us-east-1:123456789012:app/d-abc/alice-lab/jupyterlab/default","AppName":"default","AppType":"JupyterLab",
			  "DomainId":"d-abc","SpaceName":"alice-lab","Status":"InService","CreationTime":1767945600,"LastUserActivityTimestamp":1768032000,
			  "LastHealthCheckTimestamp":1768032000,"ResourceSpec":{"InstanceType":"ml.t3.medium","SageMakerImageArn":"arn:aws:sagemaker:us-east-1:885854791233:image/sagemaker-distribution-cpu",
			  "SageMakerImageVersionArn":"arn:aws:sagemaker:us-east-1:885854791233:image-version/sagemaker-distribution-cpu/8"},"RecoveryMode":false}`,
			awsops.AppDetail{AppRef: spaceApp, ARN: "arn:aws:sagemaker:us-east-1:123456789012:app/d-abc/alice-lab/jupyterlab/default", Status: "InService",
				ResourceSpec: awsops.ResourceSpec{InstanceType: "ml.t3.medium", ImageARN: "arn:aws:sagemaker:us-east-1:885854791233:image/sagemaker-distribution-cpu",
					ImageVersionARN: "arn:aws:sagemaker:us-east-1:885854791233:image-version/sagemaker-distribution-cpu/8"},
				CreationTime: at(1767945600), LastUserActivity: at(1768032000), LastHealthCheck: at(1768032000)}},
		{"a user's app that failed, without activity",
			userApp,
			`{"AppName":"default","AppType":"Canvas","DomainId":"d-abc","UserProfileName":"bob","Status":"Failed","FailureReason":"InsufficientCapacity","CreationTime":1767945600.5}`,
			awsops.AppDetail{AppRef: userApp, Status: "Failed", FailureReason: "InsufficientCapacity", CreationTime: time.UnixMilli(1767945600500)}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b, f := newFakeSageMaker(t, map[string][]smReply{"DescribeApp": {{Body: c.resp}}})
			got, err := b.DescribeApp(t.Context(), c.ref)
			if err != nil {
				t.Fatal(err)
			}
			if g, w := utcTimes(got), utcTimes(c.want); !reflect.DeepEqual(g, w) {
				gj, _ := json.Marshal(g)
				wj, _ := json.Marshal(w)
				t.Errorf("got  %s\nwant %s", gj, wj)
			}
			owner := map[string]any{"SpaceName": c.ref.SpaceName}
			if c.ref.SpaceName == "" {
				owner = map[string]any{"UserProfileName": c.ref.UserProfile}
			}
			body := map[string]any{"DomainId": "d-abc", "AppType": c.ref.AppType, "AppName": c.ref.AppName}
			for k, v := range owner {
				body[k] = v
			}
			if calls := f.recorded(); !reflect.DeepEqual(calls, []smCall{{Op: "DescribeApp", Body: body}}) {
				t.Errorf("requests = %+v", calls)
			}
		})
	}
}

// utcTimes is d with its times in UTC: the SDK and the test make them in
// different locations.
func utcTimes(d awsops.AppDetail) awsops.AppDetail {
	d.CreationTime, d.LastUserActivity, d.LastHealthCheck = d.CreationTime.UTC(), d.LastUserActivity.UTC(), d.LastHealthCheck.UTC()
	return d
}

// A deleted app SageMaker no longer knows is ResourceNotFound: snapshots
// and waits read it as Deleted.
func TestDescribeAppNotFound(t *testing.T) {
	b, _ := newFakeSageMaker(t, map[string][]smReply{"DescribeApp": {{Status: 400, Body: `{"__type":"ResourceNotFound","message":"App arn:aws:sagemaker:us-east-1:123456789012:app/d-abc/alice-lab/JupyterLab/default does not exist."}`}}})
	_, err := b.DescribeApp(t.Context(), spaceApp)
	if !awsops.IsNotFound(err) {
		t.Fatalf("err = %v, want not found", err)
	}
	st, err := awsops.Snapshot(t.Context(), b, awsops.DeleteAppOp(spaceApp))
	if err != nil || st[awsops.StStatus] != awsops.StatusDeleted {
		t.Errorf("snapshot = %v, %v; want Deleted", st, err)
	}
}
