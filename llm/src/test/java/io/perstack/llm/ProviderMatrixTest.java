package io.perstack.llm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.perstack.core.config.ReasoningBudget;
import io.perstack.core.id.Ids;
import io.perstack.core.json.Json;
import io.perstack.core.model.Message;
import io.perstack.core.model.MessagePart;
import io.perstack.core.model.MessagePart.TextPart;
import io.perstack.core.tool.ToolDefinition;
import io.perstack.testkit.llm.RecordedRequest;
import io.perstack.testkit.llm.Reply;
import io.perstack.testkit.llm.Script;
import io.perstack.testkit.llm.ScriptedLlmServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every provider over real HTTP against the scripted server: a tool loop, reasoning with signatures, usage, and the
 * classification of each kind of failure. The client is driven directly, as the agent loop drives it.
 */
class ProviderMatrixTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final ToolDefinition READ = new ToolDefinition("base", "readTextFile", "Reads a text file",
            Json.tree("""
                    {"type":"object","properties":{"path":{"type":"string","description":"File path"}},
                     "required":["path"]}"""));
    private static final ToolDefinition LIST = new ToolDefinition("base", "listDirectory", "Lists a directory",
            Json.tree("""
                    {"type":"object","properties":{"path":{"type":"string"}},"required":["path"]}"""));

    @TempDir
    Path dir;

    private GoogleTokenServer tokens;
    private ScriptedLlmServer server;

    @BeforeEach
    void startTokenServer() {
        tokens = new GoogleTokenServer();
    }

    @AfterEach
    void stopServers() {
        if (server != null) {
            server.close();
        }
        tokens.close();
    }

    private LlmClient serve(ProviderTarget target, Reply... replies) {
        server = ScriptedLlmServer.start(Script.of(replies));
        return target.client(server, tokens, dir);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(ProviderTarget.class)
    void threeStepToolLoopCarriesCallsAndResultsThroughTheHistory(ProviderTarget target) {
        LlmClient client = serve(target,
                Reply.toolCall("call_1", "listDirectory", "{\"path\":\".\"}").withUsage(100, 20, 30, 10)
                        .withReasoningTokens(5),
                Reply.toolCall("call_2", "readTextFile", "{\"path\":\"notes.md\"}"),
                Reply.text("The notes say hello."));
        Conversation c = new Conversation();

        GenerationResult first = c.generate(client, target, ReasoningBudget.parse("none"));
        assertThat(first.toolCalls()).singleElement().satisfies(call -> {
            assertThat(call.toolName()).isEqualTo("listDirectory");
            assertThat(call.args().path("path").asText()).isEqualTo(".");
        });
        assertThat(first.finishReason().kind()).isEqualTo(FinishReason.Kind.TOOL_CALLS);
        assertThat(first.usage()).isEqualTo(target.expectedUsage());
        c.answer(first, "notes.md\nREADME.md");

        GenerationResult second = c.generate(client, target, ReasoningBudget.parse("none"));
        assertThat(second.toolCalls()).singleElement().satisfies(call -> {
            assertThat(call.toolName()).isEqualTo("readTextFile");
            assertThat(call.args().path("path").asText()).isEqualTo("notes.md");
        });
        c.answer(second, "hello from the notes file");

        GenerationResult third = c.generate(client, target, ReasoningBudget.parse("none"));
        assertThat(third.toolCalls()).isEmpty();
        assertThat(third.text()).isEqualTo("The notes say hello.");
        assertThat(third.finishReason().kind()).isEqualTo(FinishReason.Kind.STOP);

        List<RecordedRequest> sent = server.requests();
        assertThat(sent).hasSize(3);
        for (RecordedRequest r : sent) {
            target.assertAuthenticated(r);
            target.assertSystemPrompt(r.body(), "Answer from the files.");
            assertThat(r.bodyText()).contains("readTextFile", "listDirectory", "Reads a text file",
                    "Answer from the files.", "What do the notes say?");
            if (target.wire != io.perstack.testkit.llm.Wire.BEDROCK) {
                assertThat(r.model()).isEqualTo(target.model);
            }
        }
        assertThat(sent.get(1).bodyText()).contains("notes.md\\nREADME.md").doesNotContain("hello from the notes");
        assertThat(sent.get(2).bodyText()).contains("notes.md\\nREADME.md", "hello from the notes file");
        if (target.wire != io.perstack.testkit.llm.Wire.GEMINI && target.wire != io.perstack.testkit.llm.Wire.OLLAMA) {
            // Gemini and Ollama match results to calls by name and order; the others by the call's id.
            assertThat(sent.get(2).bodyText()).contains(first.toolCalls().getFirst().id(),
                    second.toolCalls().getFirst().id());
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(ProviderTarget.class)
    void reasoningIsStreamedKeptAndSentBackWithItsSignature(ProviderTarget target) {
        String thought = "The user wants the notes. I should read notes.md first.";
        LlmClient client = serve(target,
                Reply.toolCall("call_1", "readTextFile", "{\"path\":\"notes.md\"}").withThinking(thought, "sig-7f2c"),
                Reply.text("They say hello.").withThinking("Now answer.", "sig-9d41"));
        Conversation c = new Conversation();
        List<String> deltas = new ArrayList<>();
        GenerationListener listener = new GenerationListener() {
            @Override
            public void reasoningDelta(String delta) {
                deltas.add(delta);
            }
        };

        GenerationResult first = c.generate(client, target, ReasoningBudget.parse("medium"), listener);
        assertThat(deltas).hasSizeGreaterThan(1).allSatisfy(d -> assertThat(d).isNotEmpty());
        assertThat(String.join("", deltas)).isEqualTo(thought);
        assertThat(first.thinking()).singleElement().satisfies(t -> {
            assertThat(t.thinking()).isEqualTo(thought);
            if (target.signs) {
                assertThat(t.signature()).isEqualTo("sig-7f2c");
            }
        });
        c.answer(first, "hello");
        GenerationResult second = c.generate(client, target, ReasoningBudget.parse("medium"), listener);
        assertThat(second.text()).isEqualTo("They say hello.");

        List<RecordedRequest> sent = server.requests();
        target.assertReasoningOptions(sent.get(0).body(), ReasoningBudget.parse("medium"));
        if (target.signs) {
            assertThat(sent.get(1).bodyText()).contains("sig-7f2c", thought);
        }
        if (target == ProviderTarget.DEEPSEEK) {
            assertThat(sent.get(1).body().path("messages").findValuesAsText("reasoning_content")).contains(thought);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(ProviderTarget.class)
    void reasoningOptionsFollowTheBudget(ProviderTarget target) {
        List<ReasoningBudget> budgets = List.of(ReasoningBudget.parse("none"), ReasoningBudget.parse("minimal"),
                ReasoningBudget.LOW, ReasoningBudget.parse("high"), ReasoningBudget.parse("4000"),
                ReasoningBudget.parse("0"));
        LlmClient client = serve(target, Reply.text("ok").repeat(budgets.size()));
        for (ReasoningBudget budget : budgets) {
            assertThat(new Conversation().generate(client, target, budget).text()).isEqualTo("ok");
        }
        List<RecordedRequest> sent = server.requests();
        for (int i = 0; i < budgets.size(); i++) {
            target.assertReasoningOptions(sent.get(i).body(), budgets.get(i));
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(ProviderTarget.class)
    void tooManyRequestsIsRetryableWithRetryAfterAndTheClientDoesNotRetryItself(ProviderTarget target) {
        LlmClient client = serve(target, Reply.error(429).withHeader("retry-after", "7"), Reply.text("after"));
        Conversation c = new Conversation();

        ProviderError error = c.fail(client, target);
        assertThat(error.retryable()).isTrue();
        assertThat(error.statusCode()).isEqualTo(429);
        assertThat(error.retryAfter()).isEqualTo(Duration.ofSeconds(7));
        assertThat(server.requestCount()).isEqualTo(1);

        assertThat(c.generate(client, target, ReasoningBudget.LOW).text()).isEqualTo("after");
        assertThat(server.requestCount()).isEqualTo(2);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(ProviderTarget.class)
    void badRequestIsNotRetryableAndCarriesNameMessageAndStatus(ProviderTarget target) {
        LlmClient client = serve(target, Reply.error(400).withError(null, "messages: field is malformed"));

        ProviderError error = new Conversation().fail(client, target);
        assertThat(error.retryable()).isFalse();
        assertThat(error.statusCode()).isEqualTo(400);
        assertThat(error.name()).isNotBlank();
        assertThat(error.message()).contains("messages: field is malformed");
        assertThat(server.requestCount()).isEqualTo(1);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(ProviderTarget.class)
    void serviceUnavailableIsRetryableAndTriedOnce(ProviderTarget target) {
        LlmClient client = serve(target, Reply.error(503));

        ProviderError error = new Conversation().fail(client, target);
        assertThat(error.retryable()).isTrue();
        assertThat(error.statusCode()).isEqualTo(503);
        assertThat(server.requestCount()).isEqualTo(1);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(ProviderTarget.class)
    void generationSlowerThanTheTimeoutFailsAsARetryableTimeout(ProviderTarget target) {
        LlmClient client = serve(target, Reply.text("too late").withDelay(Duration.ofSeconds(5)));
        Conversation c = new Conversation();

        GenerationOutcome outcome = client.generate(c.request(target, ReasoningBudget.LOW, Duration.ofMillis(300)),
                GenerationListener.NONE);
        assertThat(outcome).isInstanceOfSatisfying(GenerationOutcome.Failed.class, f -> {
            assertThat(f.error().name()).isEqualTo("TimeoutError");
            assertThat(f.error().retryable()).isTrue();
        });
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(ProviderTarget.class)
    void anOverloadReportedInsideTheStreamFailsTheGenerationAsRetryable(ProviderTarget target) {
        LlmClient client = serve(target, Reply.text("partial answer").withStreamError("overloaded_error",
                "Overloaded"));

        ProviderError error = new Conversation().fail(client, target);
        assertThat(error.retryable()).isTrue();
        assertThat(error.message()).containsIgnoringCase("overloaded");
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(ProviderTarget.class)
    void credentialsEchoedInAnErrorAreRedacted(ProviderTarget target) {
        String echoed = "rejected credentials: " + String.join(" and ", target.secrets());
        LlmClient client = serve(target, Reply.error(401).withError(null, echoed));

        ProviderError error = new Conversation().fail(client, target);
        assertThat(error.retryable()).isFalse();
        assertThat(error.message()).startsWith("rejected credentials: ").contains("[REDACTED]");
        for (String secret : target.secrets()) {
            assertThat(error.message()).doesNotContain(secret);
        }
    }

    /** The history of one run, built the way the agent loop builds it. */
    private static final class Conversation {
        private final List<Message> messages = new ArrayList<>(List.of(
                new Message.InstructionMessage(Ids.next(), List.of(new TextPart(Ids.next(), "Answer from the files.")),
                        true),
                new Message.UserMessage(Ids.next(), List.of(new TextPart(Ids.next(), "What do the notes say?")),
                        null)));

        GenerationRequest request(ProviderTarget target, ReasoningBudget budget, Duration timeout) {
            return new GenerationRequest(target.model, messages, List.of(READ, LIST), budget, timeout);
        }

        GenerationResult generate(LlmClient client, ProviderTarget target, ReasoningBudget budget) {
            return generate(client, target, budget, GenerationListener.NONE);
        }

        GenerationResult generate(LlmClient client, ProviderTarget target, ReasoningBudget budget,
                                  GenerationListener listener) {
            GenerationOutcome outcome = client.generate(request(target, budget, TIMEOUT), listener);
            assertThat(outcome).as("outcome of %s", target).isInstanceOf(GenerationOutcome.Generated.class);
            return ((GenerationOutcome.Generated) outcome).result();
        }

        ProviderError fail(LlmClient client, ProviderTarget target) {
            GenerationOutcome outcome = client.generate(request(target, ReasoningBudget.LOW, TIMEOUT),
                    GenerationListener.NONE);
            assertThat(outcome).as("outcome of %s", target).isInstanceOf(GenerationOutcome.Failed.class);
            return ((GenerationOutcome.Failed) outcome).error();
        }

        /** Appends the expert message (thinking, text, calls in that order) and one result per call. */
        void answer(GenerationResult result, String resultText) {
            List<MessagePart.ExpertContent> parts = new ArrayList<>(result.thinking());
            if (!result.text().isEmpty()) {
                parts.add(new TextPart(Ids.next(), result.text()));
            }
            List<MessagePart.ToolResultPart> results = new ArrayList<>();
            for (GeneratedToolCall call : result.toolCalls()) {
                parts.add(new MessagePart.ToolCallPart(Ids.next(), call.id(), call.toolName(), call.args()));
                results.add(new MessagePart.ToolResultPart(Ids.next(), call.id(), call.toolName(),
                        List.of(new TextPart(Ids.next(), resultText)), null));
            }
            messages.add(new Message.ExpertMessage(Ids.next(), parts, null));
            messages.add(new Message.ToolMessage(Ids.next(), results, null));
        }
    }

    static JsonNode body(RecordedRequest r) {
        return r.body();
    }
}
