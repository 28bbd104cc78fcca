package io.perstack.base.tools;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.perstack.core.json.Json;
import io.perstack.core.model.CompletionOutcome;
import io.perstack.core.model.Todo;

/** {@code attemptCompletion}: the model's claim that it is done, answered with the todos it still has open. */
public final class AttemptCompletionTool implements BaseTool {
    public static final String NAME = "attemptCompletion";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Signal that the task is complete. Call this when you have finished. If any todo is still "
                + "incomplete, the remaining todos are returned and you must continue working.";
    }

    @Override
    public ObjectNode inputSchema() {
        return Schema.object().build();
    }

    @Override
    public boolean usesTodos() {
        return true;
    }

    @Override
    public ToolOutput call(Arguments args, Todo todos) {
        // The text and the value come from one outcome, so what the model reads and what the loop decides agree.
        CompletionOutcome outcome = CompletionOutcome.of(todos);
        ObjectNode out = Json.object();
        if (outcome.mustContinue()) {
            out.set("remainingTodos", Json.mapper().valueToTree(outcome.remainingTodos()));
        }
        return new ToolOutput.Completion(out, outcome);
    }
}
