package io.perstack.core.model;

import static io.perstack.core.json.WireAssert.assertRecordRoundTrip;
import static io.perstack.core.json.WireAssert.assertRoundTrip;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.perstack.core.json.Json;
import java.util.List;
import org.junit.jupiter.api.Test;

class StepJsonTest {

    @Test
    void stepWithEveryOptionalFieldRoundTripsThroughTheDocumentedShape() {
        Step step = assertRoundTrip(Samples.FULL_STEP, Step.class);
        assertThat(step.stepNumber()).isEqualTo(3);
        assertThat(step.inputMessages()).hasSize(1);
        assertThat(step.newMessages()).hasSize(2);
        assertThat(step.toolCalls()).hasSize(2);
        assertThat(step.toolResults()).hasSize(1);
        assertThat(step.pendingToolCalls()).hasSize(1);
        assertThat(step.partialToolResults()).hasSize(1);
        assertThat(step.finishedAt()).isEqualTo(1735689601234L);
    }

    @Test
    void minimalStepOmitsOptionalFieldsButKeepsNewMessagesAndUsage() {
        Step step = assertRoundTrip(Samples.MINIMAL_STEP, Step.class);
        JsonNode tree = Json.tree(Json.write(step));
        assertThat(tree.get("newMessages").isArray()).isTrue();
        assertThat(tree.get("usage").isObject()).isTrue();
        for (String optional : List.of("inputMessages", "toolCalls", "toolResults", "pendingToolCalls",
                "partialToolResults", "finishedAt")) {
            assertThat(tree.has(optional)).as(optional).isFalse();
        }
    }

    @Test
    void startedStepRoundTripsAsARecord() {
        Step step = Step.start(5, 1735689600000L)
                .withNewMessages(List.of(new Message.UserMessage("m", List.of(new MessagePart.TextPart("p", "x")),
                        null)))
                .withUsage(Usage.of(1, 2, 3, 4)).finished(1735689600500L);
        String json = assertRecordRoundTrip(step, Step.class);
        assertThat(Json.tree(json).get("finishedAt").asLong()).isEqualTo(1735689600500L);
    }
}
