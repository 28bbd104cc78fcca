/** {@code perstack.lock}: its format, the canonical Expert digest, and how a run uses a lock (docs/skills.md §8). */
package io.perstack.skills.lock;
