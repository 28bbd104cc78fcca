package io.perstack.core.event;

import static io.perstack.core.json.WireAssert.assertRecordRoundTrip;
import static io.perstack.core.json.WireAssert.assertRoundTrip;
import static io.perstack.core.json.WireAssert.assertSameJson;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.perstack.core.event.EventPayload.*;
import io.perstack.core.json.Json;
import io.perstack.core.model.Checkpoint;
import io.perstack.core.model.MessageRef;
import io.perstack.core.model.Samples;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class EventJsonTest {

    private static final List<String> HEADER = List.of("type", "id", "expertKey", "timestamp", "jobId", "runId",
            "stepNumber");

    static Stream<Arguments> events() {
        return EventSamples.all().entrySet().stream().map(e -> Arguments.of(Named.of(e.getKey(), e.getValue())));
    }

    @ParameterizedTest
    @MethodSource("events")
    void everyEventRoundTripsThroughTheDocumentedFlatShape(String sample) {
        Event event = assertRoundTrip(sample, Event.class);
        JsonNode tree = Json.tree(sample);
        assertThat(event.type()).isEqualTo(tree.get("type").asText());
        assertThat(event.payload()).isNotInstanceOf(Unknown.class);
        assertThat(event.id()).isEqualTo(tree.get("id").asText());
        assertThat(event.timestamp()).isEqualTo(tree.get("timestamp").asLong());
        assertThat(event.jobId()).isEqualTo(tree.get("jobId").asText());
        assertThat(event.runId()).isEqualTo(tree.get("runId").asText());
        assertThat(EventTypes.typeOf(event.type())).isEqualTo(event.payload().getClass());
    }

    /** Fails when a payload record is added to {@link EventPayload} without a documented sample here. */
    @Test
    void everyPayloadRecordOfTheSealedHierarchyHasADocumentedSample() {
        Set<Class<?>> covered = new HashSet<>();
        for (String sample : EventSamples.all().values()) {
            covered.add(Json.read(sample, Event.class).payload().getClass());
        }
        covered.add(Unknown.class); // covered by the unknown-event tests below
        assertThat(covered).containsExactlyInAnyOrderElementsOf(leafRecords(EventPayload.class));
    }

    @Test
    void everyDocumentedTypeNameIsRegisteredWithADistinctPayload() {
        Map<Class<?>, String> seen = new HashMap<>();
        for (String type : EventSamples.all().keySet()) {
            Class<? extends EventPayload> payload = EventTypes.typeOf(type);
            assertThat(payload).as(type).isNotNull();
            assertThat(seen.put(payload, type)).as(type).isNull();
        }
        assertThat(seen).hasSize(31);
        assertThat(EventTypes.typeOf("startReasoning")).isNull();
        assertThat(EventTypes.typeOf("streamingReasoning")).isNull();
    }

    @Test
    void payloadFamiliesFollowTheDocumentedTables() {
        for (String type : EventSamples.STATE.keySet()) {
            assertThat(State.class.isAssignableFrom(EventTypes.typeOf(type))).as(type).isTrue();
        }
        for (String type : EventSamples.STREAMING.keySet()) {
            assertThat(Streaming.class.isAssignableFrom(EventTypes.typeOf(type))).as(type).isTrue();
        }
        for (String type : EventSamples.RUNTIME.keySet()) {
            assertThat(EventPayload.Runtime.class.isAssignableFrom(EventTypes.typeOf(type))).as(type).isTrue();
        }
    }

    @Test
    void terminalEventsAreExactlyTheDocumentedFive() {
        assertThat(leafRecords(Terminal.class)).containsExactlyInAnyOrder(CompleteRun.class,
                StopRunByInteractiveTool.class, StopRunByDelegate.class, StopRunByExceededMaxSteps.class,
                StopRunByError.class);
        assertThat(leafRecords(WithCheckpoint.class)).containsExactlyInAnyOrderElementsOf(
                List.of(ContinueToNextStep.class, CompleteRun.class, StopRunByInteractiveTool.class,
                        StopRunByDelegate.class, StopRunByExceededMaxSteps.class, StopRunByError.class));
    }

    @ParameterizedTest
    @MethodSource("events")
    void headerFieldsComeFirstAndFollowTheFamily(String sample) {
        Event event = Json.read(sample, Event.class);
        JsonNode written = Json.tree(Json.write(event));
        List<String> names = new ArrayList<>();
        written.fieldNames().forEachRemaining(names::add);
        List<String> expectedHeader = event.isRuntime()
                ? List.of("type", "id", "timestamp", "jobId", "runId")
                : HEADER;
        assertThat(names.subList(0, expectedHeader.size())).containsExactlyElementsOf(expectedHeader);
        assertThat(names.subList(expectedHeader.size(), names.size())).doesNotContainAnyElementsOf(HEADER);
    }

    @Test
    void runtimeEventsCarryNoExpertKeyAndNoStepNumber() {
        Event built = new Event("e1", "greeter", 5L, "j", "r", 3, new SkillDisconnected("@perstack/base"));
        JsonNode tree = Json.tree(Json.write(built));
        assertThat(tree.has("expertKey")).isFalse();
        assertThat(tree.has("stepNumber")).isFalse();
        assertSameJson(Json.write(built), """
                {"type": "skillDisconnected", "id": "e1", "timestamp": 5, "jobId": "j", "runId": "r",
                 "skillName": "@perstack/base"}""");
    }

    @Test
    void streamingStartEventsHaveNoPayloadFields() {
        Event event = new Event("e", "greeter", 1L, "j", "r", 1, new StartStreamingRunResult());
        assertSameJson(Json.write(event), """
                {"type": "startStreamingRunResult", "id": "e", "expertKey": "greeter", "timestamp": 1, "jobId": "j",
                 "runId": "r", "stepNumber": 1}""");
    }

    @Test
    void onlyStreamDeltasAreNotPersisted() {
        for (Map.Entry<String, String> e : EventSamples.all().entrySet()) {
            boolean delta = e.getKey().equals("streamReasoning") || e.getKey().equals("streamRunResult");
            assertThat(Json.read(e.getValue(), Event.class).isPersisted()).as(e.getKey()).isEqualTo(!delta);
        }
    }

    @Test
    void unknownEventTypeParsesIntoUnknownAndIsPreservedVerbatim() {
        String sample = """
                {"type": "someFutureEvent", "id": "e9", "expertKey": "greeter", "timestamp": 42, "jobId": "j",
                 "runId": "r", "stepNumber": 4, "payload": {"nested": [1, "two", null, true]}, "note": "x\\u2028y"}""";
        Event event = assertRoundTrip(sample, Event.class);
        assertThat(event.payload()).isInstanceOf(Unknown.class);
        assertThat(event.type()).isEqualTo("someFutureEvent");
        assertThat(event.expertKey()).isEqualTo("greeter");
        assertThat(event.stepNumber()).isEqualTo(4);
        assertThat(((Unknown) event.payload()).fields().at("/payload/nested/1").asText()).isEqualTo("two");
    }

    @Test
    void unknownRuntimeShapedEventKeepsItsAbsentHeaderFieldsAbsent() {
        String sample = """
                {"type": "sandboxWarning", "id": "e8", "timestamp": 42, "jobId": "j", "runId": "r",
                 "message": "cgroup delegation unavailable"}""";
        Event event = assertRoundTrip(sample, Event.class);
        JsonNode tree = Json.tree(Json.write(event));
        assertThat(tree.has("expertKey")).isFalse();
        assertThat(tree.has("stepNumber")).isFalse();
    }

    @Test
    void unknownFieldsOfKnownEventsAreIgnored() {
        String withExtras = """
                {"type": "streamReasoning", "id": "e", "expertKey": "greeter", "timestamp": 1, "jobId": "j",
                 "runId": "r", "stepNumber": 1, "delta": "abc", "futureField": {"a": 1}, "other": [1]}""";
        Event event = Json.read(withExtras, Event.class);
        assertThat(event.payload()).isEqualTo(new StreamReasoning("abc"));
        assertSameJson(Json.write(event), """
                {"type": "streamReasoning", "id": "e", "expertKey": "greeter", "timestamp": 1, "jobId": "j",
                 "runId": "r", "stepNumber": 1, "delta": "abc"}""");
    }

    @Test
    void optionalPayloadFieldsAreOmittedWhenAbsent() {
        Event retry = new Event("e", "greeter", 1L, "j", "r", 2,
                new Retry("{\"error\":\"E\",\"message\":\"m\"}", List.of(), null, null,
                        io.perstack.core.model.Usage.ZERO));
        JsonNode tree = Json.tree(assertRecordRoundTrip(retry, Event.class));
        assertThat(tree.has("toolCalls")).isFalse();
        assertThat(tree.has("toolResults")).isFalse();
        assertThat(tree.get("newMessages").isArray()).isTrue();

        Event init = new Event("e", null, 1L, "j", "r", null, new InitializeRuntime("0.1.0", null, "greeter",
                List.of("greeter"), "m", null, 5, 300000, null, null));
        JsonNode initTree = Json.tree(assertRecordRoundTrip(init, Event.class));
        for (String optional : List.of("runtime", "maxSteps", "query", "interactiveToolCall")) {
            assertThat(initTree.has(optional)).as(optional).isFalse();
        }
        assertThat(initTree.get("maxRetries").asInt()).isEqualTo(5);

        Event connected = new Event("e", null, 1L, "j", "r", null, new SkillConnected("@perstack/base", null, null,
                3L, 0L, null, null));
        assertSameJson(assertRecordRoundTrip(connected, Event.class), """
                {"type": "skillConnected", "id": "e", "timestamp": 1, "jobId": "j", "runId": "r",
                 "skillName": "@perstack/base", "totalDurationMs": 3, "spawnDurationMs": 0}""");
    }

    @Test
    void attemptCompletionWithoutTheAdditiveBatchOmitsIt() {
        String sample = EventSamples.run("attemptCompletion", 2, "\"toolResult\": " + Samples.COMPLETION_RESULT);
        Event event = assertRoundTrip(sample, Event.class);
        assertThat(((AttemptCompletion) event.payload()).toolResults()).isNull();
    }

    @Test
    void storedStartGenerationCarriesAMessageRefInsteadOfTheHistory() {
        String stored = EventSamples.run("startGeneration", 5, """
                "messageRef": {"runId": "r0runaaaaaaaaaaaaaaaaaaa", "count": 9}""");
        Event event = assertRoundTrip(stored, Event.class);
        StartGeneration payload = (StartGeneration) event.payload();
        assertThat(payload.messages()).isNull();
        assertThat(payload.messageRef()).isEqualTo(new MessageRef("r0runaaaaaaaaaaaaaaaaaaa", 9));
        assertThat(Json.tree(Json.write(event)).has("messages")).isFalse();
    }

    @Test
    void storedCompleteRunEmbedsACheckpointInStoredForm() {
        Checkpoint wire = Json.read(Samples.COMPLETED_CHECKPOINT, Checkpoint.class);
        Checkpoint stored = wire.toBuilder().messages(null).messageRef(new MessageRef(wire.runId(), 3)).build();
        String sample = EventSamples.run("completeRun", 1, """
                "checkpoint": %s, "step": %s, "text": "Hello!", "usage": %s"""
                .formatted(Json.write(stored), Samples.FINISHED_STEP, Samples.USAGE));
        Event event = assertRoundTrip(sample, Event.class);
        JsonNode checkpoint = Json.tree(Json.write(event)).get("checkpoint");
        assertThat(checkpoint.has("messages")).isFalse();
        assertThat(checkpoint.at("/messageRef/count").asInt()).isEqualTo(3);
    }

    @Test
    void builtEventsOfEveryFamilyRoundTripAsRecords() {
        for (String sample : EventSamples.all().values()) {
            Event event = Json.read(sample, Event.class);
            Event rebuilt = new Event(event.id(), event.expertKey(), event.timestamp(), event.jobId(), event.runId(),
                    event.stepNumber(), event.payload());
            assertRecordRoundTrip(rebuilt, Event.class);
        }
    }

    static Set<Class<?>> leafRecords(Class<?> root) {
        Set<Class<?>> out = new HashSet<>();
        collect(root, out);
        return out;
    }

    private static void collect(Class<?> type, Set<Class<?>> out) {
        if (type.isRecord()) {
            out.add(type);
            return;
        }
        Class<?>[] permitted = type.getPermittedSubclasses();
        assertThat(permitted).as("%s is sealed", type).isNotNull();
        for (Class<?> sub : permitted) {
            collect(sub, out);
        }
    }
}
