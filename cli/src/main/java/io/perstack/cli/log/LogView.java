package io.perstack.cli.log;

import com.fasterxml.jackson.databind.JsonNode;
import io.perstack.core.model.Checkpoint;
import io.perstack.core.model.Job;
import java.util.List;

/**
 * What one {@code log} invocation shows, before formatting.
 *
 * @param checkpoint  the checkpoint asked for with {@code --checkpoint}, else {@code null}
 * @param checkpoints the job's checkpoints for {@code --job}, else empty
 * @param runs        the job's stored run settings for {@code --job}, else empty
 * @param events      the selected events as wire JSON, in stored order
 * @param latestJob   whether the job was chosen as the latest one because none was named
 */
record LogView(Job job, Checkpoint checkpoint, List<Checkpoint> checkpoints, List<JsonNode> runs,
               List<JsonNode> events, int matched, int matchedAfterPagination, boolean latestJob,
               String storagePath) {

    /** Totals over the shown events (as the TypeScript CLI computes them). */
    record Summary(int totalEvents, int errorCount, int toolCallCount, int delegationCount, Integer minStep,
                   Integer maxStep) {}

    Summary summary() {
        int errors = 0;
        int tools = 0;
        int delegations = 0;
        Integer min = null;
        Integer max = null;
        for (JsonNode e : events) {
            String type = e.path("type").asText();
            errors += EventQuery.ERROR_TYPES.contains(type) ? 1 : 0;
            tools += EventQuery.TOOL_TYPES.contains(type) ? 1 : 0;
            delegations += EventQuery.DELEGATION_TYPES.contains(type) ? 1 : 0;
            if (e.path("stepNumber").canConvertToInt()) {
                int step = e.path("stepNumber").asInt();
                min = min == null ? step : Math.min(min, step);
                max = max == null ? step : Math.max(max, step);
            }
        }
        return new Summary(events.size(), errors, tools, delegations, min, max);
    }
}
