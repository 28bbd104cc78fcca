package io.perstack.sandbox.bwrap;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How a job's sandboxes are limited (docs/sandbox.md §5): each process in its own cgroup when the host lets us
 * create cgroups, otherwise per-process rlimits. The limits are applied by the helper before bubblewrap starts, so
 * no process of the sandbox ever runs outside them.
 */
public sealed interface ResourceLimits {
    long MEMORY_BYTES = 2L * 1024 * 1024 * 1024;
    int MAX_PIDS = 256;
    /** Two CPUs: 200 ms of CPU time per 100 ms period. */
    long CPU_QUOTA_MICROS = 200_000;
    long CPU_PERIOD_MICROS = 100_000;

    String BEST_EFFORT_WARNING =
            "Warning: sandbox memory and process limits are best-effort on this system (no cgroup v2 delegation).";

    /**
     * Arguments for the helper's {@code host} mode (on the host, before bubblewrap) and {@code forward} mode (the
     * sandbox's first process) for one process, and what to undo after it exits.
     */
    record Applied(List<String> helperArguments, List<String> forwarderArguments, List<Path> cgroups) {
        Applied(List<String> helperArguments, List<Path> cgroups) {
            this(helperArguments, List.of(), cgroups);
        }
    }

    /**
     * The limits of docs/sandbox.md §5 this way of limiting cannot enforce on this host, named for a person
     * ({@code memory}, {@code processes}, {@code cpu}); empty when all hold.
     */
    List<String> unenforced();

    /** Prepares the limits of one process. */
    Applied apply() throws IOException;

    /** Removes one process's cgroups once all of its processes have exited. */
    void release(Applied applied);

    /** Removes the job's cgroups. */
    void close();

    /** A human-readable summary for diagnostics. */
    String describe();

    /**
     * One directory per hierarchy that holds the job; per process a child directory with the limit files written.
     *
     * @param jobDirectories hierarchy directory of the job mapped to the limit files to write into each child
     */
    record Cgroups(Map<Path, Map<String, String>> jobDirectories, String version, AtomicLong counter)
            implements ResourceLimits {
        @Override
        public Applied apply() throws IOException {
            String name = "p" + counter.incrementAndGet();
            List<String> args = new ArrayList<>();
            List<Path> created = new ArrayList<>();
            try {
                for (Map.Entry<Path, Map<String, String>> hierarchy : jobDirectories.entrySet()) {
                    Path dir = Files.createDirectory(hierarchy.getKey().resolve(name));
                    created.add(dir);
                    for (Map.Entry<String, String> limit : hierarchy.getValue().entrySet()) {
                        Files.writeString(dir.resolve(limit.getKey()), limit.getValue());
                    }
                    args.add("--join");
                    args.add(dir.resolve("cgroup.procs").toString());
                }
            } catch (IOException e) {
                release(new Applied(List.of(), created));
                throw e;
            }
            return new Applied(args, created);
        }

        @Override
        public void release(Applied applied) {
            for (Path dir : applied.cgroups()) {
                removeCgroup(dir);
            }
        }

        @Override
        public void close() {
            for (Path dir : jobDirectories.keySet()) {
                removeCgroup(dir);
            }
        }

        @Override
        public String describe() {
            return "cgroup " + version + " (memory " + MEMORY_BYTES + " bytes, " + MAX_PIDS + " pids)";
        }

        @Override
        public List<String> unenforced() {
            List<String> files = jobDirectories.values().stream().flatMap(m -> m.keySet().stream()).toList();
            List<String> missing = new ArrayList<>();
            if (files.stream().noneMatch(f -> f.startsWith("memory."))) {
                missing.add("memory");
            }
            if (files.stream().noneMatch(f -> f.startsWith("pids."))) {
                missing.add("processes");
            }
            if (files.stream().noneMatch(f -> f.startsWith("cpu."))) {
                missing.add("cpu");
            }
            return missing;
        }
    }

    /**
     * Without cgroups: address space, file size and core limits on every process (inherited by its children), and
     * a process cap set inside the sandbox's own user namespace, where the kernel counts only that sandbox's
     * processes (Linux 5.14+; before, the count was per user across the host and a cap would hit the runtime).
     * There is no total memory or CPU cap this way.
     *
     * @param perSandboxProcessCount whether this kernel counts processes per user namespace
     */
    record Rlimits(boolean perSandboxProcessCount) implements ResourceLimits {
        Rlimits() {
            this(kernelAtLeast(System.getProperty("os.version", ""), 5, 14));
        }

        @Override
        public Applied apply() {
            List<String> forwarder = perSandboxProcessCount ? List.of("--nproc", Integer.toString(MAX_PIDS))
                    : List.of();
            return new Applied(List.of("--rlimits"), forwarder, List.of());
        }

        @Override
        public List<String> unenforced() {
            return perSandboxProcessCount ? List.of("memory", "cpu") : List.of("memory", "processes", "cpu");
        }

        @Override
        public void release(Applied applied) {
        }

        @Override
        public void close() {
        }

        @Override
        public String describe() {
            return "rlimits (best effort)";
        }
    }

    /**
     * Creates the job's cgroups if the host allows it: cgroup v2 when our own cgroup delegates memory, pids and cpu
     * to children; else cgroup v1 hierarchies for memory and pids (and cpu when present) that we may write to.
     */
    static ResourceLimits detect(String jobName, Path procSelfCgroup, Path procSelfMountinfo) {
        try {
            Map<String, String> own = ownCgroups(Files.readAllLines(procSelfCgroup));
            List<Mount> mounts = cgroupMounts(Files.readAllLines(procSelfMountinfo));
            ResourceLimits v2 = tryV2(jobName, own, mounts);
            if (v2 != null) {
                return v2;
            }
            ResourceLimits v1 = tryV1(jobName, own, mounts);
            if (v1 != null) {
                return v1;
            }
        } catch (IOException | RuntimeException e) {
            // Unreadable or unexpected cgroup layout: fall back.
        }
        return new Rlimits();
    }

    /** Whether a kernel release string such as {@code 6.1.0-18-amd64} is at least {@code major.minor}. */
    static boolean kernelAtLeast(String release, int major, int minor) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("^(\\d+)\\.(\\d+)").matcher(release);
        if (!m.find()) {
            return false;
        }
        int a = Integer.parseInt(m.group(1));
        int b = Integer.parseInt(m.group(2));
        return a > major || (a == major && b >= minor);
    }

    /** One cgroup file system: where it is mounted, which part of the tree it shows, and its controllers. */
    record Mount(Path mountPoint, String root, boolean v2, List<String> controllers) {}

    private static Map<String, String> ownCgroups(List<String> lines) {
        Map<String, String> own = new LinkedHashMap<>();
        for (String line : lines) {
            String[] parts = line.split(":", 3);
            if (parts.length < 3) {
                continue;
            }
            if (parts[1].isEmpty()) {
                own.put("", parts[2]);
            } else {
                for (String controller : parts[1].split(",")) {
                    own.put(controller, parts[2]);
                }
            }
        }
        return own;
    }

    private static List<Mount> cgroupMounts(List<String> mountinfo) {
        List<Mount> mounts = new ArrayList<>();
        for (String line : mountinfo) {
            int dash = line.indexOf(" - ");
            if (dash < 0) {
                continue;
            }
            String[] left = line.substring(0, dash).split(" ");
            String[] right = line.substring(dash + 3).split(" ");
            if (left.length < 5 || right.length < 3) {
                continue;
            }
            String type = right[0];
            if (!type.equals("cgroup") && !type.equals("cgroup2")) {
                continue;
            }
            List<String> controllers = new ArrayList<>();
            if (type.equals("cgroup")) {
                for (String option : right[2].split(",")) {
                    if (List.of("memory", "pids", "cpu").contains(option)) {
                        controllers.add(option);
                    }
                }
            }
            mounts.add(new Mount(Path.of(unescape(left[4])), unescape(left[3]), type.equals("cgroup2"),
                    controllers));
        }
        return mounts;
    }

    /** mountinfo escapes space, tab, newline and backslash as octal. */
    private static String unescape(String field) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\\' && i + 3 < field.length()) {
                out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /**
     * Job cgroups are named like the job's scratch directory. One whose scratch directory is gone belonged to a
     * runtime that died without cleaning up (its processes died with it); its now empty cgroups are removed.
     */
    private static void removeStale(Path parent) {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        try (var jobs = Files.newDirectoryStream(parent, "perstack-*")) {
            for (Path job : jobs) {
                if (Files.exists(tmp.resolve(job.getFileName().toString()))) {
                    continue;
                }
                try (var children = Files.newDirectoryStream(job, p -> Files.isDirectory(p))) {
                    for (Path child : children) {
                        Files.deleteIfExists(child);
                    }
                }
                Files.deleteIfExists(job);
            }
        } catch (IOException | RuntimeException e) {
            // still in use or not ours to remove
        }
    }

    private static Path locate(Mount mount, String ownPath) {
        if (ownPath == null || !ownPath.startsWith(mount.root())) {
            return null;
        }
        String relative = ownPath.substring(mount.root().length()).replaceFirst("^/+", "");
        return relative.isEmpty() ? mount.mountPoint() : mount.mountPoint().resolve(relative);
    }

    private static ResourceLimits tryV2(String jobName, Map<String, String> own, List<Mount> mounts) {
        for (Mount mount : mounts) {
            if (!mount.v2()) {
                continue;
            }
            Path mine = locate(mount, own.get(""));
            if (mine == null) {
                continue;
            }
            try {
                List<String> delegated = List.of(Files.readString(mine.resolve("cgroup.subtree_control")).strip()
                        .split("\\s+"));
                if (!delegated.containsAll(List.of("memory", "pids"))) {
                    continue;
                }
                removeStale(mine);
                Path job = Files.createDirectory(mine.resolve(jobName));
                try {
                    Files.writeString(job.resolve("cgroup.subtree_control"),
                            delegated.contains("cpu") ? "+memory +pids +cpu" : "+memory +pids");
                } catch (IOException e) {
                    removeCgroup(job);
                    continue;
                }
                Map<String, String> limits = new LinkedHashMap<>();
                limits.put("memory.max", Long.toString(MEMORY_BYTES));
                limits.put("pids.max", Integer.toString(MAX_PIDS));
                if (delegated.contains("cpu")) {
                    limits.put("cpu.max", CPU_QUOTA_MICROS + " " + CPU_PERIOD_MICROS);
                }
                return new Cgroups(Map.of(job, limits), "v2", new AtomicLong());
            } catch (IOException | RuntimeException e) {
                // not delegated to us
            }
        }
        return null;
    }

    private static ResourceLimits tryV1(String jobName, Map<String, String> own, List<Mount> mounts) {
        Map<Path, Map<String, String>> jobs = new LinkedHashMap<>();
        try {
            for (String controller : List.of("memory", "pids", "cpu")) {
                Mount mount = mounts.stream().filter(m -> !m.v2() && m.controllers().contains(controller))
                        .findFirst().orElse(null);
                Path mine = mount == null ? null : locate(mount, own.get(controller));
                if (mine == null || !Files.isWritable(mine)) {
                    if (controller.equals("cpu")) {
                        continue; // CPU share is a nicety; memory and pids are what stop a runaway sandbox.
                    }
                    throw new IOException("no writable " + controller + " hierarchy");
                }
                Path job = mine.resolve(jobName);
                if (!jobs.containsKey(job)) {
                    removeStale(mine);
                    Files.createDirectory(job);
                    jobs.put(job, new LinkedHashMap<>());
                }
                Map<String, String> limits = jobs.get(job);
                switch (controller) {
                    case "memory" -> limits.put("memory.limit_in_bytes", Long.toString(MEMORY_BYTES));
                    case "pids" -> limits.put("pids.max", Integer.toString(MAX_PIDS));
                    default -> {
                        limits.put("cpu.cfs_period_us", Long.toString(CPU_PERIOD_MICROS));
                        limits.put("cpu.cfs_quota_us", Long.toString(CPU_QUOTA_MICROS));
                    }
                }
            }
            return new Cgroups(java.util.Collections.unmodifiableMap(jobs), "v1", new AtomicLong());
        } catch (IOException | RuntimeException e) {
            jobs.keySet().forEach(ResourceLimits::removeCgroup);
            return null;
        }
    }

    /** A cgroup directory is removed with rmdir once empty; its processes may need a moment to be reaped. */
    private static void removeCgroup(Path dir) {
        long wait = 1;
        for (int attempt = 0; attempt < 14; attempt++) {
            try {
                Files.deleteIfExists(dir);
                return;
            } catch (IOException e) {
                try {
                    Thread.sleep(wait);
                    wait = Math.min(wait * 2, 200);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }
}
