package io.perstack.core.config;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.stream.Collectors;
import org.tomlj.TomlArray;
import org.tomlj.TomlTable;

/**
 * Typed access to TOML values that records a problem instead of throwing, so one pass reports everything wrong
 * with a file. Getters return {@code null} for absent values and for values with a problem; the caller keeps going
 * and the collected problems decide the outcome at the end.
 *
 * <p>Messages never quote a value that could be a secret (header values, arbitrary strings); they name types,
 * limits and identifiers only.
 */
final class TomlFields {
    private final List<String> problems = new ArrayList<>();

    List<String> problems() {
        return problems;
    }

    void problem(KeyPath at, String message) {
        problems.add(at + ": " + message);
    }

    /** A single key, never split at dots: {@code "@perstack/base"} and {@code "a.b"} are one key each. */
    static Object raw(TomlTable table, String key) {
        return table.get(List.of(key));
    }

    String string(TomlTable table, KeyPath parent, String key) {
        return typed(table, parent, key, String.class, "string");
    }

    String requiredString(TomlTable table, KeyPath parent, String key) {
        if (raw(table, key) == null) {
            problem(parent.child(key), "Required");
            return null;
        }
        return string(table, parent, key);
    }

    /** A string of {@code min..max} UTF-16 units, the unit the TypeScript schema counts. */
    String string(TomlTable table, KeyPath parent, String key, int min, int max, boolean required) {
        String s = required ? requiredString(table, parent, key) : string(table, parent, key);
        if (s != null && !lengthOk(parent.child(key), s, min, max)) {
            return null;
        }
        return s;
    }

    boolean lengthOk(KeyPath at, String s, int min, int max) {
        if (s.length() < min) {
            problem(at, min == 1 ? "Must not be empty" : "Must be at least " + min + " characters");
            return false;
        }
        if (s.length() > max) {
            problem(at, "Must be at most " + max + " characters (got " + s.length() + ")");
            return false;
        }
        return true;
    }

    String oneOf(TomlTable table, KeyPath parent, String key, List<String> allowed, boolean required) {
        String s = required ? requiredString(table, parent, key) : string(table, parent, key);
        if (s != null && !allowed.contains(s)) {
            problem(parent.child(key), "Expected one of " + quoted(allowed) + "; received \"" + s + "\"");
            return null;
        }
        return s;
    }

    static String quoted(List<String> values) {
        return values.stream().map(v -> "\"" + v + "\"").collect(Collectors.joining(", "));
    }

    Long integer(TomlTable table, KeyPath parent, String key, long min, long max) {
        Long v = typed(table, parent, key, Long.class, "integer");
        return v == null ? null : inRange(parent.child(key), v, min, max);
    }

    Long inRange(KeyPath at, long v, long min, long max) {
        if (v < min) {
            problem(at, "Must be at least " + min);
            return null;
        }
        if (v > max) {
            problem(at, "Must be at most " + max);
            return null;
        }
        return v;
    }

    Integer intValue(TomlTable table, KeyPath parent, String key, int min) {
        Long v = integer(table, parent, key, min, Integer.MAX_VALUE);
        return v == null ? null : v.intValue();
    }

    /** An integer or a float; TOML's {@code inf} and {@code nan} are refused because no price or budget is infinite. */
    Double number(TomlTable table, KeyPath parent, String key, double min, boolean exclusiveMin, boolean required) {
        Object v = raw(table, key);
        KeyPath at = parent.child(key);
        if (v == null) {
            if (required) {
                problem(at, "Required");
            }
            return null;
        }
        double d;
        if (v instanceof Long l) {
            d = l;
        } else if (v instanceof Double x) {
            d = x;
        } else {
            problem(at, "Expected number, received " + typeName(v));
            return null;
        }
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            problem(at, "Must be a finite number");
            return null;
        }
        if (exclusiveMin ? d <= min : d < min) {
            problem(at, (exclusiveMin ? "Must be greater than " : "Must be at least ") + format(min));
            return null;
        }
        return d;
    }

    private static String format(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }

    Boolean bool(TomlTable table, KeyPath parent, String key) {
        return typed(table, parent, key, Boolean.class, "boolean");
    }

    TomlTable table(TomlTable table, KeyPath parent, String key) {
        return typed(table, parent, key, TomlTable.class, "table");
    }

    TomlArray array(TomlTable table, KeyPath parent, String key) {
        return typed(table, parent, key, TomlArray.class, "array");
    }

    /**
     * An array of strings with at most {@code maxEntries} entries. Wrong element types are reported by index; the
     * result holds the good elements (callers only use it when no problem was found).
     */
    List<String> strings(TomlTable table, KeyPath parent, String key, int maxEntries) {
        return strings(table, parent, key, maxEntries, (at, value) -> { });
    }

    /** As {@link #strings(TomlTable, KeyPath, String, int)}, calling {@code check} with each string's own path. */
    List<String> strings(TomlTable table, KeyPath parent, String key, int maxEntries,
                         BiConsumer<KeyPath, String> check) {
        TomlArray array = array(table, parent, key);
        if (array == null) {
            return null;
        }
        KeyPath at = parent.child(key);
        if (array.size() > maxEntries) {
            problem(at, "Must have at most " + maxEntries + " entries (got " + array.size() + ")");
        }
        List<String> result = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            Object element = array.get(i);
            if (element instanceof String s) {
                result.add(s);
                check.accept(at.index(i), s);
            } else {
                problem(at.index(i), "Expected string, received " + typeName(element));
            }
        }
        return result;
    }

    private <T> T typed(TomlTable table, KeyPath parent, String key, Class<T> type, String typeName) {
        Object v = raw(table, key);
        if (v == null) {
            return null;
        }
        if (!type.isInstance(v)) {
            problem(parent.child(key), "Expected " + typeName + ", received " + typeName(v));
            return null;
        }
        return type.cast(v);
    }

    /** TOML's own type names, which is what the user wrote. */
    static String typeName(Object v) {
        return switch (v) {
            case String s -> "string";
            case Long l -> "integer";
            case Double d -> "float";
            case Boolean b -> "boolean";
            case TomlArray a -> "array";
            case TomlTable t -> "table";
            case OffsetDateTime o -> "datetime";
            case LocalDateTime l -> "datetime";
            case LocalDate l -> "date";
            case LocalTime l -> "time";
            default -> v.getClass().getSimpleName();
        };
    }
}
