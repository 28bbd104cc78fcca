package io.perstack.sandbox;

import io.perstack.core.config.RuntimeKind;
import io.perstack.sandbox.bwrap.Prerequisites;
import io.perstack.sandbox.bwrap.SandboxUnavailable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Chooses the isolation backend (docs/isolation.md §2): flag &gt; {@code perstack.toml} &gt; default. The default is
 * {@code sandbox} on Linux with a usable bubblewrap; otherwise there is no default and the command stops rather
 * than silently running without isolation.
 */
public final class RuntimeSelection {
    private static final String ADVICE = "Install it (Debian/Ubuntu: sudo apt-get install bubblewrap; Fedora: sudo "
            + "dnf install bubblewrap; Arch: sudo pacman -S bubblewrap),\nor choose a runtime explicitly: --runtime "
            + "docker (needs Docker) or --runtime local (no isolation).";

    private RuntimeSelection() {}

    /** Whether a value passes argument validation ({@code cursor}, {@code claude-code}, {@code gemini} do). */
    public static boolean isKnownName(String runtime) {
        return RuntimeKind.fromWire(runtime).isPresent();
    }

    /**
     * The backend name to use, or a {@link UnavailableRuntime} with the exact message.
     *
     * @param requested the flag or toml value, {@code null} for the default
     * @param path      the {@code PATH} to look for {@code bwrap} on
     */
    public static String select(String requested, String path) {
        if (requested != null) {
            RuntimeKind kind = RuntimeKind.fromWire(requested).orElse(null);
            if (kind == RuntimeKind.SANDBOX) {
                return checkSandbox(path, "The runtime \"sandbox\"");
            }
            if (kind != null && kind.availability() == RuntimeKind.Availability.AVAILABLE) {
                return requested;
            }
            // Accepting it and then launching nothing would leave a run half-working; say so up front.
            if (kind != null && kind.availability() == RuntimeKind.Availability.NOT_BUILT) {
                throw new UnavailableRuntime("Runtime \"" + requested + "\" is not built in this version. "
                        + "Use --runtime sandbox (bubblewrap) or --runtime local (no isolation).");
            }
            throw new UnavailableRuntime("Runtime \"" + requested + "\" is not available. Available runtimes: "
                    + RuntimeKind.names(RuntimeKind.Availability.AVAILABLE) + " ("
                    + RuntimeKind.names(RuntimeKind.Availability.NOT_BUILT) + " is not built in this version)");
        }
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        if (!os.contains("linux")) {
            throw new UnavailableRuntime("The default runtime \"sandbox\" is only available on Linux.\n" + ADVICE);
        }
        return checkSandbox(path, "The default runtime \"sandbox\"");
    }

    /** bubblewrap on {@code PATH}, able to create namespaces, and the forwarder usable (docs/isolation.md §2). */
    private static String checkSandbox(String path, String subject) {
        Path bwrap = findOnPath("bwrap", path);
        if (bwrap == null) {
            throw new UnavailableRuntime(subject + " needs bubblewrap (bwrap), which was not found on PATH.\n"
                    + ADVICE);
        }
        try {
            Prerequisites.check(bwrap);
        } catch (SandboxUnavailable e) {
            throw new UnavailableRuntime(e.getMessage());
        }
        return RuntimeKind.SANDBOX.wireName();
    }


    /** An executable file named {@code name} on {@code path}, or {@code null}. */
    public static Path findOnPath(String name, String path) {
        if (path == null) {
            return null;
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    /** The selected or default runtime cannot be used; the message is the user-facing text. */
    public static final class UnavailableRuntime extends RuntimeException {
        public UnavailableRuntime(String message) {
            super(message, null, false, false);
        }
    }
}
