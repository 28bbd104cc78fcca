package io.perstack.llm;

import com.fasterxml.jackson.databind.JsonNode;

/** A tool call as the model produced it, before the runtime attributes it to a skill. */
public record GeneratedToolCall(String id, String toolName, JsonNode args) {}
