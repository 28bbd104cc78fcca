/**
 * Isolation backends: which one a run uses (fail closed when the default cannot work) and how each launches
 * untrusted processes. Backend implementations live in sub-packages.
 */
package io.perstack.sandbox;
