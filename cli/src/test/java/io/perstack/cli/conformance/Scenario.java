package io.perstack.cli.conformance;

import io.perstack.testkit.cli.CliRun;
import io.perstack.testkit.cli.PerstackCli;
import io.perstack.testkit.llm.Script;
import io.perstack.testkit.llm.ScriptedLlmServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One conformance scenario: a temporary workspace with a {@code perstack.toml}, a scripted Anthropic server and the
 * real CLI in a child JVM pointed at it with a dummy key (docs/testing.md §1).
 */
final class Scenario implements AutoCloseable {
    static final String DUMMY_KEY = "sk-ant-test-dummy";

    private final Path dir;
    private final ScriptedLlmServer server;
    private final PerstackCli cli;

    private Scenario(Path dir, ScriptedLlmServer server) {
        this.dir = dir;
        this.server = server;
        this.cli = new PerstackCli(dir).env("ANTHROPIC_API_KEY", DUMMY_KEY)
                .env("ANTHROPIC_BASE_URL", server.anthropicBaseUrl());
    }

    /** A workspace holding {@code toml} and a server playing {@code scriptJson}. */
    static Scenario of(Path dir, String toml, String scriptJson) {
        write(dir.resolve("perstack.toml"), toml);
        return new Scenario(dir, ScriptedLlmServer.start(Script.parse(scriptJson)));
    }

    /** The smallest configuration: one Expert with the in-process base skill's control tools. */
    static String oneExpert(String key) {
        return """
                model = "claude-sonnet-4-5"

                [experts."%s"]
                description = "Answers briefly"
                instruction = "Answer the user's question briefly."
                """.formatted(key);
    }

    /** {@code perstack run <key> <query> --runtime local <extra>}. */
    CliRun run(String expert, String query, String... extra) {
        List<String> args = new ArrayList<>(List.of("run", expert, query, "--runtime", "local"));
        args.addAll(List.of(extra));
        return cli.run(args.toArray(String[]::new));
    }

    PerstackCli cli() {
        return cli;
    }

    ScriptedLlmServer server() {
        return server;
    }

    Path dir() {
        return dir;
    }

    Path storage() {
        return dir.resolve("perstack");
    }

    static void write(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        server.close();
    }
}
