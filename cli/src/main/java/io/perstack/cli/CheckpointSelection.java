package io.perstack.cli;

import io.perstack.cli.text.CloseMatches;
import com.fasterxml.jackson.databind.JsonNode;
import io.perstack.core.json.Json;
import io.perstack.core.model.Checkpoint;
import io.perstack.core.model.CheckpointStatus;
import io.perstack.core.model.ToolCall;
import io.perstack.runtime.RunInput;
import io.perstack.runtime.storage.Storage;
import java.nio.file.Path;
import java.util.List;

/** Which checkpoint a continuation starts from, and how {@code -i} turns the query into an answer (docs/cli.md §3). */
final class CheckpointSelection {
    private CheckpointSelection() {}

    record Selected(Checkpoint checkpoint, RunInput input) {}

    /**
     * @param storageRoot where the history lives, named when nothing is found there
     */
    static Selected select(Storage storage, Path storageRoot, RunFlags f, String expertKey, String query) {
        Checkpoint cp = null;
        boolean requested = f.resumeFrom != null || f.continueJob != null || f.continueLatest;
        if (f.resumeFrom != null) {
            try {
                cp = storage.readCheckpoint(f.continueJob, f.resumeFrom);
            } catch (RuntimeException notFound) {
                cp = null;
            }
        } else if (f.continueJob != null) {
            cp = latest(storage, f.continueJob);
        } else if (f.continueLatest) {
            String jobId = storage.readRunSettings().stream().findFirst().map(r -> r.jobId()).orElse(null);
            cp = jobId == null ? null : latest(storage, jobId);
        }
        if (requested && cp == null) {
            throw new UserError(notFound(storage, storageRoot.resolve("jobs"), f));
        }
        if (cp != null && !cp.expert().key().equals(expertKey)) {
            throw new UserError("Checkpoint expert key " + cp.expert().key() + " does not match input expert key "
                    + expertKey);
        }
        if (!f.interactive) {
            // Checked here rather than left to the runtime (docs/runtime.md §6), which would fail only after taking the
            // job and marking it stoppedByError: forgetting -i is a usage mistake, the job stays as it was.
            if (cp != null && (cp.status() == CheckpointStatus.STOPPED_BY_INTERACTIVE_TOOL
                    || cp.status() == CheckpointStatus.STOPPED_BY_DELEGATE)) {
                String waitingFor = cp.pendingToolCalls() == null || cp.pendingToolCalls().isEmpty() ? ""
                        : " to " + cp.pendingToolCalls().getFirst().toolName();
                throw new UserError("Interactive tool call result is undefined: checkpoint " + cp.id()
                        + " is waiting for an answer" + waitingFor + "; pass the answer with -i");
            }
            return new Selected(cp, RunInput.text(query));
        }
        if (cp == null) {
            throw new UserError("-i requires --continue or --continue-job");
        }
        List<ToolCall> pending = cp.pendingToolCalls() == null ? List.of() : cp.pendingToolCalls();
        boolean waiting = cp.status() == CheckpointStatus.STOPPED_BY_INTERACTIVE_TOOL
                || cp.status() == CheckpointStatus.STOPPED_BY_DELEGATE;
        if (!waiting || pending.isEmpty()) {
            throw new UserError("Checkpoint " + cp.id() + " is not waiting for an interactive tool result (status: "
                    + cp.status().wire() + ")");
        }
        RunInput.InteractiveToolCallResult named = parseNamedAnswer(query);
        if (named != null) {
            boolean isPending = pending.stream().anyMatch(c -> c.id().equals(named.toolCallId()));
            if (!isPending) {
                throw new UserError("Tool call " + named.toolCallId() + " is not pending in checkpoint " + cp.id());
            }
            return new Selected(cp, RunInput.answer(named));
        }
        ToolCall first = pending.getFirst();
        return new Selected(cp, RunInput.answer(new RunInput.InteractiveToolCallResult(first.id(), first.toolName(),
                first.skillName(), query)));
    }

    /** {@code No checkpoint found} (the original's words), then what was looked for, where, and what is close. */
    private static String notFound(Storage storage, Path jobs, RunFlags f) {
        List<String> jobIds = storage.listJobs().stream().map(Storage.StoredJob::jobId).toList();
        if (f.resumeFrom != null && jobIds.contains(f.continueJob)) {
            List<String> ids = storage.readCheckpoints(f.continueJob).stream().map(Checkpoint::id).toList();
            return "No checkpoint found: checkpoint \"" + f.resumeFrom + "\" is not in job \"" + f.continueJob
                    + "\" (" + jobs.resolve(f.continueJob).resolve("checkpoints") + ")."
                    + CloseMatches.sentence(f.resumeFrom, ids) + listed("Its checkpoints", ids.reversed());
        }
        if (f.continueJob != null) {
            String what = jobIds.contains(f.continueJob) ? "job \"" + f.continueJob + "\" has no checkpoints in "
                    : "there is no job \"" + f.continueJob + "\" in ";
            return "No checkpoint found: " + what + jobs + "." + CloseMatches.sentence(f.continueJob, jobIds)
                    + listed("Jobs there, newest first", jobIds);
        }
        return "No checkpoint found: there is no job to continue in " + jobs + ".";
    }

    private static String listed(String label, List<String> names) {
        if (names.isEmpty()) {
            return "";
        }
        int shown = Math.min(10, names.size());
        return " " + label + ": " + String.join(", ", names.subList(0, shown))
                + (names.size() > shown ? ", … (" + (names.size() - shown) + " more)" : "") + ".";
    }

    private static Checkpoint latest(Storage storage, String jobId) {
        List<Checkpoint> all = storage.readCheckpoints(jobId);
        return all.isEmpty() ? null : all.getLast();
    }

    /** A JSON object with string fields toolCallId, toolName, skillName and text names the call it answers. */
    private static RunInput.InteractiveToolCallResult parseNamedAnswer(String query) {
        String trimmed = query.trim();
        if (!trimmed.startsWith("{")) {
            return null;
        }
        try {
            JsonNode n = Json.mapper().readTree(trimmed);
            if (n.isObject() && n.path("toolCallId").isTextual() && n.path("toolName").isTextual()
                    && n.path("skillName").isTextual() && n.path("text").isTextual()) {
                return new RunInput.InteractiveToolCallResult(n.get("toolCallId").asText(),
                        n.get("toolName").asText(), n.get("skillName").asText(), n.get("text").asText());
            }
        } catch (java.io.IOException | RuntimeException notJson) {
            // A plain-text answer that happens to start with a brace.
        }
        return null;
    }
}
