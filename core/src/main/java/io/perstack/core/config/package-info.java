/**
 * {@code perstack.toml}: the typed records, discovery and reading ({@link io.perstack.core.config.PerstackToml}),
 * and one-pass validation that reports every problem at once ({@link io.perstack.core.config.ConfigException}).
 */
package io.perstack.core.config;
