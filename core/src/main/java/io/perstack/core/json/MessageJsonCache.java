package io.perstack.core.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.perstack.core.model.Message;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * The JSON of messages already written once. Every {@code startGeneration} and checkpoint event repeats the whole
 * history (the compatible event shape), so without this each step would serialise every earlier message again.
 *
 * <p>Keyed by identity: messages are immutable and the checkpoints of a run share the same instances, while equal
 * messages need not be the same message. Holds at most {@code capacity} entries, dropping the oldest; a dropped
 * message is simply serialised again.
 */
public final class MessageJsonCache {

    private final int capacity;
    private final Map<Message, SerializedString> json = new IdentityHashMap<>();
    private final ArrayDeque<Message> order = new ArrayDeque<>();

    public MessageJsonCache(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive");
        }
        this.capacity = capacity;
    }

    /** An object writer whose messages come from this cache (identical bytes to an uncached write). */
    public ObjectWriter writer() {
        return Json.mapper().writer().withAttribute(MessageJsonCache.class, this);
    }

    /** Built on first use rather than when a cache is made, which happens on a short run's critical path. */
    private static final class MessageWriter {
        static final ObjectWriter INSTANCE = Json.mapper().writerFor(Message.class);
    }

    synchronized SerializableString json(Message message) {
        SerializedString s = json.get(message);
        if (s == null) {
            try {
                s = new SerializedString(MessageWriter.INSTANCE.writeValueAsString(message));
            } catch (JsonProcessingException e) {
                throw new UncheckedIOException(e);
            }
            s.asUnquotedUTF8(); // computed once here rather than on every write
            json.put(message, s);
            order.addLast(message);
            if (order.size() > capacity) {
                json.remove(order.removeFirst());
            }
        }
        return s;
    }

    /** Messages currently held. */
    public synchronized int size() {
        return json.size();
    }
}
