/*
 * bench/batch_floor.c — the floor for `kaifang batch`: a minimal C loop that
 * reads a CSV file, splits every line into its fields and writes the line
 * back with a constant answer appended. No quoting, no lookup, no decision:
 * what any batch must at least spend on reading, splitting and writing.
 * bench/batch_1m.sh times it beside kaifang and awk in the same run.
 *
 *   batch_floor IN OUT
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BUF    (1u << 20)
#define MAXCOL 256

static const char answer[] = ",permitted,50,<=50,m1,confirmed,,";

int main(int argc, char **argv)
{
	FILE *in, *out;
	char *buf;
	size_t len = 0, fields = 0, sum = 0;
	const char *col[MAXCOL];
	if (argc != 3) {
		fprintf(stderr, "usage: batch_floor IN OUT\n");
		return 2;
	}
	in = fopen(argv[1], "rb");
	out = fopen(argv[2], "wb");
	buf = malloc(BUF);
	if (!in || !out || !buf) {
		perror("batch_floor");
		return 2;
	}
	setvbuf(out, NULL, _IOFBF, BUF);
	for (;;) {
		size_t got = fread(buf + len, 1, BUF - len, in), off = 0;
		char *nl;
		len += got;
		while ((nl = memchr(buf + off, '\n', len - off)) != NULL) {
			const char *p = buf + off;
			size_t n = (size_t)(nl - p), k = 0;
			col[k++] = p; /* split: where each field starts */
			while (k < MAXCOL && (p = memchr(p, ',', (size_t)(nl - p))) != NULL)
				col[k++] = ++p;
			fields += k;
			sum += (unsigned char)*col[k - 1]; /* use the split */
			fwrite(buf + off, 1, n, out);
			fwrite(answer, 1, sizeof answer - 1, out);
			putc('\n', out);
			off += n + 1;
		}
		memmove(buf, buf + off, len - off);
		len -= off;
		if (got == 0)
			break;
		if (len == BUF) {
			fprintf(stderr, "batch_floor: a line longer than %u bytes\n", BUF);
			return 2;
		}
	}
	if (len) { /* a last line without a newline */
		fwrite(buf, 1, len, out);
		fwrite(answer, 1, sizeof answer - 1, out);
		putc('\n', out);
	}
	if (fclose(out) != 0 || ferror(in)) {
		perror("batch_floor");
		return 2;
	}
	fclose(in);
	free(buf);
	fprintf(stderr, "batch_floor: %zu fields (checksum %zu)\n", fields, sum);
	return 0;
}
