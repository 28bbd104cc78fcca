package io.perstack.sandbox.bwrap;

import io.perstack.sandbox.FileTrees;
import io.perstack.core.launch.EnvironmentPolicy;
import io.perstack.core.launch.LaunchedProcess;
import io.perstack.core.launch.ProcessLauncher;
import io.perstack.sandbox.egress.EgressPolicy;
import io.perstack.sandbox.egress.EgressProxy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code sandbox} backend for one job (docs/sandbox.md): a private scratch directory (mode 0700) with the
 * generated {@code /etc} files, the homes and the egress sockets, the job's egress proxy, and the resource limits.
 * {@link #launcher(String)} gives the launcher for one skill or for {@code exec}; {@link #close()} ends every
 * process still running and removes everything the job created (§8).
 */
public final class Sandbox implements AutoCloseable {
    /** Looked up when there is something to report: setting up logging is a cost no ordinary run should pay. */
    private static Logger log() {
        return LoggerFactory.getLogger(Sandbox.class);
    }
    /** Where the workspace appears inside every sandbox. */
    public static final String VISIBLE_ROOT = "/workspace";
    static final String HOME = "/home/perstack";
    static final String SOCKET = "/run/perstack/egress.sock";
    static final String HELPER = "/run/perstack/helper";
    static final String PROXY_URL = "http://127.0.0.1:3128";
    static final String SYSTEM_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    /**
     * The host uid a root runtime's sandboxes run as: unprivileged, and in the range systemd leaves unallocated
     * (above container ranges, below the foreign-image range), so no real user or service owns it.
     */
    static final int ROOT_SANDBOX_UID = 1_900_000_000;

    /** Once per runtime process (docs/sandbox.md §5), so process-wide. */
    private static final AtomicBoolean LIMIT_WARNING_SHOWN = new AtomicBoolean();

    private final SandboxSettings settings;
    private final Path workspace;
    private final Path bwrap;
    private final BwrapFeatures features;
    private final Path scratch;
    private final Path helper;
    private final ResourceLimits limits;
    private final EgressProxy proxy;
    private final BwrapCommand.Host host;
    private final ProtectedEntries protectedEntries;
    private final Map<Path, Path> staged = new java.util.HashMap<>();
    private final Set<LaunchedProcess> live = ConcurrentHashMap.newKeySet();
    private final AtomicInteger sockets = new AtomicInteger();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Set<java.util.concurrent.CompletableFuture<Void>> releasing = ConcurrentHashMap.newKeySet();

    private Sandbox(SandboxSettings settings, Path workspace, Path bwrap, BwrapFeatures features, Path scratch,
                    Path helper, ResourceLimits limits, EgressProxy proxy, BwrapCommand.Host host) {
        this.settings = settings;
        this.workspace = workspace;
        this.bwrap = bwrap;
        this.features = features;
        this.scratch = scratch;
        this.helper = helper;
        this.limits = limits;
        this.proxy = proxy;
        this.host = host;
        this.protectedEntries = new ProtectedEntries(workspace, settings.startupFiles(), settings.maskedDirectories());
    }

    /**
     * Creates the job's resources. Fails closed with the messages of docs/isolation.md §2 when bubblewrap or the
     * forwarder is missing.
     */
    public static Sandbox prepare(SandboxSettings settings) {
        return prepare(settings, jobName -> ResourceLimits.detect(jobName, Path.of("/proc/self/cgroup"),
                Path.of("/proc/self/mountinfo")));
    }

    /** As {@link #prepare(SandboxSettings)}, with the way limits are found replaceable for tests. */
    static Sandbox prepare(SandboxSettings settings, java.util.function.Function<String, ResourceLimits> detect) {
        Path bwrap = findBwrap(settings.hostPath());
        if (bwrap == null) {
            bwrap = findBwrap("/usr/bin:/bin:/usr/local/bin");
        }
        if (bwrap == null) {
            throw new SandboxUnavailable("The runtime \"sandbox\" needs bubblewrap (bwrap), which was not found "
                    + "on PATH.");
        }
        Path workspace;
        Path scratch;
        removeStaleScratch();
        try {
            workspace = settings.workspace().toRealPath();
            scratch = Files.createTempDirectory("perstack-" + safeName(settings.jobId()) + "-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the sandbox: " + e.getMessage(), e);
        }
        EgressProxy proxy = null;
        ResourceLimits limits = null;
        try {
            // Marks the directory as ours while this process lives; a later job removes it if we die unclean.
            Files.writeString(scratch.resolve(OWNER), ownerTag(ProcessHandle.current()));
            Path helper = HelperBinary.install(scratch);
            Path seccomp = SeccompFilter.install(scratch);
            writeSystemFiles(scratch);
            Files.createDirectory(scratch.resolve("sock"),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            BwrapCommand.Identity identity = new BwrapCommand.Identity.RuntimeUser();
            if (runsAsRoot()) {
                int rootHostUid = ROOT_SANDBOX_UID;
                identity = new BwrapCommand.Identity.MappedUser(rootHostUid,
                        Files.createDirectories(scratch.resolve("idmap").resolve("workspace")));
                // bubblewrap resolves bind sources as the sandbox's user, so that user may pass through (not list)
                // the scratch directory; the sockets it connects to are made its own in ownSocket().
                Files.setPosixFilePermissions(scratch, PosixFilePermissions.fromString("rwx--x--x"));
                Files.setPosixFilePermissions(scratch.resolve("idmap"), PosixFilePermissions.fromString("rwx--x--x"));
                Files.setAttribute(scratch.resolve("sock"), "unix:uid", rootHostUid);
            }
            limits = detect.apply(scratch.getFileName().toString());
            BwrapFeatures features = BwrapFeatures.of(bwrap);
            List<String> unenforced = unenforcedLimits(limits, features);
            if (settings.requireLimits() && !unenforced.isEmpty()) {
                throw new SandboxUnavailable("sandbox.requireLimits is set, but this system cannot enforce these "
                        + "sandbox limits: " + String.join(", ", unenforced) + ". " + LIMITS_ADVICE);
            }
            if (limits instanceof ResourceLimits.Rlimits) {
                warnOnce(settings);
            }
            if (!settings.egressExemptions().isEmpty()) {
                settings.warnings().accept("Warning: egress exemptions " + settings.egressExemptions()
                        + " are set: the proxy may connect to these blocked ranges.");
            }
            proxy = EgressProxy.start(new EgressProxy.Options(new EgressPolicy(settings.allowlist(),
                    settings.egressExemptions()), settings.resolver(), settings.events(), settings.warnings(),
                    EgressProxy.Limits.DEFAULT));
            BwrapCommand.Host host = new BwrapCommand.Host(bwrap, helper, seccomp, scratch.resolve("etc"),
                    scratch.resolve("mask").resolve("dir"), scratch.resolve("mask").resolve("file"), workspace,
                    identity, features, systemEntries(), Files.isDirectory(Path.of("/opt")));
            return new Sandbox(settings, workspace, bwrap, features, scratch, helper, limits, proxy, host);
        } catch (IOException | RuntimeException e) {
            if (proxy != null) {
                proxy.close();
            }
            if (limits != null) {
                limits.close();
            }
            deleteTree(scratch);
            if (e instanceof IOException io) {
                throw new UncheckedIOException("cannot prepare the sandbox: " + io.getMessage(), io);
            }
            throw (RuntimeException) e;
        }
    }

    private static final String OWNER = "owner";
    private static final String LIMITS_ADVICE = "Run where cgroup v2 is delegated to this user (for example in a "
            + "systemd user session or a container with a writable cgroup), or as root, or set sandbox.requireLimits "
            + "to false to accept best-effort limits.";

    /** Whether this runtime is root: then its sandboxes must be another, unprivileged host user. */
    static boolean runsAsRoot() {
        try {
            return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
        } catch (IOException | RuntimeException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }

    /**
     * The limits of docs/sandbox.md §5 that do not hold here: the resource limits, plus the size caps of
     * {@code /tmp} and {@code /home/perstack}, which need bubblewrap's {@code --size}.
     */
    static List<String> unenforcedLimits(ResourceLimits limits, BwrapFeatures features) {
        List<String> missing = new ArrayList<>(limits.unenforced());
        if (!features.tmpfsSize()) {
            missing.add("disk (/tmp and /home/perstack sizes need bubblewrap 0.8 or later)");
        }
        return missing;
    }

    /** {@code /bin}, {@code /lib}, ... as they are on this host: links on merged-usr systems; absent ones left out. */
    private static List<BwrapCommand.SystemEntry> systemEntries() throws IOException {
        List<BwrapCommand.SystemEntry> entries = new ArrayList<>();
        for (String dir : List.of("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")) {
            Path host = Path.of(dir);
            if (Files.isSymbolicLink(host)) {
                entries.add(new BwrapCommand.SystemEntry.Link(dir, Files.readSymbolicLink(host).toString()));
            } else if (Files.isDirectory(host)) {
                entries.add(new BwrapCommand.SystemEntry.Directory(dir));
            }
        }
        return entries;
    }

    private static String ownerTag(ProcessHandle process) {
        return process.pid() + " " + process.info().startInstant().map(Object::toString).orElse("?");
    }

    /**
     * Scratch directories whose runtime died without cleaning up (SIGKILL, power loss): its sandboxes died with it
     * (--die-with-parent), but the directory with sockets, homes and the helper remains until someone removes it.
     */
    private static void removeStaleScratch() {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        try (var entries = Files.newDirectoryStream(tmp, "perstack-*")) {
            for (Path dir : entries) {
                Path owner = dir.resolve(OWNER);
                if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS) || !Files.isRegularFile(owner)) {
                    continue;
                }
                String tag = Files.readString(owner).strip();
                long pid = Long.parseLong(tag.substring(0, tag.indexOf(' ')));
                boolean alive = ProcessHandle.of(pid).map(p -> ownerTag(p).equals(tag)).orElse(false);
                // Only our own user's directories: /tmp is shared, and another user's runtime is not ours to judge.
                if (!alive && Files.getOwner(dir, LinkOption.NOFOLLOW_LINKS).getName()
                        .equals(System.getProperty("user.name"))) {
                    deleteTree(dir);
                }
            }
        } catch (IOException | RuntimeException e) {
            // Best effort: a stale directory costs disk space, never correctness.
        }
    }

    /**
     * Ends every process of the job that is still running (SIGTERM, then SIGKILL after the grace period) without
     * releasing the job's resources: what a cancelled run needs so that in-flight commands stop promptly.
     */
    public void terminateRunning() {
        new ArrayList<>(live).forEach(LaunchedProcess::terminate);
    }

    /**
     * The best-effort warning goes to stderr once per runtime process (docs/sandbox.md §5), while a caller with its
     * own warning sink (a test, the server) receives it for every job.
     */
    private static void warnOnce(SandboxSettings settings) {
        if (settings.warnings() != SandboxSettings.STDERR || LIMIT_WARNING_SHOWN.compareAndSet(false, true)) {
            settings.warnings().accept(ResourceLimits.BEST_EFFORT_WARNING);
        }
    }

    /** The launcher for one skill's process (named by the skill) or for {@code exec}. */
    public ProcessLauncher launcher(String processName) {
        return new BubblewrapLauncher(this, processName);
    }

    /**
     * The environment every sandboxed process gets (docs/isolation.md §4): the safe list of the invocation with the
     * backend's values imposed; host proxy settings are never copied in.
     */
    public static EnvironmentPolicy environment(Map<String, String> source, List<String> passThrough) {
        return new EnvironmentPolicy(source, overrides(List.of()), passThrough, false);
    }

    /** The backend's variables, which nothing the user or the model sets can change. */
    static Map<String, String> overrides(List<String> toolDirectories) {
        Map<String, String> env = new LinkedHashMap<>();
        StringBuilder path = new StringBuilder(SYSTEM_PATH);
        for (String dir : toolDirectories) {
            path.append(':').append(dir);
        }
        env.put("PATH", path.toString());
        env.put("HOME", HOME);
        env.put("SHELL", "/bin/sh");
        for (String name : List.of("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "NPM_CONFIG_PROXY",
                "NPM_CONFIG_HTTPS_PROXY")) {
            env.put(name, PROXY_URL);
        }
        env.put("NO_PROXY", "localhost,127.0.0.1");
        env.put("no_proxy", "localhost,127.0.0.1");
        env.put("NODE_USE_ENV_PROXY", "1");
        return env;
    }

    /** How processes are limited; for diagnostics and tests. */
    public ResourceLimits limits() {
        return limits;
    }

    /** The job's scratch directory; removed by {@link #close()}. */
    public Path scratch() {
        return scratch;
    }

    SandboxSettings settings() {
        return settings;
    }

    Path workspace() {
        return workspace;
    }

    Path bwrap() {
        return bwrap;
    }

    BwrapFeatures features() {
        return features;
    }

    Path helper() {
        return helper;
    }

    EgressProxy proxy() {
        return proxy;
    }

    Path nextSocket() {
        return scratch.resolve("sock").resolve(sockets.incrementAndGet() + ".sock");
    }

    /** What every launch of this job shares on the command line. */
    BwrapCommand.Host host() {
        return host;
    }

    /**
     * Where the helper of a root runtime mounts a tool before bubblewrap binds it: an empty file or folder per tool
     * in the scratch directory, made once. {@code null} when the runtime is not root.
     */
    Path stagingPlace(Path tool, boolean directory) throws IOException {
        if (!host.asRoot()) {
            return null;
        }
        synchronized (staged) {
            Path place = staged.get(tool);
            if (place == null) {
                Path dir = Files.createDirectories(scratch.resolve("idmap").resolve("tools"));
                place = dir.resolve(Integer.toString(staged.size()));
                if (directory) {
                    Files.createDirectory(place);
                } else {
                    Files.createFile(place);
                }
                Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
                staged.put(tool, place);
            }
            return place;
        }
    }

    /**
     * The host paths every sandbox of this job sees read-only (start-up files, VCS and tool metadata); whatever
     * changes the workspace on the model's behalf outside the sandbox must leave them alone too.
     */
    public List<Path> readOnlyPaths() {
        return protectedEntries.readOnlyPaths();
    }

    ProtectedEntries protectedEntries() {
        return protectedEntries;
    }

    /** Hands a freshly bound egress socket to the sandbox's host user when that is not the runtime's own. */
    void ownSocket(Path socket) throws IOException {
        if (host.identity() instanceof BwrapCommand.Identity.MappedUser mapped) {
            Files.setAttribute(socket, "unix:uid", mapped.hostUid());
            Files.setAttribute(socket, "unix:gid", mapped.hostUid());
        }
    }

    void register(LaunchedProcess process) {
        if (closed.get()) {
            process.terminate();
            throw new IllegalStateException("the sandbox of this job is closed");
        }
        live.add(process);
        process.exit().whenComplete((status, error) -> live.remove(process));
    }

    /** Runs a release step off the caller's thread; {@link #close()} waits for every one still running. */
    void releaseLater(Runnable release) {
        java.util.concurrent.CompletableFuture<Void> f = java.util.concurrent.CompletableFuture.runAsync(release,
                r -> Thread.ofVirtual().name("perstack-sandbox-release").start(r));
        releasing.add(f);
        f.whenComplete((v, e) -> releasing.remove(f));
    }

    boolean isClosed() {
        return closed.get();
    }

    /**
     * Ends every process still running (SIGTERM, SIGKILL after the grace period), stops the proxy, removes the
     * cgroups and deletes the scratch directory. Safe to call more than once.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        List<LaunchedProcess> running = new ArrayList<>(live);
        running.forEach(LaunchedProcess::terminate);
        for (LaunchedProcess p : running) {
            try {
                p.exit().get(LaunchedProcess.GRACE_MILLIS + 3000, TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                // Killed with SIGKILL by then; its cgroup is removed below regardless.
            }
        }
        for (java.util.concurrent.CompletableFuture<Void> f : List.copyOf(releasing)) {
            try {
                f.get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                // limits.close() below removes the job's cgroups as a whole
            }
        }
        try {
            proxy.close();
        } finally {
            limits.close();
            protectedEntries.removePlaceholders();
            deleteTree(scratch);
        }
    }

    private static void writeSystemFiles(Path scratch) throws IOException {
        Path etc = Files.createDirectory(scratch.resolve("etc"));
        int uid = BwrapCommand.UID;
        Files.writeString(etc.resolve("passwd"), "root:x:0:0:root:/root:/usr/sbin/nologin\n"
                + "perstack:x:" + uid + ":" + uid + ":perstack:" + HOME + ":/bin/sh\n");
        Files.writeString(etc.resolve("group"), "root:x:0:\nperstack:x:" + uid + ":\n");
        Files.writeString(etc.resolve("hosts"), "127.0.0.1 localhost\n::1 localhost\n");
        Files.writeString(etc.resolve("nsswitch.conf"), "passwd: files\ngroup: files\nshadow: files\n"
                + "hosts: files\nnetworks: files\nservices: files\nprotocols: files\n");
        Path mask = Files.createDirectory(scratch.resolve("mask"));
        Path emptyDir = Files.createDirectory(mask.resolve("dir"));
        Path emptyFile = Files.createFile(mask.resolve("file"));
        Files.setPosixFilePermissions(emptyFile, PosixFilePermissions.fromString("r--r--r--"));
        Files.setPosixFilePermissions(emptyDir, PosixFilePermissions.fromString("r-xr-xr-x"));
    }

    Path emptyDirectory() {
        return scratch.resolve("mask").resolve("dir");
    }

    Path emptyFile() {
        return scratch.resolve("mask").resolve("file");
    }

    Path etc() {
        return scratch.resolve("etc");
    }

    private static Path findBwrap(String path) {
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isRegularFile(Path.of(dir, "bwrap")) && Files.isExecutable(Path.of(dir,
                    "bwrap"))) {
                return Path.of(dir, "bwrap");
            }
        }
        return null;
    }

    static String safeName(String name) {
        String cleaned = name.replaceAll("[^A-Za-z0-9._-]", "_");
        return cleaned.length() > 40 ? cleaned.substring(0, 40) : cleaned;
    }

    static void deleteTree(Path root) {
        try {
            FileTrees.delete(root);
        } catch (IOException e) {
            log().warn("Could not remove sandbox scratch directory {}: {}", root, e.getMessage());
        }
    }
}
