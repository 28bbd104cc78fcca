package io.perstack.core.config;

import java.util.ArrayList;
import java.util.List;

/**
 * Where a value sits in the file, printed as TOML key names joined by {@code .} with array indexes as numbers
 * (docs/configuration.md §1.1). Keys are not quoted even when they contain dots; scripts match the plain form.
 */
record KeyPath(List<String> segments) {
    static final KeyPath ROOT = new KeyPath(List.of());

    KeyPath {
        segments = List.copyOf(segments);
    }

    KeyPath child(String key) {
        List<String> next = new ArrayList<>(segments);
        next.add(key);
        return new KeyPath(next);
    }

    KeyPath index(int i) {
        return child(Integer.toString(i));
    }

    @Override
    public String toString() {
        return String.join(".", segments);
    }
}
