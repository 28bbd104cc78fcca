package io.perstack.cli.text;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The names a mistyped one was probably meant to be: at most three candidates within a small edit distance (a third
 * of the name's length, at least two edits), closest first, and the sentence that offers them.
 */
public final class CloseMatches {
    private static final int MAX = 3;

    private CloseMatches() {}

    public static List<String> of(String given, Collection<String> candidates) {
        if (given == null) {
            return List.of();
        }
        String wanted = given.toLowerCase(Locale.ROOT);
        int limit = Math.max(2, wanted.length() / 3);
        record Scored(String name, int distance) {}
        List<Scored> scored = new ArrayList<>();
        for (String candidate : candidates) {
            String lower = candidate.toLowerCase(Locale.ROOT);
            // A prefix or a fragment of a long generated id is as good a hint as a typo.
            int d = lower.startsWith(wanted) || wanted.startsWith(lower) || lower.contains(wanted) ? 1
                    : distance(wanted, lower);
            if (d <= limit && !candidate.equals(given)) {
                scored.add(new Scored(candidate, d));
            }
        }
        scored.sort(Comparator.comparingInt(Scored::distance).thenComparing(Scored::name));
        return scored.stream().limit(MAX).map(Scored::name).toList();
    }

    /** {@code " Did you mean "a" or "b"?"}, or the empty string when nothing is close. */
    public static String sentence(String given, Collection<String> candidates) {
        List<String> close = of(given, candidates);
        if (close.isEmpty()) {
            return "";
        }
        List<String> quoted = close.stream().map(c -> "\"" + c + "\"").toList();
        return " Did you mean " + String.join(" or ", quoted) + "?";
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
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
