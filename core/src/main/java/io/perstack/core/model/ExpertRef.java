package io.perstack.core.model;

/** Identity of an Expert inside checkpoints: its key, name and version. */
public record ExpertRef(String key, String name, String version) {}
