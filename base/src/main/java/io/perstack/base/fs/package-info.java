/** Workspace confinement of docs/base-skill.md §2: path rules, then kernel-enforced access through descriptors. */
package io.perstack.base.fs;
