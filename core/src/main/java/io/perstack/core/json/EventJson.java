package io.perstack.core.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.util.NameTransformer;
import io.perstack.core.event.Event;
import io.perstack.core.event.EventPayload;
import io.perstack.core.event.EventTypes;
import java.io.IOException;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Flat JSON form of {@link Event}: header fields first, then the payload's fields at the same level. */
public final class EventJson {
    private static final Set<String> HEADER = Set.of("type", "id", "expertKey", "timestamp", "jobId", "runId",
            "stepNumber");

    private EventJson() {}

    public static final class Serializer extends JsonSerializer<Event> {
        private final Map<Class<?>, JsonSerializer<Object>> unwrapping = new ConcurrentHashMap<>();

        @Override
        public void serialize(Event event, JsonGenerator g, SerializerProvider provider) throws IOException {
            g.writeStartObject();
            g.writeStringField("type", event.type());
            g.writeStringField("id", event.id());
            if (event.expertKey() != null) {
                g.writeStringField("expertKey", event.expertKey());
            }
            g.writeNumberField("timestamp", event.timestamp());
            g.writeStringField("jobId", event.jobId());
            g.writeStringField("runId", event.runId());
            if (event.stepNumber() != null) {
                g.writeNumberField("stepNumber", event.stepNumber());
            }
            EventPayload payload = event.payload();
            if (payload instanceof EventPayload.Unknown unknown) {
                Iterator<Map.Entry<String, JsonNode>> fields = unknown.fields().fields();
                while (fields.hasNext()) {
                    Map.Entry<String, JsonNode> f = fields.next();
                    if (!HEADER.contains(f.getKey())) {
                        g.writeFieldName(f.getKey());
                        g.writeTree(f.getValue());
                    }
                }
            } else {
                JsonSerializer<Object> s = unwrapping.get(payload.getClass());
                if (s == null) {
                    s = provider.findValueSerializer(payload.getClass()).unwrappingSerializer(NameTransformer.NOP);
                    unwrapping.put(payload.getClass(), s);
                }
                s.serialize(payload, g, provider);
            }
            g.writeEndObject();
        }
    }

    public static final class Deserializer extends JsonDeserializer<Event> {
        @Override
        public Event deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            JsonNode tree = ctxt.readTree(p);
            String type = text(tree, "type");
            Class<? extends EventPayload> payloadType = type == null ? null : EventTypes.typeOf(type);
            EventPayload payload = payloadType == null
                    ? new EventPayload.Unknown(type, tree)
                    : ctxt.readTreeAsValue(tree, payloadType);
            JsonNode step = tree.get("stepNumber");
            return new Event(text(tree, "id"), text(tree, "expertKey"), tree.path("timestamp").asLong(),
                    text(tree, "jobId"), text(tree, "runId"),
                    step == null || step.isNull() ? null : step.asInt(), payload);
        }

        private static String text(JsonNode tree, String field) {
            JsonNode n = tree.get(field);
            return n == null || n.isNull() ? null : n.asText();
        }
    }
}
