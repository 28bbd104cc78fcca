package io.perstack.base.tools;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.perstack.base.fs.Workspace;
import io.perstack.core.json.Json;
import io.perstack.core.model.Todo;
import java.time.Duration;
import java.time.Instant;

/** {@code healthCheck}: proof of life with workspace root, uptime, memory and process id. */
public final class HealthCheckTool implements BaseTool {
    public static final String NAME = "healthCheck";

    private final Workspace workspace;

    public HealthCheckTool(Workspace workspace) {
        this.workspace = workspace;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Report that the runtime is alive: workspace root, uptime, memory and process id.";
    }

    @Override
    public ObjectNode inputSchema() {
        return Schema.object().build();
    }

    @Override
    public ToolOutput call(Arguments args, Todo todos) {
        Runtime rt = Runtime.getRuntime();
        Instant started = ProcessHandle.current().info().startInstant().orElse(Instant.now());
        ObjectNode out = Json.object().put("status", "ok").put("workspace", workspace.visibleRoot())
                .put("uptime", Math.max(0, Duration.between(started, Instant.now()).toSeconds()) + "s");
        out.putObject("memory")
                .put("heapUsed", Math.round((rt.totalMemory() - rt.freeMemory()) / 1024.0 / 1024.0) + "MB")
                .put("heapTotal", Math.round(rt.totalMemory() / 1024.0 / 1024.0) + "MB");
        out.put("pid", ProcessHandle.current().pid());
        return ToolOutput.ok(out);
    }
}
