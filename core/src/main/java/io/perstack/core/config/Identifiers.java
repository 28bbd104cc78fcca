package io.perstack.core.config;

import java.util.regex.Pattern;

/**
 * The exact identifier rules of docs/configuration.md §5.1. Patterns are used with {@code matches()}, which anchors at both ends;
 * {@code $} alone would also accept a trailing newline.
 */
public final class Identifiers {
    public static final int EXPERT_KEY_MAX = 511;
    public static final int EXPERT_NAME_MAX = 255;
    public static final int TAG_MAX = 255;
    public static final int ORGANIZATION_MAX = 128;
    public static final int ENV_NAME_MAX = 255;

    private static final String SEMVER =
            "(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)(-[\\w.-]+)?(\\+[\\w.-]+)?";

    public static final Pattern EXPERT_KEY = Pattern.compile(
            "((?:@[a-z0-9][a-z0-9_.-]*/)?[a-z0-9][a-z0-9_.-]*)(?:@(" + SEMVER + ")|@([a-z0-9][a-z0-9_.-]*))?");
    public static final Pattern EXPERT_NAME = Pattern.compile("(@[a-z0-9][a-z0-9_-]*/)?[a-z0-9][a-z0-9_-]*");
    public static final Pattern VERSION = Pattern.compile(SEMVER);
    public static final Pattern TAG = Pattern.compile("[a-z0-9][a-z0-9_-]*");
    public static final Pattern ORGANIZATION = Pattern.compile("[a-z0-9][a-z0-9_.-]*");
    public static final Pattern ENV_NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_-]*");

    private Identifiers() {}

    public static boolean isExpertKey(String s) {
        return s != null && s.length() <= EXPERT_KEY_MAX && EXPERT_KEY.matcher(s).matches();
    }

    public static boolean isExpertName(String s) {
        return s != null && s.length() <= EXPERT_NAME_MAX && EXPERT_NAME.matcher(s).matches();
    }

    public static boolean isVersion(String s) {
        return s != null && VERSION.matcher(s).matches();
    }

    public static boolean isTag(String s) {
        return s != null && s.length() <= TAG_MAX && TAG.matcher(s).matches();
    }

    public static boolean isOrganizationName(String s) {
        return s != null && s.length() <= ORGANIZATION_MAX && ORGANIZATION.matcher(s).matches();
    }

    public static boolean isEnvName(String s) {
        return s != null && s.length() <= ENV_NAME_MAX && ENV_NAME.matcher(s).matches();
    }
}
