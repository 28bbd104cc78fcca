package io.perstack.cli.log;

import com.fasterxml.jackson.databind.JsonNode;
import io.perstack.core.json.Json;
import io.perstack.core.model.Checkpoint;
import io.perstack.core.model.Job;
import io.perstack.core.model.Message;
import io.perstack.core.policy.TerminalText;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The terminal view of docs/cli.md §5. Every value that comes from a model, a skill or storage is folded onto one line
 * and stripped of control sequences, bidi controls and invisible formatting characters (SR-40); times are UTC.
 */
final class TerminalFormat {
    private static final String RULE = "─".repeat(50);
    private static final int TYPE_COLUMN = 24;
    private static final DateTimeFormatter DATE_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);

    private TerminalFormat() {}

    static String render(LogView view, boolean verbose, boolean messages, boolean summary) {
        List<String> lines = new ArrayList<>();
        if (view.latestJob()) {
            lines.add("(showing latest job)");
            lines.add("");
        }
        lines.add("Storage: " + safe(view.storagePath()));
        lines.add("");
        job(view.job(), lines);
        lines.add("");
        if (view.checkpoint() != null) {
            checkpoint(view.checkpoint(), lines);
            if (messages) {
                lines.add("");
                lines.add("Messages:");
                for (Message m : view.checkpoint().messagesOrEmpty()) {
                    lines.add("  [" + type(m) + "] " + preview(firstText(m), 100));
                }
            }
            lines.add("");
        }
        if (summary) {
            EventSummary s = view.summary();
            lines.add("Summary:");
            lines.add("  Total Events: " + s.totalEvents());
            lines.add("  Errors: " + s.errorCount());
            lines.add("  Tool Calls: " + s.toolCallCount());
            lines.add("  Delegations: " + s.delegationCount());
            if (s.minStep() != null) {
                lines.add("  Step Range: " + s.minStep() + " - " + s.maxStep());
            }
            lines.add("");
        }
        if (!view.events().isEmpty()) {
            lines.add("Events:");
            lines.add(RULE);
            int width = typeColumnWidth(view.events());
            for (RunGroups.Group run : RunGroups.of(view.events())) {
                lines.add("Run: " + safe(run.runId()) + (run.expertKey() == null ? "" : " (" + safe(run.expertKey())
                        + ")"));
                lines.add("");
                for (JsonNode e : run.events()) {
                    event(e, width, verbose, lines);
                }
            }
            lines.add(RULE);
            if (view.matched() > view.matchedAfterPagination()) {
                int context = view.events().size() - view.matchedAfterPagination();
                lines.add("(showing " + view.matchedAfterPagination() + " of " + view.matched() + " matched events"
                        + (context > 0 ? " (+" + context + " context)" : "") + ")");
                lines.add("Use --take and --offset to paginate, or --take 0 for all");
            }
        } else if (view.matched() > 0) {
            lines.add("(" + view.matched() + " events available, use --offset to view)");
        }
        return String.join("\n", lines);
    }

    private static void job(Job job, List<String> lines) {
        lines.add("Job: " + safe(job.id()) + " (" + job.status().wire() + ")");
        lines.add("Expert: " + safe(job.coordinatorExpertKey()));
        lines.add("Started: " + DATE_TIME.format(Instant.ofEpochMilli(job.startedAt())));
        lines.add("Steps: " + job.totalSteps());
        if (job.finishedAt() != null) {
            lines.add("Finished: " + DATE_TIME.format(Instant.ofEpochMilli(job.finishedAt())));
        }
        if (job.estimatedCostUsd() != null) {
            lines.add(String.format(Locale.ROOT, "Cost: $%.4f (estimate)", job.estimatedCostUsd()));
        }
    }

    private static void checkpoint(Checkpoint c, List<String> lines) {
        lines.add("Checkpoint: " + safe(c.id()));
        lines.add("Status: " + c.status().wire());
        lines.add("Step: " + c.stepNumber());
        lines.add("Expert: " + safe(c.expert().key()));
    }

    /**
     * The type column: 24 wide as in the TypeScript CLI, wider when a shown type is longer, so that at least one space
     * always parts the type from the time ({@code completeStreamingReasoning} is 26 characters).
     */
    private static int typeColumnWidth(List<JsonNode> events) {
        int longest = 0;
        for (JsonNode e : events) {
            longest = Math.max(longest, safe(e.path("type").asText()).length());
        }
        return Math.max(TYPE_COLUMN, longest + 1);
    }

    private static void event(JsonNode e, int width, boolean verbose, List<String> lines) {
        String type = safe(e.path("type").asText());
        String step = e.path("stepNumber").canConvertToInt() ? e.path("stepNumber").asText() : "-";
        lines.add("[Step " + step + "] " + type + " ".repeat(Math.max(1, width - type.length()))
                + TIME.format(Instant.ofEpochMilli(e.path("timestamp").asLong())));
        switch (type) {
            case "startRun" -> {
                for (JsonNode m : e.path("inputMessages")) {
                    if ("userMessage".equals(m.path("type").asText())) {
                        lines.add("  Query: \"" + preview(firstText(m.path("contents")), 60) + "\"");
                        break;
                    }
                }
            }
            case "callTools" -> {
                if (verbose) {
                    for (JsonNode call : e.path("toolCalls")) {
                        lines.add("  [" + safe(call.path("skillName").asText()) + "] "
                                + safe(call.path("toolName").asText()));
                        lines.add("    Args: " + safe(Json.write(call.path("args"))));
                    }
                } else {
                    List<String> names = new ArrayList<>();
                    e.path("toolCalls").forEach(call -> names.add(safe(call.path("toolName").asText())));
                    lines.add("  Tools: " + String.join(", ", names));
                }
            }
            case "callDelegate" -> e.path("toolCalls").forEach(call ->
                    lines.add("  Delegate to: " + safe(call.path("skillName").asText())));
            case "resolveToolResults" -> {
                for (JsonNode result : e.path("toolResults")) {
                    String text = firstText(result.path("result"));
                    // The tool's own error flag counts too: base-skill errors are JSON objects, not "Error…" text.
                    boolean failed = result.path("isError").asBoolean(false)
                            || text.toLowerCase(Locale.ROOT).startsWith("error");
                    String mark = failed ? "✗" : "✓";
                    String tool = safe(result.path("toolName").asText());
                    if (verbose) {
                        // In full, line by line: each line stripped on its own, indented under the tool's name.
                        lines.add("  " + mark + " " + tool + ":");
                        for (String line : allText(result.path("result")).split("\n", -1)) {
                            lines.add("    " + safe(line));
                        }
                    } else {
                        lines.add("  " + mark + " " + tool + ": " + preview(text, 40));
                    }
                }
            }
            case "stopRunByError" -> {
                JsonNode error = e.path("error");
                lines.add("  Error: " + safe(error.path("name").asText()));
                lines.add("  Message: " + safe(error.path("message").asText()));
                lines.add("  Retryable: " + error.path("isRetryable").asBoolean());
            }
            case "completeRun" -> lines.add("  Result: " + preview(e.path("text").asText(), 80));
            case "retry" -> lines.add("  Reason: " + safe(e.path("reason").asText()));
            default -> { }
        }
        // The id to hand to --checkpoint or --resume-from; only events that persist a checkpoint carry one.
        String checkpoint = e.path("checkpoint").path("id").asText("");
        if (!checkpoint.isEmpty()) {
            lines.add("  Checkpoint: " + safe(checkpoint));
        }
        lines.add("");
    }

    /** The first text part among {@code parts}, looking into tool result parts; empty when there is none. */
    private static String firstText(JsonNode parts) {
        for (JsonNode p : parts) {
            if ("textPart".equals(p.path("type").asText())) {
                return p.path("text").asText();
            }
            if ("toolResultPart".equals(p.path("type").asText())) {
                String inner = firstText(p.path("contents"));
                if (!inner.isEmpty()) {
                    return inner;
                }
            }
        }
        return "";
    }

    /** Every text part among {@code parts} (tool result parts looked into), one after another on their own lines. */
    private static String allText(JsonNode parts) {
        List<String> texts = new ArrayList<>();
        for (JsonNode p : parts) {
            if ("textPart".equals(p.path("type").asText())) {
                texts.add(p.path("text").asText());
            } else if ("toolResultPart".equals(p.path("type").asText())) {
                String inner = allText(p.path("contents"));
                if (!inner.isEmpty()) {
                    texts.add(inner);
                }
            }
        }
        return String.join("\n", texts);
    }

    private static String firstText(Message m) {
        return firstText(Json.mapper().valueToTree(m).path("contents"));
    }

    private static String type(Message m) {
        return switch (m) {
            case Message.InstructionMessage i -> "instructionMessage";
            case Message.UserMessage u -> "userMessage";
            case Message.ExpertMessage x -> "expertMessage";
            case Message.ToolMessage t -> "toolMessage";
        };
    }

    /** At most {@code max} characters of the sanitised text, with {@code ...} when cut. */
    private static String preview(String text, int max) {
        String clean = safe(text);
        if (clean.codePointCount(0, clean.length()) <= max) {
            return clean;
        }
        return clean.substring(0, clean.offsetByCodePoints(0, max)) + "...";
    }

    private static String safe(String text) {
        return TerminalText.oneLine(text);
    }
}
