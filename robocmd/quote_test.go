package robocmd

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// cmdReadBack models how a batch file line (delayed expansion disabled)
// hands one argument token to a program: cmd.exe's percent phase, its
// special-character phase, then the C runtime's argv parsing. It returns an
// error wherever the token would not reach the program as one literal
// argument.
func cmdReadBack(tok string) (string, error) {
	// Phase 1: percent expansion in a batch file.
	var b strings.Builder
	for i := 0; i < len(tok); i++ {
		if tok[i] != '%' {
			b.WriteByte(tok[i])
			continue
		}
		if i+1 < len(tok) && tok[i+1] == '%' {
			b.WriteByte('%')
			i++
			continue
		}
		return "", fmt.Errorf("lone %% at %d would start a variable or parameter expansion", i)
	}
	line := b.String()
	// Phase 2: special characters outside quotes.
	inq := false
	for _, r := range line {
		if r == '"' {
			inq = !inq
			continue
		}
		if !inq && strings.ContainsRune(" \t&|<>()^,;=", r) {
			return "", fmt.Errorf("%q outside quotes", r)
		}
	}
	if inq {
		return "", errors.New("unbalanced quote")
	}
	// Phase 3: CommandLineToArgvW / CRT rules.
	var args []string
	var cur strings.Builder
	inq, have := false, false
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case c == '\\':
			n := 0
			for i < len(line) && line[i] == '\\' {
				n++
				i++
			}
			if i < len(line) && line[i] == '"' {
				cur.WriteString(strings.Repeat(`\`, n/2))
				if n%2 == 1 {
					cur.WriteByte('"')
				} else {
					inq = !inq
				}
				have = true
			} else {
				cur.WriteString(strings.Repeat(`\`, n))
				i--
				have = true
			}
		case c == '"':
			inq = !inq
			have = true
		case (c == ' ' || c == '\t') && !inq:
			if have {
				args = append(args, cur.String())
				cur.Reset()
				have = false
			}
		default:
			cur.WriteByte(c)
			have = true
		}
	}
	if have {
		args = append(args, cur.String())
	}
	if len(args) != 1 {
		return "", fmt.Errorf("%d arguments", len(args))
	}
	return args[0], nil
}

func TestQuote(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{`G:\`, `G:\`},
		{`D:\Shares`, `D:\Shares`},
		{`D:\My Shares`, `"D:\My Shares"`},
		{`D:\R&D`, `"D:\R&D"`},
		{`D:\100%`, `D:\100%%`},
		{`D:\100% done`, `"D:\100%% done"`},
		{`D:\%PATH%`, `D:\%%PATH%%`},
		{`D:\a^b`, `"D:\a^b"`},
		{`D:\wow!`, `"D:\wow!"`},
		{`D:\(x86)`, `"D:\(x86)"`},
		{`-leading`, `-leading`},
		{`D:\Données`, `D:\Données`},
		{`\\nas01\backups\fs`, `\\nas01\backups\fs`},
		{`/UNILOG+:x`, `"/UNILOG+:x"`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := Quote(tt.in)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
			back, err := cmdReadBack(got)
			require.NoError(t, err)
			assert.Equal(t, tt.in, back)
		})
	}
}

func TestQuoteRefuses(t *testing.T) {
	for _, in := range []string{"", `D:\a"b`, "D:\\a\nb", "D:\\a\rb", "D:\\a\tb", "D:\\a\x00", `D:\My Shares\`, "\xff\xfe"} {
		t.Run(fmt.Sprintf("%q", in), func(t *testing.T) {
			_, err := Quote(in)
			var qe *QuoteError
			require.ErrorAs(t, err, &qe)
			assert.Equal(t, in, qe.Value)
			assert.Error(t, CheckPath(in))
		})
	}
}

func FuzzQuote(f *testing.F) {
	for _, s := range []string{`G:\`, `D:\My Shares`, `a&b`, `100%`, `%PATH%`, `x^y`, `"`, `a\`, `a b\`, `-x`, `(a)`, `!x!`, "é", `\\srv\s`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q, err := Quote(s)
		if err != nil {
			var qe *QuoteError
			if !errors.As(err, &qe) {
				t.Fatalf("Quote(%q) returned a %T, want *QuoteError", s, err)
			}
			refusable := s == "" || !utf8.ValidString(s) || strings.ContainsAny(s, "\"\r\n") ||
				strings.HasSuffix(s, `\`) || strings.IndexFunc(s, func(r rune) bool {
				return r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == 0x2028 || r == 0x2029 || r == 0xfeff
			}) >= 0
			if !refusable {
				t.Fatalf("Quote(%q) refused a representable value: %v", s, err)
			}
			return
		}
		back, err := cmdReadBack(q)
		if err != nil {
			t.Fatalf("Quote(%q) = %s, which cmd.exe would not pass as one literal argument: %v", s, q, err)
		}
		if back != s {
			t.Fatalf("Quote(%q) = %s reads back as %q", s, q, back)
		}
	})
}

func ExampleQuote() {
	for _, p := range []string{`G:\`, `D:\Shares`, `E:\R&D 100%`} {
		q, _ := Quote(p)
		fmt.Println(q)
	}
	_, err := Quote(`D:\say "hi"`)
	fmt.Println(err)
	// Output:
	// G:\
	// D:\Shares
	// "E:\R&D 100%%"
	// cannot quote "D:\\say \"hi\"" for cmd.exe: it contains '"', which cmd.exe cannot pass inside a quoted argument
}
