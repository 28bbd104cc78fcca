/**
 * Security policies shared by config loading, skills and the egress proxy: protected environment names, URL and
 * address rules for endpoints and base URLs, allowlist domain patterns (SECURITY.md, docs/isolation.md §5.3), and the
 * characters a terminal must never receive raw (used by text views, error messages and the JSON writer).
 */
package io.perstack.core.policy;
