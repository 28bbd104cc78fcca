package io.perstack.cli.log;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Which known ids look like a mistyped one: an id that starts with or contains what was typed, or lies within a few
 * edits of it. Used to suggest job ids when {@code --job} names none that exists.
 */
final class CloseMatches {
    static final int LIMIT = 3;

    private CloseMatches() {}

    /** Up to {@link #LIMIT} of {@code known}, closest first; empty when nothing is close. */
    static List<String> of(String typed, List<String> known) {
        String t = typed.toLowerCase(Locale.ROOT);
        // Generated ids are 24 random characters: a third of the length still tells a typo from another id.
        int allowed = Math.max(2, t.length() / 3);
        record Scored(String id, int distance) {}
        return known.stream().distinct()
                .map(id -> {
                    String k = id.toLowerCase(Locale.ROOT);
                    int d = k.startsWith(t) || k.contains(t) || t.startsWith(k) ? 0 : distance(t, k);
                    return new Scored(id, d);
                })
                .filter(s -> s.distance() <= allowed)
                .sorted(Comparator.comparingInt(Scored::distance).thenComparing(Scored::id))
                .limit(LIMIT).map(Scored::id).toList();
    }

    /** Levenshtein distance, two rows. */
    static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitute = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitute, Math.min(previous[j] + 1, current[j - 1] + 1));
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
