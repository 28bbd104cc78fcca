package io.perstack.cli.log;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.perstack.core.json.Json;

/**
 * The JSON view of docs/cli.md §5: {@code {job, events, summary, checkpoint?, checkpoints?, runs?, isLatestJob?,
 * storagePath, totalEventsBeforeLimit, matchedAfterPagination}}, with events and checkpoints in wire form. The shared
 * JSON configuration escapes every C0 and C1 control character and every bidi or invisible formatting character
 * ({@code TerminalText.isUnsafe}), compact or pretty, so stored text cannot drive or reorder the terminal.
 */
final class JsonFormat {
    private JsonFormat() {}

    static String render(LogView view, boolean pretty) {
        ObjectNode out = Json.object();
        out.set("job", Json.mapper().valueToTree(view.job()));
        ArrayNode events = out.putArray("events");
        view.events().forEach(events::add);
        EventSummary s = view.summary();
        ObjectNode summary = out.putObject("summary").put("totalEvents", s.totalEvents())
                .put("errorCount", s.errorCount()).put("toolCallCount", s.toolCallCount())
                .put("delegationCount", s.delegationCount());
        if (s.minStep() != null) {
            summary.putObject("stepRange").put("min", s.minStep()).put("max", s.maxStep());
        }
        if (view.checkpoint() != null) {
            out.set("checkpoint", Json.mapper().valueToTree(view.checkpoint()));
        }
        if (!view.checkpoints().isEmpty()) {
            out.set("checkpoints", Json.mapper().valueToTree(view.checkpoints()));
        }
        if (!view.runs().isEmpty()) {
            ArrayNode runs = out.putArray("runs");
            view.runs().forEach(runs::add);
        }
        if (view.latestJob()) {
            out.put("isLatestJob", true);
        }
        out.put("storagePath", view.storagePath());
        out.put("totalEventsBeforeLimit", view.matched());
        out.put("matchedAfterPagination", view.matchedAfterPagination());
        return pretty ? Json.writePretty(out) : Json.write(out);
    }
}
