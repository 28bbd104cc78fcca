/*
 * perstack-sandbox-helper: the two small jobs of the `sandbox` backend that Java cannot do between fork and exec
 * (isolation.md §6.3, §6.4). Statically linked so it runs unchanged inside any sandbox.
 *
 *   host [--join FILE]... [--rlimits] [--as UID [--idmap SRC TARGET | --stage SRC TARGET]...] [--seccomp-file FILE]
 *        [--pin ROOT REL DEST | --pin-rw ROOT REL DEST]... -- PROGRAM ARGS...
 *       Runs on the host before bubblewrap: writes its own pid into each cgroup.procs FILE (so every process of
 *       the sandbox is created inside the cgroup; moving bwrap afterwards would race its first fork), sets
 *       RLIMIT_CORE to 0 and, with --rlimits, the best-effort limits used without cgroups, then execs PROGRAM.
 *       Everything that needs a descriptor replaces the argument "--perstack-pins" of PROGRAM:
 *       - --as UID (only when run as root): the sandbox must never be host root, so a user namespace is made in
 *         which the sandbox's uid/gid 1000 is host UID, passed as "--userns N". Each --idmap then mounts SRC on
 *         TARGET in a private mount namespace with host uid/gid 0 shown as UID, so the unprivileged sandbox can
 *         work in root's workspace while what it creates still belongs to root on the host.
 *         Each --stage SRC TARGET bind-mounts SRC (a tool under root's home) on TARGET in that namespace.
 *       - --seccomp-file FILE is opened and passed as "--seccomp N".
 *       - each --pin (read-only) or --pin-rw opens ROOT/REL one component at a time without following symbolic
 *         links, passed as "--ro-bind-fd N DEST" or "--bind-fd N DEST": bubblewrap then binds exactly the entry
 *         that was checked, and a sandboxed process cannot swap it for a link to a host secret in between. A pin
 *         that cannot be opened that way stops the launch (the runtime created every pinned entry beforehand, so
 *         a missing one or a link means something raced it).
 *
 *   forward [--nproc N] SOCKET -- COMMAND ARGS...
 *       Runs inside the sandbox as its first process: listens on 127.0.0.1:3128 before the command starts (so the
 *       command never races an unbound port), relays every connection to the egress proxy's Unix SOCKET, starts
 *       COMMAND as its child and exits with its status (128+n when killed by signal n). Termination signals are
 *       passed on to the command. No shell is involved anywhere. --nproc sets RLIMIT_NPROC inside the sandbox's
 *       user namespace, where the kernel (5.14+) counts only that namespace's processes: a per-sandbox process
 *       cap without cgroups.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <linux/mount.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/syscall.h>
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
#include <grp.h>
#include <sys/prctl.h>
#include <unistd.h>

#define PROXY_PORT 3128
#define RELAY_BUFFER 65536

static void die(const char *what) {
    fprintf(stderr, "perstack-sandbox-helper: %s: %s\n", what, strerror(errno));
    exit(125);
}

static void usage(void) {
    fprintf(stderr, "usage: perstack-sandbox-helper host [--join FILE]... [--rlimits] [--as UID [--idmap SRC TARGET | --stage SRC TARGET]...]"
                    " [--seccomp-file FILE] [--pin|--pin-rw ROOT REL DEST]... -- PROGRAM ARGS...\n"
                    "       perstack-sandbox-helper forward [--nproc N] SOCKET -- COMMAND ARGS...\n"
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

#define MAX_FD_ARGS 200

static void keep_open(int fd, const char *what) {
    int flags = fcntl(fd, F_GETFD);
    if (flags < 0 || fcntl(fd, F_SETFD, flags & ~FD_CLOEXEC) != 0) {
        die(what);
    }
}

static void write_file(const char *path, const char *text) {
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t) strlen(text)) {
        die(path);
    }
    close(fd);
}

/*
 * A user namespace with the given uid and gid map, made by a short-lived child (the maps of a namespace can only
 * be written from outside it) and kept as a descriptor after the child has gone.
 */
static int user_namespace(const char *map) {
    int ready[2];
    int done[2];
    if (pipe2(ready, O_CLOEXEC) != 0 || pipe2(done, O_CLOEXEC) != 0) {
        die("pipe");
    }
    pid_t child = fork();
    if (child < 0) {
        die("fork");
    }
    if (child == 0) {
        close(done[1]); /* so that the parent closing its end is an end of file here */
        char c = unshare(CLONE_NEWUSER) == 0 ? 'y' : 'n';
        if (write(ready[1], &c, 1) != 1) {
            _exit(1);
        }
        (void) read(done[0], &c, 1);
        _exit(0);
    }
    char c = 'n';
    if (read(ready[0], &c, 1) != 1 || c != 'y') {
        errno = EPERM;
        die("unshare(CLONE_NEWUSER)");
    }
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/uid_map", (int) child);
    write_file(path, map);
    snprintf(path, sizeof path, "/proc/%d/gid_map", (int) child);
    write_file(path, map);
    snprintf(path, sizeof path, "/proc/%d/ns/user", (int) child);
    int ns = open(path, O_RDONLY | O_CLOEXEC);
    if (ns < 0) {
        die(path);
    }
    close(done[1]);
    waitpid(child, NULL, 0);
    close(ready[0]);
    close(ready[1]);
    close(done[0]);
    return ns;
}

/* Mounts SRC on TARGET with the ownership mapping of the user namespace MAPPING (an idmapped mount). */
static void idmapped_mount(const char *source, const char *target, int mapping) {
    int tree = (int) syscall(SYS_open_tree, AT_FDCWD, source, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE
                             | AT_SYMLINK_NOFOLLOW);
    if (tree < 0) {
        die(source);
    }
    struct mount_attr attr = {.attr_set = MOUNT_ATTR_IDMAP, .userns_fd = (unsigned long long) mapping};
    if (syscall(SYS_mount_setattr, tree, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof attr) != 0) {
        die("idmapped mount (needs Linux 5.12+ and a file system that supports it)");
    }
    if (syscall(SYS_move_mount, tree, "", AT_FDCWD, target, MOVE_MOUNT_F_EMPTY_PATH) != 0) {
        die(target);
    }
    close(tree);
}

/*
 * Splits off a monitor that stays the runtime's child: it dies with the runtime (PR_SET_PDEATHSIG, kept because it
 * never changes credentials, unlike bubblewrap in every mode) and holds the write end of a pipe whose read end the
 * sandbox's forwarder watches at LIFELINE_FD. When the runtime is killed, the pipe closes and the forwarder kills
 * everything in the sandbox. The monitor passes termination signals to bubblewrap and exits with its status; the
 * caller continues as the child that becomes bubblewrap.
 */
#define LIFELINE_FD 250

static pid_t monitored = 0;

static void pass_on(int signo) {
    if (monitored > 0) {
        kill(monitored, signo);
    }
}

static void lifeline(void) {
    int pipefd[2];
    if (pipe(pipefd) != 0) {
        die("pipe");
    }
    pid_t runtime = getppid();
    pid_t child = fork();
    if (child < 0) {
        die("fork");
    }
    if (child == 0) {
        close(pipefd[1]);
        if (pipefd[0] != LIFELINE_FD) {
            if (dup2(pipefd[0], LIFELINE_FD) < 0) {
                die("dup2");
            }
            close(pipefd[0]);
        }
        return;
    }
    close(pipefd[0]);
    monitored = child;
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != runtime) {
        kill(child, SIGKILL);
        _exit(137);
    }
    struct sigaction action = {.sa_handler = pass_on};
    sigemptyset(&action.sa_mask);
    for (int sig = 1; sig < 32; sig++) {
        if (sig == SIGTERM || sig == SIGINT || sig == SIGHUP || sig == SIGQUIT) {
            sigaction(sig, &action, NULL);
        }
    }
    int status;
    while (waitpid(child, &status, 0) < 0) {
        if (errno != EINTR) {
            _exit(125);
        }
    }
    _exit(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
}

static int host_mode(int argc, char **argv) {
    int i = 2;
    int rlimits = 0;
    const char *as_uid = NULL;
    char *fd_args[MAX_FD_ARGS];
    int fd_count = 0;
    static char numbers[MAX_FD_ARGS / 3 + 2][16];
    int numbered = 0;
    int mapping = -1;
    int private_mounts = 0;
    for (; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0) {
            i++;
            break;
        } else if (strcmp(argv[i], "--join") == 0 && i + 1 < argc) {
            const char *file = argv[++i];
            char pid[32];
            snprintf(pid, sizeof pid, "%d\n", (int) getpid());
            write_file(file, pid);
        } else if (strcmp(argv[i], "--rlimits") == 0) {
            rlimits = 1;
        } else if (strcmp(argv[i], "--as") == 0 && i + 1 < argc) {
            as_uid = argv[++i];
            if (geteuid() != 0 || strspn(as_uid, "0123456789") != strlen(as_uid) || strcmp(as_uid, "0") == 0) {
                errno = EINVAL;
                die("--as needs root and a non-zero uid");
            }
            char map[64];
            snprintf(map, sizeof map, "1000 %s 1\n", as_uid);
            int sandbox_ns = user_namespace(map);
            snprintf(map, sizeof map, "0 %s 1\n", as_uid);
            mapping = user_namespace(map);
            keep_open(sandbox_ns, "userns");
            snprintf(numbers[numbered], sizeof numbers[numbered], "%d", sandbox_ns);
            fd_args[fd_count++] = "--userns";
            fd_args[fd_count++] = numbers[numbered++];
        } else if ((strcmp(argv[i], "--idmap") == 0 || strcmp(argv[i], "--stage") == 0) && i + 2 < argc
                   && mapping >= 0) {
            if (!private_mounts) {
                /* Mounts made here must never show up on the host: a mount namespace of our own, not propagating. */
                if (unshare(CLONE_NEWNS) != 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0) {
                    die("private mount namespace");
                }
                private_mounts = 1;
            }
            if (strcmp(argv[i], "--idmap") == 0) {
                idmapped_mount(argv[i + 1], argv[i + 2], mapping);
            } else if (mount(argv[i + 1], argv[i + 2], NULL, MS_BIND | MS_REC, NULL) != 0) {
                /* --stage: SRC reachable only by root (a tool under /root) made visible at TARGET, which the
                   sandbox's unprivileged user can pass through to bind it. */
                die(argv[i + 1]);
            }
            i += 2;
        } else if (strcmp(argv[i], "--seccomp-file") == 0 && i + 1 < argc) {
            int fd = open(argv[++i], O_RDONLY);
            if (fd < 0) {
                die(argv[i]);
            }
            snprintf(numbers[numbered], sizeof numbers[numbered], "%d", fd);
            fd_args[fd_count++] = "--seccomp";
            fd_args[fd_count++] = numbers[numbered++];
        } else if ((strcmp(argv[i], "--pin") == 0 || strcmp(argv[i], "--pin-rw") == 0) && i + 3 < argc) {
            if (fd_count + 3 > MAX_FD_ARGS) {
                errno = E2BIG;
                die("too many pins");
            }
            int fd = open_beneath(argv[i + 1], argv[i + 2]);
            if (fd < 0) {
                fprintf(stderr, "perstack-sandbox-helper: refusing to start: %s/%s is missing or passes through a "
                                "symbolic link\n", argv[i + 1], argv[i + 2]);
                exit(125);
            }
            snprintf(numbers[numbered], sizeof numbers[numbered], "%d", fd);
            fd_args[fd_count++] = strcmp(argv[i], "--pin") == 0 ? "--ro-bind-fd" : "--bind-fd";
            fd_args[fd_count++] = numbers[numbered++];
            fd_args[fd_count++] = argv[i + 3];
            i += 3;
        } else {
            usage();
        }
    }
    if (i >= argc) {
        usage();
    }
    if (mapping >= 0) {
        close(mapping);
    }
    set_limit(RLIMIT_CORE, 0);
    if (rlimits) {
        set_limit(RLIMIT_AS, 4ULL << 30);
        set_limit(RLIMIT_FSIZE, 1ULL << 30);
    }
    if (as_uid != NULL) {
        /* bubblewrap keeps root only for its set-up inside the namespace above; nothing of root's groups goes in. */
        if (setgroups(0, NULL) != 0) {
            die("setgroups");
        }
    }
    /* The program's arguments with the marker replaced by the descriptor arguments. */
    int count = argc - i;
    char **program = calloc((size_t) (count + fd_count + 1), sizeof *program);
    if (program == NULL) {
        die("calloc");
    }
    int n = 0;
    for (int k = i; k < argc; k++) {
        if (strcmp(argv[k], "--perstack-pins") == 0) {
            for (int p = 0; p < fd_count; p++) {
                program[n++] = fd_args[p];
            }
        } else {
            program[n++] = argv[k];
        }
    }
    program[n] = NULL;
    lifeline();
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
    long nproc = 0;
    if (argc >= 4 && strcmp(argv[2], "--nproc") == 0) {
        nproc = strtol(argv[3], NULL, 10);
        if (nproc <= 0) {
            usage();
        }
        argv += 2;
        argc -= 2;
    }
    if (argc < 5 || strcmp(argv[3], "--") != 0) {
        usage();
    }
    if (nproc > 0) {
        set_limit(RLIMIT_NPROC, (rlim_t) nproc);
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

    /* The runtime's lifeline (see lifeline()): when it closes, the runtime is gone and so must the sandbox be. */
    int lifeline_open = fcntl(LIFELINE_FD, F_GETFD) >= 0;
    if (lifeline_open) {
        fcntl(LIFELINE_FD, F_SETFD, FD_CLOEXEC);
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
        struct pollfd p[3] = {{signals, POLLIN, 0}, {listener, POLLIN, 0}, {lifeline_open ? LIFELINE_FD : -1, POLLIN, 0}};
        if (poll(p, 3, -1) < 0) {
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
                    /* Whatever the command left behind goes with it. Every process we may signal is in this sandbox's
                       PID namespace, and bubblewrap's init does not end that namespace in every mode (with a user
                       namespace passed in, its init outlives the command), so do not rely on it. */
                    kill(-1, SIGKILL);
                    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
                }
            }
        }
        if (p[2].revents & (POLLIN | POLLHUP | POLLERR)) {
            kill(-1, SIGKILL);
            return 137;
        }
        if (p[1].revents & POLLIN) {
            int client;
            while ((client = accept4(listener, NULL, NULL, SOCK_CLOEXEC)) >= 0) {
                pid_t helper = fork();
                if (helper == 0) {
                    sigprocmask(SIG_SETMASK, &previous, NULL);
                    if (lifeline_open) {
                        close(LIFELINE_FD);
                    }
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
