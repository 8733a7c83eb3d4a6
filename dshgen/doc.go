// Package dshgen owns diskshadow scripts: the model of what a job's scripts
// do (Plan), rendering them from the templates (Render), and writing them
// atomically (Bundle.Write).
//
// Every script it writes uses CRLF line endings; the .dsh scripts are ASCII
// only (diskshadow cuts the last character of each line of an LF script, and
// its handling of other encodings is undocumented). All quoting of values in
// the .cmd script goes through robocmd.Quote, exposed to templates as cmdq.
package dshgen
