package awsapi

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/sagerole/sagerole/awsops"
	"github.com/sagerole/sagerole/awsops/motoserver"
)

// writeAWSFiles writes the shared config and credentials files the SDK
// reads (AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE point there).
func writeAWSFiles(t *testing.T, config, credentials string) {
	t.Helper()
	for k, content := range map[string]string{"AWS_CONFIG_FILE": config, "AWS_SHARED_CREDENTIALS_FILE": credentials} {
		f := filepath.Join(t.TempDir(), k)
		if err := os.WriteFile(f, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		t.Setenv(k, f)
	}
}

// TestNewConfigErrors checks that a configuration that cannot reach an
// account is a *awsops.ConfigError found by New, saying what to set and
// offering --sandbox, without waiting on instance metadata.
func TestNewConfigErrors(t *testing.T) {
	cases := []struct {
		name     string
		env      map[string]string
		config   string
		opts     Options
		contains []string
	}{
		{"no credentials anywhere",
			map[string]string{"AWS_REGION": "us-east-1"}, "", Options{},
			[]string{"no AWS credentials", "AWS_PROFILE", "--profile", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "aws sso login", "--sandbox"}},
		{"no region anywhere",
			map[string]string{"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}, "", Options{},
			[]string{"no AWS region", "--region", "AWS_REGION", "--sandbox"}},
		{"profile not configured",
			map[string]string{"AWS_REGION": "us-east-1"}, "", Options{Profile: "nope"},
			[]string{`"nope"`, "--sandbox"}},
		{"profile without credentials",
			nil, "[profile dev]\nregion = eu-west-2\n", Options{Profile: "dev"},
			[]string{`"dev"`, "has no credentials", "aws sso login --profile dev", "--sandbox"}},
		{"SSO profile never logged in",
			nil, "[profile sso]\nregion = us-east-1\nsso_start_url = https://example.awsapps.com/start\nsso_region = us-east-1\nsso_account_id = 123456789012\nsso_role_name = DS\n",
			Options{Profile: "sso"},
			[]string{`"sso"`, "aws sso login --profile sso", "--sandbox"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			motoserver.EnvNoCredentials(t)
			t.Setenv("HOME", t.TempDir()) // no SSO token cache of the developer's
			writeAWSFiles(t, c.config, "")
			for k, v := range c.env {
				t.Setenv(k, v)
			}
			// Bounded: a lookup that fell through to instance metadata
			// would otherwise show up as a slow test, not a failure.
			ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
			defer cancel()
			start := time.Now()
			b, err := New(ctx, c.opts)
			if took := time.Since(start); took > 5*time.Second {
				t.Errorf("New took %s", took)
			}
			var ce *awsops.ConfigError
			if !errors.As(err, &ce) {
				t.Fatalf("New = %v, %v; want *awsops.ConfigError", b, err)
			}
			for _, s := range c.contains {
				if !strings.Contains(ce.Msg, s) {
					t.Errorf("message %q does not mention %q", ce.Msg, s)
				}
			}
		})
	}
}

// TestNewResolvesLikeTheCLI checks region, endpoint and path-style S3 as
// they come from options, the environment and the shared files.
func TestNewResolvesLikeTheCLI(t *testing.T) {
	cases := []struct {
		name         string
		env          map[string]string
		config       string
		credentials  string
		opts         Options
		wantRegion   string
		wantEndpoint string
		wantPathS3   bool
	}{
		{"environment",
			map[string]string{"AWS_REGION": "eu-central-1", "AWS_ACCESS_KEY_ID": "a", "AWS_SECRET_ACCESS_KEY": "b"}, "", "",
			Options{}, "eu-central-1", "", false},
		{"--region wins over AWS_REGION",
			map[string]string{"AWS_REGION": "eu-central-1", "AWS_ACCESS_KEY_ID": "a", "AWS_SECRET_ACCESS_KEY": "b"}, "", "",
			Options{Region: "ap-south-1"}, "ap-south-1", "", false},
		{"--profile from the shared files",
			nil, "[profile dev]\nregion = eu-west-2\n", "[dev]\naws_access_key_id = a\naws_secret_access_key = b\n",
			Options{Profile: "dev"}, "eu-west-2", "", false},
		{"AWS_PROFILE",
			map[string]string{"AWS_PROFILE": "dev"}, "[profile dev]\nregion = eu-west-2\n", "[dev]\naws_access_key_id = a\naws_secret_access_key = b\n",
			Options{}, "eu-west-2", "", false},
		{"--endpoint-url",
			map[string]string{"AWS_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "a", "AWS_SECRET_ACCESS_KEY": "b"}, "", "",
			Options{EndpointURL: "http://127.0.0.1:1"}, "us-east-1", "http://127.0.0.1:1", true},
		{"AWS_ENDPOINT_URL",
			map[string]string{"AWS_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "a", "AWS_SECRET_ACCESS_KEY": "b", "AWS_ENDPOINT_URL": "http://127.0.0.1:2"}, "", "",
			Options{}, "us-east-1", "http://127.0.0.1:2", true},
		{"AWS_ENDPOINT_URL_S3 only",
			map[string]string{"AWS_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "a", "AWS_SECRET_ACCESS_KEY": "b", "AWS_ENDPOINT_URL_S3": "http://127.0.0.1:3"}, "", "",
			Options{}, "us-east-1", "", true},
		{"endpoint_url in the profile",
			nil, "[profile local]\nregion = us-west-2\nendpoint_url = http://127.0.0.1:4\n", "[local]\naws_access_key_id = a\naws_secret_access_key = b\n",
			Options{Profile: "local"}, "us-west-2", "http://127.0.0.1:4", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			motoserver.EnvNoCredentials(t)
			writeAWSFiles(t, c.config, c.credentials)
			for k, v := range c.env {
				t.Setenv(k, v)
			}
			b, err := New(t.Context(), c.opts)
			if err != nil {
				t.Fatalf("New: %v", err)
			}
			if b.Region() != c.wantRegion || b.Endpoint() != c.wantEndpoint {
				t.Errorf("Region, Endpoint = %q, %q; want %q, %q", b.Region(), b.Endpoint(), c.wantRegion, c.wantEndpoint)
			}
			if got := b.s3.(*s3.Client).Options().UsePathStyle; got != c.wantPathS3 {
				t.Errorf("S3 UsePathStyle = %v, want %v", got, c.wantPathS3)
			}
		})
	}
}

// TestEndpointFromEnvironment checks that AWS_ENDPOINT_URL alone reaches
// the emulator for every service, S3 included (path-style).
func TestEndpointFromEnvironment(t *testing.T) {
	srv := moto(t)
	motoserver.Env(t)
	t.Setenv("AWS_ENDPOINT_URL", srv.URL())
	b, err := New(t.Context(), Options{MaxAttempts: 1})
	if err != nil {
		t.Fatal(err)
	}
	if b.Endpoint() != srv.URL() {
		t.Errorf("Endpoint = %q, want %q", b.Endpoint(), srv.URL())
	}
	id, err := b.CallerIdentity(t.Context())
	if err != nil || id.Account == "" {
		t.Fatalf("CallerIdentity = %+v, %v", id, err)
	}
	bucket := fmt.Sprintf("sagerole-env-%d", time.Now().UnixNano())
	if err := b.CreateBucket(t.Context(), bucket, "us-east-1"); err != nil {
		t.Fatalf("CreateBucket: %v", err)
	}
	if r, err := b.BucketRegion(t.Context(), bucket); err != nil || r != "us-east-1" {
		t.Errorf("BucketRegion = %q, %v", r, err)
	}
	if err := b.DeleteBucket(t.Context(), bucket); err != nil {
		t.Errorf("DeleteBucket: %v", err)
	}
}
