package job

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/vssmirror/vssmirror/internal/suggest"
)

// Problem is one thing wrong with a job file.
type Problem struct {
	Line    int    // 1-based line in the file, 0 when unknown
	Field   string // field path, e.g. "sources[1].path"; empty for the whole file
	Message string // what is wrong and what to do
}

// Error is returned by Load and Validate when a job file has problems. It
// lists all of them, in file order.
type Error struct {
	File     string
	Problems []Problem
}

// Error implements error: one line per problem, as file:line: field: message.
func (e *Error) Error() string {
	var b strings.Builder
	for i, p := range e.Problems {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.File)
		if p.Line > 0 {
			fmt.Fprintf(&b, ":%d", p.Line)
		}
		b.WriteString(": ")
		if p.Field != "" {
			b.WriteString(p.Field)
			b.WriteString(": ")
		}
		b.WriteString(p.Message)
	}
	return b.String()
}

// ErrInvalid is matched (errors.Is) by every *Error.
var ErrInvalid = errors.New("invalid job file")

// Is lets errors.Is(err, ErrInvalid) match a job *Error.
func (e *Error) Is(target error) bool { return target == ErrInvalid }

// Load reads, decodes and validates the job file at path.
func Load(path string) (*Job, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading job file: %w", err)
	}
	return Parse(path, data)
}

// Parse decodes and validates a job file's content; name is used in
// messages. Every problem found is reported in one *Error.
func Parse(name string, data []byte) (*Job, error) {
	j := Defaults()
	j.File = name
	j.lines = map[string]int{}
	d := &decoder{lines: j.lines}

	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, &Error{File: name, Problems: []Problem{{Message: "the file is empty; start from `vssmirror init`"}}}
		}
		return nil, &Error{File: name, Problems: []Problem{yamlProblem(err)}}
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		return nil, &Error{File: name, Problems: []Problem{{Line: extra.Line, Message: "the file holds more than one YAML document; a job file holds exactly one"}}}
	}
	root := &doc
	if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
		root = root.Content[0]
	}
	d.decode(root, reflect.ValueOf(&j).Elem(), "")
	if len(d.problems) == 0 {
		d.problems = append(d.problems, j.validate()...)
	}
	if len(d.problems) > 0 {
		sort.SliceStable(d.problems, func(a, b int) bool { return d.problems[a].Line < d.problems[b].Line })
		return nil, &Error{File: name, Problems: d.problems}
	}
	return &j, nil
}

// yamlProblem turns a YAML syntax error into a Problem with its line.
func yamlProblem(err error) Problem {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	line := 0
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		if n, after, ok := strings.Cut(rest, ":"); ok {
			if v, err := strconv.Atoi(n); err == nil {
				line, msg = v, strings.TrimSpace(after)
			}
		}
	}
	hint := ""
	if strings.Contains(msg, "escape") {
		hint = ` (Windows paths in double quotes need \\; write them in single quotes instead: 'D:\Shares')`
	}
	return Problem{Line: line, Message: "YAML syntax: " + msg + hint}
}

// nodeDecoder is a field type that decodes its own YAML node; it returns
// a message for a bad value.
type nodeDecoder interface {
	decodeNode(n *yaml.Node) string
}

type decoder struct {
	lines    map[string]int
	problems []Problem
}

func (d *decoder) add(n *yaml.Node, path, format string, args ...any) {
	d.problems = append(d.problems, Problem{Line: n.Line, Field: path, Message: fmt.Sprintf(format, args...)})
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	}
	if n.Tag == "!!null" {
		return "nothing"
	}
	return fmt.Sprintf("%q", n.Value)
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// decode sets v from n strictly, recording the line of every field.
func (d *decoder) decode(n *yaml.Node, v reflect.Value, path string) {
	if path != "" {
		d.lines[path] = n.Line
	}
	if n.Kind == yaml.AliasNode {
		d.add(n, path, "YAML aliases are not supported in job files; write the value out")
		return
	}
	if nd, ok := v.Addr().Interface().(nodeDecoder); ok {
		if msg := nd.decodeNode(n); msg != "" {
			d.add(n, path, "%s", msg)
		}
		return
	}
	switch v.Kind() {
	case reflect.Struct:
		if n.Kind != yaml.MappingNode {
			d.add(n, path, "expected a mapping of fields, got %s", kindName(n))
			return
		}
		fields := map[string]reflect.Value{}
		var names []string
		t := v.Type()
		for i := 0; i < t.NumField(); i++ {
			tag := strings.Split(t.Field(i).Tag.Get("yaml"), ",")[0]
			if tag == "" || tag == "-" {
				continue
			}
			fields[tag] = v.Field(i)
			names = append(names, tag)
		}
		seen := map[string]bool{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, val := n.Content[i], n.Content[i+1]
			key := k.Value
			fp := join(path, key)
			if seen[key] {
				d.add(k, fp, "the key is given twice; keep one")
				continue
			}
			seen[key] = true
			f, ok := fields[key]
			if !ok {
				msg := "unknown field"
				if s := suggest.Nearest(key, names); s != "" {
					msg += fmt.Sprintf("; did you mean %q?", s)
				} else {
					msg += fmt.Sprintf("; known fields here: %s", strings.Join(names, ", "))
				}
				d.add(k, fp, "%s", msg)
				continue
			}
			d.decode(val, f, fp)
		}
	case reflect.Slice:
		if n.Tag == "!!null" {
			v.Set(reflect.MakeSlice(v.Type(), 0, 0))
			return
		}
		if n.Kind != yaml.SequenceNode {
			d.add(n, path, "expected a list, got %s", kindName(n))
			return
		}
		s := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
		for i, item := range n.Content {
			d.decode(item, s.Index(i), fmt.Sprintf("%s[%d]", path, i))
		}
		v.Set(s)
	case reflect.String:
		if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
			d.add(n, path, "expected a string, got %s", kindName(n))
			return
		}
		if n.Tag != "!!str" {
			d.add(n, path, "expected a string, got %s; put it in single quotes", kindName(n))
			return
		}
		v.SetString(n.Value)
	case reflect.Bool:
		if n.Kind != yaml.ScalarNode || n.Tag != "!!bool" {
			d.add(n, path, "expected true or false, got %s", kindName(n))
			return
		}
		var b bool
		if err := n.Decode(&b); err != nil {
			d.add(n, path, "expected true or false, got %s", kindName(n))
			return
		}
		v.SetBool(b)
	case reflect.Int:
		if n.Kind != yaml.ScalarNode || n.Tag != "!!int" {
			d.add(n, path, "expected a whole number, got %s", kindName(n))
			return
		}
		var i int
		if err := n.Decode(&i); err != nil {
			d.add(n, path, "expected a whole number, got %s", kindName(n))
			return
		}
		v.SetInt(int64(i))
	default:
		panic(fmt.Sprintf("job: field %s has unsupported kind %s", path, v.Kind()))
	}
}
