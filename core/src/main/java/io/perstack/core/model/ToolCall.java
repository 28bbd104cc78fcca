package io.perstack.core.model;

import com.fasterxml.jackson.databind.JsonNode;

/** A tool call requested by the model, attributed to the skill that provides the tool. */
public record ToolCall(String id, String skillName, String toolName, JsonNode args) {}
