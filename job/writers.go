package job

import (
	"strings"

	"github.com/vssmirror/vssmirror/internal/vssid"
)

// Writer is a VSS writer a job can name by a short catalog name.
type Writer struct {
	Name        string `json:"name"`         // catalog name used in job files, e.g. "exchange"
	DisplayName string `json:"display_name"` // the name `diskshadow list writers` shows
	ID          string `json:"id"`           // writer class ID, lower case, in braces
	Source      string `json:"source"`       // where the ID comes from
}

const (
	srcSeedExchange = "a published Exchange 2007 diskshadow backup script (its writer verify/exclude lines name each writer); check with `diskshadow list writers` on your server"
	srcInBox        = "Microsoft Learn, In-Box VSS Writers (learn.microsoft.com/windows/win32/vss/in-box-vss-writers), writer class ID as `vssadmin list writers` prints it"
	srcSQL          = "SQL Server VSS Writer (SqlServerWriter), writer class ID as `vssadmin list writers` prints it on SQL Server hosts; Microsoft Learn, SQL Server VSS writer backup guide"
	srcHyperV       = "Microsoft Hyper-V VSS Writer, writer class ID as `vssadmin list writers` prints it on Hyper-V hosts; Microsoft Learn, In-Box VSS Writers (Hyper-V writer)"
)

// catalog is sorted by Name.
var catalog = []Writer{
	{"asr", "ASR Writer", "{be000cbe-11fe-4426-9c58-531aa6355fc4}", srcSeedExchange},
	{"bits", "BITS Writer", "{4969d978-be47-48b0-b100-f328f07ac1e0}", srcSeedExchange},
	{"complus-regdb", "COM+ REGDB Writer", "{542da469-d3e1-473c-9f4f-7847f01fc64f}", srcSeedExchange},
	{"exchange", "Microsoft Exchange Writer", "{76fe1ac4-15f7-4bcd-987e-8e1acb462fb7}", srcSeedExchange},
	{"hyperv", "Microsoft Hyper-V VSS Writer", "{66841cd4-6ded-4f4b-8f17-fd23f8ddc3de}", srcHyperV},
	{"iis-config", "IIS Config Writer", "{2a40fd15-dfca-4aa8-a654-1f8c654603f6}", srcSeedExchange},
	{"iis-metabase", "IIS Metabase Writer", "{59b1f0cf-90ef-465f-9609-6ca8b2938366}", srcSeedExchange},
	{"mssearch", "MSSearch Service Writer", "{cd3f2362-8bef-46c7-9181-d62844cdc0b2}", srcInBox},
	{"perf-counters", "Performance Counters Writer", "{0bada1de-01a9-4625-8278-69e735f39dd2}", srcInBox},
	{"registry", "Registry Writer", "{afbab4a2-367d-4d15-a586-71dbb18f8485}", srcSeedExchange},
	{"shadow-copy-optimization", "Shadow Copy Optimization Writer", "{4dc3bdd4-ab48-4d07-adb0-3bee2926fd7f}", srcSeedExchange},
	{"sql", "SqlServerWriter", "{a65faa63-5ea8-4ebc-9dbd-a0c4db26912a}", srcSQL},
	{"system", "System Writer", "{e8132975-6f93-4464-a53e-1050253ae220}", srcSeedExchange},
	{"task-scheduler", "Task Scheduler Writer", "{d61d61c8-d73a-4eee-8cdd-f6f9786b7124}", srcInBox},
	{"vss-metadata-store", "VSS Metadata Store Writer", "{75dfb225-e2e4-4d39-9ac9-ffaff65ddf06}", srcInBox},
	{"wmi", "WMI Writer", "{a6ad56c2-b509-4e6c-bb19-49d8f43532f0}", srcSeedExchange},
}

// Writers returns the writer catalog, sorted by name.
func Writers() []Writer {
	return append([]Writer(nil), catalog...)
}

// IsGUID reports whether s is a GUID, with both braces or none.
func IsGUID(s string) bool {
	return vssid.ValidLoose(s) && strings.HasPrefix(s, "{") == strings.HasSuffix(s, "}")
}

// LookupWriter resolves a catalog name (case-insensitive) or a GUID to a
// Writer. A GUID that is not in the catalog yields a Writer with only its
// ID set, normalized to lower case in braces. ok is false for anything else.
func LookupWriter(s string) (w Writer, ok bool) {
	if IsGUID(s) {
		id := "{" + strings.ToLower(strings.Trim(s, "{}")) + "}"
		for _, c := range catalog {
			if c.ID == id {
				return c, true
			}
		}
		return Writer{ID: id}, true
	}
	for _, c := range catalog {
		if strings.EqualFold(c.Name, s) {
			return c, true
		}
	}
	return Writer{}, false
}

// WriterNames returns the catalog names, sorted.
func WriterNames() []string {
	names := make([]string, len(catalog))
	for i, c := range catalog {
		names[i] = c.Name
	}
	return names
}
