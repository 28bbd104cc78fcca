package io.perstack.base;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.perstack.base.fs.Workspace.Confinement;
import io.perstack.core.json.Json;
import io.perstack.core.model.Todo;
import io.perstack.core.tool.ToolDefinition;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ControlToolsTest {
    @TempDir
    Path ws;

    @Test
    void allSeventeenToolsArePublishedWithObjectSchemas() {
        try (Harness h = new Harness(ws, Confinement.AUTO)) {
            List<ToolDefinition> tools = h.skill.tools();

            assertThat(tools).extracting(ToolDefinition::name).containsExactly("attemptCompletion", "todo",
                    "clearTodo", "healthCheck", "exec", "readTextFile", "readImageFile", "readPdfFile",
                    "writeTextFile", "appendTextFile", "editTextFile", "moveFile", "deleteFile", "getFileInfo",
                    "listDirectory", "createDirectory", "deleteDirectory");
            assertThat(tools).allSatisfy(t -> {
                assertThat(t.skillName()).isEqualTo("@perstack/base");
                assertThat(t.inputSchema().path("type").asText()).isEqualTo("object");
                assertThat(t.description()).isNotBlank();
            });
            JsonNode exec = tools.get(4).inputSchema();
            assertThat(exec.path("required").toString())
                    .isEqualTo("[\"command\",\"args\",\"env\",\"cwd\",\"stdout\",\"stderr\"]");
            assertThat(exec.path("properties").path("timeout").path("description").asText()).contains("60000");
            assertThat(tools.get(4).description()).contains("without a shell");
            assertThat(tools.get(10).description()).contains("first");
        }
    }

    @Test
    void todoStateIsPassedInAndReturnedNeverHeld() {
        try (Harness h = new Harness(ws, Confinement.AUTO)) {
            BaseToolResult first = h.skill.call("todo", Json.tree("{\"newTodos\":[\"a\",\"b\"]}"), Todo.EMPTY);
            BaseToolResult second = h.skill.call("todo", Json.tree("{\"newTodos\":[\"c\"],\"completedTodos\":[0,9]}"),
                    first.todos());
            BaseToolResult parallel = h.skill.call("todo", Json.tree("{\"newTodos\":[\"x\"]}"), Todo.EMPTY);

            assertThat(Harness.json(second).toString()).isEqualTo("{\"todos\":[{\"id\":0,\"title\":\"a\","
                    + "\"completed\":true},{\"id\":1,\"title\":\"b\",\"completed\":false},{\"id\":2,\"title\":\"c\","
                    + "\"completed\":false}]}");
            assertThat(parallel.todos().items()).extracting(Todo.Item::id).containsExactly(0);

            JsonNode remaining = Harness.json(h.skill.call("attemptCompletion", Json.object(), second.todos()));
            assertThat(remaining.path("remainingTodos").findValuesAsText("title")).containsExactly("b", "c");
            BaseToolResult cleared = h.skill.call("clearTodo", Json.object(), second.todos());
            assertThat(Harness.json(cleared).toString()).isEqualTo("{\"todos\":[]}");
            assertThat(cleared.todos()).isEqualTo(Todo.EMPTY);
            assertThat(Harness.json(h.skill.call("attemptCompletion", Json.object(), cleared.todos())).toString())
                    .isEqualTo("{}");
        }
    }

    @Test
    void attemptCompletionCarriesWhatItFoundAsAValueThatAgreesWithItsText() {
        try (Harness h = new Harness(ws, Confinement.AUTO)) {
            Todo todos = Todo.EMPTY.add(List.of("a", "b"), List.of(0));

            BaseToolResult open = h.skill.call("attemptCompletion", Json.object(), todos);
            assertThat(open.completionOutcome()).hasValueSatisfying(o -> {
                assertThat(o.mustContinue()).isTrue();
                assertThat(o.remainingTodos()).extracting(Todo.Item::title).containsExactly("b");
            });
            assertThat(Harness.json(open).toString())
                    .isEqualTo("{\"remainingTodos\":[{\"id\":1,\"title\":\"b\",\"completed\":false}]}");

            BaseToolResult done = h.skill.call("attemptCompletion", Json.object(), Todo.EMPTY);
            assertThat(done.completionOutcome()).hasValueSatisfying(o -> assertThat(o.mustContinue()).isFalse());
            assertThat(h.skill.call("todo", Json.object(), todos).completionOutcome()).isEmpty();
            assertThat(h.raw("healthCheck", "{}").completionOutcome()).isEmpty();
        }
    }

    @Test
    void exactlyTheTodoToolsAreDeclaredAsUsingTheTodoList() {
        try (Harness h = new Harness(ws, Confinement.AUTO)) {
            assertThat(h.skill.tools()).extracting(ToolDefinition::name).filteredOn(h.skill::usesTodos)
                    .containsExactly("attemptCompletion", "todo", "clearTodo");
            assertThat(h.skill.usesTodos("think")).isFalse();
        }
    }

    @Test
    void healthCheckReportsTheModelVisibleRootAndThisProcess() {
        try (Harness h = new Harness(ws, Confinement.AUTO)) {
            JsonNode json = h.ok("healthCheck", "{}");

            assertThat(json.path("status").asText()).isEqualTo("ok");
            assertThat(json.path("workspace").asText()).isEqualTo(h.visible(""));
            assertThat(json.path("uptime").asText()).matches("\\d+s");
            assertThat(json.path("memory").path("heapUsed").asText()).matches("\\d+MB");
            assertThat(json.path("pid").asLong()).isEqualTo(ProcessHandle.current().pid());
        }
    }

    @Test
    void unknownToolsAndBadArgumentsAreErrorsNotExceptions() {
        try (Harness h = new Harness(ws, Confinement.AUTO)) {
            assertThat(h.error("think", "{}")).isEqualTo("Tool think not found");
            assertThat(h.error("readTextFile", "{\"path\":3}")).isEqualTo("Invalid arguments: path must be a string");
        }
    }

    @Test
    void execWithoutALauncherFailsWithAClearMessage() {
        try (Harness h = new Harness(ws, Confinement.AUTO)) {
            JsonNode json = Harness.json(h.raw("exec", "{\"command\":\"echo\",\"args\":[],\"env\":{},\"cwd\":\".\","
                    + "\"stdout\":true,\"stderr\":true}"));

            assertThat(json.path("error").asText()).startsWith("exec is not available");
        }
    }
}
