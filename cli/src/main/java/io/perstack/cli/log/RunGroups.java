package io.perstack.cli.log;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The shown events grouped by run for the text view, runs in the order they first appear and events in their own
 * order within each. A branch made with {@code --resume-from} repeats step numbers of the run it left, and parallel
 * children run at the same time: without the grouping their {@code [Step 3]} lines would read as one run.
 */
final class RunGroups {
    private RunGroups() {}

    /** @param expertKey the Expert of the run's first event that names one, else {@code null} */
    record Group(String runId, String expertKey, List<JsonNode> events) {}

    static List<Group> of(List<JsonNode> events) {
        Map<String, List<JsonNode>> byRun = new LinkedHashMap<>();
        for (JsonNode e : events) {
            byRun.computeIfAbsent(e.path("runId").asText(""), k -> new ArrayList<>()).add(e);
        }
        List<Group> groups = new ArrayList<>(byRun.size());
        byRun.forEach((runId, list) -> groups.add(new Group(runId, expertKey(list), List.copyOf(list))));
        return groups;
    }

    private static String expertKey(List<JsonNode> events) {
        for (JsonNode e : events) {
            if (e.path("expertKey").isTextual()) {
                return e.path("expertKey").asText();
            }
        }
        return null;
    }
}
