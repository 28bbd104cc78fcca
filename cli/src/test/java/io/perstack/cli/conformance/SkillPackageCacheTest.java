package io.perstack.cli.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import io.perstack.testkit.cli.CliRun;
import io.perstack.testkit.cli.PerstackCli;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sandboxed {@code npx} skills run from a read-only package cache filled once by the trusted runtime. */
class SkillPackageCacheTest {
    static final String PACKAGE = "@modelcontextprotocol/server-memory";
    static final String VERSION = "2026.8.31";

    @TempDir
    Path dir;

    @TempDir
    Path home;

    @TempDir
    Path cache;

    /** The runtime's environment: the cache outside the workspace, npm's download cache shared between tests. */
    PerstackCli cli(Scenario s) {
        PerstackCli cli = s.cli();
        // A host behind a TLS-inspecting proxy trusts its CA through these; the runtime's npm needs them too.
        for (String name : java.util.List.of("NODE_EXTRA_CA_CERTS", "SSL_CERT_FILE", "SSL_CERT_DIR")) {
            if (System.getenv(name) != null) {
                cli.env(name, System.getenv(name));
            }
        }
        return cli.env("HOME", home.toString()).env("XDG_CACHE_HOME", cache.toString())
                .env("npm_config_cache", Path.of(System.getProperty("user.home"), ".npm").toString())
                .timeout(Duration.ofSeconds(120));
    }

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

    static final String READ_GRAPH = """
            {"replies":[{"toolCalls":[{"id":"t1","name":"read_graph","input":{}}]},{"text":"done"},
              {"toolCalls":[{"id":"t2","name":"read_graph","input":{}}]},{"text":"done"}]}""";

    @Test
    void baselineTimings() {
        try (Scenario s = Scenario.of(dir, toml("mem"), READ_GRAPH)) {
            for (int i = 0; i < 2; i++) {
                long t0 = System.nanoTime();
                CliRun run = cli(s).run("run", "mem", "Read the graph");
                long ms = (System.nanoTime() - t0) / 1_000_000;
                System.err.println("RUN " + i + " took " + ms + " ms, exit " + run.exitCode() + ", proxyAccess "
                        + run.count("proxyAccess"));
                System.err.println(run.stderr());
                assertThat(run.exitCode()).as(run.toString()).isZero();
            }
        }
    }
}
