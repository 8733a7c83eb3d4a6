// Package output owns reading diskshadow's output: its console output or
// /l log, read line by line as it is printed (Reader, Parse) into the
// shadows created and exposed, the shadow set, the writers included and
// excluded, the deletions and listings, and every failure marker
// (Output). It also owns the names of VSS HRESULTs (HRESULT) and reading
// lines of any length (ReadLines).
//
// diskshadow's sentences are localized. The reader tries the English ones
// first and falls back, for each, on what every language prints alike: the
// "-> " echo of each script line, GUIDs, %alias% tokens, volume and device
// names, drive letters, 8-hex-digit HRESULTs, names in quotes of any
// language's style, and the `*` / `+` of a writer listing. The fallbacks
// fail closed: any HRESULT 8xxxxxxx fails the command it follows, and a
// GUID is a shadow of the run only beside one of the script's own aliases,
// never in a writer listing. Every ID it keeps has the braced-GUID shape
// (internal/vssid). It never fails on odd input; only a read error is
// returned.
package output
