package io.perstack.testkit.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Launches {@code io.perstack.cli.Main} in a fresh JVM with the test's class path, a clean environment and a
 * working directory, like a user running the binary. Default limit 30 s per invocation (docs/testing.md §1).
 */
public final class PerstackCli {
    private final Path workingDirectory;
    private final Map<String, String> env = new HashMap<>();
    private Duration timeout = Duration.ofSeconds(30);

    public PerstackCli(Path workingDirectory) {
        this.workingDirectory = workingDirectory;
        String path = System.getenv("PATH");
        if (path != null) {
            env.put("PATH", path);
        }
        env.put("HOME", workingDirectory.toString());
        env.put("PERSTACK_STORAGE_PATH", workingDirectory.resolve("perstack").toString());
    }

    public PerstackCli env(String name, String value) {
        if (value == null) {
            env.remove(name);
        } else {
            env.put(name, value);
        }
        return this;
    }

    public PerstackCli timeout(Duration limit) {
        this.timeout = limit;
        return this;
    }

    public Path workingDirectory() {
        return workingDirectory;
    }

    public CliRun run(String... args) {
        return start(args).await();
    }

    /** Starts the CLI without waiting, for signal and concurrency tests. */
    public Running start(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-XX:+UseSerialGC");
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.add("--enable-native-access=ALL-UNNAMED");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add("io.perstack.cli.Main");
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(workingDirectory.toFile());
        pb.environment().clear();
        pb.environment().putAll(env);
        try {
            Process p = pb.start();
            p.getOutputStream().close();
            return new Running(p, timeout);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** A CLI process in flight. */
    public static final class Running {
        private final Process process;
        private final Duration timeout;
        private final CompletableFuture<String> stdout;
        private final CompletableFuture<String> stderr;

        Running(Process process, Duration timeout) {
            this.process = process;
            this.timeout = timeout;
            this.stdout = drain(process.getInputStream());
            this.stderr = drain(process.getErrorStream());
        }

        private static CompletableFuture<String> drain(InputStream in) {
            CompletableFuture<String> f = new CompletableFuture<>();
            Thread.ofVirtual().start(() -> {
                try (in) {
                    f.complete(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                } catch (IOException e) {
                    f.complete("");
                }
            });
            return f;
        }

        public Process process() {
            return process;
        }

        public long pid() {
            return process.pid();
        }

        /** Sends a POSIX signal by name (INT, TERM, KILL). */
        public void signal(String name) {
            try {
                new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).start().waitFor();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        public CliRun await() {
            try {
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly();
                    throw new AssertionError("perstack did not finish within " + timeout + "\nstderr so far:\n"
                            + stderr.getNow(""));
                }
                return CliRun.of(process.exitValue(), stdout.get(5, TimeUnit.SECONDS),
                        stderr.get(5, TimeUnit.SECONDS));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                throw new AssertionError(e);
            }
        }
    }
}
