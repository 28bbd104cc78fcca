package io.perstack.core.config;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The isolation runtimes a run may name ({@code runtime} in {@code perstack.toml}, {@code --runtime}), declared once
 * with their wire name and how far this version supports them (docs/isolation.md §2). Adding a runtime is a constant here
 * and its backend in {@code IsolationBackends}; validation, selection and help texts read this list.
 */
public enum RuntimeKind {
    LOCAL("local", Availability.AVAILABLE),
    SANDBOX("sandbox", Availability.AVAILABLE),
    DOCKER("docker", Availability.NOT_BUILT),
    CURSOR("cursor", Availability.COMPATIBILITY_ONLY),
    CLAUDE_CODE("claude-code", Availability.COMPATIBILITY_ONLY),
    GEMINI("gemini", Availability.COMPATIBILITY_ONLY);

    /** How far a runtime is supported. */
    public enum Availability {
        /** A backend exists and can be selected. */
        AVAILABLE,
        /** Part of the design and offered in help, but refused with its own message until its backend is built. */
        NOT_BUILT,
        /** Accepted by validation because TypeScript configurations name it; refused when a run starts. */
        COMPATIBILITY_ONLY
    }

    private final String wireName;
    private final Availability availability;

    RuntimeKind(String wireName, Availability availability) {
        this.wireName = wireName;
        this.availability = availability;
    }

    /** The name in {@code perstack.toml}, flags, run settings and launcher names. */
    public String wireName() {
        return wireName;
    }

    public Availability availability() {
        return availability;
    }

    /** Whether {@code name} is this runtime's wire name. */
    public boolean is(String name) {
        return wireName.equals(name);
    }

    /** The runtime with this wire name, if any. */
    public static Optional<RuntimeKind> fromWire(String name) {
        return Arrays.stream(values()).filter(k -> k.is(name)).findFirst();
    }

    /** Every wire name validation accepts, in declaration order. */
    public static List<String> wireNames() {
        return Arrays.stream(values()).map(RuntimeKind::wireName).toList();
    }

    /**
     * The runtimes help and error texts offer, the default first and no isolation last:
     * {@code sandbox, docker, local}.
     */
    public static String offered() {
        return Arrays.stream(values()).filter(k -> k.availability != Availability.COMPATIBILITY_ONLY)
                .sorted((a, b) -> Integer.compare(a.offerRank(), b.offerRank()))
                .map(RuntimeKind::wireName).collect(Collectors.joining(", "));
    }

    /** The wire names of the runtimes with this availability, in declaration order: for messages. */
    public static String names(Availability availability) {
        return Arrays.stream(values()).filter(k -> k.availability == availability)
                .map(RuntimeKind::wireName).collect(Collectors.joining(", "));
    }

    // The default (sandbox) leads and the one without isolation (local) comes last, so help steers to isolation.
    private int offerRank() {
        return switch (this) {
            case SANDBOX -> 0;
            case LOCAL -> 2;
            default -> 1;
        };
    }
}
