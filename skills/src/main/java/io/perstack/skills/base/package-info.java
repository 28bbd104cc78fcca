/** The base skill served in-process: the runtime calls its tools directly, with no process and no transport. */
package io.perstack.skills.base;
