/* The few glibc-only symbols that Debian's GCC 12 libstdc++.a and libgcc_eh.a (built against glibc) use, so
 * that test/support/musl.ts can link a libstdc++.so.6 from them against musl and run Bun's musl runtime on
 * Debian. Test-only: on Alpine the musl build uses Alpine's own libstdc++ (apk add libstdc++ libgcc).
 * No headers: this builds for amd64 and arm64 with any gcc. */

/* glibc's flag; 0 means "maybe more than one thread", which is always the safe answer. */
char __libc_single_threaded = 0;

/* glibc 2.35's fast FDE lookup: -1 (not found) sends libgcc's unwinder to dl_iterate_phdr, which musl has. */
struct dl_find_object;
int _dl_find_object(void *address, struct dl_find_object *result) {
  (void)address;
  (void)result;
  return -1;
}

/* glibc 2.36; libstdc++'s std::random_device can use it. musl 1.2.3 has getrandom. */
long getrandom(void *buffer, unsigned long length, unsigned int flags);
unsigned int arc4random(void) {
  unsigned int value = 0;
  while (getrandom(&value, sizeof value, 0) != (long)sizeof value) {
  }
  return value;
}

/* glibc's internal name for getauxval, which arm64's libgcc.a uses to detect LSE atomics; musl has getauxval. */
unsigned long getauxval(unsigned long type);
unsigned long __getauxval(unsigned long type) {
  return getauxval(type);
}
