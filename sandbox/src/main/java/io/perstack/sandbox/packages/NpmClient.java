package io.perstack.sandbox.packages;

import com.fasterxml.jackson.databind.JsonNode;
import io.perstack.core.json.Json;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The host's {@code npm}, run by the trusted runtime: resolves a version and installs a package with lifecycle
 * scripts disabled, so installing never executes code from the package. It sees only the variables npm needs
 * (never a provider key) and runs in the directory it installs into, so no workspace {@code .npmrc} applies.
 * It lives with the isolation backends because it is the one process the runtime starts on the host on purpose:
 * npm itself is trusted, and nothing it installs runs until a sandbox starts it.
 */
public final class NpmClient {
    private static final Duration VIEW_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration INSTALL_TIMEOUT = Duration.ofMinutes(5);
    private static final List<String> PASSED = List.of("PATH", "HOME", "USER", "LANG", "LC_ALL", "TMPDIR",
            "XDG_CONFIG_HOME", "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "http_proxy", "https_proxy", "no_proxy",
            "NODE_EXTRA_CA_CERTS", "SSL_CERT_FILE", "SSL_CERT_DIR");

    private final Path npm;
    private final Map<String, String> environment;

    private NpmClient(Path npm, Map<String, String> environment) {
        this.npm = npm;
        this.environment = environment;
    }

    /** The {@code npm} found on the runtime's {@code PATH}, or {@code null} when there is none. */
    public static NpmClient find(Map<String, String> hostEnvironment) {
        String path = hostEnvironment.getOrDefault("PATH", "");
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = dir.isEmpty() ? null : Path.of(dir, "npm");
            if (candidate != null && candidate.isAbsolute() && Files.isRegularFile(candidate)
                    && Files.isExecutable(candidate)) {
                return new NpmClient(candidate, environment(hostEnvironment));
            }
        }
        return null;
    }

    static Map<String, String> environment(Map<String, String> host) {
        Map<String, String> env = new TreeMap<>();
        host.forEach((name, value) -> {
            // npm's own settings (registry, cache, auth for private registries) are the user's to make.
            if (PASSED.contains(name) || name.toLowerCase(Locale.ROOT).startsWith("npm_config_")) {
                env.put(name, value);
            }
        });
        env.keySet().removeIf(name -> name.toLowerCase(Locale.ROOT).equals("npm_config_ignore_scripts"));
        env.put("npm_config_ignore_scripts", "true");
        env.put("npm_config_update_notifier", "false");
        env.put("npm_config_fund", "false");
        env.put("npm_config_audit", "false");
        return env;
    }

    /**
     * The version the registry gives for {@code name@range} or {@code name@tag} (the highest match of a range), as
     * npm printed it: the caller checks that it is an exact version before using it in a path.
     */
    public String resolve(String spec, Path workingDirectory) throws IOException {
        String out = run(List.of("view", spec, "version", "--json"), workingDirectory, VIEW_TIMEOUT);
        JsonNode versions = Json.mapper().readTree(out.isBlank() ? "null" : out);
        JsonNode last = versions.isArray() && !versions.isEmpty() ? versions.get(versions.size() - 1) : versions;
        String version = last == null ? null : last.asText(null);
        if (version == null) {
            throw new IOException("no published version of " + spec);
        }
        return version;
    }

    /** Installs {@code name@version} and its dependencies into {@code prefix}, scripts disabled. */
    public void install(Path prefix, String name, String version) throws IOException {
        run(List.of("install", "--prefix", prefix.toString(), "--ignore-scripts", "--no-audit", "--no-fund",
                "--save-exact", "--loglevel=error", name + "@" + version), prefix, INSTALL_TIMEOUT);
    }

    private String run(List<String> args, Path cwd, Duration timeout) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(npm.toString());
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).directory(cwd.toFile());
        builder.environment().clear();
        builder.environment().putAll(environment);
        builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Process process = builder.start();
        CompletableFuture<byte[]> stdout = drain(process.getInputStream());
        CompletableFuture<byte[]> stderr = drain(process.getErrorStream());
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                throw new IOException("npm " + args.getFirst() + " timed out after " + timeout.toSeconds() + " s");
            }
            String out = new String(stdout.join(), StandardCharsets.UTF_8);
            if (process.exitValue() != 0) {
                throw new IOException("npm " + args.getFirst() + " failed: " + lastLines(
                        new String(stderr.join(), StandardCharsets.UTF_8)));
            }
            return out;
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private static CompletableFuture<byte[]> drain(java.io.InputStream in) {
        return CompletableFuture.supplyAsync(() -> {
            // Everything is read so npm never blocks on a full pipe; only the first MiB is kept.
            java.io.ByteArrayOutputStream kept = new java.io.ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            try (in) {
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                    kept.write(buffer, 0, Math.max(0, Math.min(n, (1 << 20) - kept.size())));
                }
            } catch (IOException e) {
                // the process is gone; what was read is all there is
            }
            return kept.toByteArray();
        }, r -> Thread.ofVirtual().start(r));
    }

    private static String lastLines(String text) {
        List<String> lines = text.strip().lines().filter(l -> !l.isBlank()).toList();
        String tail = String.join(" / ", lines.subList(Math.max(0, lines.size() - 3), lines.size()));
        return tail.length() > 500 ? tail.substring(0, 500) : tail;
    }
}
