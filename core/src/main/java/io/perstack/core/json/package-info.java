/** JSON conventions of the wire format: one configured mapper, control-character escaping, flat events. */
package io.perstack.core.json;
