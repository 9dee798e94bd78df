// Package repocheck holds tests of the repository's own files: the CI
// workflows and the README must call make targets that exist. (`make lint`
// checks the workflows themselves with actionlint.)
package repocheck

import (
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

const root = "../.."

// makeTargets lists the targets GNUmakefile defines.
func makeTargets(t *testing.T) map[string]bool {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(root, "GNUmakefile"))
	if err != nil {
		t.Fatal(err)
	}
	targets := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?m)^([a-z][a-z0-9-]*):`).FindAllStringSubmatch(string(raw), -1) {
		targets[m[1]] = true
	}
	return targets
}

// missingTargets lists the targets that file calls with pattern (whose
// first group is the target) and GNUmakefile does not define.
func missingTargets(t *testing.T, file string, pattern *regexp.Regexp) []string {
	t.Helper()
	targets := makeTargets(t)
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var missing []string
	for _, m := range pattern.FindAllStringSubmatch(string(raw), -1) {
		if !targets[m[1]] {
			missing = append(missing, m[1])
		}
	}
	sort.Strings(missing)
	return missing
}

func TestWorkflowsCallExistingMakeTargets(t *testing.T) {
	var files []string
	for _, pattern := range []string{".github/workflows/*.yml", "examples/*/.github/workflows/*.yml"} {
		matches, err := filepath.Glob(filepath.Join(root, pattern))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, matches...)
	}
	if len(files) < 3 {
		t.Fatalf("expected test.yml, release.yml and the GitOps example's workflow, found %v", files)
	}
	makeCall := regexp.MustCompile(`\bmake\s+([a-z][a-z0-9-]*)`)
	for _, file := range files {
		if missing := missingTargets(t, file, makeCall); len(missing) > 0 {
			t.Errorf("%s runs make targets that GNUmakefile does not define: %v", strings.TrimPrefix(file, root+"/"), missing)
		}
	}
}

// TestMakeTargetsTheREADMEPromises keeps the README's commands real.
func TestMakeTargetsTheREADMEPromises(t *testing.T) {
	if missing := missingTargets(t, filepath.Join(root, "README.md"), regexp.MustCompile("`make ([a-z][a-z0-9-]*)`")); len(missing) > 0 {
		t.Errorf("README.md names make targets that do not exist: %v", missing)
	}
	targets := makeTargets(t)
	for _, must := range []string{"demo", "test"} {
		if !targets[must] {
			t.Errorf("GNUmakefile lacks the %q target the README's two commands need", must)
		}
	}
}
