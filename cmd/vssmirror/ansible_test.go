package main

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/urfave/cli/v2"
	"go.yaml.in/yaml/v3"
)

// vssmirrorArgv is one vssmirror command line in the Ansible role or its
// playbooks: an argv list whose program is vssmirror.
type vssmirrorArgv struct {
	where string
	args  []string
}

// flagInTemplate finds a flag written inside a Jinja expression:
// "{{ '--prom' if vssmirror_textfile_dir | length > 0 else ” }}".
var flagInTemplate = regexp.MustCompile(`'(--[a-z][a-z0-9-]*)'`)

// collectArgv walks a YAML document for every `argv:` list whose first
// element is vssmirror (vssmirror.exe on the server, the Linux build in
// the control node's tests).
func collectArgv(n *yaml.Node, where string, out *[]vssmirrorArgv) {
	if n.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if k.Value == "argv" && v.Kind == yaml.SequenceNode && len(v.Content) > 1 {
				prog := v.Content[0].Value
				if strings.Contains(prog, "vssmirror.exe") || strings.Contains(prog, "vssmirror_exe") || strings.Contains(prog, "vssmirror_test_bin") {
					var args []string
					for _, a := range v.Content {
						args = append(args, a.Value)
					}
					*out = append(*out, vssmirrorArgv{where: where + ":" + strconv.Itoa(k.Line), args: args})
				}
			}
		}
	}
	for _, c := range n.Content {
		collectArgv(c, where, out)
	}
}

// TestAnsibleCallsRealFlags: every vssmirror command line in the fleet's
// Ansible role and playbooks names a command and flags this vssmirror
// has, so renaming a flag breaks the build rather than a fleet rollout.
func TestAnsibleCallsRealFlags(t *testing.T) {
	root := "../../examples/fleet/ansible"
	var lines []vssmirrorArgv
	require.NoError(t, filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".yml") {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		var doc yaml.Node
		if err := yaml.Unmarshal(b, &doc); err != nil {
			return err
		}
		collectArgv(&doc, p, &lines)
		return nil
	}))
	app := newApp(nil, nil)
	commands := map[string]*cli.Command{}
	for _, c := range app.Commands {
		commands[c.Name] = c
	}
	used := map[string]bool{}
	for _, l := range lines {
		sub := l.args[1]
		if strings.HasPrefix(sub, "--") {
			assert.Contains(t, []string{"--version", "--help"}, sub, l.where)
			continue
		}
		c, ok := commands[sub]
		if !assert.True(t, ok, "%s: vssmirror has no command %q", l.where, sub) {
			continue
		}
		used[sub] = true
		names := map[string]bool{}
		for _, f := range c.Flags {
			for _, n := range f.Names() {
				names[n] = true
			}
		}
		for _, a := range l.args[2:] {
			flags := flagInTemplate.FindAllStringSubmatch(a, -1)
			if strings.HasPrefix(a, "--") {
				flags = append(flags, []string{a, a})
			}
			for _, f := range flags {
				name := strings.TrimPrefix(f[1], "--")
				assert.True(t, names[name], "%s: vssmirror %s has no flag --%s", l.where, sub, name)
			}
		}
	}
	// The role and playbooks run these; if the walk found none of them, it
	// is the walk that broke.
	for _, c := range []string{"init", "validate", "schedule", "run", "cleanup"} {
		assert.True(t, used[c], "no vssmirror %s command line found in %s", c, root)
	}
}
