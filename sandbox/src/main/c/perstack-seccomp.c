/*
 * perstack-seccomp: writes the seccomp filter of the `sandbox` backend as a raw BPF program (what bubblewrap's
 * --seccomp reads) for the architecture it is built on. It runs once at build time; the runtime never assembles
 * filter code itself. Built with libseccomp, which knows each architecture's syscall numbers and emits the
 * architecture check (a foreign ABI such as i386 or x32 kills the process).
 *
 * Policy: an allow-list of every system call libseccomp knows except the denied ones below, so a call newer than
 * this build fails with ENOSYS (callers fall back) instead of being allowed by default. Denied calls fail with
 * EPERM. Arguments are checked where the call is needed but some uses are not: namespace flags of clone,
 * personality values other than the ordinary ones, and netlink/packet sockets.
 *
 *   perstack-seccomp OUTPUT      writes the filter to OUTPUT
 */
#include <errno.h>
#include <fcntl.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Kernel interfaces a sandboxed program never needs and an attacker would use (at least Docker's default denials). */
static const char *const DENIED[] = {
    "keyctl", "add_key", "request_key",                                     /* the host's keyrings */
    "ptrace", "process_vm_readv", "process_vm_writev", "pidfd_getfd", "kcmp", /* other processes' memory */
    "mount", "umount", "umount2", "move_mount", "open_tree", "fsopen", "fsconfig", "fsmount", "fspick",
    "mount_setattr", "pivot_root", "chroot",                                /* the mount table */
    "unshare", "setns",                                                     /* new or foreign namespaces */
    "bpf", "perf_event_open", "userfaultfd", "lookup_dcookie", "fanotify_init",
    "io_uring_setup", "io_uring_enter", "io_uring_register",               /* bypasses syscall filtering */
    "kexec_load", "kexec_file_load", "init_module", "finit_module", "delete_module", "create_module",
    "open_by_handle_at", "name_to_handle_at",                               /* file handles escape bind mounts */
    "reboot", "swapon", "swapoff", "syslog", "acct", "quotactl", "quotactl_fd", "vhangup", "iopl", "ioperm",
    "settimeofday", "clock_settime", "clock_adjtime", "adjtimex", "stime", "sysfs", "_sysctl", "uselib",
    "ustat", "nfsservctl", "get_kernel_syms", "query_module", "move_pages", "mbind", "set_mempolicy",
    "migrate_pages", "vm86", "vm86old", "modify_ldt",
    NULL,
};

/* Namespace flags that clone must not carry (CLONE_NEWNS ... CLONE_NEWNET, CLONE_NEWCGROUP, CLONE_NEWTIME). */
#define CLONE_NAMESPACES 0x7E020080UL

static int denied(const char *name) {
    for (int i = 0; DENIED[i] != NULL; i++) {
        if (strcmp(DENIED[i], name) == 0) {
            return 1;
        }
    }
    return 0;
}

static int check(int rc, const char *what) {
    if (rc < 0) {
        fprintf(stderr, "perstack-seccomp: %s: %s\n", what, strerror(-rc));
        _exit(1);
    }
    return rc;
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: perstack-seccomp OUTPUT\n");
        return 2;
    }
    scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ERRNO(ENOSYS));
    if (ctx == NULL) {
        fprintf(stderr, "perstack-seccomp: seccomp_init failed\n");
        return 1;
    }
    check(seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS), "bad-arch action");
    int special[4] = {
        seccomp_syscall_resolve_name("clone"), seccomp_syscall_resolve_name("clone3"),
        seccomp_syscall_resolve_name("personality"), seccomp_syscall_resolve_name("socket"),
    };
    for (int nr = 0; nr < 1024; nr++) {
        char *name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, nr);
        if (name == NULL) {
            continue;
        }
        int is_special = 0;
        for (int k = 0; k < 4; k++) {
            is_special |= special[k] == nr;
        }
        if (!is_special) {
            check(seccomp_rule_add(ctx, denied(name) ? SCMP_ACT_ERRNO(EPERM) : SCMP_ACT_ALLOW, nr, 0), name);
        }
        free(name);
    }
    /* fork and threads use clone without namespace flags; clone3 hides its flags in memory, so callers are told it
       does not exist (the default action) and fall back to clone, as container runtimes do. */
    check(seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(clone), 1,
                           SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_NAMESPACES, 0)), "clone");
    /* Linux personalities only (PER_LINUX, PER_LINUX32, their UNAME26 forms, and the query); no flags that turn
       off address randomisation or make data executable. */
    static const unsigned long PERSONALITIES[] = {0x0, 0x8, 0x20000, 0x20008, 0xffffffffUL};
    for (unsigned k = 0; k < sizeof PERSONALITIES / sizeof *PERSONALITIES; k++) {
        check(seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(personality), 1,
                               SCMP_A0(SCMP_CMP_EQ, PERSONALITIES[k])), "personality");
    }
    /* No netlink (kernel configuration interfaces) and no packet sockets (raw frames); every other family. */
    check(seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(socket), 1, SCMP_A0(SCMP_CMP_LT, 16)), "socket");
    check(seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(socket), 1, SCMP_A0(SCMP_CMP_GT, 17)), "socket");
    check(seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EAFNOSUPPORT), SCMP_SYS(socket), 1, SCMP_A0(SCMP_CMP_EQ, 16)),
          "socket");
    check(seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EAFNOSUPPORT), SCMP_SYS(socket), 1, SCMP_A0(SCMP_CMP_EQ, 17)),
          "socket");

    int out = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (out < 0) {
        fprintf(stderr, "perstack-seccomp: %s: %s\n", argv[1], strerror(errno));
        return 1;
    }
    check(seccomp_export_bpf(ctx, out), "export");
    close(out);
    seccomp_release(ctx);
    return 0;
}
