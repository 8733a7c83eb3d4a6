package output

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// What the reader cannot read must never read as "done": a failure with
// an HRESULT it does not know, an exclusion in other quotes, a name a
// database owner chose.

const (
	fcShadow  = "{a0a3f1c2-c725-43ff-9bb0-876ccf2cee4a}"
	fcForeign = "{99999999-9999-9999-9999-999999999999}"
)

// Any 8-hex-digit code from 8xxxxxxx is a failure of the command it
// follows, not only FACILITY_ITF (8004) and Win32 (8007) ones: a delete
// that named its shadow and then failed is not believed.
func TestAnyHRESULTFailsTheCommand(t *testing.T) {
	for _, code := range []string{"80004005", "8000FFFF", "80010108", "800706BA", "8000ffff", "80042302"} {
		t.Run(code, func(t *testing.T) {
			text := strings.Join([]string{
				"-> add volume D: alias vssm_d",
				"-> create",
				"\t* ID der Schattenkopie = " + fcShadow + "\t\t%vssm_d%",
				"-> delete shadows id %vssm_d%",
				"Schattenkopie " + fcShadow + ` auf Volume \\?\Volume{00000000-0000-0000-0000-000000000001}\ [Attribute: 0x00120019] wird gelöscht...`,
				"Der letzte Vorgang ist fehlgeschlagen.",
				"\t- Zurückgegebenes HRESULT: " + code,
				"\t- Fehlertext: Unbekannter Fehler",
				"-> exit",
			}, "\n")
			o := parseText(t, text)
			require.Len(t, o.Shadows, 1)
			assert.Empty(t, o.Deleted, "a delete that failed is not believed")
			require.Len(t, o.Failures, 1, "%+v", o.Failures)
			assert.Equal(t, FailVSS, o.Failures[0].Kind)
			assert.Equal(t, strings.ToUpper(code), o.Failures[0].Code)
			assert.NotContains(t, o.Failures[0].Name, "0x", "named for the report")
			assert.Equal(t, "delete shadows id %vssm_d%", o.Failures[0].Command)
		})
	}
	// The code on its own, in other punctuation.
	for _, l := range []string{"Fehler 80004005.", "Erreur (8000FFFF)", "HRESULT:80010105", "code « 80004005 »", "80004005"} {
		o := parseText(t, "-> list shadows all\n"+l+"\n-> exit\n")
		require.Len(t, o.Failures, 1, l)
		assert.Equal(t, "list shadows all", o.Failures[0].Command, l)
	}
	// What only looks like one: hex inside GUIDs, volume and device names,
	// 0x values, host names, longer numbers, and the script's own lines.
	for _, l := range []string{
		"\t- Anbieter-ID: {80004005-0000-0000-0000-000000000000}",
		`	- Volume: \\?\Volume{80004005-0000-0000-0000-000000000002}\ [E:\]`,
		`	- Gerät: \\?\GLOBALROOT\Device\HarddiskVolumeShadowCopy80004005`,
		"\t- Attribute: 0x80004005",
		"\t- Ursprungscomputer: 80042306.example",
		"\t- Erstellt: 800040051",
		"\t- Pfad: C:\\x\\80004005\\y",
		"\t- Name: sql-80004005",
		"-> # 80004005",
	} {
		o := parseText(t, "-> list shadows all\n"+l+"\n-> exit\n")
		assert.Empty(t, o.Failures, l)
	}
}

// A component diskshadow excluded is read in every quote style a
// translation uses.
func TestExcludedComponentInAnyQuotes(t *testing.T) {
	want := []ExcludedComponent{{Writer: "SqlServerWriter", Component: `\HOST\master`, Volume: `C:\`, Line: 3}}
	for name, lines := range map[string][]string{
		"straight":       {`Die Komponente "\HOST\master" des Writers "SqlServerWriter" wird ausgeschlossen,`, `da sie Volume C:\ benötigt.`},
		"german":         {"Die Komponente „\\HOST\\master“ des Writers „SqlServerWriter“ wird ausgeschlossen,", `da sie Volume C:\ benötigt.`},
		"polish":         {"Składnik „\\HOST\\master” modułu zapisującego „SqlServerWriter” jest wykluczony,", `ponieważ wymaga woluminu C:\.`},
		"english-curly":  {"Component “\\HOST\\master” from writer “SqlServerWriter” is left out,", `because it requires volume C:\ which is not in the set.`},
		"french":         {"Le composant « \\HOST\\master » de l'enregistreur « SqlServerWriter » est exclu,", `car il requiert le volume C:\.`},
		"french-nbsp":    {"Le composant «\u00a0\\HOST\\master\u00a0» de l’enregistreur «\u202fSqlServerWriter\u202f» est exclu,", `car il requiert le volume C:\.`},
		"swiss":          {"Die Komponente ‹\\HOST\\master› des Writers ‹SqlServerWriter› wird ausgeschlossen,", `da sie Volume C:\ benötigt.`},
		"single":         {"La componente '\\HOST\\master' dell'writer 'SqlServerWriter' è esclusa,", `perché richiede il volume C:\.`},
		"single-curly":   {"Le composant ‘\\HOST\\master’ de l’enregistreur ‘SqlServerWriter’ est exclu,", `car il requiert le volume C:\.`},
		"writer-first":   {"Writer „SqlServerWriter“: Komponente „\\HOST\\master“ ausgeschlossen,", `Volume C:\ fehlt.`},
		"apostrophe-in":  {"Le composant '\\HOST\\master' de l'enregistreur 'SqlServerWriter' n'est pas inclus,", `car il requiert le volume C:\.`},
		"one-line-curly": {"Komponente „\\HOST\\master“ des Writers „SqlServerWriter“ ausgeschlossen, da Volume C:\\ fehlt."},
	} {
		t.Run(name, func(t *testing.T) {
			o := parseText(t, "-> add volume D: alias vssm_d\n-> create\n"+strings.Join(lines, "\n")+"\n")
			assert.Equal(t, want, o.Excluded)
			assert.Empty(t, o.Failures)
		})
	}
}

// A writer's verbose listing names components whose names a database owner
// chose: a GUID and a %token% in one are never a shadow of the run, nor
// is a GUID beside a word that is one of the script's aliases.
func TestWriterListingNamesNoShadow(t *testing.T) {
	head := []string{
		"-> set verbose on",
		"-> add volume D: alias vssm_d",
		"-> create",
		`* ÄÖgnidulcnI ÄÖretirw "SqlServerWriter":`,
	}
	for name, line := range map[string]string{
		"token":         "\t+ ÄÖgniddA ÄÖtnenopmoc: \\HOST\\x " + fcForeign + " %x%",
		"alias-token":   "\t+ ÄÖgniddA ÄÖtnenopmoc: \\HOST\\x " + fcForeign + " %vssm_d%",
		"default-alias": "\t+ ÄÖgniddA ÄÖtnenopmoc: \\HOST\\x " + fcForeign + " %VSS_SHADOW_1%",
		"alias-word":    "\t+ ÄÖgniddA ÄÖtnenopmoc: \\HOST\\ vssm_d " + fcForeign,
		"set":           "\t+ ÄÖgniddA ÄÖtnenopmoc: \\HOST\\x " + fcForeign + " %VSS_SHADOW_SET%",
		"detail-line":   "\t\t- ÄÖemaN: x " + fcForeign + " %vssm_d%",
		"hresult":       "\t+ ÄÖgniddA ÄÖtnenopmoc: \\HOST\\80004005",
		"quotes":        "\t+ ÄÖgniddA ÄÖtnenopmoc: \\HOST\\\"x\" \"y\"",
	} {
		t.Run(name, func(t *testing.T) {
			o := parseText(t, strings.Join(append(head[:len(head):len(head)], line, "\t+ ÄÖgniddA ÄÖtnenopmoc: \\HOST\\master"), "\n"))
			assert.Empty(t, o.Shadows)
			assert.Empty(t, o.SetID)
			assert.Empty(t, o.Failures)
			assert.Empty(t, o.Excluded)
		})
	}
	// Without a writer's line first, a component line is still a listing.
	o := parseText(t, "-> add volume D: alias vssm_d\n-> create\n\t+ ÄÖgniddA ÄÖtnenopmoc: \\HOST\\x "+fcForeign+" %vssm_d%\n")
	assert.Empty(t, o.Shadows)

	// Outside a listing, only the script's aliases make a GUID a shadow.
	o = parseText(t, strings.Join([]string{
		"-> add volume D: alias vssm_d",
		"-> add volume E:",
		"-> create",
		`* ÄÖgnidulcnI ÄÖretirw "SqlServerWriter":`,
		"\t+ ÄÖgniddA ÄÖtnenopmoc: \\HOST\\x " + fcForeign + " %vssm_d%",
		"",
		"\t* ÄÖwodahS ID = " + fcShadow + "\t\t%vssm_d%",
		"\t* ÄÖwodahS ID = {b0a3f1c2-c725-43ff-9bb0-876ccf2cee4a}\t\t%VSS_SHADOW_2%",
		"\t\t- ÄÖemaN: x " + fcForeign + " %x%",
		"ÄÖsailA ÄÖrehto ID " + fcForeign + " %other%",
	}, "\n"))
	var ids []string
	for _, s := range o.Shadows {
		ids = append(ids, s.ID+" "+s.Alias)
	}
	assert.Equal(t, []string{fcShadow + " vssm_d", "{b0a3f1c2-c725-43ff-9bb0-876ccf2cee4a} VSS_SHADOW_2"}, ids)

	// A record right after the listing, without a blank line, is read.
	o = parseText(t, strings.Join(append(head[:len(head):len(head)],
		"\t+ ÄÖgniddA ÄÖtnenopmoc: \\HOST\\master",
		"\t* ÄÖwodahS ID = "+fcShadow+"\t\t%vssm_d%",
		`		- ÄÖlanigirO: \\?\Volume{00000000-0000-0000-0000-000000000001}\ [D:\]`,
	), "\n"))
	require.Len(t, o.Shadows, 1)
	assert.Equal(t, `D:\`, o.Shadows[0].Volume)

	// The English listing is a listing too.
	o = parseText(t, strings.Join([]string{
		"-> add volume D: alias vssm_d",
		"-> create",
		`* Including writer "SqlServerWriter":`,
		"\t+ Adding component: \\HOST\\x " + fcForeign + " %vssm_d%",
		"\t+ Adding component: \\HOST\\ vssm_d " + fcForeign,
	}, "\n"))
	assert.Empty(t, o.Shadows)
	require.Len(t, o.Writers, 1)
	assert.Len(t, o.Writers[0].Components, 2)
}
