package io.perstack.cli.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.TextNode;
import io.perstack.testkit.cli.CliRun;
import io.perstack.testkit.cli.PerstackCli;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sandboxed {@code npx} skills run from a package cache that the trusted runtime fills once per version with real
 * npm from the public registry, and that every sandbox sees read-only (docs/sandbox.md §3). The package is the
 * published {@code @modelcontextprotocol/server-memory}, which by default writes next to its own program.
 */
class SkillPackageCacheTest {
    static final String PACKAGE = "@modelcontextprotocol/server-memory";
    static final String VERSION = "2026.8.31";
    static final String ENTRY = "perstack/packages/npm/@modelcontextprotocol+server-memory@" + VERSION;

    @TempDir
    Path dir;

    @TempDir
    Path home;

    @TempDir
    Path cache;

    static String toml(String key) {
        return """
                model = "claude-sonnet-4-5"

                [experts."%1$s"]
                instruction = "Use the tools."

                [experts."%1$s".skills."@perstack/base"]
                type = "mcpStdioSkill"
                command = "npx"
                packageName = "@perstack/base"
                pick = ["attemptCompletion", "exec"]

                [experts."%1$s".skills."memory"]
                type = "mcpStdioSkill"
                command = "npx"
                args = ["-y", "%2$s@%3$s"]
                pick = ["read_graph", "create_entities"]
                """.formatted(key, PACKAGE, VERSION);
    }

    static String readGraph(String id) {
        return "{\"toolCalls\":[{\"id\":\"" + id + "\",\"name\":\"read_graph\",\"input\":{}}]}";
    }

    static String exec(String id, String script) {
        return "{\"toolCalls\":[{\"id\":\"" + id + "\",\"name\":\"exec\",\"input\":{\"command\":\"/bin/sh\","
                + "\"args\":[\"-c\"," + TextNode.valueOf(script) + "]}}]}";
    }

    /** The runtime's environment: npm's download cache shared between tests, the CA of the host's network. */
    PerstackCli cli(Scenario s, Path cacheHome) {
        PerstackCli cli = s.cli();
        for (String name : List.of("NODE_EXTRA_CA_CERTS", "SSL_CERT_FILE", "SSL_CERT_DIR")) {
            if (System.getenv(name) != null) {
                cli.env(name, System.getenv(name));
            }
        }
        return cli.env("HOME", home.toString()).env("XDG_CACHE_HOME", cacheHome.toString())
                .env("npm_config_cache", Path.of(System.getProperty("user.home"), ".npm").toString())
                .timeout(Duration.ofSeconds(120));
    }

    @Test
    void theSecondSandboxedRunStartsTheCachedPackageWithoutTheRegistry() throws Exception {
        String script = "{\"replies\":[" + readGraph("t1") + ",{\"text\":\"done\"}," + readGraph("t2")
                + ",{\"text\":\"done\"}]}";
        try (Scenario s = Scenario.of(dir, toml("mem"), script)) {
            long t0 = System.nanoTime();
            CliRun first = cli(s, cache).run("run", "mem", "Read the graph");
            long firstMs = (System.nanoTime() - t0) / 1_000_000;

            assertThat(first.exitCode()).as(first.toString()).isZero();
            assertThat(first.stderr()).contains("Installing " + PACKAGE + "@" + VERSION + " for skill memory...")
                    .containsPattern("Installed " + PACKAGE + "@" + VERSION + " for skill memory in \\d+\\.\\d s");
            Path entry = cache.resolve(ENTRY);
            BasicFileAttributes before = Files.readAttributes(entry, BasicFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS);

            // Neither the runtime's npm nor anything in the sandbox could reach a registry now.
            long t1 = System.nanoTime();
            CliRun second = cli(s, cache).env("npm_config_registry", "https://127.0.0.1:9/")
                    .run("run", "mem", "Read the graph");
            long secondMs = (System.nanoTime() - t1) / 1_000_000;

            assertThat(second.exitCode()).as(second.toString()).isZero();
            assertThat(second.stderr()).doesNotContain("Installing");
            assertThat(second.ofType("proxyAccess")).isEmpty();
            assertThat(second.ofType("skillStarting").stream().filter(e -> e.path("skillName").asText()
                    .equals("memory")).findFirst().orElseThrow().path("command").asText()).isEqualTo("npx");
            assertThat(second.ofType("resolveToolResults").toString()).contains("entities");
            BasicFileAttributes after = Files.readAttributes(entry, BasicFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS);
            assertThat(after.fileKey()).isEqualTo(before.fileKey());
            assertThat(after.lastModifiedTime()).isEqualTo(before.lastModifiedTime());
            System.err.printf("sandboxed npx skill: first run %d ms, second run %d ms%n", firstMs, secondMs);
        }
    }

    @Test
    void noSandboxCanAlterTheCachedPackageALaterRunExecutes() throws Exception {
        // The worst place for the cache: inside the workspace, where exec may write everything else.
        Path inside = dir.resolve(".cache");
        String entry = "/workspace/.cache/" + ENTRY;
        String program = entry + "/node_modules/" + PACKAGE + "/dist/index.js";
        String attack = "echo 'process.exit(7)' > " + program + " && echo WROTE-PROGRAM; "
                + "touch /workspace/.cache/perstack/packages/npm && echo WROTE-ROOT; "
                + "rm -rf /workspace/.cache/perstack/packages && echo REMOVED-ROOT; "
                + "mv /workspace/.cache /workspace/.cache-moved && echo MOVED-CACHE; "
                + "mv /workspace/.cache/perstack /workspace/.cache/perstack-moved && echo MOVED-ROOT; "
                + "mkdir /workspace/.cache/perstack/packages/npm/evil@1.0.0 && echo PLANTED; "
                + "ls " + entry + "/node_modules/" + PACKAGE + "/dist/index.js; true";
        String create = "{\"toolCalls\":[{\"id\":\"t2\",\"name\":\"create_entities\",\"input\":{\"entities\":"
                + "[{\"name\":\"n\",\"entityType\":\"t\",\"observations\":[\"o\"]}]}}]}";
        String script = "{\"replies\":[" + exec("t1", attack) + "," + create + ",{\"text\":\"done\"},"
                + readGraph("t3") + ",{\"text\":\"done\"}]}";
        try (Scenario s = Scenario.of(dir, toml("mem"), script)) {
            CliRun first = cli(s, inside).run("run", "mem", "Attack the cache");

            assertThat(first.exitCode()).as(first.toString()).isZero();
            String results = first.ofType("resolveToolResults").toString();
            assertThat(results).doesNotContain("WROTE-PROGRAM", "WROTE-ROOT", "REMOVED-ROOT", "MOVED-CACHE",
                    "MOVED-ROOT", "PLANTED");
            // The skill itself cannot write next to its program either (the memory server's default file).
            assertThat(first.ofType("resolveToolResults").get(1).toString()).containsIgnoringCase("read-only");
            Path hostEntry = inside.resolve(ENTRY);
            String digest = digest(hostEntry);
            assertThat(inside.resolve("perstack/packages/npm/evil@1.0.0")).doesNotExist();

            CliRun second = cli(s, inside).run("run", "mem", "Read the graph");

            assertThat(second.exitCode()).as(second.toString()).isZero();
            assertThat(second.stderr()).doesNotContain("Installing");
            assertThat(second.ofType("resolveToolResults").toString()).contains("entities");
            assertThat(digest(hostEntry)).isEqualTo(digest);
        }
    }

    @Test
    void twoRunsInstallingTheSamePackageAtOnceInstallItOnce() throws Exception {
        String script = "{\"replies\":[{\"text\":\"done\"},{\"text\":\"done\"}]}";
        try (Scenario s = Scenario.of(dir, toml("mem"), script)) {
            PerstackCli.Running a = cli(s, cache).start("run", "mem", "Start");
            PerstackCli.Running b = cli(s, cache).start("run", "mem", "Start");
            CliRun ra = a.await();
            CliRun rb = b.await();

            assertThat(ra.exitCode()).as(ra.toString()).isZero();
            assertThat(rb.exitCode()).as(rb.toString()).isZero();
            long installs = Stream.of(ra, rb).filter(r -> r.stderr().contains("Installing " + PACKAGE)).count();
            assertThat(installs).isEqualTo(1);
            try (Stream<Path> left = Files.list(cache.resolve("perstack/packages/npm"))) {
                assertThat(left.map(p -> p.getFileName().toString()).toList()).containsExactlyInAnyOrder(
                        "@modelcontextprotocol+server-memory@" + VERSION,
                        ".@modelcontextprotocol+server-memory@" + VERSION + ".lock");
            }
        }
    }

    @Test
    void perstackInstallShowsProgressAndPinsTheVersionThatRunsThenUseWithoutTheRegistry() throws Exception {
        String toml = toml("mem").replace(PACKAGE + "@" + VERSION, PACKAGE + "@2026.8");
        String script = "{\"replies\":[" + readGraph("t1") + ",{\"text\":\"done\"}]}";
        try (Scenario s = Scenario.of(dir, toml, script)) {
            CliRun install = cli(s, cache).run("install");

            assertThat(install.exitCode()).as(install.toString()).isZero();
            String version = "@2026\\.8\\.\\d+ for skill memory";
            assertThat(install.stderr()).containsPattern("Installing " + PACKAGE + version + "\\.\\.\\.")
                    .containsPattern("Installed " + PACKAGE + version + " in \\d+\\.\\d s");
            assertThat(io.perstack.skills.lock.Lockfile.read(dir.resolve("perstack.lock")).npmPackages())
                    .hasEntrySatisfying(PACKAGE + "@2026.8", v -> assertThat(v).matches("2026\\.8\\.\\d+"));

            CliRun run = cli(s, cache).env("npm_config_registry", "https://127.0.0.1:9/")
                    .run("run", "mem", "Read the graph");

            assertThat(run.exitCode()).as(run.toString()).isZero();
            assertThat(run.stderr()).doesNotContain("Installing");
            assertThat(run.ofType("proxyAccess")).isEmpty();
            assertThat(run.ofType("resolveToolResults").toString()).contains("entities");
        }
    }

    private static String digest(Path root) throws IOException {
        MessageDigest sha = sha256();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.sorted().toList()) {
                sha.update(root.relativize(f).toString().getBytes());
                if (Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
                    sha.update(Files.readAllBytes(f));
                }
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
