package io.perstack.cli.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.perstack.core.config.ExpertConfig;
import io.perstack.core.config.SkillConfig;
import io.perstack.core.json.Json;
import io.perstack.skills.lock.LockedExpert;
import io.perstack.skills.lock.Lockfile;
import io.perstack.testkit.cli.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** C-54…C-56: {@code perstack install}, runs that use the lock, and stale or tampered locks. */
class LockfileTest {
    private static final String SCRIPT = """
            {"replies":[
              {"toolCalls":[{"id":"t1","name":"healthCheck","input":{}}]},
              {"toolCalls":[{"id":"t2","name":"echo","input":{"text":"locked"}}]},
              {"text":"lockfile-test-ok"}]}""";

    @TempDir
    Path dir;

    private static String config() {
        return McpSkillsTest.expert("e2e-lockfile", "pick = [\"healthCheck\", \"attemptCompletion\"]")
                + McpSkillsTest.hostileSkill("e2e-lockfile", "hostile", "pick = [\"echo\"]");
    }

    @Test
    void c54c55InstallWritesTheLockAndARunStartsNoServerBeforeItsFirstCall() throws Exception {
        try (Scenario s = Scenario.of(dir, config(), SCRIPT)) {
            CliRun install = s.cli().run("install", "--runtime", "local");

            assertThat(install.exitCode()).as(install.toString()).isZero();
            Path lockPath = dir.resolve("perstack.lock").toRealPath();
            assertThat(install.stdout().lines().toList()).containsExactly("Resolving experts...",
                    "Found 1 expert(s)", "Collecting tool definitions for e2e-lockfile...", "  Found 3 tool(s)",
                    "Generated " + lockPath);
            assertThat(install.stderr()).contains("  Starting skill hostile (").containsPattern(
                    "  Skill hostile answered in \\d+ ms");
            String text = Files.readString(lockPath);
            // As the TypeScript implementation writes it: double-quoted strings, no literal ('…') strings.
            assertThat(text).startsWith("version = \"1\"\ngeneratedAt = ").contains("configDigest = \"sha256:",
                    "[experts.e2e-lockfile]", "[experts.e2e-lockfile.skills.\"@perstack/base\"]",
                    "[[experts.e2e-lockfile.toolDefinitions]]", "skillName", "inputSchema", "healthCheck", "echo")
                    .doesNotContain("= '");
            Lockfile lock = Lockfile.read(lockPath);
            LockedExpert entry = lock.experts().get("e2e-lockfile");
            assertThat(entry.source()).isEqualTo("local");
            assertThat(entry.digest()).startsWith("sha256:");
            assertThat(entry.toolDefinitions()).extracting(t -> t.skillName() + "/" + t.name())
                    .containsExactly("@perstack/base/attemptCompletion", "@perstack/base/healthCheck",
                            "hostile/echo");
            assertThat(lock.configDigest()).isEqualTo("sha256:" + sha256Hex(dir.resolve("perstack.toml")));

            CliRun run = s.run("e2e-lockfile", "Check");

            assertThat(run.exitCode()).as(run.toString()).isZero();
            assertThat(run.last("completeRun").path("text").asText()).isEqualTo("lockfile-test-ok");
            List<String> types = run.types();
            int hostileStarting = indexOf(run, "skillStarting", "hostile");
            int hostileConnected = indexOf(run, "skillConnected", "hostile");
            // No server process before the run asks it for something: it starts on the first call to it.
            assertThat(hostileStarting).isGreaterThan(types.indexOf("startRun"));
            assertThat(hostileStarting).isGreaterThan(types.lastIndexOf("callTools"));
            assertThat(hostileConnected).isGreaterThan(hostileStarting);
            assertThat(run.ofType("resolveToolResults").get(1).toString()).contains("echo: locked");
            assertThat(s.server().requests().getFirst().body().path("tools").findValuesAsText("name"))
                    .containsExactly("attemptCompletion", "healthCheck", "echo");
        }
    }

    @Test
    void c54RunsSucceedWithoutALockAndAskServersAtStart() {
        try (Scenario s = Scenario.of(dir, config(), SCRIPT)) {
            CliRun run = s.run("e2e-lockfile", "Check");

            assertThat(run.exitCode()).as(run.toString()).isZero();
            assertThat(indexOf(run, "skillConnected", "hostile")).isLessThan(run.types().indexOf("startRun"));
        }
    }

    @Test
    void c56AnEditedConfigWarnsAndAnEditedExpertLosesItsLockEntry() throws Exception {
        try (Scenario s = Scenario.of(dir, config(), SCRIPT)) {
            assertThat(s.cli().run("install", "--runtime", "local").exitCode()).isZero();
            Path toml = dir.resolve("perstack.toml");
            Files.writeString(toml, Files.readString(toml).replace("Use the tools.", "Use the tools well."));

            CliRun run = s.run("e2e-lockfile", "Check");

            assertThat(run.exitCode()).as(run.toString()).isZero();
            assertThat(run.stderr()).contains("perstack.lock is out of date; run perstack install");
            // The entry no longer matches the Expert, so its server is asked at start as without a lock.
            assertThat(indexOf(run, "skillConnected", "hostile")).isLessThan(run.types().indexOf("startRun"));
        }
    }

    @Test
    void c56ATamperedRegistryEntryStopsTheRunAndAnIntactOneIsAccepted() throws Exception {
        try (Scenario s = Scenario.of(dir, config(), "{\"replies\":[{\"text\":\"fine\"},{\"text\":\"fine\"}]}")) {
            assertThat(s.cli().run("install", "--runtime", "local").exitCode()).isZero();
            Path lockPath = dir.resolve("perstack.lock");
            Lockfile lock = Lockfile.read(lockPath);
            ExpertConfig helper = new ExpertConfig("@acme/helper", "@acme/helper", "1.2.0", "v1.0", "Helps",
                    "Help with care.", List.of(), List.of(), Map.of("@perstack/base", SkillConfig.McpStdio.defaultBase()),
                    List.of(), null, null);
            LockedExpert local = LockedExpert.local(helper, List.of());
            LockedExpert registry = new LockedExpert(local.key(), local.name(), local.version(),
                    local.minRuntimeVersion(), local.description(), local.instruction(), local.delegates(),
                    local.tags(), local.skills(), local.toolDefinitions(), LockedExpert.REGISTRY, local.digest(),
                    "@acme/helper@1.2.0");
            Map<String, LockedExpert> entries = new LinkedHashMap<>(lock.experts());
            entries.put(registry.key(), registry);
            new Lockfile(lock.version(), lock.generatedAt(), lock.configPath(), lock.configDigest(), entries)
                    .write(lockPath);

            CliRun intact = s.run("e2e-lockfile", "Check");
            assertThat(intact.exitCode()).as(intact.toString()).isZero();
            assertThat(intact.stderr()).doesNotContain("digest mismatch", "Ignoring perstack.lock");

            Files.writeString(lockPath, Files.readString(lockPath).replace("Help with care.", "Exfiltrate."));
            CliRun tampered = s.run("e2e-lockfile", "Check");
            assertThat(tampered.exitCode()).isEqualTo(1);
            assertThat(tampered.stderr()).contains("perstack.lock digest mismatch for @acme/helper");
        }
    }

    @Test
    void anUnparsableLockIsIgnoredWithAWarning() throws Exception {
        try (Scenario s = Scenario.of(dir, config(), SCRIPT)) {
            Files.writeString(dir.resolve("perstack.lock"), "version = [unclosed");

            CliRun run = s.run("e2e-lockfile", "Check");

            assertThat(run.exitCode()).as(run.toString()).isZero();
            assertThat(run.stderr()).contains("Ignoring perstack.lock: not valid TOML");
        }
    }

    private static int indexOf(CliRun run, String type, String skill) {
        List<JsonNode> events = run.events();
        for (int i = 0; i < events.size(); i++) {
            if (events.get(i).path("type").asText().equals(type)
                    && events.get(i).path("skillName").asText().equals(skill)) {
                return i;
            }
        }
        throw new AssertionError("no " + type + " for " + skill + " in " + run);
    }

    private static String sha256Hex(Path file) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(Files.readAllBytes(file)));
    }
}
