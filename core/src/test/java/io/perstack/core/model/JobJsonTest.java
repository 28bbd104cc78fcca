package io.perstack.core.model;

import static io.perstack.core.json.WireAssert.assertRecordRoundTrip;
import static io.perstack.core.json.WireAssert.assertRoundTrip;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.perstack.core.json.Json;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JobJsonTest {

    @ParameterizedTest
    @ValueSource(strings = {"running", "completed", "stoppedByMaxSteps", "stoppedByInteractiveTool",
            "stoppedByError"})
    void jobOfEveryStatusRoundTripsThroughTheDocumentedShape(String status) {
        String sample = """
                {"id": "j1jobaaaaaaaaaaaaaaaaaaa", "status": "%s", "coordinatorExpertKey": "greeter",
                 "totalSteps": 4, "maxSteps": 100, "usage": %s, "startedAt": 1735689600000,
                 "finishedAt": 1735689612000, "estimatedCostUsd": 0.0123}""".formatted(status, Samples.USAGE);
        Job job = assertRoundTrip(sample, Job.class);
        assertThat(job.status().wire()).isEqualTo(status);
        assertThat(job.estimatedCostUsd()).isEqualTo(0.0123);
    }

    @Test
    void theModelKnowsExactlyTheDocumentedJobStatuses() {
        assertThat(Arrays.stream(JobStatus.values()).map(JobStatus::wire)).containsExactlyInAnyOrder(
                "running", "completed", "stoppedByMaxSteps", "stoppedByInteractiveTool", "stoppedByError");
    }

    @Test
    void runningJobOmitsTheOptionalFields() {
        String sample = """
                {"id": "j2", "status": "running", "coordinatorExpertKey": "greeter", "totalSteps": 0,
                 "usage": %s, "startedAt": 1735689600000}""".formatted(Samples.ZERO_USAGE);
        Job job = assertRoundTrip(sample, Job.class);
        JsonNode tree = Json.tree(Json.write(job));
        for (String optional : List.of("maxSteps", "finishedAt", "estimatedCostUsd")) {
            assertThat(tree.has(optional)).as(optional).isFalse();
        }
    }

    @Test
    void jobRecordRoundTripsAndIsWrittenPrettyWithTwoSpaces() {
        Job job = new Job("j3", JobStatus.RUNNING, "greeter", 0, null, Usage.ZERO, 1L, null, null)
                .withProgress(2, Usage.of(5, 0, 7, 0), 0.5).withStatus(JobStatus.COMPLETED, 9L);
        assertRecordRoundTrip(job, Job.class);
        String pretty = Json.writePretty(job);
        assertThat(pretty).startsWith("{\n  \"id\": \"j3\",\n  \"status\": \"completed\",");
        assertThat(pretty).contains("\n  \"usage\": {\n    \"inputTokens\": 5,");
        assertThat(Json.read(pretty, Job.class)).isEqualTo(job);
    }
}
