/**
 * The trusted runtime's public API: run an Expert as a job (run setting in, final checkpoint out) with listeners,
 * storage and cancellation. The CLI, the server and embedding applications all go through it.
 */
package io.perstack.runtime;
