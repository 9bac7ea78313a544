package why

import (
	"strings"
	"testing"

	"github.com/sagerole/sagerole/awsops/rules"
)

// corpus is access denied texts as AWS wrote them, copied from public
// issues and AWS's documentation (the source of each is above it), and
// what Parse must read from each. Account numbers and names are as the
// sources printed them, redactions included.
var corpus = []struct {
	text string
	want Message
}{
	// github.com/data-dot-all/dataall/issues/1208 (Studio creating a space)
	{`AccessDeniedException: User: arn:aws:sts::1111111111:assumed-role/dataall-test-v24environmenta1-uri/SageMaker is not authorized to perform: sagemaker:AddTags on resource: arn:aws:sagemaker:us-east-1:1111111111:space/d-lhfxabshvrco/dataallapp because no identity-based policy allows the sagemaker:AddTags action`,
		Message{Caller: "arn:aws:sts::1111111111:assumed-role/dataall-test-v24environmenta1-uri/SageMaker", Account: "1111111111",
			Role: "dataall-test-v24environmenta1-uri", Session: "SageMaker", Action: "sagemaker:AddTags",
			Resource: "arn:aws:sagemaker:us-east-1:1111111111:space/d-lhfxabshvrco/dataallapp", Said: Said{Layer: LayerIdentity}}},
	// github.com/aws/amazon-sagemaker-feedback/issues/88
	{`AccessDeniedException: User: arn:aws:sts::471112618815:assumed-role/AmazonSageMaker-ExecutionRole-20240428T152593/SageMaker is not authorized to perform: sagemaker:AddTags on resource: arn:aws:sagemaker:us-east-1:471112618815:space/d-aq8p3i3mrfql/LLM-Project because no permissions boundary allows the sagemaker:AddTags action`,
		Message{Caller: "arn:aws:sts::471112618815:assumed-role/AmazonSageMaker-ExecutionRole-20240428T152593/SageMaker", Account: "471112618815",
			Role: "AmazonSageMaker-ExecutionRole-20240428T152593", Session: "SageMaker", Action: "sagemaker:AddTags",
			Resource: "arn:aws:sagemaker:us-east-1:471112618815:space/d-aq8p3i3mrfql/LLM-Project", Said: Said{Layer: LayerBoundary}}},
	// github.com/aws/aws-cdk/issues/32294 (the caller was cut off by the reporter)
	{`is not authorized to perform: sagemaker:AddTags on resource: arn:aws:sagemaker:us-east-1:xxxx:training-job/xxxx because no identity-based policy allows the sagemaker:AddTags action`,
		Message{Action: "sagemaker:AddTags", Resource: "arn:aws:sagemaker:us-east-1:xxxx:training-job/xxxx", Said: Said{Layer: LayerIdentity}}},
	// github.com/aws-samples/sagemaker-custom-project-templates/pull/41 (the Java SDK's suffix)
	{`User: arn:aws:sts::XXXXX:assumed-role/SM-Gitlab-Example-Launch-Role-XXXX/servicecatalog is not authorized to perform: sagemaker:AddTags on resource: arn:aws:sagemaker:XXX:XXXX:code-repository/sm-model-deploy-XXX because no identity-based policy allows the sagemaker:AddTags action (Service: AmazonSageMaker; Status Code: 400; Error Code: AccessDeniedException; Request ID: xxxxxxxx; Proxy: null)`,
		Message{Caller: "arn:aws:sts::XXXXX:assumed-role/SM-Gitlab-Example-Launch-Role-XXXX/servicecatalog", Account: "XXXXX",
			Role: "SM-Gitlab-Example-Launch-Role-XXXX", Session: "servicecatalog", Action: "sagemaker:AddTags",
			Resource: "arn:aws:sagemaker:XXX:XXXX:code-repository/sm-model-deploy-XXX", Said: Said{Layer: LayerIdentity}}},
	// github.com/aws/amazon-sagemaker-feedback/issues/61 (the iam:PassRole form)
	{`botocore.exceptions.ClientError: An error occurred (AccessDeniedException) when calling the CreateProject operation: User: arn:aws:sts::994669122466:assumed-role/sagemaker-immersion-day-SageMakerExecutionRole-9zz8Vn2LZg9h/SageMaker is not authorized to perform: iam:PassRole on resource: arn:aws:iam::994669122466:role/sagemaker-immersion-day-SageMakerExecutionRole-9zz8Vn2LZg9h because no identity-based policy allows the iam:PassRole action`,
		Message{Caller: "arn:aws:sts::994669122466:assumed-role/sagemaker-immersion-day-SageMakerExecutionRole-9zz8Vn2LZg9h/SageMaker", Account: "994669122466",
			Role: "sagemaker-immersion-day-SageMakerExecutionRole-9zz8Vn2LZg9h", Session: "SageMaker", Action: "iam:PassRole", Operation: "CreateProject",
			Resource: "arn:aws:iam::994669122466:role/sagemaker-immersion-day-SageMakerExecutionRole-9zz8Vn2LZg9h", Code: "AccessDeniedException", Said: Said{Layer: LayerIdentity}}},
	// github.com/wpilibsuite/DetectCoral/issues/20 (an explicit deny of the older form, naming no policy type)
	{`ClientError: An error occurred (AccessDeniedException) when calling the CreateTrainingJob operation: User: arn:aws:sts::308085923257:assumed-role/AmazonSageMaker-ExecutionRole-20200202T132997/SageMaker is not authorized to perform: sagemaker:CreateTrainingJob on resource: arn:aws:sagemaker:us-east-1:308085923257:training-job/wpi-cpu-2020-02-02-21-52-50-104 with an explicit deny`,
		Message{Caller: "arn:aws:sts::308085923257:assumed-role/AmazonSageMaker-ExecutionRole-20200202T132997/SageMaker", Account: "308085923257",
			Role: "AmazonSageMaker-ExecutionRole-20200202T132997", Session: "SageMaker", Action: "sagemaker:CreateTrainingJob", Operation: "CreateTrainingJob",
			Resource: "arn:aws:sagemaker:us-east-1:308085923257:training-job/wpi-cpu-2020-02-02-21-52-50-104", Code: "AccessDeniedException", Said: Said{Explicit: true}}},
	// github.com/aws/amazon-sagemaker-examples/issues/2499 (no reason at all)
	{`ClientError: An error occurred (AccessDenied) when calling the CreateRole operation: User: arn:aws:sts::521695447989:assumed-role/ProdBuildSystemStack-ReleaseBuildRoleFB326D49-QK8LUA2UI1IC/SageMaker is not authorized to perform: iam:CreateRole on resource: arn:aws:iam::521695447989:role/allow_invoke_ny_model_role2021-05-11-01-06-25`,
		Message{Caller: "arn:aws:sts::521695447989:assumed-role/ProdBuildSystemStack-ReleaseBuildRoleFB326D49-QK8LUA2UI1IC/SageMaker", Account: "521695447989",
			Role: "ProdBuildSystemStack-ReleaseBuildRoleFB326D49-QK8LUA2UI1IC", Session: "SageMaker", Action: "iam:CreateRole", Operation: "CreateRole",
			Resource: "arn:aws:iam::521695447989:role/allow_invoke_ny_model_role2021-05-11-01-06-25", Code: "AccessDenied"}},
	// linden.consulting/en/blog/s3-403-access-denied and fixwikihub.com (S3's short form)
	{`An error occurred (AccessDenied) when calling the GetObject operation: Access Denied`,
		Message{Action: "s3:GetObject", Operation: "GetObject", Code: "AccessDenied"}},
	// linden.consulting/en/blog/s3-403-access-denied (a HEAD request has no body: "Forbidden")
	{`fatal error: An error occurred (403) when calling the HeadObject operation: Forbidden`,
		Message{Action: "s3:GetObject", Operation: "HeadObject", Code: "403"}},
	// www.fixwikihub.com/articles/fix-aws-s3-access-denied-error
	{"$ aws s3 ls s3://my-bucket/\n\nAn error occurred (AccessDenied) when calling the ListObjectsV2 operation: Access Denied",
		Message{Action: "s3:ListBucket", Operation: "ListObjectsV2", Code: "AccessDenied"}},
	// fixerror-dev.pages.dev/aws/access-denied-exception (S3's same-account form quotes the resource; an IAM user)
	{"An error occurred (AccessDeniedException) when calling the GetObject operation:\nUser: arn:aws:iam::123456789012:user/deploy-bot is not authorized to perform:\ns3:GetObject on resource: \"arn:aws:s3:::my-prod-bucket/config.json\"\nbecause no identity-based policy allows the s3:GetObject action",
		Message{Caller: "arn:aws:iam::123456789012:user/deploy-bot", Account: "123456789012", User: "deploy-bot", Action: "s3:GetObject", Operation: "GetObject",
			Resource: "arn:aws:s3:::my-prod-bucket/config.json", Code: "AccessDeniedException", Said: Said{Layer: LayerIdentity}}},
	// repost.aws/articles/ARIOhwOHPMSOupacb7AbcdAQ (an explicit deny in a resource-based policy, over several lines)
	{"An error occurred (AccessDenied) when calling the ListObjectsV2 operation:\nUser: arn:aws:sts::111111111111:assumed-role/MyEC2Role/i-0abc123def456789\nis not authorized to perform: s3:ListBucket on resource:\n\"arn:aws:s3:us-east-1:111111111111:accesspoint/my-fsxn-s3-accesspoint\"\nwith an explicit deny in a resource-based policy",
		Message{Caller: "arn:aws:sts::111111111111:assumed-role/MyEC2Role/i-0abc123def456789", Account: "111111111111", Role: "MyEC2Role", Session: "i-0abc123def456789",
			Action: "s3:ListBucket", Operation: "ListObjectsV2", Resource: "arn:aws:s3:us-east-1:111111111111:accesspoint/my-fsxn-s3-accesspoint",
			Code: "AccessDenied", Said: Said{Explicit: true, Layer: LayerResource}}},
	// github.com/ministryofjustice/modernisation-platform/pull/11726 (KMS on an encrypted bucket, the Go SDK v1's suffix)
	{`AccessDenied: User: arn:aws:sts::624384546187:assumed-role/cortex_xsiam20240930112820077540000001/xdr-collection is not authorized to perform: kms:Decrypt on resource: arn:aws:kms:eu-west-2:624384546187:key/b997e702-260d-456b-95c4-270624f53307 because no identity-based policy allows the kms:Decrypt action status code: 403, request id: TMZDENVDWQ8V6JV53, host id: 6Av1FXprlxRXDazevV+VEmp2Y9AImBndpQe9biZPA/uW2nBGR9RKxrILhF+2qTlGANGDKJ6yH/rQ=`,
		Message{Caller: "arn:aws:sts::624384546187:assumed-role/cortex_xsiam20240930112820077540000001/xdr-collection", Account: "624384546187",
			Role: "cortex_xsiam20240930112820077540000001", Session: "xdr-collection", Action: "kms:Decrypt",
			Resource: "arn:aws:kms:eu-west-2:624384546187:key/b997e702-260d-456b-95c4-270624f53307", Said: Said{Layer: LayerIdentity}}},
	// github.com/4dn-dcic/tibanna/issues/402 (the key policy: no resource-based policy allows)
	{`Lambda was unable to decrypt the environment variables because KMS access was denied. Please check the function's KMS key settings. KMS Exception: AccessDeniedExceptionKMS Message: User: arn:aws:sts::aws-account:assumed-role/tibanna_a_run_task_awsem/run_task_awsem_tibanna_a is not authorized to perform: kms:Decrypt on resource: arn:aws:kms:resion:aws-acount:key/key_ID because no resource-based policy allows the kms:Decrypt action (Service: Lambda, Status Code: 502, Request ID: ID)`,
		Message{Caller: "arn:aws:sts::aws-account:assumed-role/tibanna_a_run_task_awsem/run_task_awsem_tibanna_a", Account: "aws-account",
			Role: "tibanna_a_run_task_awsem", Session: "run_task_awsem_tibanna_a", Action: "kms:Decrypt",
			Resource: "arn:aws:kms:resion:aws-acount:key/key_ID", Said: Said{Layer: LayerResource}}},
	// repost.aws/knowledge-center/iam-explicit-deny-errors (an IAM user, a wildcard resource)
	{`Error: An error occurred (AccessDenied) when calling the RunInstances operation: User: arn:aws:iam::444455556666:user/ExampleUser is not authorized to perform: ec2:RunInstances on resource: arn:aws:ec2:us-east-1:444455556666:volume/* with an explicit deny`,
		Message{Caller: "arn:aws:iam::444455556666:user/ExampleUser", Account: "444455556666", User: "ExampleUser", Action: "ec2:RunInstances", Operation: "RunInstances",
			Resource: "arn:aws:ec2:us-east-1:444455556666:volume/*", Code: "AccessDenied", Said: Said{Explicit: true}}},
	// infrarunbook.com/article/aws-iam-permission-denied-errors (sts:AssumeRole, over several lines)
	{"An error occurred (AccessDenied) when calling the AssumeRole operation:\nUser: arn:aws:iam::123456789012:user/infrarunbook-admin is not authorized\nto perform: sts:AssumeRole on resource:\narn:aws:iam::987654321098:role/InfraDeployRole",
		Message{Caller: "arn:aws:iam::123456789012:user/infrarunbook-admin", Account: "123456789012", User: "infrarunbook-admin", Action: "sts:AssumeRole", Operation: "AssumeRole",
			Resource: "arn:aws:iam::987654321098:role/InfraDeployRole", Code: "AccessDenied"}},
	// github.com/aws-solutions-library-samples/guidance-for-developing-data-and-ai-foundation-with-amazon-sagemaker/issues/18
	{`notebook (JupyterLab) space has failed to create and start:: User is not permitted to perform kms:Decrypt for operation GetEnvironment`,
		Message{Action: "kms:Decrypt"}},

	// The forms below follow the IAM User Guide's description of the
	// message (docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html:
	// "with an explicit deny in a TYPE policy", "because no TYPE policy
	// allows the ACTION action", and the policy's ARN where the message
	// carries one), filled in with this project's sandbox names: no public
	// text of these types naming a SageMaker role was found to copy.
	{`User: arn:aws:sts::111122223333:assumed-role/AmazonSageMaker-ExecutionRole-Research/SageMaker is not authorized to perform: s3:GetObject on resource: "arn:aws:s3:::team-raw-data/curated/part-0001.parquet" with an explicit deny in a service control policy: arn:aws:organizations::999988887777:policy/o-a1b2c3d4e5/service_control_policy/p-examplepolicyid111`,
		Message{Caller: "arn:aws:sts::111122223333:assumed-role/AmazonSageMaker-ExecutionRole-Research/SageMaker", Account: "111122223333",
			Role: "AmazonSageMaker-ExecutionRole-Research", Session: "SageMaker", Action: "s3:GetObject", Resource: "arn:aws:s3:::team-raw-data/curated/part-0001.parquet",
			Said: Said{Explicit: true, Layer: LayerSCP, PolicyARN: "arn:aws:organizations::999988887777:policy/o-a1b2c3d4e5/service_control_policy/p-examplepolicyid111"}}},
	{`User: arn:aws:sts::111122223333:assumed-role/DataScientistRestricted/bob is not authorized to perform: s3:PutObject on resource: "arn:aws:s3:::team-raw-data/out/model.tar.gz" with an explicit deny in a resource control policy`,
		Message{Caller: "arn:aws:sts::111122223333:assumed-role/DataScientistRestricted/bob", Account: "111122223333", Role: "DataScientistRestricted", Session: "bob",
			Action: "s3:PutObject", Resource: "arn:aws:s3:::team-raw-data/out/model.tar.gz", Said: Said{Explicit: true, Layer: LayerRCP}}},
	{`User: arn:aws:sts::111122223333:assumed-role/DataScientistRestricted/bob is not authorized to perform: sagemaker:CreateTrainingJob on resource: arn:aws:sagemaker:us-east-1:111122223333:training-job/xgb-1 with an explicit deny in a permissions boundary`,
		Message{Caller: "arn:aws:sts::111122223333:assumed-role/DataScientistRestricted/bob", Account: "111122223333", Role: "DataScientistRestricted", Session: "bob",
			Action: "sagemaker:CreateTrainingJob", Resource: "arn:aws:sagemaker:us-east-1:111122223333:training-job/xgb-1", Said: Said{Explicit: true, Layer: LayerBoundary}}},
	{`User: arn:aws:sts::111122223333:assumed-role/Admin/sandbox-session is not authorized to perform: iam:PassRole on resource: arn:aws:iam::111122223333:role/sagemaker/DataScientistRestricted with an explicit deny in a session policy`,
		Message{Caller: "arn:aws:sts::111122223333:assumed-role/Admin/sandbox-session", Account: "111122223333", Role: "Admin", Session: "sandbox-session",
			Action: "iam:PassRole", Resource: "arn:aws:iam::111122223333:role/sagemaker/DataScientistRestricted", Said: Said{Explicit: true, Layer: LayerSession}}},
	{`User: arn:aws:sts::111122223333:assumed-role/Admin/sandbox-session is not authorized to perform: sagemaker:ListDomains because no session policy allows the sagemaker:ListDomains action`,
		Message{Caller: "arn:aws:sts::111122223333:assumed-role/Admin/sandbox-session", Account: "111122223333", Role: "Admin", Session: "sandbox-session",
			Action: "sagemaker:ListDomains", Said: Said{Layer: LayerSession}}},
	{`An error occurred (AccessDenied) when calling the GetObject operation: User: arn:aws:sts::111122223333:assumed-role/AmazonSageMaker-ExecutionRole-Notebooks/SageMaker is not authorized to perform: s3:GetObject on resource: "arn:aws:s3:::ml-models-prod/churn/model.tar.gz" with an explicit deny in a VPC endpoint policy`,
		Message{Caller: "arn:aws:sts::111122223333:assumed-role/AmazonSageMaker-ExecutionRole-Notebooks/SageMaker", Account: "111122223333",
			Role: "AmazonSageMaker-ExecutionRole-Notebooks", Session: "SageMaker", Action: "s3:GetObject", Operation: "GetObject", Code: "AccessDenied",
			Resource: "arn:aws:s3:::ml-models-prod/churn/model.tar.gz", Said: Said{Explicit: true, Layer: LayerVPCE}}},
	{`User: arn:aws:sts::111122223333:assumed-role/AmazonSageMaker-ExecutionRole-Notebooks/SageMaker is not authorized to perform: s3:GetObject on resource: "arn:aws:s3:::ml-models-prod/churn/model.tar.gz" because no VPC endpoint policy allows the s3:GetObject action`,
		Message{Caller: "arn:aws:sts::111122223333:assumed-role/AmazonSageMaker-ExecutionRole-Notebooks/SageMaker", Account: "111122223333",
			Role: "AmazonSageMaker-ExecutionRole-Notebooks", Session: "SageMaker", Action: "s3:GetObject",
			Resource: "arn:aws:s3:::ml-models-prod/churn/model.tar.gz", Said: Said{Layer: LayerVPCE}}},
	{`User: arn:aws:sts::111122223333:assumed-role/AmazonSageMaker-ExecutionRole-Research/SageMaker is not authorized to perform: s3:GetObject on resource: "arn:aws:s3:::research-datasets/raw/a.csv" with an explicit deny in an identity-based policy`,
		Message{Caller: "arn:aws:sts::111122223333:assumed-role/AmazonSageMaker-ExecutionRole-Research/SageMaker", Account: "111122223333",
			Role: "AmazonSageMaker-ExecutionRole-Research", Session: "SageMaker", Action: "s3:GetObject",
			Resource: "arn:aws:s3:::research-datasets/raw/a.csv", Said: Said{Explicit: true, Layer: LayerIdentity}}},
}

func TestParseCorpus(t *testing.T) {
	for _, c := range corpus {
		got, err := Parse(c.text)
		if err != nil {
			t.Errorf("Parse(%.60q…): %v", c.text, err)
			continue
		}
		if got != c.want {
			t.Errorf("Parse(%.60q…)\n got %+v\nwant %+v", c.text, got, c.want)
		}
	}
}

// unparseableCorpus is text that is not a message Parse can read: each
// gets one sentence, as bad input.
var unparseableCorpus = []struct{ text, says string }{
	{"", "empty"},
	{"   \n\t", "empty"},
	// repost.aws/knowledge-center/iam-organizations-scp-deny-error: the
	// article paraphrases the message, naming no action.
	{`The IAM Entity is not authorized to perform API action on resource: arn:aws:iam::123456789012:role/Admin with an explicit deny in a service control policy`, "does not name the action"},
	// S3's short form without the operation (the console's 403 page).
	{"403 Forbidden You don't have permission to access this bucket.", "not an AWS access denied message"},
	{"AccessDenied: Access Denied", "does not name the action"},
	// A denied operation S3's table does not map.
	{`An error occurred (AccessDenied) when calling the GetBucketReplication operation: Access Denied`, "GetBucketReplication operation"},
	{"ValidationException: Could not assume role arn:aws:iam::111122223333:role/LambdaBasic", "not an AWS access denied message"},
}

func TestParseUnparseable(t *testing.T) {
	for _, c := range unparseableCorpus {
		_, err := Parse(c.text)
		var ie *rules.InputError
		if !rules.IsInput(err) {
			t.Errorf("Parse(%q) = %v, want bad input", c.text, err)
			continue
		}
		ie = err.(*rules.InputError)
		if ie.Field != "message" || !strings.Contains(ie.Msg, c.says) || strings.Count(ie.Msg, ". ") > 0 {
			t.Errorf("Parse(%q): %q, want one sentence about the message saying %q", c.text, ie.Msg, c.says)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, c := range corpus {
		f.Add(c.text)
	}
	f.Fuzz(func(t *testing.T, text string) {
		m, err := Parse(text)
		if err != nil {
			if !rules.IsInput(err) {
				t.Fatalf("Parse error is not bad input: %v", err)
			}
			return
		}
		if !strings.Contains(m.Action, ":") {
			t.Fatalf("Parse gave action %q without a service", m.Action)
		}
	})
}
