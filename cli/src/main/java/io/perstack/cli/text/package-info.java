/** Text helpers for messages to a person: close-match suggestions. */
package io.perstack.cli.text;
