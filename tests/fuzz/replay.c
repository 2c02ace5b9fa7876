/*
 * replay.c — runs a libFuzzer target over every file of the corpus folders
 * given as arguments, without libFuzzer (SQLite's fuzzcheck idea): found
 * crashes stay fixed. Prints "N passed, 0 failed"; a crash aborts the run.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int main(int argc, char **argv)
{
	int i, n = 0;
	for (i = 1; i < argc; i++) {
		DIR *d = opendir(argv[i]);
		struct dirent *de;
		if (!d) {
			fprintf(stderr, "replay: cannot open %s\n", argv[i]);
			return 2;
		}
		while ((de = readdir(d))) {
			char p[4096];
			FILE *f;
			unsigned char *buf;
			long len;
			if (de->d_name[0] == '.')
				continue;
			snprintf(p, sizeof p, "%s/%s", argv[i], de->d_name);
			f = fopen(p, "rb");
			if (!f)
				continue;
			fseek(f, 0, SEEK_END);
			len = ftell(f);
			fseek(f, 0, SEEK_SET);
			buf = malloc((size_t)len + 1);
			if (!buf || fread(buf, 1, (size_t)len, f) != (size_t)len) {
				fclose(f);
				free(buf);
				continue;
			}
			fclose(f);
			LLVMFuzzerTestOneInput(buf, (size_t)len);
			free(buf);
			n++;
		}
		closedir(d);
	}
	printf("fuzz replay: %d passed, 0 failed\n", n);
	return 0;
}
