package io.perstack.testkit.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.perstack.core.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** The outcome of one CLI invocation: exit code, stdout lines parsed as events, and stderr. */
public record CliRun(int exitCode, String stdout, String stderr, List<JsonNode> events) {

    static CliRun of(int exitCode, String stdout, String stderr) {
        List<JsonNode> events = new ArrayList<>();
        for (String line : stdout.split("\n")) {
            if (line.startsWith("{")) {
                try {
                    events.add(Json.mapper().readTree(line));
                } catch (java.io.IOException | RuntimeException e) {
                    // Not an event line; tests that care assert on stdout directly.
                }
            }
        }
        return new CliRun(exitCode, stdout, stderr, List.copyOf(events));
    }

    public List<String> types() {
        return events.stream().map(e -> e.path("type").asText()).toList();
    }

    public List<JsonNode> ofType(String type) {
        return events.stream().filter(e -> type.equals(e.path("type").asText())).toList();
    }

    public JsonNode first(String type) {
        return events.stream().filter(e -> type.equals(e.path("type").asText())).findFirst()
                .orElseThrow(() -> new AssertionError("no " + type + " event in " + types() + "\nstderr:\n" + stderr));
    }

    public JsonNode last(String type) {
        List<JsonNode> all = ofType(type);
        if (all.isEmpty()) {
            throw new AssertionError("no " + type + " event in " + types() + "\nstderr:\n" + stderr);
        }
        return all.getLast();
    }

    public long count(String type) {
        return ofType(type).size();
    }

    /** State event types only (no streaming or runtime events), in order. */
    public List<String> stateTypes() {
        return events.stream().filter(e -> e.has("stepNumber") && e.has("expertKey"))
                .map(e -> e.path("type").asText())
                .filter(Predicate.not(t -> t.contains("Streaming") || t.startsWith("stream")))
                .toList();
    }

    /** Whether {@code expected} occurs in order (not necessarily adjacent) among the event types. */
    public boolean hasSubsequence(String... expected) {
        int i = 0;
        for (String t : types()) {
            if (i < expected.length && t.equals(expected[i])) {
                i++;
            }
        }
        return i == expected.length;
    }

    public String jobId() {
        return first("startRun").path("jobId").asText();
    }

    @Override
    public String toString() {
        return "exit " + exitCode + ", events " + types() + "\nstderr:\n" + stderr;
    }
}
