/* A stand-in for Windows' bcryptprimitives.dll, which Wine 8.0 (Debian 12's wine64) lacks and Bun's Windows
 * runtime imports for one function: ProcessPrng, which fills a buffer with random bytes. Implemented with
 * advapi32's RtlGenRandom (exported as SystemFunction036), which Wine has. Only the tests use it: it is
 * built with Debian's mingw-w64 cross compiler into the Wine prefix that test/support/wine.ts prepares,
 * never shipped. Real Windows (8 and later) has its own. */
#include <windows.h>
BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);
__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length) {
  while (length > 0) {
    ULONG chunk = length > 0x40000000 ? 0x40000000 : (ULONG)length;
    if (!SystemFunction036(data, chunk)) return FALSE;
    data += chunk;
    length -= chunk;
  }
  return TRUE;
}
