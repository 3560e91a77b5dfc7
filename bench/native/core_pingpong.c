// core_pingpong: the one-way latency of a cache line handed between two CPUs (build machine, issue 18 item 4).
//
// Two threads, pinned to CPUs A and B, take turns storing into one 64-byte-aligned word and spinning until the
// other's store arrives; the one-way latency is the total time over twice the number of round trips. On the
// 2-core build VM it reads about 27-35 ns in some minutes and 155-172 ns in others: the hypervisor places the two
// vCPUs on cores that share a cache or on cores that do not. The reference backend's publishSlots throughput
// follows it (docs/PERFORMANCE.md, "Reference: the slow phase is the vCPUs' cache distance, session 19"), so
// every reference figure from this machine is read together with this one.
//
//   gcc -O2 -pthread -o /tmp/core_pingpong bench/native/core_pingpong.c && /tmp/core_pingpong [A B [ROUND_TRIPS]]
//
// Prints "core_pingpong cpu A<->B one-way N ns"; exit 0, or 2 with a Fix line on bad arguments or a CPU that
// cannot be used.
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static _Alignas(64) _Atomic uint64_t turn;
static uint64_t roundTrips = 2000000;

static int pin(int cpu) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    return pthread_setaffinity_np(pthread_self(), sizeof set, &set);
}

static void* answer(void* arg) {
    pin(*(int*)arg);  // proven usable by main before the thread starts
    for (uint64_t i = 0; i < roundTrips; i++) {
        while (atomic_load_explicit(&turn, memory_order_acquire) != 2 * i + 1) {
        }
        atomic_store_explicit(&turn, 2 * i + 2, memory_order_release);
    }
    return NULL;
}

int main(int argc, char** argv) {
    int a = 0, b = 1;
    if (argc == 3 || argc == 4) {
        char* end;
        a = (int)strtol(argv[1], &end, 10);
        if (*end != 0) a = -1;
        b = (int)strtol(argv[2], &end, 10);
        if (*end != 0) b = -1;
        if (argc == 4) roundTrips = strtoull(argv[3], &end, 10);
    } else if (argc != 1) {
        a = -1;
    }
    if (a < 0 || b < 0 || a == b || roundTrips == 0) {
        fprintf(stderr, "core_pingpong: usage: core_pingpong [A B [ROUND_TRIPS]]. Fix: name two different CPU numbers"
                        " (see nproc) and a positive count\n");
        return 2;
    }
    if (pin(b) != 0 || pin(a) != 0) {
        fprintf(stderr, "core_pingpong: cannot run on CPU %d or %d. Fix: name CPUs below nproc\n", a, b);
        return 2;
    }
    pthread_t t;
    int cpuB = b;
    if (pthread_create(&t, NULL, answer, &cpuB) != 0) {
        fprintf(stderr, "core_pingpong: cannot start a thread: %s. Fix: check the process limits\n", strerror(errno));
        return 2;
    }
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (uint64_t i = 0; i < roundTrips; i++) {
        atomic_store_explicit(&turn, 2 * i + 1, memory_order_release);
        while (atomic_load_explicit(&turn, memory_order_acquire) != 2 * i + 2) {
        }
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    pthread_join(t, NULL);
    double ns = (double)(t1.tv_sec - t0.tv_sec) * 1e9 + (double)(t1.tv_nsec - t0.tv_nsec);
    printf("core_pingpong cpu %d<->%d one-way %.1f ns\n", a, b, ns / (double)roundTrips / 2.0);
    return 0;
}
