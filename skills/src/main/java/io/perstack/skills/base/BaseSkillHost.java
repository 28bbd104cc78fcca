package io.perstack.skills.base;

import com.fasterxml.jackson.databind.JsonNode;
import io.perstack.base.BaseSkill;
import io.perstack.base.BaseSkillOptions;
import io.perstack.base.BaseToolResult;
import io.perstack.core.id.Ids;
import io.perstack.core.json.Json;
import io.perstack.core.launch.EnvironmentPolicy;
import io.perstack.core.launch.ProcessLauncher;
import io.perstack.core.model.MessagePart;
import io.perstack.core.model.Todo;
import io.perstack.core.model.ToolResult;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The in-process base skill shared by every run of one job. Tool state that belongs to a conversation (todos) is
 * not kept here but passed with each call, so parallel delegates never see each other's.
 */
public final class BaseSkillHost implements AutoCloseable {
    private static final Set<String> MEDIA_TOOLS = Set.of("readImageFile", "readPdfFile");
    private final BaseSkill skill;

    private BaseSkillHost(BaseSkill skill) {
        this.skill = skill;
    }

    /**
     * @param workspace      the workspace on the host, also what the model sees under the {@code local} runtime
     * @param deniedPaths    folders refused like {@code perstack/} (the storage root)
     * @param maskedEnvFiles the env files loaded for this invocation
     * @param launcher       the isolation backend's launcher for {@code exec}; {@code null} disables {@code exec}
     * @param environment    the merged environment of the invocation
     * @param passThrough    {@code --env} names that {@code exec} also receives
     */
    public static BaseSkillHost open(Path workspace, List<Path> deniedPaths, List<Path> maskedEnvFiles,
                                     ProcessLauncher launcher, Map<String, String> environment,
                                     List<String> passThrough) {
        return open(workspace, workspace.toString(), deniedPaths, maskedEnvFiles, launcher,
                EnvironmentPolicy.local(environment, passThrough));
    }

    /**
     * As above for any isolation backend.
     *
     * @param visibleRoot the workspace as the model sees it ({@code /workspace} under {@code sandbox})
     * @param environment the backend's environment policy for {@code exec}
     */
    public static BaseSkillHost open(Path workspace, String visibleRoot, List<Path> deniedPaths,
                                     List<Path> maskedEnvFiles, ProcessLauncher launcher,
                                     EnvironmentPolicy environment) {
        return open(workspace, visibleRoot, deniedPaths, maskedEnvFiles, List.of(), launcher, environment);
    }

    /**
     * As above, with entries the file tools must not change because the backend keeps them read-only for its
     * processes (the tools run here, outside the backend, so its mounts do not bind them).
     */
    public static BaseSkillHost open(Path workspace, String visibleRoot, List<Path> deniedPaths,
                                     List<Path> maskedEnvFiles, List<Path> protectedPaths, ProcessLauncher launcher,
                                     EnvironmentPolicy environment) {
        return new BaseSkillHost(BaseSkill.create(new BaseSkillOptions(workspace, visibleRoot, deniedPaths,
                maskedEnvFiles, launcher, environment, true, protectedPaths)));
    }

    BaseSkill skill() {
        return skill;
    }

    /**
     * For the base skill running as a process: its {@code readImageFile}/{@code readPdfFile} answer
     * {@code {path, mimeType, size}}, and the file is read here, through the confined workspace accessor, and inlined
     * (docs/runtime.md §8.3, SR-44). A path outside the workspace fails like any other read. Other results pass unchanged.
     */
    public ToolResult inlineNamedFile(ToolResult result) {
        if (!MEDIA_TOOLS.contains(result.toolName()) || result.result().size() != 1
                || !(result.result().getFirst() instanceof MessagePart.TextPart text)
                || Boolean.TRUE.equals(result.isError())) {
            return result;
        }
        String path;
        try {
            JsonNode named = Json.mapper().readTree(text.text());
            if (named == null || !named.path("path").isTextual()) {
                return result;
            }
            path = named.path("path").asText();
        } catch (java.io.IOException | RuntimeException notJson) {
            return result;
        }
        BaseToolResult read = skill.call(result.toolName(), Json.object().put("path", path), Todo.EMPTY);
        if (read.isError()) {
            String reason = read.contents().stream().filter(MessagePart.TextPart.class::isInstance)
                    .map(p -> ((MessagePart.TextPart) p).text()).findFirst().orElse("unreadable");
            return new ToolResult(result.id(), result.skillName(), result.toolName(),
                    List.of(new MessagePart.TextPart(Ids.next(), "Failed to read file \"" + path + "\": " + reason)));
        }
        return new ToolResult(result.id(), result.skillName(), result.toolName(), read.contents(), null);
    }

    @Override
    public void close() {
        skill.close();
    }
}
