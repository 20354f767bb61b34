// Package text formats what people read, the same way in every report:
// one-line messages, counted nouns and kubectl's ages. Pure: it reads
// nothing and knows nothing of clusters.
package text

import (
	"fmt"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/util/duration"
)

// OneLine folds s (a multi-line error message, say) onto one line.
func OneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// Plural counts a noun: "1 object", "3 objects".
func Plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// Age is how long before now t was, as kubectl's AGE column reads it
// (45s, 12m, 3h20m, 2d): duration.HumanDuration. A time after now (clock
// skew) reads 0s; no clock (a zero now or t) reads "".
func Age(now, t time.Time) string {
	if now.IsZero() || t.IsZero() {
		return ""
	}
	d := now.Sub(t)
	if d < 0 {
		d = 0
	}
	return duration.HumanDuration(d)
}
