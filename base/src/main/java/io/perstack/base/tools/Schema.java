package io.perstack.base.tools;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.perstack.core.json.Json;

/**
 * Builds an object input schema. Keys come out in the order the model has always seen them ({@code type},
 * {@code properties}, {@code required}; each property's {@code type} before its {@code description}), which the
 * catalog's golden test pins.
 */
final class Schema {
    private final ObjectNode node = Json.object().put("type", "object");
    private final ObjectNode properties = node.putObject("properties");

    private Schema() {}

    static Schema object() {
        return new Schema();
    }

    /** The common shape: one required {@code path}. */
    static Schema path(String description) {
        return object().prop("path", "string", description).required("path");
    }

    Schema prop(String name, String type, String description) {
        properties.putObject(name).put("type", type).put("description", description);
        return this;
    }

    Schema arrayOf(String name, String itemType, String description) {
        ObjectNode array = properties.putObject(name).put("type", "array");
        array.putObject("items").put("type", itemType);
        array.put("description", description);
        return this;
    }

    /** An object whose values are all strings (exec's {@code env}). */
    Schema stringMap(String name, String description) {
        properties.putObject(name).put("type", "object").put("description", description)
                .putObject("additionalProperties").put("type", "string");
        return this;
    }

    /** Sets the required list; called again it replaces the list in place. */
    Schema required(String... names) {
        ArrayNode list = node.putArray("required");
        for (String name : names) {
            list.add(name);
        }
        return this;
    }

    ObjectNode build() {
        return node;
    }
}
