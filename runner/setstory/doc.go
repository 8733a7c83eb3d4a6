// Package setstory writes and keeps the story of a backup set: the
// <set>\_vssmirror\ folder that makes a set on the backup share describe
// itself. The copy script runs `vssmirror story` (Write) after its last
// source was mirrored, while the shadows still exist and before `end
// backup`: the manifest of every file in the set, the writer metadata
// .cab, the .dsh and .cmd that ran, and with manifest.hashes a SHA-256 of
// every file read from the snapshot. With robocopy.keep_deleted_days the
// copy script runs `vssmirror keep-deleted` (KeepDeleted) before each
// mirror. After a good run the runner adds the run report and prunes old
// deleted folders (WriteReport, PruneDeleted); the good marker stays the
// last thing written.
package setstory
