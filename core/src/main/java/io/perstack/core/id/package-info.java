/** Generated identifiers (cuid2-shaped) and validation of user-supplied ones before they reach a path. */
package io.perstack.core.id;
