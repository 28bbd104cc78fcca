package io.perstack.cli.tui;

import org.awaitility.Awaitility;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Assumptions;

/**
 * The real CLI in a fresh JVM on a real terminal: a tmux server of its own (private socket in the test's directory),
 * one 120×40 pane running {@code perstack} with a clean environment. Tests type with {@link #type}/{@link #press} and
 * read what a user would see with {@link #screen}; {@link #await} polls the pane with Awaitility.
 */
final class TmuxPane implements AutoCloseable {
    private static final Duration WAIT = Duration.ofSeconds(40);
    private final Path dir;
    private final Path socket;

    private TmuxPane(Path dir) {
        this.dir = dir;
        this.socket = dir.resolve("tmux.sock");
    }

    /**
     * Starts {@code perstack <args>} in {@code dir} with {@code env} (PATH, HOME, LANG and the storage path are
     * added). {@code stdoutFile}, when given, receives stdout instead of the terminal.
     */
    static TmuxPane start(Path dir, Map<String, String> env, String stdoutFile, String... args) {
        Assumptions.assumeTrue(onPath("tmux"), "tmux is not installed (scripts/install-test-tools installs it)");
        TmuxPane pane = new TmuxPane(dir);
        Map<String, String> all = new TreeMap<>(env);
        all.put("PATH", System.getenv("PATH"));
        all.put("HOME", dir.toString());
        all.put("LANG", "C.UTF-8");
        all.put("PERSTACK_STORAGE_PATH", dir.resolve("perstack").toString());
        List<String> argFile = new ArrayList<>(List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "--enable-native-access=ALL-UNNAMED", "-cp", quote(System.getProperty("java.class.path")),
                "io.perstack.cli.Main"));
        for (String a : args) {
            argFile.add(quote(a));
        }
        StringBuilder script = new StringBuilder("#!/bin/sh\ncd ").append(shell(dir.toString())).append('\n');
        script.append("env -i TERM=\"$TERM\"");
        all.forEach((k, v) -> script.append(' ').append(k).append('=').append(shell(v)));
        script.append(' ').append(shell(Path.of(System.getProperty("java.home"), "bin", "java").toString()))
                .append(" @").append(shell(dir.resolve("perstack.args").toString()))
                .append(" 2>").append(shell(dir.resolve("stderr.log").toString()));
        if (stdoutFile != null) {
            script.append(" >").append(shell(dir.resolve(stdoutFile).toString()));
        }
        // The pane stays after the CLI exits, so the test can still read its last screen and exit code.
        script.append("\necho \"[exit $?]\"\nexec sleep 600\n");
        write(dir.resolve("perstack.args"), String.join("\n", argFile) + "\n");
        write(dir.resolve("perstack.sh"), script.toString());
        pane.tmux("new-session", "-d", "-x", "120", "-y", "40", "-s", "t", "sh " + dir.resolve("perstack.sh"));
        return pane;
    }

    /** The visible screen, one string per row, trailing blanks cut. */
    String screen() {
        return tmux("capture-pane", "-p", "-t", "t");
    }

    /** The screen once {@code ready} holds for it; fails with the last screen and the CLI's stderr. */
    String await(Predicate<String> ready) {
        String[] last = {""};
        try {
            Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> {
                last[0] = screen();
                if (!ready.test(last[0]) && last[0].contains("[exit ")) {
                    throw new IllegalStateException("the CLI exited");
                }
                return ready.test(last[0]);
            });
        } catch (org.awaitility.core.ConditionTimeoutException | IllegalStateException e) {
            throw new AssertionError("pane never got there; last screen:\n" + last[0] + "\nstderr:\n" + stderr(), e);
        }
        return last[0];
    }

    String awaitText(String text) {
        return await(s -> s.contains(text));
    }

    /** Types literal text. */
    void type(String text) {
        tmux("send-keys", "-t", "t", "-l", text);
    }

    /** Presses named keys: {@code Up}, {@code Down}, {@code Enter}, {@code Escape}, {@code C-c}. */
    void press(String... keys) {
        List<String> cmd = new ArrayList<>(List.of("send-keys", "-t", "t"));
        cmd.addAll(List.of(keys));
        tmux(cmd.toArray(String[]::new));
    }

    String stderr() {
        try {
            Path f = dir.resolve("stderr.log");
            return Files.exists(f) ? Files.readString(f) : "";
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public void close() {
        tmux("kill-server");
    }

    private String tmux(String... args) {
        List<String> cmd = new ArrayList<>(List.of("tmux", "-S", socket.toString()));
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static boolean onPath(String command) {
        for (String d : System.getenv("PATH").split(":")) {
            if (Files.isExecutable(Path.of(d, command))) {
                return true;
            }
        }
        return false;
    }

    /** A java argument file entry: double quotes, backslashes and quotes escaped. */
    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static String shell(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    private static void write(Path file, String text) {
        try {
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
