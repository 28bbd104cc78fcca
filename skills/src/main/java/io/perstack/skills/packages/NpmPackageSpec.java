package io.perstack.skills.packages;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A registry package as {@code npx} names it: {@code name}, {@code name@version}, {@code @scope/name@range}. Only
 * plain registry names qualify; paths, URLs, git and alias specs are left to {@code npx} itself.
 *
 * @param name      the package name, with its scope
 * @param requested the version, range or tag asked for ({@code latest} when none)
 */
public record NpmPackageSpec(String name, String requested) {
    // npm's rules for new names (url-safe, no leading dot or underscore); upper case only for old packages.
    private static final Pattern NAME = Pattern.compile("(@[A-Za-z0-9][A-Za-z0-9._~-]*/)?[A-Za-z0-9][A-Za-z0-9._~-]*");
    private static final Pattern EXACT = Pattern.compile(
            "\\d{1,9}\\.\\d{1,9}\\.\\d{1,9}(-[0-9A-Za-z.-]{1,64})?(\\+[0-9A-Za-z.-]{1,64})?");
    private static final Pattern REQUESTED = Pattern.compile("[0-9A-Za-z.+\\-^~<>=| *x]{1,100}");

    public NpmPackageSpec {
        if (!NAME.matcher(name).matches() || name.length() > 214) {
            throw new IllegalArgumentException("not an npm package name: " + name);
        }
        if (!REQUESTED.matcher(requested).matches()) {
            throw new IllegalArgumentException("not an npm version, range or tag: " + requested);
        }
    }

    /** The spec as {@code npx} was given it, or empty when it is not a plain registry package. */
    public static Optional<NpmPackageSpec> parse(String spec) {
        int at = spec.indexOf('@', spec.startsWith("@") ? 1 : 0);
        String name = at < 0 ? spec : spec.substring(0, at);
        String requested = at < 0 || at == spec.length() - 1 ? "latest" : spec.substring(at + 1);
        try {
            return Optional.of(new NpmPackageSpec(name, requested));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** Whether {@code version} is one exact semantic version, safe to use in a file name. */
    public static boolean isExact(String version) {
        return version != null && EXACT.matcher(version).matches();
    }

    /** Whether the spec pins an exact version, so nothing needs to be asked of the registry. */
    public boolean pinned() {
        return isExact(requested);
    }

    @Override
    public String toString() {
        return name + "@" + requested;
    }
}
