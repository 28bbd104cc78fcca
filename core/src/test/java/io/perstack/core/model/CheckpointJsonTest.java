package io.perstack.core.model;

import static io.perstack.core.json.WireAssert.assertRecordRoundTrip;
import static io.perstack.core.json.WireAssert.assertRoundTrip;
import static io.perstack.core.json.WireAssert.assertSameJson;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.perstack.core.json.Json;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CheckpointJsonTest {

    @ParameterizedTest
    @ValueSource(strings = {"init", "proceeding", "completed", "stoppedByInteractiveTool", "stoppedByDelegate",
            "stoppedByExceededMaxSteps", "stoppedByError"})
    void checkpointOfEveryStatusRoundTripsThroughTheDocumentedShape(String status) {
        Checkpoint checkpoint = assertRoundTrip(Samples.checkpoint(status), Checkpoint.class);
        assertThat(checkpoint.status().wire()).isEqualTo(status);
        assertThat(CheckpointStatus.fromWire(status)).isSameAs(checkpoint.status());
    }

    @Test
    void theModelKnowsExactlyTheDocumentedStatuses() {
        assertThat(Arrays.stream(CheckpointStatus.values()).map(CheckpointStatus::wire)).containsExactlyInAnyOrder(
                "init", "proceeding", "completed", "stoppedByInteractiveTool", "stoppedByDelegate",
                "stoppedByExceededMaxSteps", "stoppedByError");
    }

    @Test
    void checkpointWithEveryOptionalFieldRoundTripsThroughTheDocumentedShape() {
        Checkpoint c = assertRoundTrip(Samples.FULL_CHECKPOINT, Checkpoint.class);
        assertThat(c.status()).isEqualTo(CheckpointStatus.STOPPED_BY_DELEGATE);
        assertThat(c.messages()).hasSize(4);
        assertThat(c.delegateTo()).singleElement().satisfies(t -> {
            assertThat(t.expert()).isEqualTo(new ExpertRef("@acme/researcher@2.1.0", "@acme/researcher", "2.1.0"));
            assertThat(t.query()).isEqualTo("Find the release date");
        });
        assertThat(c.delegatedBy()).isEqualTo(new DelegatedBy(new ExpertRef("greeter", "greeter", "1.0.0"),
                "toolu_00", "writer", "c9parentaaaaaaaaaaaaaaaa", "r1runaaaaaaaaaaaaaaaaaaa"));
        assertThat(c.usage()).isEqualTo(new Usage(1200, 85, 40, 1585, 300));
        assertThat(c.contextWindow()).isEqualTo(200000L);
        assertThat(c.contextWindowUsage()).isEqualTo(0.0079);
        assertThat(c.pendingToolCalls()).extracting(ToolCall::toolName).containsExactly("askUser");
        assertThat(c.partialToolResults()).extracting(ToolResult::id).containsExactly("toolu_01");
        assertThat(c.todos()).isEqualTo(new Todo(2, List.of(new Todo.Item(0, "Read the file", true),
                new Todo.Item(1, "Summarise", false))));
        assertThat(c.retries()).isEqualTo(1);
    }

    @Test
    void stoppedByErrorCheckpointCarriesTheErrorShape() {
        Checkpoint c = assertRoundTrip(Samples.ERROR_CHECKPOINT, Checkpoint.class);
        assertThat(c.error()).isEqualTo(new RunError("APICallError", "Overloaded", 529, false));
        assertSameJson(Json.write(c.error()), """
                {"name": "APICallError", "message": "Overloaded", "statusCode": 529, "isRetryable": false}""");
    }

    @Test
    void runErrorWithoutStatusCodeOmitsItAndKeepsIsRetryable() {
        RunError error = assertRoundTrip(Samples.ERROR, RunError.class);
        assertThat(error.statusCode()).isNull();
        JsonNode tree = Json.tree(Json.write(error));
        assertThat(tree.has("statusCode")).isFalse();
        assertThat(tree.get("isRetryable").isBoolean()).isTrue();
        assertThat(Json.read("""
                {"name": "TimeoutError", "message": "t", "isRetryable": true}""", RunError.class).isRetryable())
                .isTrue();
    }

    @Test
    void initialCheckpointWithEmptyHistoryAndZeroWindowUsageRoundTrips() {
        Checkpoint c = assertRoundTrip(Samples.INIT_CHECKPOINT, Checkpoint.class);
        assertThat(c.messages()).isEmpty();
        assertThat(c.contextWindowUsage()).isZero();
        assertThat(Json.tree(Json.write(c)).get("messages").isArray()).isTrue();
    }

    @Test
    void absentOptionalFieldsAreOmittedNotWrittenAsNull() {
        Checkpoint c = Json.read(Samples.checkpoint("proceeding"), Checkpoint.class);
        JsonNode tree = Json.tree(Json.write(c));
        for (String optional : List.of("delegateTo", "delegatedBy", "contextWindow", "contextWindowUsage",
                "pendingToolCalls", "partialToolResults", "metadata", "error", "retryCount", "messageRef")) {
            assertThat(tree.has(optional)).as(optional).isFalse();
        }
        assertThat(tree.properties()).allSatisfy(e -> assertThat(e.getValue().isNull()).as(e.getKey()).isFalse());
    }

    @Test
    void metadataKeepsFieldsOtherThanTodos() {
        String sample = """
                {"id": "c", "jobId": "j", "runId": "r", "status": "completed", "stepNumber": 2, "messages": [],
                 "expert": %s, "usage": %s,
                 "metadata": {"runtime": "local", "todos": {"nextId": 0, "items": []}, "custom": {"a": [1, 2]}}}"""
                .formatted(Samples.EXPERT, Samples.ZERO_USAGE);
        Checkpoint c = assertRoundTrip(sample, Checkpoint.class);
        assertThat(c.todos()).isEqualTo(Todo.EMPTY);
        assertThat(c.metadata().extra()).containsOnlyKeys("runtime", "custom");
    }

    @Test
    void replacingTheTodosKeepsTheOtherMetadataKeys() {
        String sample = """
                {"id": "c", "jobId": "j", "runId": "r", "status": "proceeding", "stepNumber": 2, "messages": [],
                 "expert": %s, "usage": %s, "metadata": {"runtime": "docker"}}"""
                .formatted(Samples.EXPERT, Samples.ZERO_USAGE);
        Checkpoint c = Json.read(sample, Checkpoint.class).toBuilder()
                .todos(new Todo(1, List.of(new Todo.Item(0, "a", false)))).build();
        assertSameJson(Json.write(Json.tree(Json.write(c)).get("metadata")), """
                {"runtime": "docker", "todos": {"nextId": 1, "items": [{"id": 0, "title": "a", "completed": false}]}}""");
    }

    @Test
    void storedFormCarriesAMessageRefInsteadOfMessages() {
        String stored = """
                {"id": "c5", "jobId": "j", "runId": "r2", "status": "proceeding", "stepNumber": 4,
                 "expert": %s, "usage": %s, "messageRef": {"runId": "r1", "count": 12}}"""
                .formatted(Samples.EXPERT, Samples.USAGE);
        Checkpoint c = assertRoundTrip(stored, Checkpoint.class);
        assertThat(c.messages()).isNull();
        assertThat(c.messageRef()).isEqualTo(new MessageRef("r1", 12));
        assertThat(c.messagesOrEmpty()).isEmpty();
    }

    @Test
    void builtCheckpointRoundTripsAsARecord() {
        Checkpoint c = Checkpoint.builder().id("c1").jobId("j1").runId("r1").status(CheckpointStatus.STOPPED_BY_ERROR)
                .stepNumber(3).messages(List.of(new Message.UserMessage("m", List.of(new MessagePart.TextPart("p",
                        "q")), null)))
                .expert(new ExpertRef("k", "k", "1.0.0")).usage(Usage.of(10, 2, 3, 1))
                .contextWindow(1000L).contextWindowUsage(0.015)
                .pendingToolCalls(List.of(new ToolCall("t1", "s", "n", Json.object().put("a", 1))))
                .partialToolResults(List.of(new ToolResult("t0", "s", "n", List.of(new MessagePart.TextPart("x",
                        "y")))))
                .todos(new Todo(1, List.of(new Todo.Item(0, "x", false))))
                .error(RunError.of("DelegationFailed", "Delegate k stopped with status stoppedByError"))
                .retryCount(2).build();
        String json = assertRecordRoundTrip(c, Checkpoint.class);
        assertThat(Json.tree(json).get("status").asText()).isEqualTo("stoppedByError");
        assertThat(Json.tree(json).at("/metadata/todos/items/0/title").asText()).isEqualTo("x");
    }
}
