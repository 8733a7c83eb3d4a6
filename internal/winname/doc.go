// Package winname knows the Windows file names that do not name what they
// seem to: reserved device names (CON, NUL, COM1, ...), which open a device
// instead of a file, and 8.3 short names (PROGRA~1), which can alias any long
// name in the same folder on a volume that keeps short names.
package winname
