package main

// services are the IAM service prefixes the embedded reference keeps: the
// services sagerole writes into policies or reads, and those the next issues
// (Role Manager's ML activities, sagerole why) will need. A test in
// flows/policy/iamref checks that every action of assets/policies and of the
// sandbox's managed policies (AmazonSageMakerFullAccess among them) belongs
// to one of them, so the list cannot fall behind the documents.
var services = []string{
	// What sagerole's documents name today.
	"sagemaker", "s3", "iam", "kms", "ecr", "logs", "cloudwatch", "ec2", "sts",
	"glue", "athena", "codecommit", "elasticfilesystem",
	// AmazonSageMakerFullAccess and the other managed policies of the sandbox.
	"sagemaker-geospatial", "s3-object-lambda", "application-autoscaling",
	"aws-marketplace", "cloudformation", "lambda", "secretsmanager", "sns",
	"tag", "redshift", "robomaker", "servicecatalog", "cognito-idp",
	"groundtruthlabeling", "fsx", "sqs", "s3express",
	// Role Manager's ML activities and the SageMaker features they reach.
	"emr-serverless", "emr-containers", "elasticmapreduce", "events",
	"scheduler", "codebuild", "codepipeline", "states", "sso", "identitystore",
	"lakeformation", "redshift-data", "redshift-serverless", "bedrock",
	"forecast", "textract", "comprehend", "rekognition", "kendra", "quicksight",
	"translate", "transcribe", "datazone", "ssm", "codeartifact", "airflow",
	"kinesis", "firehose", "sagemaker-mlflow",
}

// ended are services AWS has ended, with the date and the notice. The
// package's data does not mark them (it still lists RoboMaker's actions), so
// the notice is kept here with its source, next to the list it qualifies.
var ended = map[string]endNotice{
	"robomaker": {
		Date:   "2025-09-10",
		Source: "https://docs.aws.amazon.com/robomaker/latest/dg/chapter-development.html",
		Note:   "AWS discontinued support for AWS RoboMaker on September 10, 2025",
	},
}

type endNotice struct{ Date, Source, Note string }
