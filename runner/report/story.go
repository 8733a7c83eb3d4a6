package report

// Story is what a run wrote into its set's story folder
// (<set>\_vssmirror\): the manifest and hashes written by the copy script
// while the snapshot existed, the report added after the run, and the
// deleted-files folders pruned.
type Story struct {
	Folder   string   `json:"folder"`
	Manifest string   `json:"manifest"`         // file name in Folder
	Hashes   string   `json:"hashes,omitempty"` // file name in Folder, "" without manifest.hashes
	Files    int64    `json:"files"`
	Bytes    int64    `json:"bytes"`
	Hashed   int64    `json:"hashed,omitempty"`
	Unhashed int64    `json:"unhashed,omitempty"` // files the snapshot did not hold as the set does
	Copied   []string `json:"copied"`             // .cab and scripts
	Pruned   []string `json:"pruned,omitempty"`   // deleted\<date> folders removed (keep_deleted_days)
}
