/* Bytes the C heap has handed out and not taken back (glibc's mallinfo2): tests that a
   repeated operation leaves nothing behind. */
#include <stddef.h>
size_t heap_bytes_in_use(void);
