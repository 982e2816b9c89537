/* The baselines kokeilu is measured against: plain SQLite C API code over a kokeilu tracker file,
 * with the schema kokeilu created (read back from sqlite_master and printed, so the report shows
 * that the table and its indexes are the same) and the same connection settings kokeilu uses
 * (WAL, synchronous=NORMAL, foreign keys on).
 *
 *   raw_sqlite bulk    DB DATA ROWS METRIC_ID ARM0 ARM1   one transaction of ROWS inserts
 *   raw_sqlite bulk-deferred ...                          the same, dropping the index first and
 *                                                          re-creating it inside the transaction
 *   raw_sqlite single  DB COUNT METRIC_ID ARM [PAUSE_US]   COUNT one-row transactions (PAUSE_US
 *                                                          microseconds apart, untimed)
 *   raw_sqlite summary DB METRIC_ID REPS                   count, mean, variance per arm
 *   raw_sqlite read    DB METRIC_ID REPS                   every column of one metric into arrays
 *
 * DATA holds ROWS int64 times (microseconds), then ROWS doubles, then ROWS int32 arm codes (0/1).
 * Results go to stdout as one JSON object. */
#include <sqlite3.h>

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_s(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* The peak resident set of this process image (VmHWM). Not getrusage: its ru_maxrss also counts
 * the memory of the parent that forked this process before the exec. */
static long peak_rss_kib(void) {
    FILE* f = fopen("/proc/self/status", "r");
    char line[256];
    long kib = 0;
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, "VmHWM:", 6) == 0) kib = atol(line + 6);
    if (f) fclose(f);
    return kib;
}

static void check(int rc, sqlite3* db, const char* what) {
    if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) {
        fprintf(stderr, "raw_sqlite: %s: %s\n", what, sqlite3_errmsg(db));
        exit(1);
    }
}

static void exec(sqlite3* db, const char* sql) { check(sqlite3_exec(db, sql, NULL, NULL, NULL), db, sql); }

static sqlite3* open_tracker(const char* path) {
    sqlite3* db = NULL;
    check(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL), db, "open");
    sqlite3_busy_timeout(db, 5000);
    exec(db, "PRAGMA foreign_keys = ON");
    exec(db, "PRAGMA journal_mode = WAL");
    exec(db, "PRAGMA synchronous = NORMAL");
    return db;
}

/* Prints the DDL of the observations table and its indexes as a JSON array of strings. */
static void print_schema(sqlite3* db) {
    sqlite3_stmt* q = NULL;
    check(sqlite3_prepare_v2(db,
                             "SELECT sql FROM sqlite_master WHERE tbl_name = 'observations' AND sql IS NOT NULL "
                             "ORDER BY type DESC, name",
                             -1, &q, NULL),
          db, "schema");
    printf("\"schema\": [");
    int first = 1;
    while (sqlite3_step(q) == SQLITE_ROW) {
        const char* sql = (const char*)sqlite3_column_text(q, 0);
        printf("%s\"", first ? "" : ", ");
        for (const char* c = sql; *c; ++c) {
            if (*c == '"' || *c == '\\') putchar('\\');
            putchar(*c == '\n' ? ' ' : *c);
        }
        putchar('"');
        first = 0;
    }
    printf("]");
    sqlite3_finalize(q);
}

static int bulk(int argc, char** argv, int deferred) {
    if (argc != 8) return 2;
    const long rows = atol(argv[4]);
    const sqlite3_int64 metric = atoll(argv[5]);
    const sqlite3_int64 arms[2] = {atoll(argv[6]), atoll(argv[7])};
    FILE* f = fopen(argv[3], "rb");
    if (!f) return 3;
    int64_t* at = malloc((size_t)rows * sizeof *at);
    double* values = malloc((size_t)rows * sizeof *values);
    int32_t* codes = malloc((size_t)rows * sizeof *codes);
    if (fread(at, sizeof *at, (size_t)rows, f) != (size_t)rows ||
        fread(values, sizeof *values, (size_t)rows, f) != (size_t)rows ||
        fread(codes, sizeof *codes, (size_t)rows, f) != (size_t)rows)
        return 4;
    fclose(f);

    sqlite3* db = open_tracker(argv[2]);
    const double began = now_s();
    exec(db, "BEGIN IMMEDIATE");
    if (deferred) exec(db, "DROP INDEX observations_by_metric_time");
    sqlite3_stmt* insert = NULL;
    check(sqlite3_prepare_v2(db,
                             "INSERT INTO observations (metric_id, arm_id, at_us, value, exposure) "
                             "VALUES (?, ?, ?, ?, ?)",
                             -1, &insert, NULL),
          db, "prepare");
    sqlite3_bind_int64(insert, 1, metric);
    for (long i = 0; i < rows; ++i) {
        sqlite3_bind_int64(insert, 2, arms[codes[i]]);
        sqlite3_bind_int64(insert, 3, at[i]);
        sqlite3_bind_double(insert, 4, values[i]);
        sqlite3_bind_null(insert, 5);
        check(sqlite3_step(insert), db, "insert");
        sqlite3_reset(insert);
    }
    sqlite3_finalize(insert);
    if (deferred) exec(db, "CREATE INDEX observations_by_metric_time ON observations (metric_id, at_us)");
    exec(db, "COMMIT");
    const double seconds = now_s() - began;
    printf("{\"seconds\": %.9f, \"rows\": %ld, ", seconds, rows);
    print_schema(db);
    printf(", \"peak_rss_kib\": %ld}\n", peak_rss_kib());
    sqlite3_close(db);
    free(at);
    free(values);
    free(codes);
    return 0;
}

static int single(int argc, char** argv) {
    if (argc != 6 && argc != 7) return 2;
    const long count = atol(argv[3]);
    const long pause_us = argc == 7 ? atol(argv[6]) : 0;
    const struct timespec pause = {pause_us / 1000000, (pause_us % 1000000) * 1000};
    sqlite3* db = open_tracker(argv[2]);
    sqlite3_stmt* insert = NULL;
    check(sqlite3_prepare_v2(db,
                             "INSERT INTO observations (metric_id, arm_id, at_us, value, exposure) "
                             "VALUES (?, ?, ?, ?, NULL)",
                             -1, &insert, NULL),
          db, "prepare");
    sqlite3_bind_int64(insert, 1, atoll(argv[4]));
    sqlite3_bind_int64(insert, 2, atoll(argv[5]));
    double* latency = malloc((size_t)count * sizeof *latency);
    struct timespec wall;
    for (long i = 0; i < count; ++i) {
        const double began = now_s();
        exec(db, "BEGIN IMMEDIATE");
        clock_gettime(CLOCK_REALTIME, &wall);
        sqlite3_bind_int64(insert, 3, (sqlite3_int64)wall.tv_sec * 1000000 + wall.tv_nsec / 1000);
        sqlite3_bind_double(insert, 4, (double)(i % 7));
        check(sqlite3_step(insert), db, "insert");
        sqlite3_reset(insert);
        exec(db, "COMMIT");
        latency[i] = now_s() - began;
        if (pause_us > 0) nanosleep(&pause, NULL);
    }
    sqlite3_finalize(insert);
    sqlite3_close(db);
    printf("{\"latencies\": [");
    for (long i = 0; i < count; ++i) printf("%s%.9f", i ? ", " : "", latency[i]);
    printf("], \"peak_rss_kib\": %ld}\n", peak_rss_kib());
    free(latency);
    return 0;
}

/* Welford's mean and variance per arm, over the rows of one metric: the loop kokeilu's summary is
 * compared with. Arms are few; a short linear table keyed by arm id is enough. */
static int summary(int argc, char** argv) {
    if (argc != 5) return 2;
    const sqlite3_int64 metric = atoll(argv[3]);
    const int reps = atoi(argv[4]);
    sqlite3* db = open_tracker(argv[2]);
    printf("{\"seconds\": [");
    long rows = 0;
    for (int r = 0; r < reps; ++r) {
        sqlite3_int64 ids[16];
        double n[16], mean[16], m2[16];
        int arms = 0;
        rows = 0;
        const double began = now_s();
        sqlite3_stmt* q = NULL;
        check(sqlite3_prepare_v2(db, "SELECT arm_id, value FROM observations WHERE metric_id = ?", -1, &q, NULL),
              db, "prepare");
        sqlite3_bind_int64(q, 1, metric);
        while (sqlite3_step(q) == SQLITE_ROW) {
            const sqlite3_int64 arm = sqlite3_column_int64(q, 0);
            const double x = sqlite3_column_double(q, 1);
            int a = 0;
            while (a < arms && ids[a] != arm) ++a;
            if (a == arms) {
                if (arms == 16) return 5;
                ids[a] = arm;
                n[a] = mean[a] = m2[a] = 0.0;
                ++arms;
            }
            n[a] += 1.0;
            const double delta = x - mean[a];
            mean[a] += delta / n[a];
            m2[a] += delta * (x - mean[a]);
            ++rows;
        }
        sqlite3_finalize(q);
        const double seconds = now_s() - began;
        printf("%s%.9f", r ? ", " : "", seconds);
        if (r == reps - 1) {
            printf("], \"rows\": %ld, \"arms\": {", rows);
            for (int a = 0; a < arms; ++a)
                printf("%s\"%lld\": [%.0f, %.17g, %.17g]", a ? ", " : "", (long long)ids[a], n[a], mean[a],
                       n[a] > 1 ? m2[a] / (n[a] - 1) : NAN);
            printf("}, \"peak_rss_kib\": %ld}\n", peak_rss_kib());
        }
    }
    sqlite3_close(db);
    return 0;
}

/* An array of 8-byte values (int64 or double) that doubles its capacity as it grows. */
typedef union {
    sqlite3_int64 i;
    double d;
} Cell;
typedef struct {
    Cell* data;
    size_t size, capacity;
} Column;

static inline void push(Column* c, Cell value) {
    if (c->size == c->capacity) {
        c->capacity = c->capacity ? 2 * c->capacity : 1024;
        c->data = realloc(c->data, c->capacity * sizeof(Cell));
        if (!c->data) exit(4);
    }
    c->data[c->size++] = value;
}

/* The SELECT kokeilu's read and pandas.read_sql_query both run, every column of every row read
 * into arrays with as few sqlite3_column_* calls as the values allow (a number is asked its type
 * only when it reads 0.0, as NULL does; a text its length only when it has one; texts are counted,
 * not kept). No reader that steps this query through SQLite can do much less, so this loop's time
 * bounds how far any such reader can get ahead of another. */
static int read_rows(int argc, char** argv) {
    if (argc != 5) return 2;
    const sqlite3_int64 metric = atoll(argv[3]);
    const int reps = atoi(argv[4]);
    sqlite3* db = open_tracker(argv[2]);
    printf("{\"seconds\": [");
    long rows = 0, texts = 0;
    for (int r = 0; r < reps; ++r) {
        Column id = {0}, at = {0}, arm = {0}, value = {0}, n = {0}, sum = {0}, sum_sq = {0}, exposure = {0};
        texts = 0;
        const double began = now_s();
        sqlite3_stmt* q = NULL;
        check(sqlite3_prepare_v2(db,
                                 "SELECT id, at_us, arm_id, value, n, sum, sum_sq, exposure, subject, note "
                                 "FROM observations WHERE metric_id = ? ORDER BY at_us, id",
                                 -1, &q, NULL),
              db, "prepare");
        sqlite3_bind_int64(q, 1, metric);
        while (sqlite3_step(q) == SQLITE_ROW) {
            push(&id, (Cell){.i = sqlite3_column_int64(q, 0)});
            push(&at, (Cell){.i = sqlite3_column_int64(q, 1)});
            push(&arm, (Cell){.i = sqlite3_column_int64(q, 2)});
            double x = NAN, s = NAN, s2 = NAN, e = 1.0;
            sqlite3_int64 count = 0;
            if (sqlite3_column_type(q, 4) == SQLITE_NULL) {
                x = sqlite3_column_double(q, 3);
                if (x == 0.0 && sqlite3_column_type(q, 3) == SQLITE_NULL) x = NAN;
            } else {
                count = sqlite3_column_int64(q, 4);
                s = sqlite3_column_double(q, 5);
                if (sqlite3_column_type(q, 6) != SQLITE_NULL) s2 = sqlite3_column_double(q, 6);
            }
            if (sqlite3_column_type(q, 7) != SQLITE_NULL) e = sqlite3_column_double(q, 7);
            push(&value, (Cell){.d = x});
            push(&n, (Cell){.i = count});
            push(&sum, (Cell){.d = s});
            push(&sum_sq, (Cell){.d = s2});
            push(&exposure, (Cell){.d = e});
            for (int c = 8; c <= 9; ++c)
                if (sqlite3_column_text(q, c) != NULL && sqlite3_column_bytes(q, c) > 0) ++texts;
        }
        sqlite3_finalize(q);
        const double seconds = now_s() - began;
        rows = (long)id.size;
        Column* all[] = {&id, &at, &arm, &value, &n, &sum, &sum_sq, &exposure};
        for (size_t c = 0; c < sizeof all / sizeof all[0]; ++c) free(all[c]->data);
        printf("%s%.9f", r ? ", " : "", seconds);
    }
    printf("], \"rows\": %ld, \"texts\": %ld, \"peak_rss_kib\": %ld}\n", rows, texts, peak_rss_kib());
    sqlite3_close(db);
    return 0;
}

int main(int argc, char** argv) {
    if (argc < 2) return 2;
    if (strcmp(argv[1], "bulk") == 0) return bulk(argc, argv, 0);
    if (strcmp(argv[1], "bulk-deferred") == 0) return bulk(argc, argv, 1);
    if (strcmp(argv[1], "single") == 0) return single(argc, argv);
    if (strcmp(argv[1], "summary") == 0) return summary(argc, argv);
    if (strcmp(argv[1], "read") == 0) return read_rows(argc, argv);
    fprintf(stderr, "raw_sqlite: unknown mode %s\n", argv[1]);
    return 2;
}
