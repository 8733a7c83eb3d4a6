// Package manifest owns the manifest of a backup set
// (<set>\_vssmirror\manifest.json, schema 1) and its hashes sidecar
// (hashes.json): the JSON format, a streaming writer that turns to gzip
// when the document grows large (manifest.json.gz), a streaming reader
// that checks every entry it returns, the order of paths both are written
// in (ComparePaths), and the walk of a folder in that order (Walk).
//
// Memory stays bounded whatever the number of files: the writer holds at
// most GzipAbove bytes before it streams, the reader holds one entry, and
// Walk holds the entries of one folder at a time.
package manifest
