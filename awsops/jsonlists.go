package awsops

import (
	"encoding"
	"encoding/json"
	"reflect"
)

// withLists returns v with every nil slice and map in it made empty, so
// that a list in sagerole's JSON is always there — [] rather than null —
// whichever code built the value. Values that encode themselves (time,
// json.RawMessage, anything with MarshalJSON or MarshalText) are kept as
// they are, and so are nil pointers: an absent object is null. Only what
// the encoder writes is copied (exported fields).
func withLists(v any) any {
	if v == nil {
		return nil
	}
	return lists(reflect.ValueOf(v)).Interface()
}

var (
	jsonMarshaler = reflect.TypeFor[json.Marshaler]()
	textMarshaler = reflect.TypeFor[encoding.TextMarshaler]()
)

func selfEncoding(t reflect.Type) bool {
	return t.Implements(jsonMarshaler) || t.Implements(textMarshaler) ||
		reflect.PointerTo(t).Implements(jsonMarshaler) || reflect.PointerTo(t).Implements(textMarshaler)
}

func lists(v reflect.Value) reflect.Value {
	t := v.Type()
	if selfEncoding(t) {
		return v
	}
	switch t.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return v
		}
		p := reflect.New(t.Elem())
		p.Elem().Set(lists(v.Elem()))
		return p
	case reflect.Interface:
		if v.IsNil() {
			return v
		}
		out := reflect.New(t).Elem()
		out.Set(lists(v.Elem()))
		return out
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			return v // []byte is a base64 string to the encoder
		}
		out := reflect.MakeSlice(t, v.Len(), v.Len())
		for i := range v.Len() {
			out.Index(i).Set(lists(v.Index(i)))
		}
		return out
	case reflect.Array:
		out := reflect.New(t).Elem()
		for i := range v.Len() {
			out.Index(i).Set(lists(v.Index(i)))
		}
		return out
	case reflect.Map:
		out := reflect.MakeMapWithSize(t, v.Len())
		for it := v.MapRange(); it.Next(); {
			out.SetMapIndex(it.Key(), lists(it.Value()))
		}
		return out
	case reflect.Struct:
		out := reflect.New(t).Elem()
		for i := range t.NumField() {
			if t.Field(i).IsExported() {
				out.Field(i).Set(lists(v.Field(i)))
			}
		}
		return out
	}
	return v
}
