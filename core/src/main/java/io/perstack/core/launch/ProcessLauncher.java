package io.perstack.core.launch;

/** Placeholder replaced by the base-skill work: launches processes through an isolation backend. */
public interface ProcessLauncher {
    String name();
}
