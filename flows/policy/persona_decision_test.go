package policy_test

import (
	"testing"

	"github.com/sagerole/sagerole/flows/policy"
	"github.com/sagerole/sagerole/flows/policy/eval"
)

// The personas decided as a person in them works: 5–10 day-to-day
// requests of what Role Manager's persona descriptions say they do
// (role-manager-personas.html: general ML development and experimentation;
// operations; the role jobs and endpoints run as) are allowed, and the
// dangerous neighbours are not — another role passed, another user's
// space or Studio, another team's bucket, the domain itself.

const (
	domain = "d-research1"
	sm     = "arn:aws:sagemaker:us-east-1:111122223333:"
)

// studio is the request context of a call from alice's Studio: SageMaker
// puts the domain and the user profile of the app into it (the keys the
// Studio policies of the SageMaker guide use as ${sagemaker:DomainId} and
// ${sagemaker:UserProfileName}), merged with more.
func studio(more map[string][]string) map[string][]string {
	ctx := map[string][]string{"sagemaker:DomainId": {domain}, "sagemaker:UserProfileName": {"alice"}}
	for k, v := range more {
		ctx[k] = v
	}
	return ctx
}

func profile(name string) string { return sm + "user-profile/" + domain + "/" + name }

func owned(by, sharing string) map[string][]string {
	return studio(map[string][]string{"sagemaker:OwnerUserProfileArn": {profile(by)}, "sagemaker:SpaceSharingType": {sharing}})
}

var (
	toSageMaker = map[string][]string{"iam:PassedToService": {policy.SageMakerService}}
	teamBuckets = []policy.BucketGrant{{Bucket: "team-a-data"}}
)

func TestDataScientistDayToDay(t *testing.T) {
	role := roleWith(t, policy.Scope{Persona: policy.DataScientist, Buckets: teamBuckets})
	for _, c := range []check{
		// Studio: its own space and the apps in it, Canvas, its own URL.
		{what: "create its private space", action: "sagemaker:CreateSpace", resource: sm + "space/" + domain + "/alice-lab", ctx: owned("alice", "Private"), want: eval.Allow},
		{what: "tag the space as Studio creates it", action: "sagemaker:AddTags", resource: sm + "space/" + domain + "/alice-lab",
			ctx: studio(map[string][]string{"sagemaker:TaggingAction": {"CreateSpace"}}), want: eval.Allow},
		{what: "open JupyterLab in it", action: "sagemaker:CreateApp", resource: sm + "app/" + domain + "/alice-lab/jupyterlab/default", ctx: owned("alice", "Private"), want: eval.Allow},
		{what: "open an app in a shared space", action: "sagemaker:CreateApp", resource: sm + "app/" + domain + "/team-space/codeeditor/default",
			ctx: studio(map[string][]string{"sagemaker:SpaceSharingType": {"Shared"}}), want: eval.Allow},
		{what: "open its own Studio", action: "sagemaker:CreatePresignedDomainUrl", resource: profile("alice"), ctx: studio(nil), want: eval.Allow},
		{what: "open Canvas", action: "sagemaker:CreateApp", resource: sm + "app/" + domain + "/alice/canvas/default", ctx: studio(nil), want: eval.Allow},
		// Jobs and models.
		{what: "start a training job", action: "sagemaker:CreateTrainingJob", resource: sm + "training-job/churn-1", want: eval.Allow},
		{what: "pass itself to the job", action: "iam:PassRole", resource: roleARN, ctx: toSageMaker, want: eval.Allow},
		{what: "register a model version", action: "sagemaker:CreateModelPackage", resource: sm + "model-package/churn/1", want: eval.Allow},
		// Data: the team's bucket, Feature Store's tables, EMR Serverless, MLflow.
		{what: "read the team's bucket", action: "s3:GetObject", resource: s3obj("team-a-data", "train.csv"), want: eval.Allow},
		{what: "read a Feature Store table", action: "glue:GetTable", resource: "arn:aws:glue:us-east-1:111122223333:table/sagemaker_featurestore/customers-1700000000", want: eval.Allow},
		{what: "run Spark on EMR Serverless", action: "emr-serverless:AccessLivyEndpoints", resource: "arn:aws:emr-serverless:us-east-1:111122223333:/applications/00f1abc", want: eval.Allow},
		{what: "log a metric to MLflow", action: "sagemaker-mlflow:LogMetric", resource: sm + "mlflow-tracking-server/team", want: eval.Allow},

		// The dangerous neighbours.
		{what: "pass an admin role", action: "iam:PassRole", resource: adminARN, ctx: toSageMaker, want: eval.ImplicitDeny},
		{what: "pass itself to EC2", action: "iam:PassRole", resource: roleARN, ctx: map[string][]string{"iam:PassedToService": {"ec2.amazonaws.com"}}, want: eval.ImplicitDeny},
		{what: "delete another user's space", action: "sagemaker:DeleteSpace", resource: sm + "space/" + domain + "/bob-lab", ctx: owned("bob", "Private"), want: eval.ImplicitDeny},
		{what: "open an app in another user's private space", action: "sagemaker:CreateApp", resource: sm + "app/" + domain + "/bob-lab/jupyterlab/default", ctx: owned("bob", "Private"), want: eval.ImplicitDeny},
		{what: "open another user's Studio", action: "sagemaker:CreatePresignedDomainUrl", resource: profile("bob"), ctx: studio(nil), want: eval.ImplicitDeny},
		{what: "open another user's Canvas", action: "sagemaker:CreateApp", resource: sm + "app/" + domain + "/bob/canvas/default", ctx: studio(nil), want: eval.ImplicitDeny},
		{what: "its own space from outside Studio", action: "sagemaker:DeleteSpace", resource: sm + "space/" + domain + "/alice-lab",
			ctx: map[string][]string{"sagemaker:OwnerUserProfileArn": {profile("alice")}}, want: eval.ImplicitDeny},
		{what: "change the domain", action: "sagemaker:UpdateDomain", resource: sm + "domain/" + domain, ctx: studio(nil), want: eval.ImplicitDeny},
		{what: "change its own profile's role", action: "sagemaker:UpdateUserProfile", resource: profile("alice"), ctx: studio(nil), want: eval.ImplicitDeny},
		{what: "read another team's bucket", action: "s3:GetObject", resource: s3obj("team-b-data", "x"), want: eval.ImplicitDeny},
		{what: "list another team's bucket", action: "s3:ListBucket", resource: s3bucket("team-b-data"), ctx: prefix(""), want: eval.ImplicitDeny},
		{what: "a job in another account", action: "sagemaker:CreateTrainingJob", resource: "arn:aws:sagemaker:us-east-1:999999999999:training-job/x", want: eval.ImplicitDeny},
		{what: "deploy an endpoint (an MLOps activity)", action: "sagemaker:CreateEndpoint", resource: sm + "endpoint/churn", want: eval.ImplicitDeny},
	} {
		c.run(t, role)
	}
}

func TestMLOpsDayToDay(t *testing.T) {
	role := roleWith(t, policy.Scope{Persona: policy.MLOps})
	toScheduler := map[string][]string{"iam:PassedToService": {"scheduler.amazonaws.com"}}
	for _, c := range []check{
		{what: "approve a model version", action: "sagemaker:UpdateModelPackage", resource: sm + "model-package/churn/3", want: eval.Allow},
		{what: "create the endpoint config", action: "sagemaker:CreateEndpointConfig", resource: sm + "endpoint-config/churn-v3", want: eval.Allow},
		{what: "roll the endpoint to it", action: "sagemaker:UpdateEndpoint", resource: sm + "endpoint/churn", want: eval.Allow},
		{what: "shift traffic", action: "sagemaker:UpdateEndpointWeightsAndCapacities", resource: sm + "endpoint/churn", want: eval.Allow},
		{what: "smoke-test it", action: "sagemaker:InvokeEndpoint", resource: sm + "endpoint/churn", want: eval.Allow},
		{what: "define the pipeline", action: "sagemaker:CreatePipeline", resource: sm + "pipeline/retrain", want: eval.Allow},
		{what: "run it", action: "sagemaker:StartPipelineExecution", resource: sm + "pipeline/retrain", want: eval.Allow},
		{what: "retry a failed execution", action: "sagemaker:RetryPipelineExecution", resource: sm + "pipeline/retrain/execution/abc123", want: eval.Allow},
		{what: "schedule it", action: "scheduler:CreateSchedule", resource: "arn:aws:scheduler:us-east-1:111122223333:schedule/default/nightly", want: eval.Allow},
		{what: "give the schedule this role", action: "iam:PassRole", resource: roleARN, ctx: toScheduler, want: eval.Allow},
		{what: "monitor the endpoint", action: "sagemaker:CreateMonitoringSchedule", resource: sm + "monitoring-schedule/churn-quality", want: eval.Allow},
		{what: "trace a model's lineage", action: "sagemaker:QueryLineage", resource: "*", want: eval.Allow},

		{what: "give the schedule an admin role", action: "iam:PassRole", resource: adminARN, ctx: toScheduler, want: eval.ImplicitDeny},
		{what: "pass itself to Lambda", action: "iam:PassRole", resource: roleARN, ctx: map[string][]string{"iam:PassedToService": {"lambda.amazonaws.com"}}, want: eval.ImplicitDeny},
		{what: "delete another user's space", action: "sagemaker:DeleteSpace", resource: sm + "space/" + domain + "/bob-lab", ctx: owned("bob", "Shared"), want: eval.ImplicitDeny},
		{what: "open another user's Studio", action: "sagemaker:CreatePresignedDomainUrl", resource: profile("bob"), ctx: studio(nil), want: eval.ImplicitDeny},
		{what: "delete the domain", action: "sagemaker:DeleteDomain", resource: sm + "domain/" + domain, ctx: studio(nil), want: eval.ImplicitDeny},
		{what: "change the domain", action: "sagemaker:UpdateDomain", resource: sm + "domain/" + domain, ctx: studio(nil), want: eval.ImplicitDeny},
		{what: "read a team's bucket (MLOps reaches no S3)", action: "s3:GetObject", resource: s3obj("team-a-data", "x"), want: eval.ImplicitDeny},
		{what: "an endpoint in another account", action: "sagemaker:UpdateEndpoint", resource: "arn:aws:sagemaker:us-east-1:999999999999:endpoint/churn", want: eval.ImplicitDeny},
	} {
		c.run(t, role)
	}
}

func TestComputeDayToDay(t *testing.T) {
	role := roleWith(t, policy.Scope{Persona: policy.Compute, Buckets: teamBuckets, ECRRepos: []string{"trainer"}, VPC: true})
	repo := "arn:aws:ecr:us-east-1:111122223333:repository/trainer"
	ns := func(n string) map[string][]string { return map[string][]string{"cloudwatch:namespace": {n}} }
	logs := "arn:aws:logs:us-east-1:111122223333:log-group:/aws/sagemaker/TrainingJobs:log-stream:churn-1/algo-1"
	for _, c := range []check{
		{what: "read its training data", action: "s3:GetObject", resource: s3obj("team-a-data", "train/part-0.csv"), want: eval.Allow},
		{what: "write the model", action: "s3:PutObject", resource: s3obj("team-a-data", "models/churn-1/model.tar.gz"), want: eval.Allow},
		{what: "list the bucket", action: "s3:ListBucket", resource: s3bucket("team-a-data"), ctx: prefix(""), want: eval.Allow},
		{what: "log in to ECR", action: "ecr:GetAuthorizationToken", resource: "*", want: eval.Allow},
		{what: "pull the image", action: "ecr:BatchGetImage", resource: repo, want: eval.Allow},
		{what: "write its logs", action: "logs:PutLogEvents", resource: logs, want: eval.Allow},
		{what: "publish metrics in SageMaker's namespace", action: "cloudwatch:PutMetricData", resource: "*", ctx: ns("/aws/sagemaker/TrainingJobs"), want: eval.Allow},
		{what: "report metrics of its job", action: "sagemaker:BatchPutMetrics", resource: sm + "training-job/churn-1", want: eval.Allow},
		{what: "attach to the VPC", action: "ec2:CreateNetworkInterface", resource: "arn:aws:ec2:us-east-1:111122223333:network-interface/*", want: eval.Allow},

		{what: "another team's bucket", action: "s3:GetObject", resource: s3obj("team-b-data", "x"), want: eval.ImplicitDeny},
		{what: "another repository's image", action: "ecr:BatchGetImage", resource: "arn:aws:ecr:us-east-1:111122223333:repository/prod-api", want: eval.ImplicitDeny},
		{what: "push an image", action: "ecr:PutImage", resource: repo, want: eval.ImplicitDeny},
		{what: "metrics in another namespace", action: "cloudwatch:PutMetricData", resource: "*", ctx: ns("AWS/Billing"), want: eval.ImplicitDeny},
		{what: "another service's logs", action: "logs:PutLogEvents", resource: "arn:aws:logs:us-east-1:111122223333:log-group:/aws/lambda/payments:log-stream:x", want: eval.ImplicitDeny},
		{what: "start jobs itself", action: "sagemaker:CreateTrainingJob", resource: sm + "training-job/x", want: eval.ImplicitDeny},
		{what: "pass any role", action: "iam:PassRole", resource: roleARN, ctx: toSageMaker, want: eval.ImplicitDeny},
	} {
		c.run(t, role)
	}
}
