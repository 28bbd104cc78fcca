package io.perstack.cli.log;

import io.perstack.core.event.Event;
import java.util.List;

/**
 * The {@code --summary} totals (docs/cli.md §5). Computed over every event that passed the filters, before offset and take:
 * a summary of the page alone would say "100 events" for a history of 155.
 */
record EventSummary(int totalEvents, int errorCount, int toolCallCount, int delegationCount, Integer minStep,
                    Integer maxStep) {

    static EventSummary of(List<Event> matched) {
        int errors = 0;
        int tools = 0;
        int delegations = 0;
        Integer min = null;
        Integer max = null;
        for (Event e : matched) {
            String type = e.type();
            errors += EventQuery.ERROR_TYPES.contains(type) ? 1 : 0;
            tools += EventQuery.TOOL_TYPES.contains(type) ? 1 : 0;
            delegations += EventQuery.DELEGATION_TYPES.contains(type) ? 1 : 0;
            Integer step = e.stepNumber();
            if (step != null) {
                min = min == null ? step : Math.min(min, step);
                max = max == null ? step : Math.max(max, step);
            }
        }
        return new EventSummary(matched.size(), errors, tools, delegations, min, max);
    }
}
