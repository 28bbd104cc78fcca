package io.perstack.core.json;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Comparator;

/**
 * Assertions for the wire format: JSON documents are compared as trees (key order ignored, numbers by value so that
 * {@code 0} and {@code 0.0} are the same JSON number, as they are for a JavaScript consumer).
 */
public final class WireAssert {
    private static final Comparator<JsonNode> SAME_VALUE = (a, b) -> {
        if (a.isNumber() && b.isNumber()) {
            return a.decimalValue().compareTo(b.decimalValue());
        }
        return a.equals(b) ? 0 : 1;
    };

    private WireAssert() {}

    /** Whether two JSON documents are the same tree. */
    public static boolean sameJson(JsonNode actual, JsonNode expected) {
        return actual.equals(SAME_VALUE, expected);
    }

    public static void assertSameJson(String actualJson, String expectedJson) {
        JsonNode actual = Json.tree(actualJson);
        JsonNode expected = Json.tree(expectedJson);
        assertThat(sameJson(actual, expected))
                .as("JSON trees differ%n actual:   %s%n expected: %s", actual, expected)
                .isTrue();
    }

    /**
     * (1) parses the documented sample, serialises it and compares the result with the sample; (2) parses that output
     * again and requires a value equal to the first one. Returns the parsed value for further checks.
     */
    public static <T> T assertRoundTrip(String sample, Class<T> type) {
        T parsed = Json.read(sample, type);
        String written = Json.write(parsed);
        assertSameJson(written, sample);
        T reparsed = Json.read(written, type);
        assertThat(reparsed).isEqualTo(parsed);
        return parsed;
    }

    /** record → JSON → record yields an equal value; returns the JSON. */
    public static <T> String assertRecordRoundTrip(T value, Class<T> type) {
        String written = Json.write(value);
        assertThat(Json.read(written, type)).isEqualTo(value);
        return written;
    }
}
