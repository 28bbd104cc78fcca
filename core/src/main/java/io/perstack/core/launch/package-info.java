/** The process-launcher SPI every isolation backend implements, and the environment policy of docs/skills.md §4. */
package io.perstack.core.launch;
