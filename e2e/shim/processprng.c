// bcryptprimitives.dll shim for Debian wine 8.0: Go 1.22+ Windows programs
// import ProcessPrng, which that wine lacks. It forwards to
// advapi32!SystemFunction036 (RtlGenRandom). Test tooling only.
#include <windows.h>
typedef BOOLEAN (WINAPI *RtlGenRandomFn)(PVOID, ULONG);
__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len) {
    static RtlGenRandomFn fn = NULL;
    if (!fn) {
        HMODULE h = LoadLibraryA("advapi32.dll");
        if (!h) return FALSE;
        fn = (RtlGenRandomFn)GetProcAddress(h, "SystemFunction036");
        if (!fn) return FALSE;
    }
    while (len > 0) {
        ULONG chunk = len > 0x7fffffff ? 0x7fffffff : (ULONG)len;
        if (!fn(data, chunk)) return FALSE;
        data += chunk; len -= chunk;
    }
    return TRUE;
}
