package io.perstack.base.tools;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.perstack.core.model.Todo;

/**
 * One tool of {@code @perstack/base}, declared once: what the model is told (name, description, input schema) and
 * what runs when it is called. The catalog and the dispatch of {@code BaseSkill} are both derived from the list in
 * {@link ToolCatalog#tools}, so they cannot drift apart.
 */
public interface BaseTool {
    /** The tool name the model calls. */
    String name();

    /** The model-facing description, stating this implementation's limits. */
    String description();

    /** A fresh JSON Schema object for the input; field names and types match the TypeScript base skill. */
    ObjectNode inputSchema();

    /**
     * Whether the call reads or changes the conversation's todo list: hosts serialise these calls on the list and
     * pass the others an empty one.
     */
    default boolean usesTodos() {
        return false;
    }

    /**
     * Runs the tool.
     *
     * @param todos the conversation's todo list before the call
     * @throws ToolFailure with the exact text returned to the model
     */
    ToolOutput call(Arguments args, Todo todos) throws ToolFailure;
}
