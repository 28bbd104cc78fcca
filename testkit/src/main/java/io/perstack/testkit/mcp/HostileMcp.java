package io.perstack.testkit.mcp;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Command lines that start the hostile server in a child JVM with the current test class path. */
public final class HostileMcp {
    private HostileMcp() {}

    /** {@code java … io.perstack.testkit.mcp.HostileStdioServer <options>}. */
    public static List<String> stdioCommand(String... options) {
        return javaCommand(HostileStdioServer.class.getName(), options);
    }

    /** A child JVM running {@code mainClass} with this JVM's class path, tuned for a fast start. */
    public static List<String> javaCommand(String mainClass, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-XX:+UseSerialGC");
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.add("-Xshare:auto");
        cmd.add("--enable-native-access=ALL-UNNAMED");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(mainClass);
        cmd.addAll(List.of(args));
        return cmd;
    }
}
