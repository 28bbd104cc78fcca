/** The system instruction given to every Expert: role, loop rules, environment, its instruction, skill rules, delegates. */
package io.perstack.runtime.prompt;
