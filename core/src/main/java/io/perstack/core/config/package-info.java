/**
 * {@code perstack.toml}: the typed configuration, its discovery, parsing and validation (config.md). Values absent
 * from the file are {@code null} so the CLI can apply flag &gt; file &gt; default precedence.
 */
package io.perstack.core.config;
