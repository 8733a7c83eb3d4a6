//go:build windows

package notify

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/windows"
	"golang.org/x/sys/windows/registry"

	"github.com/vssmirror/vssmirror/robocmd"
	"github.com/vssmirror/vssmirror/runner/report"
)

// These tests write to the Application log under source vssmirror. Under
// wine (e2e/winunit_test.go) RegisterEventSource and ReportEvent are stubs
// that write nothing anywhere but wine's debug channels: the e2e test runs
// TestLogEvent with WINEDEBUG=fixme+advapi,+eventlog and reads the type,
// the event ID and the text LogEvent passed from there. Reading events back
// (ReadEventLog) is a stub too, so TestLogEventReadBack runs on Windows
// only.

// eventTypes maps outcomes to the event type LogEvent must use.
var eventTypes = []struct {
	outcome report.Outcome
	typ     uint16
}{
	{report.Success, windows.EVENTLOG_INFORMATION_TYPE},
	{report.CopyFailed, windows.EVENTLOG_WARNING_TYPE},
	{report.SnapshotFailed, windows.EVENTLOG_ERROR_TYPE},
	{report.Timeout, windows.EVENTLOG_ERROR_TYPE},
	{report.CleanupFailed, windows.EVENTLOG_ERROR_TYPE},
}

// eventRunID is the run ID of the test event for an outcome; the e2e test
// looks for "vssmirror winunit run winunit-<outcome>".
func eventRunID(o report.Outcome, nonce string) string { return "winunit-" + string(o) + nonce }

func testReport(o report.Outcome, runID string) *report.Report {
	return &report.Report{Job: "winunit", RunID: runID, Outcome: o, ExitCode: o.ExitCode(), DurationSeconds: 3,
		Sources: []report.SourceResult{{Path: `D:\Data`, Dest: `E:\backup\D\Data`, Outcome: "partial",
			Errors: []robocmd.LogError{{Path: `S:\Data\locked.pst`, Code: 32, Message: "in use"}}}}}
}

// TestLogEvent writes one event per outcome class; each write succeeds.
func TestLogEvent(t *testing.T) {
	for _, tc := range eventTypes {
		require.NoError(t, LogEvent(testReport(tc.outcome, eventRunID(tc.outcome, ""))), "%s", tc.outcome)
	}
}

// TestLogEventSourceRegistered: LogEvent registers source vssmirror in the
// Application log with EventCreate.exe's message table (writing HKLM needs
// an elevated process).
func TestLogEventSourceRegistered(t *testing.T) {
	require.NoError(t, LogEvent(testReport(report.Success, eventRunID(report.Success, "-reg"))))
	k, err := registry.OpenKey(registry.LOCAL_MACHINE, `SYSTEM\CurrentControlSet\Services\EventLog\Application\`+eventSource, registry.QUERY_VALUE)
	if errors.Is(err, windows.ERROR_FILE_NOT_FOUND) && !windows.GetCurrentProcessToken().IsElevated() {
		t.Skip("not elevated: LogEvent cannot register the source (HKLM)")
	}
	require.NoError(t, err)
	defer k.Close()
	file, typ, err := k.GetStringValue("EventMessageFile")
	require.NoError(t, err)
	assert.Equal(t, uint32(registry.EXPAND_SZ), typ)
	assert.Equal(t, `%SystemRoot%\System32\EventCreate.exe`, file)
	types, _, err := k.GetIntegerValue("TypesSupported")
	require.NoError(t, err)
	assert.Equal(t, uint64(windows.EVENTLOG_ERROR_TYPE|windows.EVENTLOG_WARNING_TYPE|windows.EVENTLOG_INFORMATION_TYPE), types)
}

// TestEventIDsHaveMessages: Event Viewer shows an event's text through the
// source's message file; an ID the file has no message for is shown as
// "The description for Event ID N from source vssmirror cannot be found",
// with the text only below it. Every outcome's event ID must have a
// message in EventCreate.exe that prints the text as it is ("%1").
func TestEventIDsHaveMessages(t *testing.T) {
	file, err := registry.ExpandString(`%SystemRoot%\System32\EventCreate.exe`)
	require.NoError(t, err)
	if _, err := os.Stat(file); err != nil {
		t.Skipf("%s: %v (wine ships no EventCreate.exe); checked on Windows only", file, err)
	}
	h, err := windows.LoadLibraryEx(file, 0, windows.LOAD_LIBRARY_AS_DATAFILE|windows.LOAD_LIBRARY_AS_IMAGE_RESOURCE)
	require.NoError(t, err, file)
	defer windows.FreeLibrary(h)
	insert, err := windows.UTF16PtrFromString("vssmirror test text")
	require.NoError(t, err)
	args := []uintptr{uintptr(unsafe.Pointer(insert))}
	for _, o := range report.Outcomes() {
		buf := make([]uint16, 1024)
		n, err := windows.FormatMessage(windows.FORMAT_MESSAGE_FROM_HMODULE|windows.FORMAT_MESSAGE_ARGUMENT_ARRAY,
			uintptr(h), o.EventID(), 0, buf, (*byte)(unsafe.Pointer(&args[0])))
		if assert.NoError(t, err, "EventCreate.exe has no message for event ID %d (%s)", o.EventID(), o) {
			assert.Equal(t, "vssmirror test text", strings.TrimSpace(windows.UTF16ToString(buf[:n])), "event ID %d", o.EventID())
		}
	}
}

// TestLogEventLongText: the longest text EventText makes for a run with
// thousands of failed files is accepted by ReportEvent (Windows caps one
// string at 31,839 UTF-16 code units). Under wine ReportEvent accepts
// anything.
func TestLogEventLongText(t *testing.T) {
	rep := testReport(report.CopyFailed, eventRunID(report.CopyFailed, "-long"))
	rep.Sources[0].Errors = nil
	for i := 0; i < 10000; i++ {
		rep.Sources[0].Errors = append(rep.Sources[0].Errors, robocmd.LogError{
			Path: fmt.Sprintf(`S:\Data\%s\%05d.jpg`, strings.Repeat("𠜎📷", 20), i), Code: 5, Message: "Access is denied."})
	}
	assert.NoError(t, LogEvent(rep))
}

// TestLogEventReadBack writes an event per outcome class and reads it back
// from the Application log: source, type, event ID and text.
func TestLogEventReadBack(t *testing.T) {
	nonce := "-" + strconv.FormatInt(time.Now().UnixNano(), 36)
	for _, tc := range eventTypes {
		require.NoError(t, LogEvent(testReport(tc.outcome, eventRunID(tc.outcome, nonce))))
	}
	events, err := readApplicationLog(500)
	if errors.Is(err, windows.ERROR_CALL_NOT_IMPLEMENTED) || err == nil && len(events) == 0 {
		t.Skipf("ReadEventLog returned no record right after %d were written (%v): wine's ReadEventLogW is a stub that reports an empty log; "+
			"under wine the events are checked through its debug channel by e2e/winunit_test.go", len(eventTypes), err)
	}
	require.NoError(t, err)
	for _, tc := range eventTypes {
		want := EventText(testReport(tc.outcome, eventRunID(tc.outcome, nonce)))
		var found *event
		for i := range events {
			if events[i].source == eventSource && len(events[i].strings) == 1 && events[i].strings[0] == want {
				found = &events[i]
				break
			}
		}
		if assert.NotNil(t, found, "no event for %s among the last %d of the Application log", tc.outcome, len(events)) {
			assert.Equal(t, tc.typ, found.typ, "%s", tc.outcome)
			assert.Equal(t, tc.outcome.EventID(), found.id&0xFFFF, "%s", tc.outcome)
		}
	}
}

type event struct {
	source  string
	id      uint32
	typ     uint16
	strings []string
}

var (
	advapi32          = windows.NewLazySystemDLL("advapi32.dll")
	procOpenEventLog  = advapi32.NewProc("OpenEventLogW")
	procReadEventLog  = advapi32.NewProc("ReadEventLogW")
	procCloseEventLog = advapi32.NewProc("CloseEventLog")
)

const (
	eventlogSequentialRead = 0x1
	eventlogBackwardsRead  = 0x8
)

// readApplicationLog returns the newest max records of the Application log.
func readApplicationLog(max int) ([]event, error) {
	name, _ := windows.UTF16PtrFromString("Application")
	h, _, err := procOpenEventLog.Call(0, uintptr(unsafe.Pointer(name)))
	if h == 0 {
		return nil, err
	}
	defer procCloseEventLog.Call(h)
	var out []event
	buf := make([]byte, 64<<10)
	for len(out) < max {
		var read, needed uint32
		r, _, err := procReadEventLog.Call(h, eventlogSequentialRead|eventlogBackwardsRead, 0,
			uintptr(unsafe.Pointer(&buf[0])), uintptr(len(buf)), uintptr(unsafe.Pointer(&read)), uintptr(unsafe.Pointer(&needed)))
		if r == 0 {
			if errors.Is(err, windows.ERROR_HANDLE_EOF) {
				return out, nil
			}
			if errors.Is(err, windows.ERROR_INSUFFICIENT_BUFFER) {
				buf = make([]byte, needed)
				continue
			}
			return out, err
		}
		for off := uint32(0); off+56 <= read; {
			rec := buf[off:]
			length := le32(rec[0:])
			if length < 56 || off+length > read {
				break
			}
			rec = rec[:length]
			e := event{id: le32(rec[20:]), typ: le16(rec[24:])}
			e.source, _ = utf16z(rec[56:])
			n, so := int(le16(rec[26:])), le32(rec[36:])
			for s := rec[min(so, length):]; n > 0 && len(s) > 1; n-- {
				str, size := utf16z(s)
				e.strings = append(e.strings, str)
				s = s[size:]
			}
			out = append(out, e)
			off += length
		}
	}
	return out, nil
}

func le16(b []byte) uint16 { return uint16(b[0]) | uint16(b[1])<<8 }
func le32(b []byte) uint32 { return uint32(le16(b)) | uint32(le16(b[2:]))<<16 }

// utf16z decodes the NUL-terminated UTF-16LE string at the start of b and
// returns it with the bytes it takes, its NUL included.
func utf16z(b []byte) (string, int) {
	var u []uint16
	i := 0
	for ; i+1 < len(b); i += 2 {
		c := le16(b[i:])
		if c == 0 {
			i += 2
			break
		}
		u = append(u, c)
	}
	return windows.UTF16ToString(u), min(i, len(b))
}
