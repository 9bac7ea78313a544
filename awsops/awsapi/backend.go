// Package awsapi is the awsops.Backend that talks to AWS through
// aws-sdk-go-v2. Configuration is resolved as the AWS CLI resolves it
// (environment, shared config and credentials files, SSO, --profile,
// --region, --endpoint-url / AWS_ENDPOINT_URL, retry_mode and max_attempts),
// requests retry adaptively unless a retry mode is configured, every list
// follows every page, and every failure comes back as an
// *awsops.Error so callers never see SDK types.
package awsapi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sagemaker"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go/middleware"

	"github.com/sagerole/sagerole/awsops"
)

// Options say which account and endpoint to reach. Empty fields fall back
// to the environment and the shared config files, as in the AWS CLI.
type Options struct {
	Profile     string
	Region      string
	EndpointURL string
	// MaxAttempts caps attempts per request (1 = no retries); 0 keeps
	// what the environment and the profile say (AWS_MAX_ATTEMPTS,
	// max_attempts), else the SDK's default of 3.
	MaxAttempts int
	// MaxBackoff caps the wait between two attempts; 0 keeps the SDK's
	// 20 s. Tests that throttle on purpose set it.
	MaxBackoff time.Duration
	// Debug, when set, gets a line for every AWS call (service, operation,
	// status, duration, attempts) and for how the configuration resolved;
	// never a credential or a signature.
	Debug io.Writer
	// CallTimeout bounds each call, its retries included; 0 is
	// DefaultCallTimeout.
	CallTimeout time.Duration
}

// Backend implements awsops.Backend with aws-sdk-go-v2.
type Backend struct {
	region   string
	endpoint string
	sts      stsAPI
	iam      iamAPI
	s3       s3API
	sm       sagemakerAPI
	kms      kmsAPI
}

var _ awsops.Backend = (*Backend)(nil)

// The narrow client interfaces below list exactly the SDK calls the backend
// makes; the SDK clients satisfy them, and tests may substitute fakes.

type stsAPI interface {
	GetCallerIdentity(ctx context.Context, in *sts.GetCallerIdentityInput, opts ...func(*sts.Options)) (*sts.GetCallerIdentityOutput, error)
}

type iamAPI interface {
	iam.ListRolesAPIClient
	iam.ListAttachedRolePoliciesAPIClient
	iam.ListRolePoliciesAPIClient
	iam.ListInstanceProfilesForRoleAPIClient
	GetRole(ctx context.Context, in *iam.GetRoleInput, opts ...func(*iam.Options)) (*iam.GetRoleOutput, error)
	GetRolePolicy(ctx context.Context, in *iam.GetRolePolicyInput, opts ...func(*iam.Options)) (*iam.GetRolePolicyOutput, error)
	GetPolicy(ctx context.Context, in *iam.GetPolicyInput, opts ...func(*iam.Options)) (*iam.GetPolicyOutput, error)
	GetPolicyVersion(ctx context.Context, in *iam.GetPolicyVersionInput, opts ...func(*iam.Options)) (*iam.GetPolicyVersionOutput, error)
	iam.SimulatePrincipalPolicyAPIClient
	GetAccountSummary(ctx context.Context, in *iam.GetAccountSummaryInput, opts ...func(*iam.Options)) (*iam.GetAccountSummaryOutput, error)
	CreateRole(ctx context.Context, in *iam.CreateRoleInput, opts ...func(*iam.Options)) (*iam.CreateRoleOutput, error)
	DeleteRole(ctx context.Context, in *iam.DeleteRoleInput, opts ...func(*iam.Options)) (*iam.DeleteRoleOutput, error)
	UpdateAssumeRolePolicy(ctx context.Context, in *iam.UpdateAssumeRolePolicyInput, opts ...func(*iam.Options)) (*iam.UpdateAssumeRolePolicyOutput, error)
	AttachRolePolicy(ctx context.Context, in *iam.AttachRolePolicyInput, opts ...func(*iam.Options)) (*iam.AttachRolePolicyOutput, error)
	DetachRolePolicy(ctx context.Context, in *iam.DetachRolePolicyInput, opts ...func(*iam.Options)) (*iam.DetachRolePolicyOutput, error)
	PutRolePolicy(ctx context.Context, in *iam.PutRolePolicyInput, opts ...func(*iam.Options)) (*iam.PutRolePolicyOutput, error)
	DeleteRolePolicy(ctx context.Context, in *iam.DeleteRolePolicyInput, opts ...func(*iam.Options)) (*iam.DeleteRolePolicyOutput, error)
	TagRole(ctx context.Context, in *iam.TagRoleInput, opts ...func(*iam.Options)) (*iam.TagRoleOutput, error)
	UntagRole(ctx context.Context, in *iam.UntagRoleInput, opts ...func(*iam.Options)) (*iam.UntagRoleOutput, error)
}

type s3API interface {
	s3.ListBucketsAPIClient
	HeadBucket(ctx context.Context, in *s3.HeadBucketInput, opts ...func(*s3.Options)) (*s3.HeadBucketOutput, error)
	GetBucketLocation(ctx context.Context, in *s3.GetBucketLocationInput, opts ...func(*s3.Options)) (*s3.GetBucketLocationOutput, error)
	CreateBucket(ctx context.Context, in *s3.CreateBucketInput, opts ...func(*s3.Options)) (*s3.CreateBucketOutput, error)
	DeleteBucket(ctx context.Context, in *s3.DeleteBucketInput, opts ...func(*s3.Options)) (*s3.DeleteBucketOutput, error)
	GetBucketPolicy(ctx context.Context, in *s3.GetBucketPolicyInput, opts ...func(*s3.Options)) (*s3.GetBucketPolicyOutput, error)
	GetBucketEncryption(ctx context.Context, in *s3.GetBucketEncryptionInput, opts ...func(*s3.Options)) (*s3.GetBucketEncryptionOutput, error)
}

type sagemakerAPI interface {
	sagemaker.ListDomainsAPIClient
	sagemaker.ListUserProfilesAPIClient
	sagemaker.ListSpacesAPIClient
	sagemaker.ListAppsAPIClient
	sagemaker.ListNotebookInstancesAPIClient
	DescribeDomain(ctx context.Context, in *sagemaker.DescribeDomainInput, opts ...func(*sagemaker.Options)) (*sagemaker.DescribeDomainOutput, error)
	DescribeUserProfile(ctx context.Context, in *sagemaker.DescribeUserProfileInput, opts ...func(*sagemaker.Options)) (*sagemaker.DescribeUserProfileOutput, error)
	DescribeSpace(ctx context.Context, in *sagemaker.DescribeSpaceInput, opts ...func(*sagemaker.Options)) (*sagemaker.DescribeSpaceOutput, error)
	DescribeNotebookInstance(ctx context.Context, in *sagemaker.DescribeNotebookInstanceInput, opts ...func(*sagemaker.Options)) (*sagemaker.DescribeNotebookInstanceOutput, error)
	UpdateDomain(ctx context.Context, in *sagemaker.UpdateDomainInput, opts ...func(*sagemaker.Options)) (*sagemaker.UpdateDomainOutput, error)
	UpdateUserProfile(ctx context.Context, in *sagemaker.UpdateUserProfileInput, opts ...func(*sagemaker.Options)) (*sagemaker.UpdateUserProfileOutput, error)
	UpdateNotebookInstance(ctx context.Context, in *sagemaker.UpdateNotebookInstanceInput, opts ...func(*sagemaker.Options)) (*sagemaker.UpdateNotebookInstanceOutput, error)
	StopNotebookInstance(ctx context.Context, in *sagemaker.StopNotebookInstanceInput, opts ...func(*sagemaker.Options)) (*sagemaker.StopNotebookInstanceOutput, error)
	StartNotebookInstance(ctx context.Context, in *sagemaker.StartNotebookInstanceInput, opts ...func(*sagemaker.Options)) (*sagemaker.StartNotebookInstanceOutput, error)
	DescribeApp(ctx context.Context, in *sagemaker.DescribeAppInput, opts ...func(*sagemaker.Options)) (*sagemaker.DescribeAppOutput, error)
	DeleteApp(ctx context.Context, in *sagemaker.DeleteAppInput, opts ...func(*sagemaker.Options)) (*sagemaker.DeleteAppOutput, error)
	CreateApp(ctx context.Context, in *sagemaker.CreateAppInput, opts ...func(*sagemaker.Options)) (*sagemaker.CreateAppOutput, error)
}

// Messages for a configuration that cannot reach any account. They name
// what to set, and the way out that needs no account at all.
const (
	msgNoRegion      = "no AWS region is set: pass --region, set AWS_REGION, or set region in your profile (or try --sandbox for a sandbox account)"
	msgNoCredentials = "no AWS credentials were found: pass --profile or set AWS_PROFILE, set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run `aws sso login` for an SSO profile (or try --sandbox for a sandbox account)"
)

// New resolves configuration and credentials and returns a Backend. A
// configuration that cannot work (unknown profile, no region, no
// credentials) is an *awsops.ConfigError, found here rather than on the
// first call.
func New(ctx context.Context, o Options) (*Backend, error) {
	cfg, err := loadConfig(ctx, o)
	if err != nil {
		return nil, err
	}
	if cfg.Credentials == nil {
		return nil, &awsops.ConfigError{Msg: msgNoCredentials}
	}
	// Fetching credentials is a call too (SSO, an assumed role): bounded
	// like the others.
	credCtx, cancel := context.WithTimeout(ctx, callTimeoutOf(o))
	defer cancel()
	start := time.Now()
	creds, err := cfg.Credentials.Retrieve(credCtx)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if errors.Is(credCtx.Err(), context.DeadlineExceeded) {
			return nil, &awsops.ConfigError{Err: err, Msg: fmt.Sprintf(
				"AWS credentials did not come within %s (the credential source, such as SSO or an assumed role, did not answer); raise the limit with --call-timeout or SAGEROLE_CALL_TIMEOUT", callTimeoutOf(o))}
		}
		return nil, credentialsError(o.Profile, err)
	}
	// The source's name (EnvConfigCredentials, SSOProvider…), never a key.
	debugf(o.Debug, "credentials from %s in %s", creds.Source, time.Since(start).Round(time.Millisecond))
	return newFromConfig(cfg, o), nil
}

// loadConfig resolves the SDK configuration New uses (profile, region,
// endpoint, retries) without fetching credentials.
func loadConfig(ctx context.Context, o Options) (aws.Config, error) {
	var opts []func(*config.LoadOptions) error
	if o.Profile != "" {
		opts = append(opts, config.WithSharedConfigProfile(o.Profile))
	}
	if o.Region != "" {
		opts = append(opts, config.WithRegion(o.Region))
	}
	if o.EndpointURL != "" {
		opts = append(opts, config.WithBaseEndpoint(o.EndpointURL))
	}
	// No config.WithRetryer: with one, the SDK skips retry_mode and
	// max_attempts of the profile and AWS_RETRY_MODE / AWS_MAX_ATTEMPTS.
	apiOpts := []func(*middleware.Stack) error{withCallDeadline(callTimeoutOf(o))}
	if o.Debug != nil {
		apiOpts = append(apiOpts, withDebug(o.Debug))
	}
	opts = append(opts, config.WithAPIOptions(apiOpts))
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		var noProfile config.SharedConfigProfileNotExistError
		if errors.As(err, &noProfile) {
			return aws.Config{}, &awsops.ConfigError{Err: err, Msg: fmt.Sprintf(
				"AWS profile %q is not in your AWS config or credentials file: check --profile or AWS_PROFILE, or run `aws configure --profile %s` (or try --sandbox for a sandbox account)",
				noProfile.Profile, noProfile.Profile)}
		}
		return aws.Config{}, &awsops.ConfigError{Err: err, Msg: "cannot load the AWS configuration: " + err.Error()}
	}
	if cfg.Region == "" {
		return aws.Config{}, &awsops.ConfigError{Msg: msgNoRegion}
	}
	resolveRetries(&cfg, o)
	return cfg, nil
}

// resolveRetries settles the retry mode and attempts as the AWS CLI does,
// with one default of sagerole's own: adaptive mode when no retry mode is
// configured (it retries as standard mode does, and also slows down when
// IAM throttles a long run of writes instead of failing it). The SDK then
// builds each client's retryer from these fields.
func resolveRetries(cfg *aws.Config, o Options) {
	mode, modeFrom := string(cfg.RetryMode), "AWS_RETRY_MODE or retry_mode"
	// A defaults_mode other than legacy chose its retry mode (standard).
	if cfg.RetryMode == "" && (cfg.DefaultsMode == "" || cfg.DefaultsMode == aws.DefaultsModeLegacy) {
		cfg.RetryMode = aws.RetryModeAdaptive
		mode, modeFrom = string(aws.RetryModeAdaptive), "sagerole's default"
	} else if cfg.RetryMode == "" {
		mode, modeFrom = "standard", "defaults_mode "+string(cfg.DefaultsMode)
	}
	attemptsFrom := "AWS_MAX_ATTEMPTS or max_attempts"
	if o.MaxAttempts > 0 {
		cfg.RetryMaxAttempts, attemptsFrom = o.MaxAttempts, "sagerole"
	}
	attempts := fmt.Sprint(cfg.RetryMaxAttempts)
	if cfg.RetryMaxAttempts == 0 {
		attempts, attemptsFrom = fmt.Sprint(retry.DefaultMaxAttempts), "the SDK's default"
	}
	endpoint := "AWS"
	if cfg.BaseEndpoint != nil && *cfg.BaseEndpoint != "" {
		endpoint = *cfg.BaseEndpoint
	}
	debugf(o.Debug, "region %s, endpoint %s, retry mode %s (%s), max attempts %s (%s)",
		cfg.Region, endpoint, mode, modeFrom, attempts, attemptsFrom)
}

func callTimeoutOf(o Options) time.Duration {
	if o.CallTimeout > 0 {
		return o.CallTimeout
	}
	return DefaultCallTimeout
}

// credentialsError explains a failed credential lookup. When the SDK's
// chain found no source at all (it ends at instance metadata) its message
// is a dump of that chain, so say what to set instead; a source that fails
// (an expired SSO session, a role that cannot be assumed) keeps its reason.
func credentialsError(profile string, err error) error {
	for _, k := range []string{"AWS_PROFILE", "AWS_DEFAULT_PROFILE"} {
		if profile == "" {
			profile = os.Getenv(k)
		}
	}
	noSource := strings.Contains(err.Error(), "EC2 IMDS")
	if msg := credentialProcessProblem(profile, err); msg != "" {
		return &awsops.ConfigError{Err: err, Msg: msg + " (or try --sandbox for a sandbox account)"}
	}
	if msg := tlsProblem(err); msg != "" {
		return &awsops.ConfigError{Err: err, Msg: "cannot get AWS credentials: " + msg}
	}
	switch {
	case profile == "":
		return &awsops.ConfigError{Msg: msgNoCredentials, Err: err}
	case noSource:
		return &awsops.ConfigError{Err: err, Msg: fmt.Sprintf(
			"AWS profile %q has no credentials: run `aws configure --profile %s` or `aws sso login --profile %s`, or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or try --sandbox for a sandbox account)",
			profile, profile, profile)}
	}
	return &awsops.ConfigError{Err: err, Msg: fmt.Sprintf(
		"cannot get AWS credentials for profile %q (%v): run `aws sso login --profile %s` if it is an SSO profile, or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or try --sandbox for a sandbox account)",
		profile, err, profile)}
}

// newFromConfig builds the service clients from a resolved config.
func newFromConfig(cfg aws.Config, o Options) *Backend {
	// The SDK has built each client's retryer by the time these run.
	backoff := func(r aws.Retryer) aws.Retryer {
		if o.MaxBackoff > 0 {
			return retry.AddWithMaxBackoffDelay(r, o.MaxBackoff)
		}
		return r
	}
	s3c := s3.NewFromConfig(cfg, func(so *s3.Options) {
		so.Retryer = backoff(so.Retryer)
		// Emulators answer on one host: virtual-hosted buckets
		// (bucket.localhost) do not resolve. The S3 client has already
		// folded AWS_ENDPOINT_URL_S3 and the config's services section into
		// BaseEndpoint by the time this runs.
		if so.BaseEndpoint != nil && *so.BaseEndpoint != "" {
			so.UsePathStyle = true
		}
	})
	endpoint := ""
	if cfg.BaseEndpoint != nil {
		endpoint = *cfg.BaseEndpoint
	}
	return &Backend{
		region:   cfg.Region,
		endpoint: endpoint,
		sts:      sts.NewFromConfig(cfg, func(so *sts.Options) { so.Retryer = backoff(so.Retryer) }),
		iam:      iam.NewFromConfig(cfg, func(c *iam.Options) { c.Retryer = backoff(c.Retryer) }),
		s3:       s3c,
		sm:       sagemaker.NewFromConfig(cfg, func(so *sagemaker.Options) { so.Retryer = backoff(so.Retryer) }),
		kms:      kms.NewFromConfig(cfg, func(ko *kms.Options) { ko.Retryer = backoff(ko.Retryer) }),
	}
}

// Region is the region requests go to.
func (b *Backend) Region() string { return b.region }

// Endpoint is the endpoint URL every service is sent to (from
// --endpoint-url, AWS_ENDPOINT_URL or the profile's endpoint_url), empty
// for AWS itself.
func (b *Backend) Endpoint() string { return b.endpoint }
