// Package state owns what vssmirror keeps between runs in the job's state
// folder: the lock (one run per job), the shadow journal (every shadow a
// run created and has not seen deleted), the run history, the backup sets
// chosen from it, and each set's good marker.
//
// Everything read back from the state folder is input: a local user who
// can write there could plant a line break and a diskshadow command in a
// shadow ID. Every ID is checked against the braced-GUID shape
// (internal/vssid) before it leaves this package; a file that fails is
// reported as tampered or corrupt (ErrCorrupt), and nothing is executed.
package state
