package printers

import (
	"reflect"

	"github.com/eksa-recover/kubectl-eksa_recover/pkg/diagnose"
	"github.com/eksa-recover/kubectl-eksa_recover/pkg/text"
)

// printable returns a copy of r with every string made safe for a
// terminal (text.Printable): the report carries text read from the
// clusters (phases, condition reasons and messages, names) that anyone who
// may write an object's status chose. Cleaning the copy's every string,
// rather than each one the printer shows, leaves no field to forget when
// a column is added; the caller's report (for -o json, which escapes them
// itself) is untouched.
func printable(r *diagnose.Report) *diagnose.Report {
	out, _ := cleanCopy(reflect.ValueOf(r)).Interface().(*diagnose.Report)
	return out
}

// cleanCopy deep-copies v with text.Printable applied to every string it
// holds. Unexported fields (a time.Time's) are copied as they are.
func cleanCopy(v reflect.Value) reflect.Value {
	switch v.Kind() {
	case reflect.String:
		out := reflect.New(v.Type()).Elem()
		out.SetString(text.Printable(v.String()))
		return out
	case reflect.Pointer:
		if v.IsNil() {
			return v
		}
		out := reflect.New(v.Type().Elem())
		out.Elem().Set(cleanCopy(v.Elem()))
		return out
	case reflect.Struct:
		out := reflect.New(v.Type()).Elem()
		out.Set(v)
		for i := range v.NumField() {
			if out.Field(i).CanSet() {
				out.Field(i).Set(cleanCopy(v.Field(i)))
			}
		}
		return out
	case reflect.Slice:
		if v.IsNil() {
			return v
		}
		out := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
		for i := range v.Len() {
			out.Index(i).Set(cleanCopy(v.Index(i)))
		}
		return out
	case reflect.Map:
		if v.IsNil() {
			return v
		}
		out := reflect.MakeMapWithSize(v.Type(), v.Len())
		for it := v.MapRange(); it.Next(); {
			out.SetMapIndex(cleanCopy(it.Key()), cleanCopy(it.Value()))
		}
		return out
	}
	return v
}
