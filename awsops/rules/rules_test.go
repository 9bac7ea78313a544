package rules

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestRules(t *testing.T) {
	long := func(n int, c string) string { return strings.Repeat(c, n) }
	tests := []struct {
		name  string
		check func(string) error
		in    string
		field string // "" when the input is valid
	}{
		{"role name ok", RoleName, "AmazonSageMaker-ExecutionRole_1+=,.@", ""},
		{"role name 64", RoleName, long(64, "a"), ""},
		{"role name 65", RoleName, long(65, "a"), "role name"},
		{"role name empty", RoleName, "", "role name"},
		{"role name slash", RoleName, "a/b", "role name"},
		{"role name space", RoleName, "a b", "role name"},
		{"path root", Path, "/", ""},
		{"path nested", Path, "/service-role/team/", ""},
		{"path no trailing slash", Path, "/a", "path"},
		{"path no leading slash", Path, "a/", "path"},
		{"path double slash", Path, "/a//b/", "path"},
		{"path space", Path, "/a b/", "path"},
		{"path too long", Path, "/" + long(511, "a") + "/", "path"},
		{"description latin-1", Description, "Rôle for the data team\n", ""},
		{"description emoji", Description, "rocket 🚀", "description"},
		{"description 1001", Description, long(1001, "a"), "description"},
		{"role ARN with path", RoleARN, "arn:aws:iam::111122223333:role/service-role/X", ""},
		{"role ARN china", RoleARN, "arn:aws-cn:iam::111122223333:role/X", ""},
		{"role ARN short account", RoleARN, "arn:aws:iam::1111:role/X", "role"},
		{"role ARN user", RoleARN, "arn:aws:iam::111122223333:user/X", "role"},
		{"role ARN name only", RoleARN, "X", "role"},
		{"bucket ok", BucketName, "research-datasets.v2", ""},
		{"bucket short", BucketName, "ab", "bucket"},
		{"bucket long", BucketName, long(64, "a"), "bucket"},
		{"bucket upper", BucketName, "Research", "bucket"},
		{"bucket underscore", BucketName, "a_b", "bucket"},
		{"bucket dash end", BucketName, "abc-", "bucket"},
		{"bucket double dot", BucketName, "a..b", "bucket"},
		{"bucket ip", BucketName, "192.168.5.4", "bucket"},
		{"bucket xn--", BucketName, "xn--abc", "bucket"},
		{"bucket sthree-", BucketName, "sthree-abc", "bucket"},
		{"bucket amzn-s3-demo-", BucketName, "amzn-s3-demo-x", "bucket"},
		{"bucket -s3alias", BucketName, "abc-s3alias", "bucket"},
		{"bucket --ol-s3", BucketName, "abc--ol-s3", "bucket"},
		{"bucket .mrap", BucketName, "abc.mrap", "bucket"},
		{"bucket --x-s3", BucketName, "abc--x-s3", "bucket"},
		{"bucket --table-s3", BucketName, "abc--table-s3", "bucket"},
		{"cidr v4", CIDR, "192.0.2.0/24", ""},
		{"cidr v6", CIDR, "2001:db8::/32", ""},
		{"cidr no mask", CIDR, "192.0.2.1", "source IP"},
		{"cidr junk", CIDR, "10.0.0.0/33", "source IP"},
		{"kms key", KMSKeyARN, "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab", ""},
		{"kms alias refused", KMSKeyARN, "arn:aws:kms:us-east-1:111122223333:alias/my-key", "KMS key"},
		{"kms bare id", KMSKeyARN, "1234abcd-12ab-34cd-56ef-1234567890ab", "KMS key"},
		{"kms wrong service", KMSKeyARN, "arn:aws:s3:us-east-1:111122223333:key/x", "KMS key"},
		{"policy aws", PolicyARN, "arn:aws:iam::aws:policy/AmazonSageMakerFullAccess", ""},
		{"policy customer with path", PolicyARN, "arn:aws:iam::111122223333:policy/team/read", ""},
		{"policy bad", PolicyARN, "AmazonSageMakerFullAccess", "policy"},
		{"policy name ok", PolicyName, "sagerole-s3", ""},
		{"policy name slash", PolicyName, "a/b", "policy name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.check(tt.in)
			if tt.field == "" {
				if err != nil {
					t.Fatalf("%q refused: %v", tt.in, err)
				}
				return
			}
			var ie *InputError
			if err == nil || !IsInput(err) {
				t.Fatalf("%q accepted or not an InputError: %v", tt.in, err)
			}
			ie = err.(*InputError)
			if ie.Field != tt.field {
				t.Errorf("field %q, want %q", ie.Field, tt.field)
			}
			if msg := err.Error(); strings.Contains(msg, "\n") || !strings.Contains(strings.ToLower(msg), strings.ToLower(strings.Fields(tt.field)[0])) {
				t.Errorf("message is not one sentence naming the field: %q", msg)
			}
		})
	}
}

func TestTags(t *testing.T) {
	tests := []struct {
		in   string
		ok   bool
		want [2]string
	}{
		{"team=ml", true, [2]string{"team", "ml"}},
		{"empty=", true, [2]string{"empty", ""}},
		{"url=a=b", true, [2]string{"url", "a=b"}},
		{"novalue", false, [2]string{}},
		{"=v", false, [2]string{}},
		{"aws:x=v", false, [2]string{}},
		{"bad*key=v", false, [2]string{}},
		{strings.Repeat("k", 129) + "=v", false, [2]string{}},
	}
	for _, tt := range tests {
		k, v, err := ParseTag(tt.in)
		if (err == nil) != tt.ok {
			t.Errorf("ParseTag(%q) err = %v, want ok %v", tt.in, err, tt.ok)
			continue
		}
		if tt.ok && (k != tt.want[0] || v != tt.want[1]) {
			t.Errorf("ParseTag(%q) = %q, %q", tt.in, k, v)
		}
	}
	if err := Tags([]string{"A", "a"}, []string{"1", "2"}); err == nil {
		t.Error("duplicate keys differing in case were accepted")
	}
	keys := make([]string, 51)
	for i := range keys {
		keys[i] = strings.Repeat("k", i+1)
	}
	if err := Tags(keys, make([]string, 51)); err == nil {
		t.Error("51 tags were accepted")
	}
}

func TestARNParts(t *testing.T) {
	arn := "arn:aws:iam::111122223333:role/service-role/team/X"
	if got := RoleNameFromARN(arn); got != "X" {
		t.Errorf("name %q", got)
	}
	if got := RolePathFromARN(arn); got != "/service-role/team/" {
		t.Errorf("path %q", got)
	}
	if got := RolePathFromARN("arn:aws:iam::111122223333:role/X"); got != "/" {
		t.Errorf("root path %q", got)
	}
	if got := AccountFromARN(arn); got != "111122223333" {
		t.Errorf("account %q", got)
	}
}

func TestPolicyDocumentAndSize(t *testing.T) {
	for doc, ok := range map[string]bool{
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`: true,
		`{"Statement":{"Effect":"Deny","Action":"*","Resource":"*"}}`:                              true,
		`{"Statement":[]}`:                   false,
		`{"Statement":[{"Effect":"Maybe"}]}`: false,
		`{"Version":"2012-10-17"}`:           false,
		`not json`:                           false,
		`{"Statement":"x"}`:                  false,
	} {
		if err := PolicyDocument("policy", doc); (err == nil) != ok {
			t.Errorf("PolicyDocument(%s) = %v, want ok %v", doc, err, ok)
		}
	}
	if n := PolicySize("{ \"a\" :\n\t\"b c\" }"); n != 10 {
		t.Errorf("PolicySize counted %d non-space characters, want 10", n)
	}
}

// Fuzz targets for the parsers of user input: they must never panic, and
// what they accept must satisfy the rule they claim.
func FuzzRoleName(f *testing.F) {
	for _, s := range []string{"ds", "a/b", "", strings.Repeat("x", 65), "é"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if RoleName(s) == nil && (len(s) == 0 || len(s) > 64 || strings.ContainsAny(s, "/ :*")) {
			t.Errorf("accepted %q", s)
		}
	})
}

func FuzzRoleARN(f *testing.F) {
	f.Add("arn:aws:iam::111122223333:role/service-role/X")
	f.Add("arn:aws:iam::1:role/")
	f.Fuzz(func(t *testing.T, s string) {
		if RoleARN(s) == nil {
			if AccountFromARN(s) == "" || RoleNameFromARN(s) == "" || !strings.Contains(s, ":role/") {
				t.Errorf("accepted %q but cannot take it apart", s)
			}
		}
	})
}

func FuzzTag(f *testing.F) {
	f.Add("team=ml")
	f.Add("aws:x=1")
	f.Add("=")
	f.Fuzz(func(t *testing.T, s string) {
		k, v, err := ParseTag(s)
		if err == nil && (k == "" || utf8.RuneCountInString(k) > 128 || utf8.RuneCountInString(v) > 256 || k+"="+v != s) {
			t.Errorf("accepted %q as %q=%q", s, k, v)
		}
	})
}

func FuzzBucketName(f *testing.F) {
	for _, s := range []string{"research-datasets", "a..b", "1.2.3.4", "xn--a", "Ab"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if BucketName(s) == nil && (len(s) < 3 || len(s) > 63 || strings.ToLower(s) != s || strings.Contains(s, "..")) {
			t.Errorf("accepted %q", s)
		}
	})
}

func FuzzPolicyDocument(f *testing.F) {
	f.Add(`{"Statement":[{"Effect":"Allow"}]}`)
	f.Add(`{"Statement":{"Effect":"Deny"}}`)
	f.Fuzz(func(t *testing.T, s string) {
		_ = PolicyDocument("policy", s)
		if n := PolicySize(s); n > len(s) {
			t.Errorf("size %d of a %d-byte document", n, len(s))
		}
	})
}
