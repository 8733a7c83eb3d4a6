// Package verify checks a backup set against its manifest without touching
// the server's volumes (`vssmirror verify`): every file the manifest lists
// must be in the set with its size and modification time, no file may be
// there that it does not list, and with hashes every file's SHA-256 must
// be the one the copy script read from the snapshot. The manifest and the
// set's folder are compared in one streaming pass each (both are in
// manifest.ComparePaths order), so memory does not grow with the files.
package verify
