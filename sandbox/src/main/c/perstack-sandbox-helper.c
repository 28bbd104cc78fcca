/*
 * perstack-sandbox-helper: the two small jobs of the `sandbox` backend that Java cannot do between fork and exec
 * (isolation.md §6.3, §6.4). Statically linked so it runs unchanged inside any sandbox.
 *
 *   host [--join FILE]... [--rlimits] [--pin ROOT REL DEST]... -- PROGRAM ARGS...
 *       Runs on the host before bubblewrap: writes its own pid into each cgroup.procs FILE (so every process of
 *       the sandbox is created inside the cgroup; moving bwrap afterwards would race its first fork), sets
 *       RLIMIT_CORE to 0 and, with --rlimits, the best-effort limits used without cgroups, then execs PROGRAM.
 *       Each --pin opens ROOT/REL one component at a time without following symbolic links and replaces the
 *       argument "--perstack-pins" of PROGRAM with "--ro-bind-fd N DEST" for it: bubblewrap then binds exactly
 *       the file that was checked, and a sandboxed process cannot swap it for a link to a host secret in between.
 *       Paths that are missing or pass through a link are skipped.
 *
 *   forward SOCKET -- COMMAND ARGS...
 *       Runs inside the sandbox as its first process: listens on 127.0.0.1:3128 before the command starts (so the
 *       command never races an unbound port), relays every connection to the egress proxy's Unix SOCKET, starts
 *       COMMAND as its child and exits with its status (128+n when killed by signal n). Termination signals are
 *       passed on to the command. No shell is involved anywhere.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#define PROXY_PORT 3128
#define RELAY_BUFFER 65536

static void die(const char *what) {
    fprintf(stderr, "perstack-sandbox-helper: %s: %s\n", what, strerror(errno));
    exit(125);
}

static void usage(void) {
    fprintf(stderr, "usage: perstack-sandbox-helper host [--join FILE]... [--rlimits] -- PROGRAM ARGS...\n"
                    "       perstack-sandbox-helper forward SOCKET -- COMMAND ARGS...\n"
                    "       perstack-sandbox-helper version\n");
    exit(125);
}

static void set_limit(int resource, rlim_t value) {
    struct rlimit limit = {value, value};
    struct rlimit current;
    /* Never raise a limit the user already lowered; setrlimit would refuse a hard-limit increase anyway. */
    if (getrlimit(resource, &current) == 0 && current.rlim_max != RLIM_INFINITY && current.rlim_max < value) {
        limit.rlim_cur = limit.rlim_max = current.rlim_max;
    }
    if (setrlimit(resource, &limit) != 0) {
        die("setrlimit");
    }
}

/* Opens ROOT/REL component by component with O_NOFOLLOW; returns an inheritable O_PATH descriptor or -1. */
static int open_beneath(const char *root, const char *relative) {
    int dir = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (dir < 0) {
        return -1;
    }
    char path[4096];
    if (strlen(relative) >= sizeof path) {
        close(dir);
        return -1;
    }
    strcpy(path, relative);
    char *save = NULL;
    for (char *part = strtok_r(path, "/", &save); part != NULL; part = strtok_r(NULL, "/", &save)) {
        if (strcmp(part, "..") == 0 || strcmp(part, ".") == 0) {
            close(dir);
            return -1;
        }
        int next = openat(dir, part, O_PATH | O_NOFOLLOW | O_CLOEXEC);
        close(dir);
        if (next < 0) {
            return -1;
        }
        struct stat st;
        /* O_PATH|O_NOFOLLOW opens a symbolic link itself; refuse it rather than follow it. */
        if (fstat(next, &st) != 0 || S_ISLNK(st.st_mode)) {
            close(next);
            return -1;
        }
        dir = next;
    }
    int flags = fcntl(dir, F_GETFD);
    if (flags < 0 || fcntl(dir, F_SETFD, flags & ~FD_CLOEXEC) != 0) {
        close(dir);
        return -1;
    }
    return dir;
}

#define MAX_PINS 64

static int host_mode(int argc, char **argv) {
    int i = 2;
    int rlimits = 0;
    char *pin_args[MAX_PINS * 3];
    int pins = 0;
    for (; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0) {
            i++;
            break;
        } else if (strcmp(argv[i], "--join") == 0 && i + 1 < argc) {
            const char *file = argv[++i];
            int fd = open(file, O_WRONLY | O_CLOEXEC);
            if (fd < 0) {
                die(file);
            }
            char pid[32];
            int n = snprintf(pid, sizeof pid, "%d\n", (int) getpid());
            if (write(fd, pid, (size_t) n) != n) {
                die(file);
            }
            close(fd);
        } else if (strcmp(argv[i], "--rlimits") == 0) {
            rlimits = 1;
        } else if (strcmp(argv[i], "--pin") == 0 && i + 3 < argc) {
            int fd = open_beneath(argv[i + 1], argv[i + 2]);
            if (fd >= 0 && pins < MAX_PINS) {
                static char numbers[MAX_PINS][16];
                snprintf(numbers[pins], sizeof numbers[pins], "%d", fd);
                pin_args[pins * 3] = "--ro-bind-fd";
                pin_args[pins * 3 + 1] = numbers[pins];
                pin_args[pins * 3 + 2] = argv[i + 3];
                pins++;
            }
            i += 3;
        } else {
            usage();
        }
    }
    if (i >= argc) {
        usage();
    }
    set_limit(RLIMIT_CORE, 0);
    if (rlimits) {
        set_limit(RLIMIT_AS, 4ULL << 30);
        set_limit(RLIMIT_FSIZE, 1ULL << 30);
    }
    /* The program's arguments with the marker replaced by the pin binds. */
    int count = argc - i;
    char **program = calloc((size_t) (count + pins * 3 + 1), sizeof *program);
    if (program == NULL) {
        die("calloc");
    }
    int n = 0;
    for (int k = i; k < argc; k++) {
        if (strcmp(argv[k], "--perstack-pins") == 0) {
            for (int p = 0; p < pins * 3; p++) {
                program[n++] = pin_args[p];
            }
        } else {
            program[n++] = argv[k];
        }
    }
    program[n] = NULL;
    execv(program[0], program);
    die(program[0]);
    return 125;
}

/* Copies bytes both ways until both directions have ended; runs in its own process per connection. */
static void relay(int client, const char *socket_path) {
    int upstream = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (upstream < 0) {
        _exit(1);
    }
    struct sockaddr_un address = {.sun_family = AF_UNIX};
    strncpy(address.sun_path, socket_path, sizeof address.sun_path - 1);
    if (connect(upstream, (struct sockaddr *) &address, sizeof address) != 0) {
        _exit(1);
    }
    static char buffer[RELAY_BUFFER];
    int open_in[2] = {1, 1}; /* [0]: client -> upstream still open, [1]: upstream -> client still open */
    int fds[2] = {client, upstream};
    while (open_in[0] || open_in[1]) {
        struct pollfd p[2] = {{fds[0], open_in[0] ? POLLIN : 0, 0}, {fds[1], open_in[1] ? POLLIN : 0, 0}};
        if (poll(p, 2, -1) < 0) {
            if (errno == EINTR) {
                continue;
            }
            _exit(1);
        }
        for (int side = 0; side < 2; side++) {
            if (!open_in[side] || !(p[side].revents & (POLLIN | POLLHUP | POLLERR))) {
                continue;
            }
            ssize_t got = read(fds[side], buffer, sizeof buffer);
            if (got <= 0) {
                if (got < 0 && errno == EINTR) {
                    continue;
                }
                open_in[side] = 0;
                shutdown(fds[1 - side], SHUT_WR);
                continue;
            }
            for (ssize_t done = 0; done < got;) {
                ssize_t put = write(fds[1 - side], buffer + done, (size_t) (got - done));
                if (put < 0) {
                    if (errno == EINTR) {
                        continue;
                    }
                    _exit(0);
                }
                done += put;
            }
        }
    }
    _exit(0);
}

static int forward_mode(int argc, char **argv) {
    if (argc < 5 || strcmp(argv[3], "--") != 0) {
        usage();
    }
    const char *socket_path = argv[2];
    if (strlen(socket_path) >= sizeof(((struct sockaddr_un *) 0)->sun_path)) {
        errno = ENAMETOOLONG;
        die("socket path");
    }
    char **command = &argv[4];

    int listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (listener < 0) {
        die("socket");
    }
    int one = 1;
    setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = htons(PROXY_PORT)};
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK); /* loopback only (SR-38) */
    if (bind(listener, (struct sockaddr *) &address, sizeof address) != 0 || listen(listener, 128) != 0) {
        die("listen on 127.0.0.1:3128");
    }

    sigset_t handled;
    sigemptyset(&handled);
    sigaddset(&handled, SIGCHLD);
    sigaddset(&handled, SIGTERM);
    sigaddset(&handled, SIGINT);
    sigaddset(&handled, SIGHUP);
    sigaddset(&handled, SIGQUIT);
    sigset_t previous;
    if (sigprocmask(SIG_BLOCK, &handled, &previous) != 0) {
        die("sigprocmask");
    }
    int signals = signalfd(-1, &handled, SFD_CLOEXEC | SFD_NONBLOCK);
    if (signals < 0) {
        die("signalfd");
    }

    pid_t child = fork();
    if (child < 0) {
        die("fork");
    }
    if (child == 0) {
        sigprocmask(SIG_SETMASK, &previous, NULL);
        execvp(command[0], command);
        int code = errno == ENOENT ? 127 : 126;
        fprintf(stderr, "perstack-sandbox-helper: cannot run %s: %s\n", command[0], strerror(errno));
        _exit(code);
    }

    for (;;) {
        struct pollfd p[2] = {{signals, POLLIN, 0}, {listener, POLLIN, 0}};
        if (poll(p, 2, -1) < 0) {
            if (errno == EINTR) {
                continue;
            }
            die("poll");
        }
        if (p[0].revents & POLLIN) {
            struct signalfd_siginfo info;
            while (read(signals, &info, sizeof info) == (ssize_t) sizeof info) {
                if (info.ssi_signo != SIGCHLD) {
                    kill(child, (int) info.ssi_signo);
                }
            }
            int status;
            pid_t done;
            while ((done = waitpid(-1, &status, WNOHANG)) > 0) {
                if (done == child) {
                    /* Leaving ends the sandbox's PID namespace, which kills whatever the command left behind. */
                    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
                }
            }
        }
        if (p[1].revents & POLLIN) {
            int client;
            while ((client = accept4(listener, NULL, NULL, SOCK_CLOEXEC)) >= 0) {
                pid_t helper = fork();
                if (helper == 0) {
                    sigprocmask(SIG_SETMASK, &previous, NULL);
                    close(listener);
                    close(signals);
                    relay(client, socket_path);
                }
                close(client);
            }
        }
    }
}

int main(int argc, char **argv) {
    if (argc >= 2 && strcmp(argv[1], "host") == 0) {
        return host_mode(argc, argv);
    }
    if (argc >= 2 && strcmp(argv[1], "forward") == 0) {
        return forward_mode(argc, argv);
    }
    if (argc == 2 && strcmp(argv[1], "version") == 0) {
        puts("perstack-sandbox-helper 1");
        return 0;
    }
    usage();
    return 125;
}
