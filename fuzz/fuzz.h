/* fuzz.h: what the libFuzzer targets (fuzz/fuzz_*.c, one parser each) share. */
#ifndef CUTOVER_FUZZ_H
#define CUTOVER_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_PARTS_MAX 8

/* An input cut at its NUL bytes into NUL-terminated strings (targets that take several
 * strings, e.g. a glob and a name); parts the input lacks are "". */
struct fuzz_parts {
	char *mem;                    /* owned: a copy of the input plus a final NUL */
	const char *s[FUZZ_PARTS_MAX];
	size_t len[FUZZ_PARTS_MAX];
};

/* The first n parts (n <= FUZZ_PARTS_MAX); the last one keeps any further NULs. */
static inline void fuzz_parts_split(struct fuzz_parts *fp, const uint8_t *data, size_t size,
                                    size_t n)
{
	if (!(fp->mem = malloc(size + 1)))
		abort();
	memcpy(fp->mem, data, size);
	fp->mem[size] = '\0';
	size_t off = 0;
	for (size_t i = 0; i < n; i++) {
		fp->s[i] = fp->mem + off;
		const char *nul = i + 1 < n ? memchr(fp->mem + off, '\0', size - off) : NULL;
		size_t end = nul ? (size_t)(nul - fp->mem) : size;
		fp->len[i] = end - off;
		off = end < size ? end + 1 : size;
	}
}

static inline void fuzz_parts_release(struct fuzz_parts *fp)
{
	free(fp->mem);
}

/* A NUL-terminated copy of the whole input (for parsers of C strings). */
static inline char *fuzz_strdup(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* A broken invariant: crash so libFuzzer saves the input. */
#define FUZZ_ASSERT(cond) do { if (!(cond)) __builtin_trap(); } while (0)

#endif
