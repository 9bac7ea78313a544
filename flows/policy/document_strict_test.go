package policy

import (
	"encoding/json"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

// Documents a lenient reader would judge as something other than what is
// sent are refused, with a sentence that says where.
func TestParseStrict(t *testing.T) {
	const allow = `{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}`
	const deny = `{"Effect":"Deny","Action":"s3:*","Resource":"*"}`
	tests := []struct {
		name, doc, want string
	}{
		{"Statement twice", `{"Version":"2012-10-17","Statement":[` + deny + `],"Statement":[` + allow + `]}`,
			`gives the key "Statement" twice at the top level`},
		{"Version twice", `{"Version":"2012-10-17","Version":"2008-10-17","Statement":[` + allow + `]}`,
			`gives the key "Version" twice at the top level`},
		{"Effect twice", `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Effect":"Allow","Action":"s3:*","Resource":"*"}]}`,
			`gives the key "Effect" twice in Statement[1]`},
		{"in the second statement", `{"Version":"2012-10-17","Statement":[` + allow + `,{"Effect":"Allow","Action":"a:b","Resource":"*","Resource":"x"}]}`,
			`gives the key "Resource" twice in Statement[2]`},
		{"condition key twice", `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"aws:SourceVpce":"vpce-1","aws:SourceVpce":"vpce-2"}}}]}`,
			`gives the key "aws:SourceVpce" twice in Statement[1].Condition.StringEquals`},
		{"condition operator twice", `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:*","Resource":"*","Condition":{"Bool":{"a:b":"true"},"Bool":{"a:c":"true"}}}]}`,
			`gives the key "Bool" twice in Statement[1].Condition`},
		{"principal type twice", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"a","Service":"b"},"Action":"sts:AssumeRole"}]}`,
			`gives the key "Service" twice in Statement[1].Principal`},
		{"one statement object", `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Effect":"Deny","Action":"s3:*","Resource":"*"}}`,
			`gives the key "Effect" twice in Statement`},
		{"invalid UTF-8", "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"caf\xe9\",\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"*\"}]}",
			"is not valid UTF-8 (at byte 48)"},
		{"invalid UTF-8, URL-encoded", "%7B%22Sid%22%3A%22%FF%22%7D", "is not valid UTF-8"},
		{"unknown Version", `{"Version":"1999-01-01","Statement":[` + allow + `]}`, `Version "1999-01-01" is not 2012-10-17 or 2008-10-17`},
		{"Version not a string", `{"Version":20121017,"Statement":[` + allow + `]}`, "Version must be a string"},
		{"null Version", `{"Version":null,"Statement":[` + allow + `]}`, `Version "" is not`},
		{"unknown statement element", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Resources":"*"}]}`,
			`element "Resources" is not one this tool knows`},
		{"unknown top-level element", `{"Version":"2012-10-17","Statements":[` + allow + `]}`, `element "Statements" this tool does not know`},
		{"element in the wrong case", `{"Version":"2012-10-17","Statement":[{"effect":"Allow","Action":"s3:*","Resource":"*"}]}`,
			`element "effect" is not one this tool knows`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse(tc.doc)
			if err == nil {
				t.Fatalf("accepted:\n%s", tc.doc)
			}
			if !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
				t.Fatalf("error %q, want one sentence with %q", err, tc.want)
			}
		})
	}
}

// The same keys in different objects are not duplicates.
func TestParseSameKeysInDifferentObjects(t *testing.T) {
	doc := `{"Version":"2012-10-17","Statement":[{"Sid":"A","Effect":"Allow","Action":"s3:GetObject","Resource":"*"},{"Sid":"B","Effect":"Deny","Action":"s3:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"},"StringEquals":{"aws:SecureTransport":"x"}}}]}`
	d, err := Parse(doc)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Statement) != 2 || d.Statement[1].Effect != "Deny" {
		t.Fatalf("parsed as %+v", d)
	}
}

// FuzzParseStrict: whatever Parse accepts is valid UTF-8 JSON without a key twice, and its
// canonical form reads back as the same document: what was judged is what
// is written.
func FuzzParseStrict(f *testing.F) {
	for _, s := range []string{
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`,
		`{"Version":"2012-10-17","Statement":{"Sid":"x","Effect":"Deny","NotAction":["iam:*"],"NotResource":"arn:aws:s3:::b/*","Condition":{"Bool":{"aws:SecureTransport":false}}}}`,
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"sagemaker.amazonaws.com"},"Action":"sts:AssumeRole"}]}`,
		`{"Version":"2012-10-17","Statement":[{"Effect":"Deny"}],"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`,
		"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"\xff\",\"Effect\":\"Allow\",\"Action\":\"a:b\",\"Resource\":\"*\"}]}",
		url.QueryEscape(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"a:b","Resource":"*"}]}`),
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, doc string) {
		d, err := Parse(doc)
		if err != nil {
			return
		}
		text := strings.TrimSpace(doc)
		if dec, err := url.QueryUnescape(text); err == nil && (strings.HasPrefix(text, "%7B") || strings.HasPrefix(text, "%7b")) {
			text = dec
		}
		if !utf8.ValidString(text) {
			t.Fatalf("accepted text that is not UTF-8: %q", doc)
		}
		if err := uniqueKeys(text); err != nil {
			t.Fatalf("accepted a key twice: %v", err)
		}
		out := d.String()
		if !json.Valid([]byte(out)) || !utf8.ValidString(out) {
			t.Fatalf("canonical form is not valid JSON: %q", out)
		}
		again, err := Parse(out)
		if err != nil {
			t.Fatalf("canonical form %s does not parse: %v", out, err)
		}
		if !reflect.DeepEqual(normalized(again), normalized(d)) {
			t.Fatalf("round trip changed the document:\n%+v\n%+v", d, again)
		}
	})
}

// normalized is d as its canonical JSON reads back: the form equality is
// judged in (lists of one and strings are the same element).
func normalized(d Document) string {
	b, _ := d.MarshalJSON()
	return string(b)
}
