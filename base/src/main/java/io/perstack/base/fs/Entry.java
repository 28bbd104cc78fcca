package io.perstack.base.fs;

/** One directory entry; {@code stat} describes the entry itself, never a link's target. */
public record Entry(String name, Stat stat) {}
