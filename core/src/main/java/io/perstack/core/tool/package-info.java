/** Tool definitions as offered to the model: which skill provides a tool, its description and input schema. */
package io.perstack.core.tool;
