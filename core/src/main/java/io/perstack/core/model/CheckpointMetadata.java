package io.perstack.core.model;

/** Extra state kept with a checkpoint; today only the Expert's todo list. */
public record CheckpointMetadata(Todo todos) {}
