/**
 * Security policies shared by config loading, skills and the egress proxy: protected environment names, URL and
 * address rules for endpoints and base URLs, and allowlist domain patterns (security.md, isolation.md §5.3).
 */
package io.perstack.core.policy;
