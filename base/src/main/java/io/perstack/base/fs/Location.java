package io.perstack.base.fs;

import java.util.List;

/**
 * A path the model named, after the string rules of docs/base-skill.md §2.2.
 *
 * @param parts   components relative to the workspace root; empty for the root
 * @param given   the path exactly as the model gave it
 * @param visible the resolved path in model-visible form (under the model-visible root)
 */
public record Location(List<String> parts, String given, String visible) {
    public Location {
        parts = List.copyOf(parts);
    }

    public boolean isRoot() {
        return parts.isEmpty();
    }

    /** The last component, or the empty string for the root. */
    public String name() {
        return parts.isEmpty() ? "" : parts.getLast();
    }

    /** The parent; the root is its own parent. */
    public Location parent() {
        if (parts.isEmpty()) {
            return this;
        }
        int slash = visible.lastIndexOf('/');
        String parentVisible = slash <= 0 ? "/" : visible.substring(0, slash);
        return new Location(parts.subList(0, parts.size() - 1), parentVisible, parentVisible);
    }
}
