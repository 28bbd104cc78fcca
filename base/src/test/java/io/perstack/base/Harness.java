package io.perstack.base;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.perstack.base.fs.Workspace;
import io.perstack.core.json.Json;
import io.perstack.core.launch.ProcessLauncher;
import io.perstack.core.model.MessagePart;
import io.perstack.core.model.Todo;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** A base skill over a real directory, with helpers that read the JSON text part of a result. */
final class Harness implements AutoCloseable {
    final BaseSkill skill;
    final Path root;

    Harness(Path root, Workspace.Confinement confinement) {
        this(root, confinement, List.of(), List.of(), null, true);
    }

    Harness(Path root, Workspace.Confinement confinement, List<Path> denied, List<Path> envFiles,
            ProcessLauncher launcher, boolean inline) {
        this.root = root;
        this.skill = BaseSkill.create(new BaseSkillOptions(root, null, denied, envFiles, launcher,
                Map.of("PATH", "/usr/bin:/bin"), inline), confinement);
    }

    String visible(String relative) {
        return skill.modelVisibleRoot() + (relative.isEmpty() ? "" : "/" + relative);
    }

    BaseToolResult raw(String tool, String argsJson) {
        return skill.call(tool, Json.tree(argsJson), Todo.EMPTY);
    }

    /** The JSON of a successful call. */
    JsonNode ok(String tool, String argsJson) {
        BaseToolResult result = raw(tool, argsJson);
        JsonNode json = json(result);
        assertThat(result.isError()).as("%s %s -> %s", tool, argsJson, json).isFalse();
        return json;
    }

    /** The message of a failed call, checking the {@code {"error":"Error","message":…}} shape. */
    String error(String tool, String argsJson) {
        BaseToolResult result = raw(tool, argsJson);
        JsonNode json = json(result);
        assertThat(result.isError()).as("%s %s -> %s", tool, argsJson, json).isTrue();
        assertThat(json.path("error").asText()).isEqualTo("Error");
        return json.path("message").asText();
    }

    static JsonNode json(BaseToolResult result) {
        assertThat(result.contents()).hasSize(1);
        assertThat(result.contents().getFirst()).isInstanceOf(MessagePart.TextPart.class);
        return Json.tree(((MessagePart.TextPart) result.contents().getFirst()).text());
    }

    static String args(Object... pairs) {
        var node = Json.object();
        for (int i = 0; i < pairs.length; i += 2) {
            node.set((String) pairs[i], Json.mapper().valueToTree(pairs[i + 1]));
        }
        return Json.write(node);
    }

    @Override
    public void close() {
        skill.close();
    }
}
