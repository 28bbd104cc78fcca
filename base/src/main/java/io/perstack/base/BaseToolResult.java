package io.perstack.base;

import io.perstack.core.model.MessagePart;
import io.perstack.core.model.Todo;
import java.util.List;

/** Placeholder replaced by the base-skill work. */
public record BaseToolResult(List<MessagePart.ResultContent> contents, Todo todos, boolean isError) {}
