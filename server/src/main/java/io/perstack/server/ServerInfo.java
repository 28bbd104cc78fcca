package io.perstack.server;

/** Placeholder marker until {@code perstack serve} is built; keeps the module's place in the dependency graph. */
public final class ServerInfo {
    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 7878;

    private ServerInfo() {}
}
