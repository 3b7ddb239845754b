/* Peak FP32 FMA throughput of one core: 16 independent vector FMA chains
 * (enough to hide the latency), AVX-512 where the compiler targets it,
 * else AVX2. Prints GFLOP/s of process CPU time. */
#include <immintrin.h>
#include <stdio.h>
#include <time.h>

#if defined(__AVX512F__)
typedef __m512 vec;
#define SET1 _mm512_set1_ps
#define FMA _mm512_fmadd_ps
#define STOREU _mm512_storeu_ps
#define LANES 16
#else
typedef __m256 vec;
#define SET1 _mm256_set1_ps
#define FMA _mm256_fmadd_ps
#define STOREU _mm256_storeu_ps
#define LANES 8
#endif

int main(void) {
  vec acc[16];
  vec b = SET1(1.0000001f), c = SET1(1e-7f);
  for (int i = 0; i < 16; ++i)
    acc[i] = SET1((float)i);
  const long steps = 100000000;
  struct timespec t0, t1;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t0);
  for (long k = 0; k < steps; ++k)
    for (int i = 0; i < 16; ++i)
      acc[i] = FMA(acc[i], b, c);
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t1);
  double s = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) * 1e-9;
  float sink = 0;
  float lanes[LANES];
  for (int i = 0; i < 16; ++i) {
    STOREU(lanes, acc[i]);
    sink += lanes[0];
  }
  printf("%.2f %d %g\n", steps * 16.0 * 2 * LANES / s / 1e9, LANES, sink);
  return 0;
}
