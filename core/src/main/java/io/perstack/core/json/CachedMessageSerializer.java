package io.perstack.core.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.BeanProperty;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.jsontype.TypeSerializer;
import com.fasterxml.jackson.databind.ser.ContextualSerializer;
import com.fasterxml.jackson.databind.ser.ResolvableSerializer;
import io.perstack.core.model.Message;
import java.io.IOException;

/**
 * Writes a message from the {@link MessageJsonCache} of the current write, if it has one; otherwise (and for every
 * other writer) exactly as Jackson's own serializer would. Messages are always written with their {@code type}, so
 * only the polymorphic path needs the cache.
 */
final class CachedMessageSerializer extends JsonSerializer<Object> implements ResolvableSerializer,
        ContextualSerializer {
    private final JsonSerializer<Object> delegate;

    @SuppressWarnings("unchecked")
    CachedMessageSerializer(JsonSerializer<?> delegate) {
        this.delegate = (JsonSerializer<Object>) delegate;
    }

    @Override
    public void serialize(Object value, JsonGenerator g, SerializerProvider provider) throws IOException {
        delegate.serialize(value, g, provider);
    }

    @Override
    public void serializeWithType(Object value, JsonGenerator g, SerializerProvider provider, TypeSerializer types)
            throws IOException {
        if (provider.getAttribute(MessageJsonCache.class) instanceof MessageJsonCache cache) {
            g.writeRawValue(cache.json((Message) value));
        } else {
            delegate.serializeWithType(value, g, provider, types);
        }
    }

    @Override
    public void resolve(SerializerProvider provider) throws JsonMappingException {
        if (delegate instanceof ResolvableSerializer r) {
            r.resolve(provider);
        }
    }

    @Override
    public JsonSerializer<?> createContextual(SerializerProvider provider, BeanProperty property)
            throws JsonMappingException {
        JsonSerializer<?> contextual = delegate instanceof ContextualSerializer c
                ? c.createContextual(provider, property) : delegate;
        return contextual == delegate ? this : new CachedMessageSerializer(contextual);
    }

    @Override
    public Class<Object> handledType() {
        return delegate.handledType();
    }
}
