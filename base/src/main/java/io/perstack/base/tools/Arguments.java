package io.perstack.base.tools;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Typed reads of a tool call's JSON input; a wrong or missing required field is a {@link ToolFailure}. */
public record Arguments(JsonNode json) {
    public Arguments {
        json = json == null || json.isNull() || json.isMissingNode()
                ? com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode() : json;
    }

    public String string(String name) throws ToolFailure {
        JsonNode value = json.get(name);
        if (value == null || !value.isTextual()) {
            throw new ToolFailure("Invalid arguments: " + name + " must be a string");
        }
        return value.asText();
    }

    public String optionalString(String name, String fallback) throws ToolFailure {
        JsonNode value = json.get(name);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (!value.isTextual()) {
            throw new ToolFailure("Invalid arguments: " + name + " must be a string");
        }
        return value.asText();
    }

    public Long optionalNumber(String name) throws ToolFailure {
        JsonNode value = json.get(name);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isNumber()) {
            throw new ToolFailure("Invalid arguments: " + name + " must be a number");
        }
        return (long) Math.floor(value.asDouble());
    }

    public boolean flag(String name, boolean fallback) throws ToolFailure {
        JsonNode value = json.get(name);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (!value.isBoolean()) {
            throw new ToolFailure("Invalid arguments: " + name + " must be a boolean");
        }
        return value.asBoolean();
    }

    public List<String> strings(String name) throws ToolFailure {
        JsonNode value = json.get(name);
        List<String> out = new ArrayList<>();
        if (value == null || value.isNull()) {
            return out;
        }
        if (!value.isArray()) {
            throw new ToolFailure("Invalid arguments: " + name + " must be an array of strings");
        }
        for (JsonNode item : value) {
            if (!item.isTextual()) {
                throw new ToolFailure("Invalid arguments: " + name + " must be an array of strings");
            }
            out.add(item.asText());
        }
        return out;
    }

    public List<Integer> integers(String name) throws ToolFailure {
        JsonNode value = json.get(name);
        List<Integer> out = new ArrayList<>();
        if (value == null || value.isNull()) {
            return out;
        }
        if (!value.isArray()) {
            throw new ToolFailure("Invalid arguments: " + name + " must be an array of numbers");
        }
        for (JsonNode item : value) {
            if (!item.isNumber()) {
                throw new ToolFailure("Invalid arguments: " + name + " must be an array of numbers");
            }
            out.add(item.asInt());
        }
        return out;
    }

    public Map<String, String> stringMap(String name) throws ToolFailure {
        JsonNode value = json.get(name);
        Map<String, String> out = new LinkedHashMap<>();
        if (value == null || value.isNull()) {
            return out;
        }
        if (!value.isObject()) {
            throw new ToolFailure("Invalid arguments: " + name + " must be an object of strings");
        }
        for (Map.Entry<String, JsonNode> e : value.properties()) {
            if (!e.getValue().isTextual()) {
                throw new ToolFailure("Invalid arguments: " + name + "." + e.getKey() + " must be a string");
            }
            out.put(e.getKey(), e.getValue().asText());
        }
        return out;
    }
}
