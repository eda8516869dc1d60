package weakenedci

import (
	"reflect"
	"testing"
)

// A script's commands are kept by its text, the shell's state and the
// variables the walk reads: the same text under another state or another
// environment is walked again, never answered from what the first walk
// kept.
func TestCommandsOfKeysStateAndEnvironment(t *testing.T) {
	src := "go vet ./...\ngo test $PKGS\necho done\n"
	f := parseScript(src)
	if f == nil {
		t.Fatal("the script does not parse")
	}
	for _, c := range []struct {
		name string
		st   shellState
		env  map[string]string
	}{
		{"no errexit", shellState{}, nil},
		{"errexit", shellState{errexit: true}, nil},
		{"packages a", shellState{errexit: true}, map[string]string{"PKGS": "./a/..."}},
		{"packages b", shellState{errexit: true}, map[string]string{"PKGS": "./b/..."}},
		{"a GitHub expression, which the walk leaves out", shellState{errexit: true}, map[string]string{"PKGS": "${{ matrix.pkgs }}"}},
		{"no errexit again", shellState{}, nil},
	} {
		want := scriptCommandsWith(f, c.st, c.env)
		for range 2 { // the second time from what the first kept
			if got := commandsOf(src, f, c.st, c.env); !reflect.DeepEqual(got, want) {
				t.Errorf("%s: commandsOf = %+v, want %+v", c.name, got, want)
			}
		}
	}
	// The cases differ where they should, so the comparisons above can fail.
	noErrexit, errexit := scriptCommandsWith(f, shellState{}, nil), scriptCommandsWith(f, shellState{errexit: true}, nil)
	if reflect.DeepEqual(noErrexit, errexit) {
		t.Errorf("errexit changes nothing: %+v", errexit)
	}
	a := scriptCommandsWith(f, shellState{}, map[string]string{"PKGS": "./a/..."})
	b := scriptCommandsWith(f, shellState{}, map[string]string{"PKGS": "./b/..."})
	if reflect.DeepEqual(a, b) {
		t.Errorf("PKGS changes nothing: %+v", a)
	}
}
