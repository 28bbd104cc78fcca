package io.perstack.skills.lock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.perstack.core.config.ExpertConfig;
import io.perstack.core.config.SkillConfig;
import io.perstack.core.json.Json;
import io.perstack.core.tool.ToolDefinition;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The lock's format (docs/configuration.md §9), the canonical digest (docs/configuration.md §9) and what a run takes from a lock. */
class LockfileTest {
    @TempDir
    Path dir;

    private static ExpertConfig expert(String instruction) {
        Map<String, SkillConfig> skills = new LinkedHashMap<>();
        skills.put("@perstack/base", SkillConfig.McpStdio.defaultBase());
        skills.put("ask", new SkillConfig.Interactive("ask", "Asks", "Ask 'politely'",
                Map.of("askUser", new SkillConfig.InteractiveTool(null, "{\"type\":\"object\"}"))));
        skills.put("web", new SkillConfig.McpStreamableHttp("web", null, null, List.of("fetch"), List.of(),
                "https://mcp.example.com/mcp", List.of("api.example.com")));
        return new ExpertConfig("writer", "writer", null, null, "Writes \"notes\"", instruction, List.of("helper"),
                List.of("docs"), skills, List.of(), null, null);
    }

    private static ExpertConfig keyed(ExpertConfig e, String key) {
        return new ExpertConfig(key, key, e.version(), e.minRuntimeVersion(), e.description(), e.instruction(),
                e.delegates(), e.tags(), e.skills(), e.providerTools(), e.providerSkills(), e.providerToolOptions());
    }

    @Test
    void jcsSortsMembersByCodeUnitsAndEscapesLikeEcmascript() {
        var node = Json.tree("{\"b\":[1,2.5,-0.0,1e30,true,null],\"a\":\"line\\nend \\u0001 \\u00e9 \\\"q\\\"\","
                + "\"\\u20ac\":1,\"\\ud83d\\ude00\":2,\"A\":3}");
        assertThat(CanonicalJson.write(node)).isEqualTo("{\"A\":3,\"a\":\"line\\nend \\u0001 é \\\"q\\\"\","
                + "\"b\":[1,2.5,0,1e+30,true,null],\"€\":1,\"😀\":2}");
    }

    @Test
    void aLockSurvivesWritingAndReadingWithAwkwardText() throws Exception {
        ExpertConfig e = expert("Line one\nLine 'two' with \"quotes\" and \\ backslash and ünïcödé\ttab");
        var schema = Json.tree("{\"type\":\"object\",\"properties\":{\"q\":{\"type\":[\"string\",\"null\"],"
                + "\"default\":null,\"enum\":[\"a\",1,true]}},\"required\":[\"q\"]}");
        Lockfile lock = new Lockfile("1", 1712345678901L, "perstack.toml", "sha256:abc",
                Map.of("writer", LockedExpert.local(e, List.of(new ToolDefinition("web", "fetch", "Fetches", schema)))));
        Path file = dir.resolve("perstack.lock");
        lock.write(file);

        Lockfile back = Lockfile.read(file);
        LockedExpert entry = back.experts().get("writer");
        assertThat(entry.instruction()).isEqualTo(e.instruction());
        assertThat(entry.digest()).isEqualTo(ExpertDefinitions.digest(e)).isEqualTo(entry.recomputedDigest());
        assertThat(entry.toolDefinitions().getFirst().inputSchema().path("properties").path("q").has("default"))
                .isFalse();
        assertThat(entry.toolDefinitions().getFirst().inputSchema().path("properties").path("q").path("enum"))
                .isEqualTo(Json.tree("[\"a\",1,true]"));
        assertThat(entry.toExpertConfig().skills().get("web")).isEqualTo(e.skills().get("web"));
        assertThat(entry.toExpertConfig().skills().get("ask")).isEqualTo(e.skills().get("ask"));
        assertThat(back.generatedAt()).isEqualTo(1712345678901L);
        assertThat(Files.readString(file)).doesNotContain("default");
    }

    @Test
    void theDigestChangesWithTheDefinitionButNotWithFieldOrder() {
        ExpertConfig a = expert("Do it");
        assertThat(ExpertDefinitions.digest(a)).isEqualTo(ExpertDefinitions.digest(expert("Do it")))
                .isNotEqualTo(ExpertDefinitions.digest(expert("Do it now")));
        assertThat(ExpertDefinitions.digest(a)).matches("sha256:[0-9a-f]{64}");
    }

    @Test
    void aRunUsesOnlyEntriesThatStillMatchAndWarnsWhenTheConfigChanged() throws Exception {
        ExpertConfig current = expert("Do it");
        LockedExpert matching = LockedExpert.local(current, List.of(new ToolDefinition("web", "fetch", null,
                Json.object())));
        LockedExpert stale = LockedExpert.local(keyed(expert("Old text"), "other"), List.of());
        Lockfile lock = new Lockfile("1", 1, "perstack.toml", "sha256:old", Map.of("writer", matching,
                "other", stale));
        List<String> warnings = new java.util.ArrayList<>();

        LockedRun run = LockedRun.of(lock, "sha256:new", Map.of("writer", current,
                "other", keyed(expert("New text"), "other")), warnings::add);

        assertThat(warnings).containsExactly("perstack.lock is out of date; run perstack install");
        assertThat(run.toolsFor(current)).containsOnlyKeys("web");
        assertThat(run.toolsFor(keyed(expert("New text"), "other"))).isNull();
    }

    @Test
    void aLockLargerThanSixteenMebibytesIsRefusedBeforeParsing() throws Exception {
        Path file = dir.resolve("perstack.lock");
        Files.write(file, new byte[(int) Lockfile.MAX_BYTES + 1]);
        assertThatThrownBy(() -> Lockfile.read(file)).isInstanceOf(Lockfile.Invalid.class)
                .hasMessage("the file is larger than 16777216 bytes");
        assertThatThrownBy(() -> Lockfile.parse("version = \"2\"")).hasMessageContaining("unsupported version");
    }

    @Test
    void aLockIsWrittenWithDoubleQuotedStringsInTheOriginalsLayout() {
        ExpertConfig e = new ExpertConfig("my expert", "my expert", "1.2.0", null, "Greets", "Say hi.",
                List.of("helper"), List.of(), Map.of("@perstack/base", SkillConfig.McpStdio.defaultBase()), List.of(),
                null, null);
        var schema = Json.tree("{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\"}},"
                + "\"required\":[\"name\"]}");
        Lockfile lock = new Lockfile("1", 1712345678901L, "perstack.toml", "sha256:abc", Map.of("my expert",
                LockedExpert.local(e, List.of(new ToolDefinition("@perstack/base", "greet", null, schema)))));

        assertThat(lock.toToml()).isEqualTo("""
                version = "1"
                generatedAt = 1712345678901
                configPath = "perstack.toml"
                configDigest = "sha256:abc"

                [experts."my expert"]
                key = "my expert"
                name = "my expert"
                version = "1.2.0"
                description = "Greets"
                instruction = "Say hi."
                delegates = [ "helper" ]
                tags = []
                source = "local"
                digest = "%s"

                [experts."my expert".skills."@perstack/base"]
                name = "@perstack/base"
                type = "mcpStdioSkill"
                description = "Base skill"
                pick = []
                omit = []
                command = "npx"
                args = [ "-y", "@perstack/base" ]
                requiredEnv = []
                lazyInit = false

                [[experts."my expert".toolDefinitions]]
                skillName = "@perstack/base"
                name = "greet"

                [experts."my expert".toolDefinitions.inputSchema]
                type = "object"
                required = [ "name" ]

                [experts."my expert".toolDefinitions.inputSchema.properties.name]
                type = "string"
                """.formatted(ExpertDefinitions.digest(e)));
    }

    @Test
    void stringsAreEscapedAsTomlBasicStringsControlCharactersIncluded() throws Exception {
        String awkward = "Say \"hi\" \\ path\nnext\ttab\r\b\f\u0000\u0001\u001f\u007f é 😀 \u0085";

        assertThat(TomlWriter.string(awkward)).isEqualTo("\"Say \\\"hi\\\" \\\\ path\\nnext\\ttab\\r\\b\\f"
                + "\\u0000\\u0001\\u001f\\u007f é 😀 \u0085\"");
        assertThat(TomlWriter.string("lone \ud800 half")).isEqualTo("\"lone \ufffd half\"");
        Lockfile lock = new Lockfile("1", 1, "perstack.toml", null,
                Map.of("writer", LockedExpert.local(expert(awkward), List.of())));
        String toml = lock.toToml();
        assertThat(toml).doesNotContain("= '").contains("instruction = \"Say \\\"hi");
        assertThat(toml.chars().filter(c -> (c < 0x20 && c != '\n') || c == 0x7f)).isEmpty();
        assertThat(Lockfile.parse(toml).experts().get("writer").instruction()).isEqualTo(awkward);
    }
}
