/**
 * The event stream: state, streaming and runtime events with their exact wire names and fields (docs/events.md). An
 * {@link io.perstack.core.event.Event} is a header plus one {@link io.perstack.core.event.EventPayload}.
 */
package io.perstack.core.event;
