// log_write_probe: how fast can drain threads write 128-byte replay records into a tmpfs mapping (issue 12)?
//
// Each thread repeatedly writes chunks of 64 records (8 KiB, as a RecordDrain chunk) into its own part of a
// MAP_SHARED mapping of a /dev/shm file, the way ReplayLog does: clear each record's magic (one store into
// its first line), copy the chunk from an 8 KiB staging buffer that stays in L1, set the magics. The copy is
//   store   256-bit stores (what a JIT's copy loop does: each destination line is read for ownership first)
//   nt      256-bit non-temporal stores between two sfences (no read for ownership, bypasses the caches)
//   movsb   rep movsb (fast strings: Intel CPUs write whole lines without reading them)
//   memcpy  glibc memcpy (rep movsb or vector stores, by its size thresholds)
//   half    store, but 64-byte records (the image only): half the bytes
// and with "+ring" each record's image is first read from a 4 MiB ring that the thread does not write
// (a drainer reading the publisher's ring). Prints GB/s of records written and M records/s, for
// 1, 2, 4 and 8 threads, for a mapping of LOG_MB (8 = a 65,536-record log) and of 512 MiB.
//
// Build: gcc -O2 -mavx2 -pthread -o log_write_probe log_write_probe.c    Run: ./log_write_probe [seconds per row]
#define _GNU_SOURCE
#include <fcntl.h>
#include <immintrin.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define CHUNK_RECORDS 64
#define RING_BYTES (4u << 20)

enum mode { STORE, NT, MOVSB, MEMCPY, HALF };
static const char *MODE_NAMES[] = {"store", "nt", "movsb", "memcpy", "half"};

struct job {
    uint8_t *log;        // this thread's part of the mapping
    size_t bytes;        // its size, a multiple of a chunk
    const uint8_t *ring; // read-only ring images, or NULL
    enum mode mode;
    double seconds;
    uint64_t records;    // out
    pthread_barrier_t *start;
};

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static void copy_store(uint8_t *dst, const uint8_t *src, size_t n) {
    for (size_t i = 0; i < n; i += 32) {
        _mm256_storeu_si256((__m256i *) (dst + i), _mm256_loadu_si256((const __m256i *) (src + i)));
    }
}

static void copy_nt(uint8_t *dst, const uint8_t *src, size_t n) {
    _mm_sfence();
    for (size_t i = 0; i < n; i += 32) {
        _mm256_stream_si256((__m256i *) (dst + i), _mm256_loadu_si256((const __m256i *) (src + i)));
    }
    _mm_sfence();
}

static void copy_movsb(uint8_t *dst, const uint8_t *src, size_t n) {
    __asm__ volatile("rep movsb" : "+D"(dst), "+S"(src), "+c"(n) : : "memory");
}

static void *run(void *arg) {
    struct job *j = arg;
    size_t record = j->mode == HALF ? 64 : 128;
    size_t chunk = CHUNK_RECORDS * record;
    uint8_t stage[CHUNK_RECORDS * 128] __attribute__((aligned(64)));
    memset(stage, 0x5a, sizeof stage);
    size_t at = 0, ring_at = 0;
    uint64_t records = 0;
    pthread_barrier_wait(j->start);
    double end = now() + j->seconds;
    while (1) {
        for (int round = 0; round < 64; round++) {
            uint8_t *dst = j->log + at;
            for (int r = 0; r < CHUNK_RECORDS; r++) {
                *(volatile uint32_t *) (dst + r * record) = 0; // clear the magic
            }
            if (j->ring) { // read the images from the ring into the stage
                for (int r = 0; r < CHUNK_RECORDS; r++) {
                    memcpy(stage + r * record + record - 64, j->ring + ring_at, 64);
                    ring_at = (ring_at + 64) % RING_BYTES;
                }
            }
            switch (j->mode) {
            case STORE: case HALF: copy_store(dst, stage, chunk); break;
            case NT: copy_nt(dst, stage, chunk); break;
            case MOVSB: copy_movsb(dst, stage, chunk); break;
            case MEMCPY: memcpy(dst, stage, chunk); break;
            }
            for (int r = 0; r < CHUNK_RECORDS; r++) {
                *(volatile uint32_t *) (dst + r * record) = 0xDEADBEEF; // set the magic
            }
            records += CHUNK_RECORDS;
            at = at + chunk + chunk > j->bytes ? 0 : at + chunk;
        }
        if (now() >= end) {
            break;
        }
    }
    j->records = records;
    return NULL;
}

int main(int argc, char **argv) {
    double seconds = argc > 1 ? atof(argv[1]) : 0.5;
    if (seconds <= 0) {
        fprintf(stderr, "usage: log_write_probe [seconds per row > 0]. Fix: pass a positive number\n");
        return 2;
    }
    size_t sizes[] = {8u << 20, 512u << 20};
    int threads[] = {1, 2, 4, 8};
    uint8_t *ring = aligned_alloc(64, RING_BYTES);
    memset(ring, 0x33, RING_BYTES);
    printf("log_write_probe: 128-byte records in chunks of %d, %.2f s per row\n", CHUNK_RECORDS, seconds);
    printf("%-10s %6s %8s %8s %12s\n", "mode", "log MB", "threads", "GB/s", "M records/s");
    for (int s = 0; s < 2; s++) {
        char path[64];
        snprintf(path, sizeof path, "/dev/shm/log_write_probe.%d", getpid());
        int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
        if (fd < 0 || ftruncate(fd, sizes[s]) != 0) {
            perror("log_write_probe: /dev/shm");
            return 1;
        }
        uint8_t *log = mmap(NULL, sizes[s], PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        unlink(path);
        if (log == MAP_FAILED) {
            perror("log_write_probe: mmap");
            return 1;
        }
        memset(log, 0, sizes[s]);
        for (int with_ring = 0; with_ring < 2; with_ring++) {
            for (int m = STORE; m <= HALF; m++) {
                for (int t = 0; t < 4; t++) {
                    int n = threads[t];
                    pthread_t ids[8];
                    struct job jobs[8];
                    pthread_barrier_t start;
                    pthread_barrier_init(&start, NULL, n);
                    size_t part = sizes[s] / n / (CHUNK_RECORDS * 128) * (CHUNK_RECORDS * 128);
                    for (int i = 0; i < n; i++) {
                        jobs[i] = (struct job) {log + i * part, part, with_ring ? ring : NULL, m, seconds, 0, &start};
                        pthread_create(&ids[i], NULL, run, &jobs[i]);
                    }
                    double t0 = now();
                    uint64_t records = 0;
                    for (int i = 0; i < n; i++) {
                        pthread_join(ids[i], NULL);
                        records += jobs[i].records;
                    }
                    double took = now() - t0;
                    double record = m == HALF ? 64 : 128;
                    printf("%-5s%-5s %6zu %8d %8.2f %12.1f\n", MODE_NAMES[m], with_ring ? "+ring" : "",
                           sizes[s] >> 20, n, records * record / took / 1e9, records / took / 1e6);
                    fflush(stdout);
                    pthread_barrier_destroy(&start);
                }
            }
        }
        munmap(log, sizes[s]);
        close(fd);
    }
    return 0;
}
