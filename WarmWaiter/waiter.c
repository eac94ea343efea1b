// The entrypoint of a warm pool's container: started ahead of any job, it waits until the scheduler
// claims the container for one, puts that job's payload in place, and becomes the job (exec, PID 1).
//
// The claim arrives on stdin (an attach stream the scheduler opened before the start), as
// NUL-terminated fields: argc, argv..., envc, env..., payload path ("" for none), payload size, then
// the payload's bytes. The go follows as one byte 'G' on stdin, or as SIGUSR1 (a scheduler that
// restarted has no stream). The claim is kept in the container's own filesystem, so that a retry (the
// engine starting the same container again) runs the job at once, never waits for a second claim.
//
// Linked statically: it runs in any image, whatever its libc.

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define WARM_DIR "/.radix-warm"
#define CLAIM_FILE WARM_DIR "/claim"
#define STARTED_FILE WARM_DIR "/started"
#define MAX_FIELDS 65536

extern char **environ;

static volatile sig_atomic_t go_signalled = 0;
static void on_go(int signal) { (void)signal; go_signalled = 1; }
// As PID 1 a process ignores SIGTERM unless it handles it: a job stopped before its go ends at once,
// as a stopped shell would (128 + 15), rather than after the stop's grace period.
static void on_stop(int signal) { (void)signal; _exit(143); }

static void fail(const char *what) {
    fprintf(stderr, "radix warm start: %s: %s\n", what, strerror(errno));
    exit(127);
}

static int read_fully(int fd, char *buffer, size_t size) {
    size_t done = 0;
    while (done < size) {
        ssize_t got = read(fd, buffer + done, size - done);
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) return -1;
        done += (size_t)got;
    }
    return 0;
}

static int write_fully(int fd, const char *buffer, size_t size) {
    size_t done = 0;
    while (done < size) {
        ssize_t put = write(fd, buffer + done, size - done);
        if (put < 0 && errno == EINTR) continue;
        if (put <= 0) return -1;
        done += (size_t)put;
    }
    return 0;
}

// One NUL-terminated field from `fd`, malloc'd; NULL at the end of the stream.
static char *read_field(int fd) {
    size_t capacity = 64, length = 0;
    char *field = malloc(capacity);
    for (;;) {
        char c;
        ssize_t got = read(fd, &c, 1);
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) { free(field); return NULL; }
        if (length + 1 >= capacity) field = realloc(field, capacity *= 2);
        field[length++] = c;
        if (c == '\0') return field;
    }
}

static long read_count(int fd) {
    char *text = read_field(fd);
    if (!text) return -1;
    char *end;
    long value = strtol(text, &end, 10);
    if (*end != '\0' || value < 0 || value > MAX_FIELDS) value = -1;
    free(text);
    return value;
}

static char **read_list(int fd, long *count) {
    *count = read_count(fd);
    if (*count < 0) return NULL;
    char **list = calloc((size_t)*count + 1, sizeof(char *));
    for (long i = 0; i < *count; i++)
        if (!(list[i] = read_field(fd))) return NULL;
    return list;
}

static void make_parents(char *path) {
    for (char *slash = strchr(path + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
        *slash = '\0';
        if (mkdir(path, 0755) != 0 && errno != EEXIST) fail(path);
        *slash = '/';
    }
}

// Writes `size` bytes to `path` through a temporary file, so the file appears whole or not at all.
static void write_file(const char *path, const char *bytes, size_t size, mode_t mode) {
    char temporary[4096];
    snprintf(temporary, sizeof temporary, "%s.part", path);
    int fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, mode);
    if (fd < 0 || write_fully(fd, bytes, size) != 0 || close(fd) != 0) fail(temporary);
    if (chmod(temporary, mode) != 0 || rename(temporary, path) != 0) fail(path);
}

// Sets NAME=value entries over the inherited environment (the image's and the engine's).
static void apply_environment(char **entries, long count) {
    for (long i = 0; i < count; i++) {
        char *equals = strchr(entries[i], '=');
        if (!equals) continue;
        *equals = '\0';
        setenv(entries[i], equals + 1, 1);
        *equals = '=';
    }
}

// The saved claim: the same fields as the stream's, up to the payload (which is in place already).
static void save_claim(char **argv, long argc, char **env, long envc) {
    size_t size = 0;
    char counts[2][32];
    snprintf(counts[0], sizeof counts[0], "%ld", argc);
    snprintf(counts[1], sizeof counts[1], "%ld", envc);
    size += strlen(counts[0]) + strlen(counts[1]) + 2;
    for (long i = 0; i < argc; i++) size += strlen(argv[i]) + 1;
    for (long i = 0; i < envc; i++) size += strlen(env[i]) + 1;
    char *buffer = malloc(size), *at = buffer;
    at = stpcpy(at, counts[0]) + 1;
    for (long i = 0; i < argc; i++) at = stpcpy(at, argv[i]) + 1;
    at = stpcpy(at, counts[1]) + 1;
    for (long i = 0; i < envc; i++) at = stpcpy(at, env[i]) + 1;
    write_file(CLAIM_FILE, buffer, size, 0644);
    free(buffer);
}

static void run(char **argv, long argc, char **env, long envc) {
    if (argc == 0) { errno = EINVAL; fail("the job has no command"); }
    apply_environment(env, envc);
    int null = open("/dev/null", O_RDONLY);
    if (null < 0 || dup2(null, 0) < 0) fail("/dev/null");
    if (null != 0) close(null);
    signal(SIGUSR1, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    execvp(argv[0], argv);
    fprintf(stderr, "radix warm start: exec %s: %s\n", argv[0], strerror(errno));
    exit(errno == ENOENT ? 127 : 126);
}

static void await_go(void) {
    while (!go_signalled) {
        char c;
        ssize_t got = read(0, &c, 1);
        if (got == 1 && c == 'G') break;
        if (got == 0) {  // the stream closed: only the signal can come now
            while (!go_signalled) pause();
        }
    }
    int fd = open(STARTED_FILE, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) fail(STARTED_FILE);
    close(fd);
}

int main(void) {
    struct sigaction action = {0};
    action.sa_handler = on_go;
    sigaction(SIGUSR1, &action, NULL);  // no SA_RESTART: a read waiting for the go returns
    signal(SIGTERM, on_stop);

    long argc, envc;
    char **argv, **env;
    int saved = open(CLAIM_FILE, O_RDONLY);
    if (saved >= 0) {
        // Started again after a claim: a retry runs the job at once; a container that had not had
        // its go yet (the engine restarted) waits for it.
        argv = read_list(saved, &argc);
        env = argv ? read_list(saved, &envc) : NULL;
        close(saved);
        if (!env) { errno = EIO; fail(CLAIM_FILE); }
        if (access(STARTED_FILE, F_OK) != 0) await_go();
        run(argv, argc, env, envc);
    }

    argv = read_list(0, &argc);
    env = argv ? read_list(0, &envc) : NULL;
    char *payload_path = env ? read_field(0) : NULL;
    char *payload_size = payload_path ? read_field(0) : NULL;
    if (!payload_size) { errno = EPIPE; fail("the claim ended early"); }
    char *end;
    long long size = strtoll(payload_size, &end, 10);
    if (*end != '\0' || size < 0 || size > (64LL << 20)) { errno = EINVAL; fail("payload size"); }
    if (payload_path[0] == '/') {
        char *payload = malloc((size_t)size + 1);
        if (read_fully(0, payload, (size_t)size) != 0) { errno = EPIPE; fail("the payload ended early"); }
        make_parents(payload_path);
        write_file(payload_path, payload, (size_t)size, 0644);
        free(payload);
    }
    save_claim(argv, argc, env, envc);
    await_go();
    run(argv, argc, env, envc);
    return 127;
}
