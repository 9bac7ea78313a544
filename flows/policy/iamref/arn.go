package iamref

import "strings"

// ResourceType is a kind of resource a service defines.
type ResourceType struct {
	Service       string
	Name          string // object, bucket, role, key…
	ARNFormat     string // arn:${Partition}:s3:::${BucketName}/${ObjectName}
	ConditionKeys []string

	format format
}

// Matches reports whether a policy's Resource value can name a resource of
// this type: whether some ARN fits both arn (with IAM's * and ?, and policy
// variables such as ${aws:username} standing for any text) and the type's
// ARN format.
//
// In the format, each variable (${Partition}, ${Account}, ${BucketName}…)
// stands for one or more characters, but never for ":", the separator of
// ARNs, nor for a character that follows that variable in any ARN format of
// the same service: S3 writes ${BucketName}/${ObjectName}, so a bucket name
// has no "/" and arn:aws:s3:::b/* is an object, never a bucket; CloudWatch
// Logs writes log-group:${LogGroupName}:log-stream:…, so a log group may
// have "/" in its name but not ":". The one exception is S3's
// ${ObjectName}: an object key may hold any character. The rule reads the
// formats themselves rather than a list of naming rules per service, and it
// errs towards matching: a variable is never narrower than the formats
// prove.
func (rt ResourceType) Matches(arn string) bool {
	if arn == "*" {
		return true
	}
	return rt.format.overlaps(compileGlob(arn))
}

// ftoken is one token of an ARN format: a literal byte, or a variable that
// takes one or more bytes, none of them in excl.
type ftoken struct {
	lit   byte
	isVar bool
	excl  string
}

type format struct {
	any    bool // the format is "*"
	tokens []ftoken
}

// variables splits an ARN format into literal text and ${…} variables,
// calling f for each piece in order.
func variables(arn string, f func(lit string, name string)) {
	for arn != "" {
		i := strings.Index(arn, "${")
		if i < 0 {
			f(arn, "")
			return
		}
		j := strings.IndexByte(arn[i:], '}')
		if j < 0 {
			f(arn, "")
			return
		}
		if i > 0 {
			f(arn[:i], "")
		}
		f("", arn[i+2:i+j])
		arn = arn[i+j+1:]
	}
}

// exclusions finds, for each variable of a service's formats, the bytes
// that directly follow it in some format.
func exclusions(formats []string) map[string]string {
	out := map[string]string{}
	for _, arn := range formats {
		prev := ""
		variables(arn, func(lit, name string) {
			if name != "" {
				prev = name
				return
			}
			if prev != "" && lit != "" && !strings.ContainsRune(out[prev], rune(lit[0])) {
				out[prev] += lit[:1]
			}
			prev = ""
		})
	}
	return out
}

// anyKey is the variable that may hold ":" too: S3 object keys are any
// UTF-8 text.
const anyKey = "ObjectName"

func compileFormat(arn string, excl map[string]string) format {
	if arn == "*" {
		return format{any: true}
	}
	var f format
	variables(arn, func(lit, name string) {
		if name != "" {
			x := excl[name]
			if name != anyKey && !strings.Contains(x, ":") {
				x += ":"
			}
			f.tokens = append(f.tokens, ftoken{isVar: true, excl: x})
			return
		}
		for i := 0; i < len(lit); i++ {
			f.tokens = append(f.tokens, ftoken{lit: lit[i]})
		}
	})
	return f
}

// gtoken is one token of a policy's Resource value: a literal byte, ? (one
// byte) or * (any run of bytes).
type gtoken struct {
	lit        byte
	one, stars bool
}

// compileGlob reads a Resource value. ${*}, ${?} and ${$} are IAM's escapes
// for the literal characters; any other ${…} is a policy variable, whose
// value is not known here, so it stands for any run of characters.
func compileGlob(s string) []gtoken {
	var out []gtoken
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '*':
			out = append(out, gtoken{stars: true})
		case c == '?':
			out = append(out, gtoken{one: true})
		case c == '$' && i+1 < len(s) && s[i+1] == '{':
			j := strings.IndexByte(s[i:], '}')
			if j < 0 {
				out = append(out, gtoken{lit: c})
				continue
			}
			switch v := s[i+2 : i+j]; v {
			case "*", "?", "$":
				out = append(out, gtoken{lit: v[0]})
			default:
				out = append(out, gtoken{stars: true})
			}
			i += j
		default:
			out = append(out, gtoken{lit: c})
		}
	}
	return out
}

// overlaps reports whether some string matches both the format and the
// glob: a search over pairs of positions (glob token, format token, whether
// the current variable has taken a byte yet), each visited once.
func (f format) overlaps(g []gtoken) bool {
	if f.any {
		return true
	}
	ng, nf := len(g), len(f.tokens)
	seen := make([]bool, (ng+1)*(nf+1)*2)
	type state struct {
		i, j  int
		inVar bool
	}
	stack := []state{{0, 0, false}}
	push := func(i, j int, v bool) {
		k := (i*(nf+1)+j)*2 + b2i(v)
		if !seen[k] {
			seen[k] = true
			stack = append(stack, state{i, j, v})
		}
	}
	seen[0] = true
	for len(stack) > 0 {
		s := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if s.i == ng && s.j == nf {
			return true
		}
		if s.i < ng && g[s.i].stars {
			push(s.i+1, s.j, s.inVar) // * takes nothing (more)
		}
		if s.j < nf && f.tokens[s.j].isVar && s.inVar {
			push(s.i, s.j+1, false) // the variable ends
		}
		if s.i == ng || s.j == nf {
			continue
		}
		// Both take one byte, the same one.
		gt, ft := g[s.i], f.tokens[s.j]
		ni := s.i + 1
		if gt.stars {
			ni = s.i
		}
		switch {
		case !ft.isVar && (gt.one || gt.stars || gt.lit == ft.lit):
			push(ni, s.j+1, false)
		case ft.isVar && (gt.one || gt.stars || !strings.ContainsRune(ft.excl, rune(gt.lit))):
			push(ni, s.j, true)
		}
	}
	return false
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
