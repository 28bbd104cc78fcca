package io.perstack.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every validation rule of docs/configuration.md with its message, and the one-message-for-all-problems format. */
class PerstackTomlValidationTest {
    private static final String SOLO = "[experts.\"solo\"]\ninstruction = \"Do it.\"\n";

    private static ConfigException failure(String toml) {
        try {
            PerstackToml.parse(toml.getBytes(StandardCharsets.UTF_8), null, "perstack.toml");
        } catch (ConfigException e) {
            return e;
        }
        return fail("expected a ConfigException for:\n" + toml);
    }

    private static List<String> problems(String toml) {
        return failure(toml).problems();
    }

    /** A skill of Expert "solo" with the given body, next to a valid base skill. */
    private static List<String> skillProblems(String name, String body) {
        return problems(SOLO + """
                [experts."solo".skills."@perstack/base"]
                type = "mcpStdioSkill"
                command = "npx"
                packageName = "@perstack/base"
                [experts."solo".skills.%s]
                %s
                """.formatted("\"" + name + "\"", body));
    }

    private static String repeat(char c, int n) {
        return String.valueOf(c).repeat(n);
    }

    private static String tomlArray(int n, String prefix) {
        return IntStream.range(0, n).mapToObj(i -> "\"" + prefix + i + "\"").collect(Collectors.joining(", ", "[", "]"));
    }

    @Test
    void multipleProblemsAreReportedTogetherInTheDocumentedFormat() {
        ConfigException e = failure("""
                maxSteps = 0
                runtime = "vm"
                [experts."Bad Key"]
                instruction = ""
                """);

        assertThat(e.getMessage()).isEqualTo("""
                perstack.toml: Validation failed:
                  - runtime: Expected one of "local", "sandbox", "docker", "cursor", "claude-code", "gemini"; \
                received "vm"
                  - maxSteps: Must be at least 1
                  - experts.Bad Key: Invalid Expert key "Bad Key"
                  - experts.Bad Key.instruction: Must not be empty""");
        assertThat(e.problems()).hasSize(4);
    }

    @Test
    void theLabelStartsTheMessage() {
        try {
            PerstackToml.parseRemote("maxSteps = 0\n".getBytes(StandardCharsets.UTF_8),
                    "https://raw.githubusercontent.com/acme/agents/main/perstack.toml");
            fail("expected a ConfigException");
        } catch (ConfigException e) {
            assertThat(e.getMessage()).isEqualTo("""
                    https://raw.githubusercontent.com/acme/agents/main/perstack.toml: Validation failed:
                      - maxSteps: Must be at least 1""");
        }
    }

    @Test
    void syntaxErrorsNameTheFileLineAndColumn() {
        ConfigException e = failure("""
                model = "x"
                maxSteps = = 3
                """);

        assertThat(e.getMessage()).startsWith("perstack.toml: TOML syntax error:\n  - line 2, column 12: ");
        assertThat(e.problems()).hasSize(1);
        assertThat(e.getMessage()).doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void duplicateTablesAreSyntaxErrorsWithTheirPosition() {
        ConfigException e = failure("""
                [experts."a"]
                instruction = "x"
                [experts."a"]
                instruction = "y"
                """);

        assertThat(e.problems()).first().asString()
                .isEqualTo("line 3, column 1: experts.a previously defined at line 1, column 1");
    }

    @Test
    void invalidUtf8IsReportedAsASyntaxError() {
        try {
            PerstackToml.parse(new byte[] {'m', '=', '"', (byte) 0xC3, (byte) 0x28, '"'}, null, "perstack.toml");
            fail("expected a ConfigException");
        } catch (ConfigException e) {
            assertThat(e.getMessage()).isEqualTo("perstack.toml: TOML syntax error:\n  - the file is not valid UTF-8");
        }
    }

    @Test
    void nestingDeeperThan32LevelsIsASyntaxErrorInsteadOfAStackOverflow() {
        String deep = "a = " + "[".repeat(33) + "]".repeat(33) + "\n";
        String deepInline = "model = \"m\"\nb = " + "{ c = ".repeat(5000) + "1" + "}".repeat(5000) + "\n";

        assertThat(problems(deep)).containsExactly(
                "line 1, column 37: arrays and inline tables may be nested at most 32 levels deep");
        assertThat(problems(deepInline)).containsExactly(
                "line 2, column 197: arrays and inline tables may be nested at most 32 levels deep");
    }

    @Test
    void bracketsInsideStringsAndCommentsDoNotCountAsNesting() {
        String brackets = "[".repeat(40);
        String toml = """
                # %1$s
                model = "%1$s"
                unused = %2$s
                [experts."solo"]
                instruction = '''%1$s
                %1$s'''
                description = '%1$s'
                """.formatted(brackets, "[".repeat(32) + "1" + "]".repeat(32));

        PerstackConfig c = PerstackToml.parse(toml.getBytes(StandardCharsets.UTF_8), null, "perstack.toml");

        assertThat(c.model()).isEqualTo(brackets);
        assertThat(c.experts().get("solo").instruction()).isEqualTo(brackets + "\n" + brackets);
        assertThat(c.experts().get("solo").description()).isEqualTo(brackets);
    }

    @Test
    void wrongTypesNameTheExpectedAndTheReceivedTomlType() {
        assertThat(problems("""
                model = 3
                maxSteps = 1.5
                envPath = [".env", 2]
                maxCostUsd = "2"
                provider = "anthropic"
                experts = { solo = "text" }
                """)).containsExactly(
                "model: Expected string, received integer",
                "provider: Expected table, received string",
                "maxSteps: Expected integer, received float",
                "envPath.1: Expected string, received integer",
                "experts.solo: Expected table, received string",
                "maxCostUsd: Expected number, received string");
    }

    @Test
    void datesAreNamedByTheirTomlType() {
        assertThat(problems("model = 1979-05-27\n")).containsExactly("model: Expected string, received date");
    }

    @Test
    void emptyModelIsRefused() {
        assertThat(problems("model = \"\"\n")).containsExactly("model: Must not be empty");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            maxSteps = 0                    | maxSteps: Must be at least 1
            maxSteps = 2147483648           | maxSteps: Must be at most 2147483647
            maxRetries = -1                 | maxRetries: Must be at least 0
            timeout = -1                    | timeout: Must be at least 0
            toolResultMaxBytes = 1023       | toolResultMaxBytes: Must be at least 1024
            maxCostUsd = 0                  | maxCostUsd: Must be greater than 0
            maxCostUsd = -0.5               | maxCostUsd: Must be greater than 0
            maxCostUsd = nan                | maxCostUsd: Must be a finite number
            maxCostUsd = inf                | maxCostUsd: Must be a finite number
            reasoningBudget = -1            | reasoningBudget: Must be at least 0
            reasoningBudget = 3000000000    | reasoningBudget: Must be at most 2147483647
            """)
    void outOfRangeNumbersAreReported(String toml, String problem) {
        assertThat(problems(toml + "\n")).containsExactly(problem);
    }

    @Test
    void boundaryNumbersAreAccepted() {
        PerstackConfig c = PerstackToml.parse("""
                maxSteps = 1
                maxRetries = 0
                timeout = 0
                toolResultMaxBytes = 1024
                maxCostUsd = 0.01
                """.getBytes(StandardCharsets.UTF_8), null, "perstack.toml");

        assertThat(c.maxSteps()).isEqualTo(1);
        assertThat(c.maxRetries()).isZero();
        assertThat(c.timeout()).isZero();
        assertThat(c.toolResultMaxBytes()).isEqualTo(1024);
        assertThat(c.maxCostUsd()).isEqualTo(0.01);
    }

    @Test
    void reasoningBudgetOutsideTheLevelsIsReported() {
        assertThat(problems("reasoningBudget = \"extreme\"\n")).containsExactly("reasoningBudget: Expected one of "
                + "\"none\", \"minimal\", \"low\", \"medium\", \"high\" or an integer >= 0; received \"extreme\"");
        assertThat(problems("reasoningBudget = \"5000\"\n")).singleElement().asString()
                .endsWith("received \"5000\"");
        assertThat(problems("reasoningBudget = 1.5\n")).singleElement().asString().endsWith("received float");
    }

    @Test
    void registryBaseUrlMustUseHttps() {
        assertThat(problems("perstackApiBaseUrl = \"http://api.perstack.ai\"\n"))
                .containsExactly("perstackApiBaseUrl: perstackApiBaseUrl must use HTTPS");
        assertThat(problems("perstackApiBaseUrl = \"api.perstack.ai\"\n"))
                .containsExactly("perstackApiBaseUrl: Invalid URL");
    }

    @Test
    void emptyBaseSkillCommandIsReported() {
        assertThat(problems("perstackBaseSkillCommand = []\n"))
                .containsExactly("perstackBaseSkillCommand: perstackBaseSkillCommand must have at least one element");
    }

    @Test
    void providerNameIsRequiredAndMustBeKnown() {
        assertThat(problems("[provider]\n")).containsExactly("provider.providerName: Required");
        assertThat(problems("[provider]\nproviderName = \"mistral\"\n")).containsExactly(
                "provider.providerName: Expected one of \"anthropic\", \"google\", \"openai\", \"ollama\", "
                        + "\"azure-openai\", \"amazon-bedrock\", \"google-vertex\", \"deepseek\"; received \"mistral\"");
    }

    @Test
    void providerBaseUrlMustUseHttpsExceptOllamaAndLoopback() {
        assertThat(problems("""
                [provider]
                providerName = "anthropic"
                setting = { baseUrl = "http://llm.example.com/v1" }
                """)).containsExactly("provider.setting.baseUrl: URL must use HTTPS");
        assertThat(problems("""
                [provider]
                providerName = "deepseek"
                setting = { baseUrl = "http://10.0.0.5/v1" }
                """)).containsExactly("provider.setting.baseUrl: URL must use HTTPS");
        assertThat(problems("""
                [provider]
                providerName = "ollama"
                setting = { baseUrl = "not a url" }
                """)).containsExactly("provider.setting.baseUrl: Invalid URL");
    }

    @Test
    void providerSettingTypesAreChecked() {
        assertThat(problems("""
                [provider]
                providerName = "azure-openai"
                setting = { useDeploymentBasedUrls = "yes", resourceName = 1 }
                """)).containsExactly(
                "provider.setting.resourceName: Expected string, received integer",
                "provider.setting.useDeploymentBasedUrls: Expected boolean, received string");
    }

    @Test
    void headersMustBeStringsWithValidNamesAndNoLineBreaksAndValuesAreNeverQuoted() {
        ConfigException e = failure("""
                [provider]
                providerName = "anthropic"
                [provider.setting.headers]
                "X-Count" = 3
                "Bad Name" = "v"
                "X-Inject" = "secret-value\\r\\nHost: evil"
                """);

        assertThat(e.problems()).containsExactly(
                "provider.setting.headers.X-Count: Expected string, received integer",
                "provider.setting.headers.Bad Name: Invalid header name",
                "provider.setting.headers.X-Inject: Header value must not contain line breaks or NUL");
        assertThat(e.getMessage()).doesNotContain("secret-value");
    }

    @Test
    void pricingEntriesNeedNonNegativeInputAndOutput() {
        assertThat(problems("""
                [pricing."m"]
                cachedInput = -1
                output = "cheap"
                [pricing."n"]
                input = 1
                output = 2
                extra = true
                """)).containsExactly(
                "pricing.m.input: Required",
                "pricing.m.cachedInput: Must be at least 0",
                "pricing.m.output: Expected number, received string");
    }

    @Test
    void expertKeysFollowTheKeyRule() {
        assertThat(problems("""
                [experts."Upper"]
                instruction = "x"
                [experts."name@"]
                instruction = "x"
                [experts."name@1.2.3@latest"]
                instruction = "x"
                [experts."name@1.2"]
                instruction = "x"
                [experts."@org/name@1.2.3-rc.1+build.5"]
                instruction = "x"
                [experts."@org/name@latest"]
                instruction = "x"
                [experts."a.b_c-d"]
                instruction = "x"
                """)).containsExactly(
                "experts.Upper: Invalid Expert key \"Upper\"",
                "experts.name@: Invalid Expert key \"name@\"",
                "experts.name@1.2.3@latest: Invalid Expert key \"name@1.2.3@latest\"");
    }

    @Test
    void expertKeyLongerThan511CharactersIsReported() {
        String ok = repeat('a', 511);
        String tooLong = repeat('a', 512);

        assertThat(problems("[experts.\"" + ok + "\"]\ninstruction = \"x\"\n[experts.\"" + tooLong
                + "\"]\ninstruction = \"x\"\n"))
                .containsExactly("experts." + tooLong + ": Expert key must be at most 511 characters");
    }

    @Test
    void instructionIsRequiredAndLimitedTo20480Characters() {
        assertThat(problems("[experts.\"solo\"]\ndescription = \"d\"\n"))
                .containsExactly("experts.solo.instruction: Required");
        assertThat(problems("[experts.\"solo\"]\ninstruction = \"" + repeat('i', 20481) + "\"\n"))
                .containsExactly("experts.solo.instruction: Must be at most 20480 characters (got 20481)");
        assertThat(PerstackToml.parse(("[experts.\"solo\"]\ninstruction = \"" + repeat('i', 20480) + "\"\n")
                .getBytes(StandardCharsets.UTF_8), null, "perstack.toml").experts().get("solo").instruction())
                .hasSize(20480);
    }

    @Test
    void descriptionMustHaveOneTo2048Characters() {
        assertThat(problems(SOLO + "description = \"\"\n")).containsExactly("experts.solo.description: Must not be empty");
        assertThat(problems(SOLO + "description = \"" + repeat('d', 2049) + "\"\n"))
                .containsExactly("experts.solo.description: Must be at most 2048 characters (got 2049)");
    }

    @Test
    void versionMustBeSemver() {
        assertThat(problems(SOLO + "version = \"1.0\"\n"))
                .containsExactly("experts.solo.version: Invalid version \"1.0\" (expected semver such as 1.0.0)");
        assertThat(problems(SOLO + "version = \"01.0.0\"\n")).hasSize(1);
    }

    @Test
    void delegatesMustBeExpertKeysAndAtMost255() {
        assertThat(problems(SOLO + "delegates = [\"ok\", \"Not Valid\", 7]\n")).containsExactly(
                "experts.solo.delegates.1: Invalid Expert key \"Not Valid\"",
                "experts.solo.delegates.2: Expected string, received integer");
        assertThat(problems(SOLO + "delegates = " + tomlArray(256, "d") + "\n"))
                .containsExactly("experts.solo.delegates: Must have at most 255 entries (got 256)");
    }

    @Test
    void tagsAreAtMostEightAndFollowTheTagRule() {
        assertThat(problems(SOLO + "tags = [\"ok\", \"Bad Tag\", \"-lead\"]\n")).containsExactly(
                "experts.solo.tags.1: Invalid tag \"Bad Tag\"",
                "experts.solo.tags.2: Invalid tag \"-lead\"");
        assertThat(problems(SOLO + "tags = " + tomlArray(9, "t") + "\n"))
                .containsExactly("experts.solo.tags: Must have at most 8 entries (got 9)");
    }

    @Test
    void providerSkillsAreCheckedByType() {
        assertThat(problems(SOLO + """
                providerSkills = [
                  { type = "builtin", skillId = "zip" },
                  { type = "custom", name = "n" },
                  { type = "remote" },
                  "pdf",
                ]
                """)).containsExactly(
                "experts.solo.providerSkills.0.skillId: Expected one of \"pdf\", \"docx\", \"pptx\", \"xlsx\"; "
                        + "received \"zip\"",
                "experts.solo.providerSkills.1.definition: Required",
                "experts.solo.providerSkills.2.type: Expected one of \"builtin\", \"custom\"; received \"remote\"",
                "experts.solo.providerSkills.3: Expected table, received string");
    }

    @Test
    void providerToolOptionsNeedPositiveCounts() {
        assertThat(problems(SOLO + """
                [experts."solo".providerToolOptions]
                webSearch = { maxUses = 0 }
                fileSearch = { maxNumResults = -2, vectorStoreIds = "vs" }
                """)).containsExactly(
                "experts.solo.providerToolOptions.webSearch.maxUses: Must be at least 1",
                "experts.solo.providerToolOptions.fileSearch.vectorStoreIds: Expected array, received string",
                "experts.solo.providerToolOptions.fileSearch.maxNumResults: Must be at least 1");
    }

    @Test
    void skillTypeIsRequiredAndMustBeKnown() {
        assertThat(skillProblems("tool", "command = \"npx\"")).containsExactly(
                "experts.solo.skills.tool.type: Required");
        assertThat(skillProblems("tool", "type = \"mcpHttpSkill\"")).containsExactly(
                "experts.solo.skills.tool.type: Expected one of \"mcpStdioSkill\", \"mcpSseSkill\", "
                        + "\"interactiveSkill\", \"mcpStreamableHttpSkill\"; received \"mcpHttpSkill\"");
    }

    @Test
    void stdioSkillNeedsACommand() {
        assertThat(skillProblems("tool", "type = \"mcpStdioSkill\"\npackageName = \"x\"")).containsExactly(
                "experts.solo.skills.tool.command: Required");
        assertThat(skillProblems("tool", "type = \"mcpStdioSkill\"\ncommand = \"\"")).containsExactly(
                "experts.solo.skills.tool.command: Must not be empty");
    }

    @Test
    void stdioSkillFieldTypesAreChecked() {
        assertThat(skillProblems("tool", """
                type = "mcpStdioSkill"
                command = "node"
                args = "server.js"
                lazyInit = "yes"
                packageName = 1
                """)).containsExactly(
                "experts.solo.skills.tool.packageName: Expected string, received integer",
                "experts.solo.skills.tool.args: Expected array, received string",
                "experts.solo.skills.tool.lazyInit: Expected boolean, received string");
    }

    @Test
    void requiredEnvRefusesProtectedNamesInAnyCaseAndInvalidNames() {
        assertThat(skillProblems("tool", """
                type = "mcpStdioSkill"
                command = "npx"
                packageName = "tool"
                requiredEnv = ["API_TOKEN", "path", "Ld_Preload", "JAVA_TOOL_OPTIONS", "MY VAR", "_X"]
                """)).containsExactly(
                "experts.solo.skills.tool.requiredEnv.1: Skill tool may not request protected variable path",
                "experts.solo.skills.tool.requiredEnv.2: Skill tool may not request protected variable Ld_Preload",
                "experts.solo.skills.tool.requiredEnv.3: Skill tool may not request protected variable "
                        + "JAVA_TOOL_OPTIONS",
                "experts.solo.skills.tool.requiredEnv.4: Invalid environment variable name \"MY VAR\"",
                "experts.solo.skills.tool.requiredEnv.5: Invalid environment variable name \"_X\"");
    }

    @Test
    void skillListsAndTextsHaveLimits() {
        assertThat(skillProblems("tool", """
                type = "mcpStdioSkill"
                command = "npx"
                packageName = "tool"
                description = "%s"
                rule = "%s"
                pick = %s
                omit = ["%s"]
                requiredEnv = %s
                """.formatted(repeat('d', 2049), repeat('r', 2049), tomlArray(256, "p"), repeat('o', 256),
                tomlArray(256, "E")))).containsExactly(
                "experts.solo.skills.tool.description: Must be at most 2048 characters (got 2049)",
                "experts.solo.skills.tool.rule: Must be at most 2048 characters (got 2049)",
                "experts.solo.skills.tool.pick: Must have at most 255 entries (got 256)",
                "experts.solo.skills.tool.omit.0: Tool name must be at most 255 characters",
                "experts.solo.skills.tool.requiredEnv: Must have at most 255 entries (got 256)");
    }

    @Test
    void anExpertHasAtMost255Skills() {
        StringBuilder toml = new StringBuilder(SOLO);
        for (int i = 0; i < 256; i++) {
            toml.append("[experts.\"solo\".skills.\"s").append(i)
                    .append("\"]\ntype = \"mcpStdioSkill\"\ncommand = \"npx\"\n");
        }
        assertThat(problems(toml.toString()))
                .containsExactly("experts.solo.skills: Must have at most 255 skills (got 256)");
    }

    @Test
    void emptySkillNameIsReported() {
        assertThat(skillProblems("", "type = \"mcpStdioSkill\"\ncommand = \"npx\""))
                .containsExactly("experts.solo.skills.: Skill name must not be empty");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            mcpSseSkill            | http://mcp.example.com/sse
            mcpSseSkill            | https://localhost/sse
            mcpSseSkill            | https://10.1.2.3/sse
            mcpSseSkill            | https://192.168.0.10:8443/sse
            mcpSseSkill            | https://[::1]/sse
            mcpSseSkill            | https://[fd00::1]/sse
            mcpStreamableHttpSkill | https://169.254.169.254/latest
            mcpStreamableHttpSkill | https://127.0.0.1/mcp
            mcpStreamableHttpSkill | https://[::ffff:10.0.0.1]/mcp
            mcpStreamableHttpSkill | https://2130706433/mcp
            """)
    void remoteSkillEndpointsMustBePublicHttps(String type, String endpoint) {
        assertThat(skillProblems("remote", "type = \"" + type + "\"\nendpoint = \"" + endpoint + "\""))
                .containsExactly("experts.solo.skills.remote.endpoint: SSE endpoint must be a public HTTPS URL");
    }

    @Test
    void remoteSkillEndpointIsRequired() {
        assertThat(skillProblems("remote", "type = \"mcpSseSkill\"")).containsExactly(
                "experts.solo.skills.remote.endpoint: Required");
    }

    @Test
    void allowedDomainsEntriesAreCheckedOneByOne() {
        assertThat(skillProblems("tool", """
                type = "mcpStdioSkill"
                command = "npx"
                packageName = "tool"
                allowedDomains = ["ok.example.com", "bad_domain.com", "xn--80ak6aa92e.com", "1.2.3.4",
                                  "2130706433", "0x7f.1", "*.com", "exämple.com", "example.com.."]
                """)).containsExactly(
                "experts.solo.skills.tool.allowedDomains.1: Invalid domain pattern. Use exact domain (example.com) "
                        + "or wildcard prefix (*.example.com)",
                "experts.solo.skills.tool.allowedDomains.2: Punycode domains (xn--) are not allowed to prevent "
                        + "homograph attacks. Use ASCII domains only.",
                "experts.solo.skills.tool.allowedDomains.3: IP addresses are not allowed in allowedDomains. "
                        + "Use a domain name.",
                "experts.solo.skills.tool.allowedDomains.4: IP addresses are not allowed in allowedDomains. "
                        + "Use a domain name.",
                "experts.solo.skills.tool.allowedDomains.5: IP addresses are not allowed in allowedDomains. "
                        + "Use a domain name.",
                "experts.solo.skills.tool.allowedDomains.6: Wildcard patterns need at least two labels after "
                        + "\"*.\" (for example *.example.com)",
                "experts.solo.skills.tool.allowedDomains.7: Invalid domain pattern. Use exact domain (example.com) "
                        + "or wildcard prefix (*.example.com)",
                "experts.solo.skills.tool.allowedDomains.8: Invalid domain pattern. Use exact domain (example.com) "
                        + "or wildcard prefix (*.example.com)");
    }

    @Test
    void interactiveSkillNeedsToolsWithAJsonObjectSchema() {
        assertThat(skillProblems("ask", "type = \"interactiveSkill\"")).containsExactly(
                "experts.solo.skills.ask.tools: Required");
        List<String> problems = skillProblems("ask", """
                type = "interactiveSkill"
                [experts."solo".skills."ask".tools."confirm"]
                inputJsonSchema = "[1, 2]"
                [experts."solo".skills."ask".tools."broken"]
                inputJsonSchema = "{not json"
                [experts."solo".skills."ask".tools."missing"]
                description = "no schema"
                """);
        assertThat(problems).hasSize(3);
        assertThat(problems.get(0)).isEqualTo("experts.solo.skills.ask.tools.confirm.inputJsonSchema: "
                + "Skill ask tool confirm has an invalid inputJsonSchema: not a JSON object");
        assertThat(problems.get(1)).startsWith("experts.solo.skills.ask.tools.broken.inputJsonSchema: "
                + "Skill ask tool broken has an invalid inputJsonSchema: ").doesNotContain("Source:");
        assertThat(problems.get(2)).isEqualTo("experts.solo.skills.ask.tools.missing.inputJsonSchema: Required");
    }

    @Test
    void interactiveSchemaIsLimitedTo20480Characters() {
        String schema = "{\"description\":\"" + repeat('x', 20470) + "\"}";
        assertThat(schema).hasSize(20488);
        assertThat(skillProblems("ask", """
                type = "interactiveSkill"
                [experts."solo".skills."ask".tools."t"]
                inputJsonSchema = '%s'
                """.formatted(schema))).containsExactly(
                "experts.solo.skills.ask.tools.t.inputJsonSchema: Must be at most 20480 characters (got 20488)");
    }

    @Test
    void everyExpertAndSkillIsCheckedInOnePass() {
        List<String> problems = problems("""
                [experts."a"]
                instruction = "x"
                tags = ["Bad"]
                [experts."a".skills."s"]
                type = "mcpSseSkill"
                endpoint = "http://example.com"
                [experts."b"]
                version = "v2"
                """);

        assertThat(problems).containsExactly(
                "experts.a.tags.0: Invalid tag \"Bad\"",
                "experts.a.skills.s.endpoint: SSE endpoint must be a public HTTPS URL",
                "experts.b.version: Invalid version \"v2\" (expected semver such as 1.0.0)",
                "experts.b.instruction: Required");
    }
}
