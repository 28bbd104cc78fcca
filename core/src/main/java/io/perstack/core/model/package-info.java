/**
 * The conversation and run-state model shared by every module: messages and their parts, tool calls and results,
 * usage, steps, checkpoints and jobs. Immutable records whose JSON form is the compatible wire shape.
 */
package io.perstack.core.model;
