package io.perstack.core.tool;

import com.fasterxml.jackson.databind.JsonNode;

/** A tool offered to the model (docs/skills.md §6); {@code inputSchema} is a JSON Schema object sent unchanged. */
public record ToolDefinition(String skillName, String name, String description, JsonNode inputSchema) {}
