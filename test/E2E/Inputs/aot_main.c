/* The C program of test/E2E/aot.test: links the object strata-compile made
   from aot_model.mlir (prefix "tiny"), runs it on deterministic inputs and
   writes inputs and outputs as .npy files, so that strata-run can check
   the JIT's results against them. */
#include "tiny.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Writes a float32 .npy file (format 1.0) of the given shape. */
static int write_npy(const char *path, const float *data, const int *shape,
                     int rank) {
  char dict[128], dims[64] = "";
  size_t count = 1;
  for (int i = 0; i < rank; ++i) {
    char dim[16];
    snprintf(dim, sizeof dim, "%d,%s", shape[i], i + 1 < rank ? " " : "");
    strcat(dims, dim);
    count *= (size_t)shape[i];
  }
  snprintf(dict, sizeof dict,
           "{'descr': '<f4', 'fortran_order': False, 'shape': (%s), }", dims);
  size_t len = strlen(dict);
  size_t total = 10 + len + 1;
  size_t padded = (total + 63) / 64 * 64;
  FILE *f = fopen(path, "wb");
  if (!f)
    return 1;
  unsigned short header = (unsigned short)(padded - 10);
  fwrite("\x93NUMPY\x01\x00", 1, 8, f);
  fputc(header & 0xff, f);
  fputc(header >> 8, f);
  fwrite(dict, 1, len, f);
  for (size_t i = total; i < padded; ++i)
    fputc(' ', f);
  fputc('\n', f);
  fwrite(data, sizeof(float), count, f);
  return fclose(f) != 0;
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s OUTDIR\n", argv[0]);
    return 1;
  }
  static float x[TINY_INPUT0_ELEMENTS], a[TINY_INPUT1_ELEMENTS];
  static float y[TINY_OUTPUT0_ELEMENTS], p[TINY_OUTPUT1_ELEMENTS];
  for (int i = 0; i < TINY_INPUT0_ELEMENTS; ++i)
    x[i] = (float)((i * 7919) % 1000) / 250.0f - 2.0f;
  for (int i = 0; i < TINY_INPUT1_ELEMENTS; ++i)
    a[i] = (float)((i * 104729) % 997) / 997.0f - 0.5f;
  /* Outputs start as garbage: the entry must write every element. */
  memset(y, 0x7f, sizeof y);
  memset(p, 0x7f, sizeof p);
  int rc = tiny_run(x, a, y, p);
  printf("tiny_run returned %d\n", rc);
  printf("inputs %d outputs %d\n", TINY_NUM_INPUTS, TINY_NUM_OUTPUTS);
  char path[4096];
  const int xs[] = {1, 9, 9, 5}, as[] = {1, 7, 13}, ys[] = {1, 9, 9, 6},
            ps[] = {1, 7, 3};
  const struct {
    const char *name;
    const float *data;
    const int *shape;
    int rank;
  } files[] = {{"x", x, xs, 4}, {"a", a, as, 3}, {"y", y, ys, 4},
               {"p", p, ps, 3}};
  for (int i = 0; i < 4; ++i) {
    snprintf(path, sizeof path, "%s/%s.npy", argv[1], files[i].name);
    if (write_npy(path, files[i].data, files[i].shape, files[i].rank)) {
      fprintf(stderr, "cannot write %s\n", path);
      return 1;
    }
  }
  /* Each row of the second output sums to 1. */
  for (int r = 0; r < 7; ++r)
    printf("row %d sum %.4f\n", r, p[3 * r] + p[3 * r + 1] + p[3 * r + 2]);
  return rc;
}
