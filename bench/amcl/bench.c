/*
 * The Milagro AMCL C side of `npm run bench` (bench/crypto.ts): the same four operations as the JavaScript rows, on a
 * 496-byte message, timed the same way (10 warm-up runs, then the median of N). Prints one JSON line:
 * {"sign":ms,"verify":ms,"mpin":ms,"publicKey":ms}. Build it against an AMCL C build as the Signing Agent links it
 * (64-bit chunks, curve BLS381, Release); bench/README.md gives the steps. Not part of the package.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "bls_BLS381.h"
#include "mpin_BLS381.h"
#include "randapi.h"

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

#define MEDIAN(result, body)                          \
    do {                                              \
        for (int w = 0; w < 10; w++) { body; }        \
        for (int i = 0; i < n; i++) {                 \
            double start = now_ms();                  \
            body;                                     \
            times[i] = now_ms() - start;              \
        }                                             \
        qsort(times, n, sizeof(double), by_value);    \
        result = times[n / 2];                        \
    } while (0)

int main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 200;
    if (n < 1) n = 1;
    double *times = malloc(sizeof(double) * n);
    double sign, verify, mpin, publicKey;

    char seed[64];
    for (int i = 0; i < 64; i++) seed[i] = (char)(i * 7 + 1);
    octet SEED = {64, 64, seed};
    csprng RNG;
    CREATE_CSPRNG(&RNG, &SEED);

    char s[BGS_BLS381], w[4 * BFS_BLS381], sig[BFS_BLS381 + 1], m[496];
    octet S = {0, sizeof(s), s}, W = {0, sizeof(w), w}, SIG = {0, sizeof(sig), sig}, M = {496, 496, m};
    for (int i = 0; i < 496; i++) m[i] = (char)(i % 251);
    BLS_BLS381_KEY_PAIR_GENERATE(&RNG, &S, &W);
    MEDIAN(sign, BLS_BLS381_SIGN(&SIG, &M, &S));
    if (BLS_BLS381_VERIFY(&SIG, &M, &W) != BLS_OK) { fprintf(stderr, "set-up: the signature does not verify\n"); return 1; }
    MEDIAN(verify, BLS_BLS381_VERIFY(&SIG, &M, &W));
    MEDIAN(publicKey, BLS_BLS381_KEY_PAIR_GENERATE(NULL, &S, &W));

    char ms[PGS_BLS381], cs[2 * PFS_BLS381 + 1], x[PGS_BLS381], sec[2 * PFS_BLS381 + 1], u[2 * PFS_BLS381 + 1], y[PGS_BLS381];
    octet MS = {0, sizeof(ms), ms}, CS = {0, sizeof(cs), cs}, X = {0, sizeof(x), x}, SEC = {0, sizeof(sec), sec}, U = {0, sizeof(u), u}, Y = {0, sizeof(y), y};
    const char *identity = "{\"id\":\"agent-bench\",\"curve\":\"BLS381\",\"created\":1700000000}";
    octet ID = {(int)strlen(identity), (int)strlen(identity), (char *)identity};
    MPIN_BLS381_RANDOM_GENERATE(&RNG, &MS);
    if (MPIN_BLS381_GET_CLIENT_SECRET(&MS, &ID, &CS) != 0) { fprintf(stderr, "set-up: no client secret\n"); return 1; }
    /* one x-api-zkp token: U = x.H(ID), y = H(ts|U), V = -(x+y).secret, as the Signing Agent builds it */
    MEDIAN(mpin, {
        MPIN_BLS381_CLIENT_1(SHA256, 0, &ID, &RNG, &X, 0, &CS, &SEC, &U, NULL, NULL);
        MPIN_BLS381_GET_Y(SHA256, 1700000000, &U, &Y);
        MPIN_BLS381_CLIENT_2(&X, &Y, &SEC);
    });

    printf("{\"sign\":%.4f,\"verify\":%.4f,\"mpin\":%.4f,\"publicKey\":%.4f}\n", sign, verify, mpin, publicKey);
    free(times);
    return 0;
}
