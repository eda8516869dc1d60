package model

import (
	"maps"
	"testing"
)

func TestMakeTestEnv(t *testing.T) {
	for _, c := range []struct {
		name, src string
		want      map[string]int
	}{
		{"recipe of a test target", "test:\n\tFAST=1 go test ./...\n", map[string]int{"FAST": 2}},
		{"recipe that runs go test under another name", "unit:\n\tFAST=1 go test ./...\n", map[string]int{"FAST": 2}},
		{"recipe that runs the program", "run:\n\tFAST=1 go run .\n", map[string]int{}},
		{"plain make variable", "FAST = 1\ntest:\n\tgo test ./...\n", map[string]int{}},
		{"exported variable", "export FAST = 1\ntest:\n\tgo test ./...\n", map[string]int{"FAST": 1}},
		{"variable exported later", "FAST := 1\nexport FAST\n", map[string]int{"FAST": 1}},
		{"every variable exported", ".EXPORT_ALL_VARIABLES:\nFAST ?= 1\n", map[string]int{"FAST": 2}},
		{"variable expanded by a test recipe", "ENV = FAST=1 SLOW=0\n\ntest:\n\t$(ENV) go test ./...\n", map[string]int{"FAST": 1, "SLOW": 1}},
		{"variable expanded by a run recipe only", "ENV = FAST=1\ntest:\n\tgo test ./...\nrun:\n\t${ENV} go run .\n", map[string]int{}},
		{"target's own export", "test: export FAST=1\ntest:\n\tgo test ./...\n", map[string]int{"FAST": 1}},
		{"continued recipe line", "check:\n\tcd x && \\\n\tFAST=1 go test ./...\n", map[string]int{"FAST": 2}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := makeTestEnv([]byte(c.src)); !maps.Equal(got, c.want) {
				t.Errorf("makeTestEnv(%q) = %v, want %v", c.src, got, c.want)
			}
		})
	}
}
