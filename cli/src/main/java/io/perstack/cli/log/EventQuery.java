package io.perstack.cli.log;

import com.fasterxml.jackson.databind.JsonNode;
import io.perstack.core.event.Event;
import io.perstack.core.json.Json;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Which events {@code log} shows: filters in the documented order (step, type, errors, tools, delegations,
 * expression), then offset and take, then context around what is left (docs/cli.md §5).
 *
 * @param take    page size; 0 shows every match
 * @param context neighbours added on each side of every shown match, taken from the unfiltered sequence
 */
record EventQuery(StepFilter step, String type, boolean errors, boolean tools, boolean delegations,
                  FilterExpression filter, int take, int offset, int context) {
    static final Set<String> ERROR_TYPES = Set.of("stopRunByError", "retry");
    static final Set<String> TOOL_TYPES = Set.of("callTools", "resolveToolResults", "callInteractiveTool");
    static final Set<String> DELEGATION_TYPES = Set.of("callDelegate", "stopRunByDelegate");

    /**
     * @param shown                  the page plus its context, in stored order
     * @param matched                how many events passed the filters (before pagination)
     * @param matchedAfterPagination how many of those are on the page (context not counted)
     * @param summary                totals over every match, not only the page
     */
    record Selection(List<Event> shown, int matched, int matchedAfterPagination, EventSummary summary) {}

    Selection select(List<Event> events) {
        List<Integer> matches = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            if (accepts(events.get(i))) {
                matches.add(i);
            }
        }
        int from = Math.min(offset, matches.size());
        int to = take == 0 ? matches.size() : (int) Math.min(matches.size(), (long) from + take);
        List<Integer> page = matches.subList(from, to);
        Set<Integer> shown = new LinkedHashSet<>();
        for (int index : page) {
            for (int i = Math.max(0, index - context); i <= Math.min(events.size() - 1, index + context); i++) {
                shown.add(i);
            }
        }
        List<Event> out = new ArrayList<>(shown.size());
        shown.stream().sorted().forEach(i -> out.add(events.get(i)));
        List<Event> matched = new ArrayList<>(matches.size());
        matches.forEach(i -> matched.add(events.get(i)));
        return new Selection(out, matches.size(), page.size(), EventSummary.of(matched));
    }

    private boolean accepts(Event e) {
        String t = e.type();
        return (step == null || step.matches(e.stepNumber()))
                && (type == null || type.equals(t))
                && (!errors || ERROR_TYPES.contains(t))
                && (!tools || TOOL_TYPES.contains(t))
                && (!delegations || DELEGATION_TYPES.contains(t))
                && (filter == null || filter.matches(tree(e)));
    }

    private static JsonNode tree(Event e) {
        return Json.mapper().valueToTree(e);
    }
}
