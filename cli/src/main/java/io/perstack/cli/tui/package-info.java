/**
 * The human views of a run: the live view {@code perstack run} shows on a terminal, and the {@code perstack start}
 * terminal UI built on it. Models and renderers here are pure (events and keys in, lines out); only
 * {@link io.perstack.cli.tui.LiveView}, {@link io.perstack.cli.tui.FooterPane} and the terminal session touch a
 * terminal. Every text that comes from a model, a tool or storage goes through {@link io.perstack.cli.tui.Snippet},
 * which strips it with {@code TerminalText} (SR-40).
 */
package io.perstack.cli.tui;
