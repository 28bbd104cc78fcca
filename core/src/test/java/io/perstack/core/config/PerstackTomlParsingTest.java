package io.perstack.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.perstack.core.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every key of docs/configuration.md read from real files into the records, and the defaults when keys are absent. */
class PerstackTomlParsingTest {
    @TempDir
    Path dir;

    private PerstackConfig readResource(String name) throws IOException {
        Path file = dir.resolve("perstack.toml");
        try (InputStream in = getClass().getResourceAsStream(name)) {
            Files.write(file, in.readAllBytes());
        }
        return PerstackToml.read(file);
    }

    private PerstackConfig readText(String toml) throws IOException {
        Path file = dir.resolve("perstack.toml");
        Files.writeString(file, toml);
        return PerstackToml.read(file);
    }

    @Test
    void sandboxRequireLimitsIsReadAndMustBeABoolean() throws IOException {
        assertThat(readText("[sandbox]\nrequireLimits = true\n").requireLimits()).isTrue();
        assertThat(readText("model = \"m\"\n").requireLimits()).isNull();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> readText("[sandbox]\nrequireLimits = \"yes\"\n"))
                .hasMessageContaining("sandbox.requireLimits");
    }

    @Test
    void everyTopLevelKeyIsReadWithItsValue() throws IOException {
        PerstackConfig c = readResource("every-key.toml");

        assertThat(c.model()).isEqualTo("claude-opus-4-1");
        assertThat(c.reasoningBudget()).isEqualTo(new ReasoningBudget("medium", null));
        assertThat(c.runtime()).isEqualTo("docker");
        assertThat(c.maxSteps()).isEqualTo(40);
        assertThat(c.maxRetries()).isEqualTo(3);
        assertThat(c.timeout()).isEqualTo(120_000L);
        assertThat(c.envPath()).containsExactly(".env.team", "secrets/.env");
        assertThat(c.perstackApiBaseUrl()).isEqualTo("https://registry.example.com");
        assertThat(c.perstackBaseSkillCommand()).containsExactly("node", "/opt/perstack/base.js");
        assertThat(c.toolResultMaxBytes()).isEqualTo(65_536);
        assertThat(c.maxCostUsd()).isEqualTo(2.5);
        assertThat(c.experts()).containsOnlyKeys("release-notes", "spell-checker");
    }

    @Test
    void providerTableAndItsSettingsAreRead() throws IOException {
        ProviderConfig p = readResource("every-key.toml").provider();

        assertThat(p.providerName()).isEqualTo("openai");
        ProviderConfig.Setting s = p.setting();
        assertThat(s.baseUrl()).isEqualTo("https://llm-gateway.example.com/v1");
        assertThat(s.organization()).isEqualTo("org-123");
        assertThat(s.project()).isEqualTo("proj-9");
        assertThat(s.name()).isEqualTo("gateway");
        assertThat(s.headers()).containsExactlyInAnyOrderEntriesOf(
                java.util.Map.of("X-Team", "agents", "X-Trace", "on"));
        assertThat(s.resourceName()).isNull();
        assertThat(s.region()).isNull();
    }

    @Test
    void pricingAcceptsIntegersAndFloatsAndLeavesCachedInputOptional() throws IOException {
        PerstackConfig c = readResource("every-key.toml");

        assertThat(c.pricing()).containsOnlyKeys("claude-opus-4-1", "local-model");
        assertThat(c.pricing().get("claude-opus-4-1")).isEqualTo(new PerstackConfig.Price(15, 1.5, 75));
        assertThat(c.pricing().get("local-model")).isEqualTo(new PerstackConfig.Price(0, null, 0.25));
        assertThat(c.pricing().get("local-model").cachedInputOrInput()).isZero();
    }

    @Test
    void expertFieldsAreReadAndTheTableKeyIsBothKeyAndName() throws IOException {
        ExpertConfig e = readResource("every-key.toml").experts().get("release-notes");

        assertThat(e.key()).isEqualTo("release-notes");
        assertThat(e.name()).isEqualTo("release-notes");
        assertThat(e.version()).isEqualTo("1.2.3-beta.1");
        assertThat(e.minRuntimeVersion()).isEqualTo("v1.0");
        assertThat(e.description()).isEqualTo("Writes release notes from the git log of the workspace");
        assertThat(e.instruction()).isEqualTo("Read the changes since the last tag and write RELEASE_NOTES.md.");
        assertThat(e.delegates()).containsExactly("spell-checker", "@acme/translator@2.0.0", "@acme/reviewer@stable");
        assertThat(e.tags()).containsExactly("docs", "release-tools");
        assertThat(e.providerTools()).containsExactly("webSearch", "codeExecution");
    }

    @Test
    void providerSkillsAndToolOptionsAreStoredAsJson() throws IOException {
        ExpertConfig e = readResource("every-key.toml").experts().get("release-notes");

        JsonNode expectedSkills = Json.mapper().readTree("""
                [{"type":"builtin","skillId":"pdf"},
                 {"type":"custom","name":"house-style","definition":"Use British spelling."}]""");
        JsonNode expectedOptions = Json.mapper().readTree("""
                {"webSearch":{"maxUses":3,"allowedDomains":["docs.example.com"]},
                 "webFetch":{"maxUses":5},
                 "fileSearch":{"vectorStoreIds":["vs_1","vs_2"],"maxNumResults":10}}""");
        assertThat(e.providerSkills()).isEqualTo(expectedSkills);
        assertThat(e.providerToolOptions()).isEqualTo(expectedOptions);
    }

    @Test
    void skillsKeepFileOrderAndTheirTypes() throws IOException {
        ExpertConfig e = readResource("every-key.toml").experts().get("release-notes");

        assertThat(e.skills().keySet()).containsExactly("@perstack/base", "issues", "search", "tickets", "approval");
        assertThat(e.skills().get("@perstack/base")).isInstanceOf(SkillConfig.McpStdio.class);
        assertThat(e.skills().get("search")).isInstanceOf(SkillConfig.McpSse.class);
        assertThat(e.skills().get("tickets")).isInstanceOf(SkillConfig.McpStreamableHttp.class);
        assertThat(e.skills().get("approval")).isInstanceOf(SkillConfig.Interactive.class);
    }

    @Test
    void stdioSkillFieldsAreReadAndAllowedDomainsAreNormalised() throws IOException {
        ExpertConfig e = readResource("every-key.toml").experts().get("release-notes");

        assertThat(e.skills().get("issues")).isEqualTo(new SkillConfig.McpStdio("issues", "Issue tracker",
                "Never close issues.", List.of("listIssues", "getIssue"), List.of(), "uvx", null,
                List.of("issues-mcp", "--read-only"), List.of("ISSUES_TOKEN", "ISSUES_ORG"),
                // Lower-cased, trailing dot gone, duplicate gone, img.cdn… covered by the wildcard.
                List.of("api.example.com", "*.cdn.example.com"), true));
    }

    @Test
    void lazyInitIsForcedOffForTheBaseSkill() throws IOException {
        ExpertConfig e = readResource("every-key.toml").experts().get("release-notes");

        SkillConfig.McpStdio base = (SkillConfig.McpStdio) e.skills().get("@perstack/base");
        assertThat(base.lazyInit()).isFalse();
        assertThat(base.packageName()).isEqualTo("@perstack/base");
        assertThat(base.omit()).containsExactly("deleteDirectory");
    }

    @Test
    void remoteSkillsKeepTheirEndpointAndFilters() throws IOException {
        ExpertConfig e = readResource("every-key.toml").experts().get("release-notes");

        assertThat(e.skills().get("search")).isEqualTo(new SkillConfig.McpSse("search", "Web search", "Cite sources.",
                List.of("search"), List.of("crawl"), "https://mcp.search.example.com/sse",
                List.of("search.example.com")));
        assertThat(e.skills().get("tickets")).isEqualTo(new SkillConfig.McpStreamableHttp("tickets", "Ticketing",
                "Read only.", List.of("getTicket"), List.of("deleteTicket"), "https://mcp.tickets.example.com/mcp",
                List.of("*.tickets.example.com")));
    }

    @Test
    void interactiveSkillToolsKeepTheirSchemaText() throws IOException {
        ExpertConfig e = readResource("every-key.toml").experts().get("release-notes");

        SkillConfig.Interactive approval = (SkillConfig.Interactive) e.skills().get("approval");
        assertThat(approval.description()).isEqualTo("Asks a human");
        assertThat(approval.rule()).isEqualTo("Ask before publishing.");
        assertThat(approval.tools()).containsOnlyKeys("askApproval");
        assertThat(approval.tools().get("askApproval")).isEqualTo(new SkillConfig.InteractiveTool(
                "Asks for approval of the draft",
                "{\"type\":\"object\",\"properties\":{\"summary\":{\"type\":\"string\"}},\"required\":[\"summary\"]}"));
    }

    @Test
    void typicalTypeScriptPerstackConfigIsAccepted() throws IOException {
        PerstackConfig c = readResource("typical-perstack.toml");

        assertThat(c.model()).isEqualTo("claude-sonnet-4-5");
        assertThat(c.provider()).isEqualTo(new ProviderConfig("anthropic", ProviderConfig.Setting.EMPTY));
        assertThat(c.experts().keySet()).containsExactly("bug-finder", "file-summarizer");
        ExpertConfig bugFinder = c.experts().get("bug-finder");
        assertThat(bugFinder.instruction()).startsWith("You are a careful reviewer.\nRead the source files");
        assertThat(bugFinder.delegates()).containsExactly("file-summarizer", "@perstack/spell-checker");
        assertThat(bugFinder.skills().get("@perstack/base")).isEqualTo(new SkillConfig.McpStdio("@perstack/base",
                "Base skill", null, List.of("readTextFile", "listDirectory", "think", "attemptCompletion"), List.of(),
                "npx", "@perstack/base", List.of(), List.of(), List.of(), false));
        assertThat(c.experts().get("file-summarizer").skills().get("@perstack/base").omit())
                .containsExactly("exec", "deleteFile");
    }

    @Test
    void absentTopLevelKeysAreNullAndTheirDefaultsComeFromTheOrDefaultViews() throws IOException {
        PerstackConfig c = readText("""
                [experts."solo"]
                instruction = "Do it."
                """);

        assertThat(c.model()).isNull();
        assertThat(c.provider()).isNull();
        assertThat(c.reasoningBudget()).isNull();
        assertThat(c.runtime()).isNull();
        assertThat(c.maxSteps()).isNull();
        assertThat(c.maxRetries()).isNull();
        assertThat(c.timeout()).isNull();
        assertThat(c.envPath()).isNull();
        assertThat(c.perstackApiBaseUrl()).isNull();
        assertThat(c.perstackBaseSkillCommand()).isNull();
        assertThat(c.toolResultMaxBytes()).isNull();
        assertThat(c.maxCostUsd()).isNull();
        assertThat(c.pricing()).isEmpty();

        assertThat(c.modelOrDefault()).isEqualTo("claude-sonnet-4-5");
        assertThat(c.providerOrDefault()).isEqualTo(new ProviderConfig("anthropic", ProviderConfig.Setting.EMPTY));
        assertThat(c.reasoningBudgetOrDefault()).isEqualTo(new ReasoningBudget("low", null));
        assertThat(c.maxStepsOrDefault()).isEqualTo(100);
        assertThat(c.maxRetriesOrDefault()).isEqualTo(5);
        assertThat(c.timeoutOrDefault()).isEqualTo(300_000L);
        assertThat(c.envPathOrDefault()).containsExactly(".env", ".env.local");
        assertThat(c.perstackApiBaseUrlOrDefault()).isEqualTo("https://api.perstack.ai");
        assertThat(c.toolResultMaxBytesOrDefault()).isEqualTo(262_144);
    }

    @Test
    void expertDefaultsAreVersionOneAndEmptyListsAndTheBaseSkillWhenSkillsAreAbsent() throws IOException {
        ExpertConfig e = readText("""
                [experts."solo"]
                instruction = "Do it."
                """).experts().get("solo");

        assertThat(e.version()).isEqualTo("1.0.0");
        assertThat(e.description()).isNull();
        assertThat(e.minRuntimeVersion()).isNull();
        assertThat(e.delegates()).isEmpty();
        assertThat(e.tags()).isEmpty();
        assertThat(e.providerTools()).isEmpty();
        assertThat(e.providerSkills()).isNull();
        assertThat(e.providerToolOptions()).isNull();
        assertThat(e.skills()).isNull();
        assertThat(e.effectiveSkills()).containsOnlyKeys("@perstack/base");
        assertThat(e.effectiveSkills().get("@perstack/base")).isEqualTo(new SkillConfig.McpStdio("@perstack/base",
                "Base skill", null, List.of(), List.of(), "npx", null, List.of("-y", "@perstack/base"), List.of(),
                List.of(), false));
    }

    @Test
    void skillDefaultsAreEmptyListsAndNoLazyInit() throws IOException {
        PerstackConfig c = readText("""
                [experts."solo"]
                instruction = "Do it."
                [experts."solo".skills."@perstack/base"]
                type = "mcpStdioSkill"
                command = "npx"
                packageName = "@perstack/base"
                [experts."solo".skills."tool"]
                type = "mcpStdioSkill"
                command = "node"
                args = ["server.js"]
                """);

        SkillConfig.McpStdio tool = (SkillConfig.McpStdio) c.experts().get("solo").skills().get("tool");
        assertThat(tool).isEqualTo(new SkillConfig.McpStdio("tool", null, null, List.of(), List.of(), "node", null,
                List.of("server.js"), List.of(), List.of(), false));
        assertThat(c.experts().get("solo").effectiveSkills()).containsOnlyKeys("@perstack/base", "tool");
    }

    @Test
    void anEmptySkillsTableStaysEmptySoTheRunCanReportTheMissingBaseSkill() throws IOException {
        ExpertConfig e = readText("""
                [experts."solo"]
                instruction = "Do it."
                skills = {}
                """).experts().get("solo");

        assertThat(e.skills()).isEmpty();
        assertThat(e.effectiveSkills()).isEmpty();
    }

    @Test
    void reasoningBudgetAcceptsATokenCountAndZero() throws IOException {
        assertThat(readText("reasoningBudget = 4096\n").reasoningBudget()).isEqualTo(new ReasoningBudget(null, 4096));
        assertThat(readText("reasoningBudget = 0\n").reasoningBudget().enabled()).isFalse();
    }

    @Test
    void compatibilityRuntimesPassValidation() throws IOException {
        for (String runtime : List.of("local", "sandbox", "docker", "cursor", "claude-code", "gemini")) {
            assertThat(readText("runtime = \"" + runtime + "\"\n").runtime()).isEqualTo(runtime);
        }
    }

    @Test
    void unknownKeysAreIgnoredSilentlyEvenWhereTheUserMeantSomethingElse() throws IOException {
        // docs/configuration.md §1: envPath written under [provider] becomes provider.envPath and has no effect.
        PerstackConfig c = readText("""
                temperature = 0.7
                [provider]
                providerName = "anthropic"
                envPath = [".env.prod"]
                [experts."solo"]
                instruction = "Do it."
                color = "blue"
                """);

        assertThat(c.envPath()).isNull();
        assertThat(c.provider().providerName()).isEqualTo("anthropic");
        assertThat(c.experts().get("solo").instruction()).isEqualTo("Do it.");
    }

    @Test
    void settingsOfAnotherProviderAreIgnored() throws IOException {
        ProviderConfig p = readText("""
                [provider]
                providerName = "anthropic"
                [provider.setting]
                region = "eu-west-1"
                organization = "org-1"
                baseUrl = "https://proxy.example.com/v1"
                """).provider();

        assertThat(p.setting().region()).isNull();
        assertThat(p.setting().organization()).isNull();
        assertThat(p.setting().baseUrl()).isEqualTo("https://proxy.example.com/v1");
    }

    @Test
    void everyProviderReadsItsOwnSettings() throws IOException {
        ProviderConfig azure = readText("""
                [provider]
                providerName = "azure-openai"
                [provider.setting]
                resourceName = "res"
                apiVersion = "2024-10-01"
                useDeploymentBasedUrls = true
                """).provider();
        ProviderConfig bedrock = readText("""
                [provider]
                providerName = "amazon-bedrock"
                [provider.setting]
                region = "us-east-1"
                """).provider();
        ProviderConfig vertex = readText("""
                [provider]
                providerName = "google-vertex"
                [provider.setting]
                project = "p"
                location = "europe-west4"
                """).provider();

        assertThat(azure.setting().resourceName()).isEqualTo("res");
        assertThat(azure.setting().apiVersion()).isEqualTo("2024-10-01");
        assertThat(azure.setting().useDeploymentBasedUrls()).isTrue();
        assertThat(bedrock.setting().region()).isEqualTo("us-east-1");
        assertThat(vertex.setting().project()).isEqualTo("p");
        assertThat(vertex.setting().location()).isEqualTo("europe-west4");
    }

    @Test
    void ollamaAndLoopbackBaseUrlsMayUsePlainHttp() throws IOException {
        assertThat(readText("""
                [provider]
                providerName = "ollama"
                setting = { baseUrl = "http://gpu-box.lan:11434" }
                """).provider().setting().baseUrl()).isEqualTo("http://gpu-box.lan:11434");
        assertThat(readText("""
                [provider]
                providerName = "anthropic"
                setting = { baseUrl = "http://127.0.0.1:8080/v1" }
                """).provider().setting().baseUrl()).isEqualTo("http://127.0.0.1:8080/v1");
    }

    @Test
    void sourceIsTheAbsoluteFileAndSha256IsTheDigestOfTheBytes() throws IOException {
        Path file = dir.resolve("perstack.toml");
        Files.write(file, "model = \"x\"\n".getBytes(StandardCharsets.UTF_8));

        PerstackConfig c = PerstackToml.read(file);

        assertThat(c.source()).isEqualTo(file.toAbsolutePath().normalize());
        // sha256sum of the 12 bytes `model = "x"\n`
        assertThat(c.sha256()).isEqualTo("5676dc800ff66ac87669b7b7e6ebb78f94c7f523fae07a7a5545536a511b6613");
    }
}
