// Package repocheck holds tests of the repository's own files: CI workflows
// that cannot run here must at least parse and call targets that exist.
package repocheck

import (
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

const root = "../.."

// workflow is the part of a GitHub Actions workflow these checks read.
type workflow struct {
	Name string         `yaml:"name"`
	On   map[string]any `yaml:"on"`
	Jobs map[string]struct {
		RunsOn string `yaml:"runs-on"`
		Steps  []struct {
			Uses string `yaml:"uses"`
			Run  string `yaml:"run"`
		} `yaml:"steps"`
	} `yaml:"jobs"`
}

func workflowFiles(t *testing.T) []string {
	t.Helper()
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
	return files
}

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

func TestWorkflowsParseAndCallExistingMakeTargets(t *testing.T) {
	targets := makeTargets(t)
	makeCall := regexp.MustCompile(`\bmake\s+([a-z][a-z0-9-]*)`)
	for _, file := range workflowFiles(t) {
		t.Run(strings.TrimPrefix(file, root+"/"), func(t *testing.T) {
			raw, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			var wf workflow
			if err := yaml.Unmarshal(raw, &wf); err != nil {
				t.Fatalf("not valid YAML: %v", err)
			}
			if wf.Name == "" || len(wf.On) == 0 || len(wf.Jobs) == 0 {
				t.Fatalf("a workflow needs name, on and jobs; got name %q, %d triggers, %d jobs", wf.Name, len(wf.On), len(wf.Jobs))
			}
			for name, job := range wf.Jobs {
				if job.RunsOn == "" || len(job.Steps) == 0 {
					t.Errorf("job %s needs runs-on and steps", name)
				}
				for _, step := range job.Steps {
					if step.Uses == "" && step.Run == "" {
						t.Errorf("job %s has a step with neither uses nor run", name)
					}
					for _, m := range makeCall.FindAllStringSubmatch(step.Run, -1) {
						if !targets[m[1]] {
							t.Errorf("job %s runs `make %s`, which GNUmakefile does not define", name, m[1])
						}
					}
				}
			}
		})
	}
}

// TestMakeTargetsTheREADMEPromises keeps the README's commands real.
func TestMakeTargetsTheREADMEPromises(t *testing.T) {
	targets := makeTargets(t)
	raw, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	var missing []string
	for _, m := range regexp.MustCompile("`make ([a-z][a-z0-9-]*)`").FindAllStringSubmatch(string(raw), -1) {
		if !targets[m[1]] {
			missing = append(missing, m[1])
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Fatalf("README.md names make targets that do not exist: %v", missing)
	}
	for _, must := range []string{"demo", "test"} {
		if !targets[must] {
			t.Errorf("GNUmakefile lacks the %q target the README's two commands need", must)
		}
	}
}
