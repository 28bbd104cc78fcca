package io.perstack.runtime.storage;

/** What a listing shows of a stored event without expanding it. {@code stepNumber} is absent for runtime events. */
public record EventMeta(long timestamp, Integer stepNumber, String type) {}
