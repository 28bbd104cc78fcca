/** The base skill {@code @perstack/base}: seventeen tools run in the runtime process, confined to the workspace. */
package io.perstack.base;
