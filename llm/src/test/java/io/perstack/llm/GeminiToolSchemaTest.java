package io.perstack.llm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.perstack.core.config.ReasoningBudget;
import io.perstack.core.json.Json;
import io.perstack.core.model.Message;
import io.perstack.core.model.MessagePart.TextPart;
import io.perstack.core.tool.ToolDefinition;
import io.perstack.testkit.llm.Reply;
import io.perstack.testkit.llm.Script;
import io.perstack.testkit.llm.ScriptedLlmServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real MCP tool schemas carry keywords Gemini's typed model has no place for; the tool must still be offered. */
class GeminiToolSchemaTest {
    @TempDir
    Path dir;

    @Test
    void toolSchemasWithValidationKeywordsReachGeminiWithEveryPropertyTyped() {
        ToolDefinition rich = new ToolDefinition("fs", "search", "Searches files", Json.tree("""
                {"$schema":"http://json-schema.org/draft-07/schema#","type":"object","title":"Search",
                 "properties":{
                   "query":{"type":"string","minLength":1,"description":"What to find"},
                   "limit":{"type":"integer","minimum":1,"maximum":100,"default":10},
                   "cwd":{"type":["string","null"],"format":"uri"},
                   "extra":{},
                   "tags":{"type":"array","items":{"type":"string","pattern":"^[a-z]+$"},"uniqueItems":true}},
                 "required":["query"],"additionalProperties":false}"""));
        try (GoogleTokenServer tokens = new GoogleTokenServer();
             ScriptedLlmServer server = ScriptedLlmServer.start(Script.of(Reply.text("ok")))) {
            LlmClient client = ProviderTarget.GOOGLE.client(server, tokens, dir);

            GenerationOutcome outcome = client.generate(new GenerationRequest("gemini-2.5-flash", List.of(
                    new Message.UserMessage("m", List.of(new TextPart("t", "find notes")), null)), List.of(rich),
                    ReasoningBudget.parse("none"), Duration.ofSeconds(20)), GenerationListener.NONE);

            assertThat(outcome).isInstanceOf(GenerationOutcome.Generated.class);
            JsonNode declaration = server.requests().getFirst().body().path("tools").get(0)
                    .path("functionDeclarations").get(0);
            assertThat(declaration.path("name").asText()).isEqualTo("search");
            JsonNode props = declaration.path("parameters").path("properties");
            assertThat(props.path("query").path("type").asText()).isEqualToIgnoringCase("string");
            assertThat(props.path("query").path("description").asText()).isEqualTo("What to find");
            assertThat(props.path("limit").path("type").asText()).isEqualToIgnoringCase("integer");
            assertThat(props.path("cwd").path("type").asText()).isEqualToIgnoringCase("string");
            assertThat(props.path("extra").path("type").asText()).isEqualToIgnoringCase("string");
            assertThat(props.path("tags").path("items").path("type").asText()).isEqualToIgnoringCase("string");
            assertThat(declaration.path("parameters").path("required").toString()).contains("query");
        }
    }
}
