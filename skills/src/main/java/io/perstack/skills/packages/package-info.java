/**
 * Skill packages installed once per version by the trusted runtime, outside every sandbox, into a cache that
 * sandboxes see read-only (docs/sandbox.md §3): {@link io.perstack.skills.packages.SkillPackages} turns an
 * {@code npx} skill's launch into one that runs the cached install.
 */
package io.perstack.skills.packages;
