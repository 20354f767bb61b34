package mover

import "testing"

func TestCovers(t *testing.T) {
	backup := map[string]any{"spec": map[string]any{"replicas": 3.0, "items": []any{map[string]any{"name": "a"}}}}
	tests := []struct {
		name   string
		server any
		want   bool
	}{
		{"equal", map[string]any{"spec": map[string]any{"replicas": 3.0, "items": []any{map[string]any{"name": "a"}}}}, true},
		{"defaults added", map[string]any{"spec": map[string]any{"replicas": 3.0, "rolloutStrategy": map[string]any{"type": "RollingUpdate"},
			"items": []any{map[string]any{"name": "a", "port": 80.0}}}}, true},
		{"value changed", map[string]any{"spec": map[string]any{"replicas": 1.0, "items": []any{map[string]any{"name": "a"}}}}, false},
		{"field lost", map[string]any{"spec": map[string]any{"items": []any{map[string]any{"name": "a"}}}}, false},
		{"list item added", map[string]any{"spec": map[string]any{"replicas": 3.0, "items": []any{map[string]any{"name": "a"}, map[string]any{"name": "b"}}}}, false},
		{"type changed", map[string]any{"spec": "oops"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := covers(tt.server, backup); got != tt.want {
				t.Errorf("covers(%v, backup) = %v, want %v", tt.server, got, tt.want)
			}
		})
	}
}
