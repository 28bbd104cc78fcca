package io.perstack.core.id;

import java.security.SecureRandom;
import java.util.regex.Pattern;

/** Ids: 24 characters {@code [a-z][a-z0-9]{23}} from a CSPRNG (docs/runtime.md §1). */
public final class Ids {
    private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Pattern USER_ID = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$");

    private Ids() {}

    public static String next() {
        char[] out = new char[24];
        out[0] = ALPHABET[RANDOM.nextInt(26)];
        for (int i = 1; i < 24; i++) {
            out[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
        }
        return new String(out);
    }

    /** Whether a job, run or checkpoint id is safe to use as a path component. */
    public static boolean isValid(String id) {
        return id != null && USER_ID.matcher(id).matches();
    }
}
