package io.perstack.core.model;

/** One child run requested by a delegate tool call. */
public record DelegationTarget(ExpertRef expert, String toolCallId, String toolName, String query) {}
