package io.perstack.skills;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.perstack.core.json.Json;
import io.perstack.core.model.ExpertRef;
import io.perstack.core.tool.ToolDefinition;
import java.util.List;

/**
 * A delegate Expert offered as one tool (docs/runtime.md §10): named after the last {@code /}-segment of its name,
 * described by its description, taking {@code {query}}. The loop starts a child run instead of calling it.
 */
public record DelegateSkill(ExpertRef expert, ToolDefinition tool) implements Skill {

    public static DelegateSkill of(ExpertRef expert, String description) {
        String toolName = expert.name().substring(expert.name().lastIndexOf('/') + 1);
        ObjectNode schema = Json.object().put("type", "object");
        schema.putObject("properties").putObject("query").put("type", "string");
        schema.putArray("required").add("query");
        return new DelegateSkill(expert, new ToolDefinition(expert.name(), toolName,
                description == null ? "" : description, schema));
    }

    @Override
    public String name() {
        return expert.name();
    }

    @Override
    public List<ToolDefinition> tools() {
        return List.of(tool);
    }
}
