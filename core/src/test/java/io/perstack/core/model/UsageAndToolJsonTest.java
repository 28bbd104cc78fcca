package io.perstack.core.model;

import static io.perstack.core.json.WireAssert.assertRecordRoundTrip;
import static io.perstack.core.json.WireAssert.assertRoundTrip;
import static io.perstack.core.json.WireAssert.assertSameJson;
import static org.assertj.core.api.Assertions.assertThat;

import io.perstack.core.json.Json;
import java.util.List;
import org.junit.jupiter.api.Test;

class UsageAndToolJsonTest {

    @Test
    void usageRoundTripsThroughTheDocumentedShape() {
        Usage usage = assertRoundTrip(Samples.USAGE, Usage.class);
        assertThat(usage).isEqualTo(new Usage(1200, 85, 40, 1585, 300));
    }

    @Test
    void usageBuiltFromPartsWritesAllFiveNumbers() {
        String json = assertRecordRoundTrip(Usage.of(100, 20, 30, 5).plus(Usage.of(1, 2, 3, 4)), Usage.class);
        assertSameJson(json, """
                {"inputTokens": 101, "outputTokens": 33, "reasoningTokens": 9, "totalTokens": 156,
                 "cachedInputTokens": 22}""");
    }

    @Test
    void toolCallRoundTripsThroughTheDocumentedShape() {
        ToolCall call = assertRoundTrip(Samples.TOOL_CALL, ToolCall.class);
        assertThat(call.args().get("path").asText()).isEqualTo("README.md");
    }

    @Test
    void toolResultRoundTripsThroughTheDocumentedShape() {
        ToolResult result = assertRoundTrip(Samples.TOOL_RESULT, ToolResult.class);
        assertThat(result.result()).singleElement().isInstanceOf(MessagePart.TextPart.class);
        assertThat(Json.tree(Json.write(result)).has("isError")).isFalse();
    }

    @Test
    void toolResultWithInlineImageAndFileRoundTripsAsARecord() {
        ToolResult result = new ToolResult("t", "@perstack/base", "readImageFile", List.of(
                new MessagePart.ImageInlinePart("a", "AA==", "image/png"),
                new MessagePart.FileInlinePart("b", "AA==", "application/pdf"),
                new MessagePart.TextPart("c", "ok")));
        String json = assertRecordRoundTrip(result, ToolResult.class);
        assertThat(Json.tree(json).at("/result/0/type").asText()).isEqualTo("imageInlinePart");
        assertThat(Json.tree(json).at("/result/1/type").asText()).isEqualTo("fileInlinePart");
    }

    @Test
    void todoListRoundTripsThroughTheDocumentedShape() {
        Todo todo = assertRoundTrip("""
                {"nextId": 3, "items": [{"id": 0, "title": "a", "completed": true},
                                        {"id": 2, "title": "c", "completed": false}]}""", Todo.class);
        assertThat(todo.remaining()).extracting(Todo.Item::title).containsExactly("c");
    }

    @Test
    void delegationTargetRoundTripsThroughTheDocumentedShape() {
        DelegationTarget target = assertRoundTrip("""
                {"expert": %s, "toolCallId": "toolu_03", "toolName": "researcher", "query": "q"}"""
                .formatted(Samples.CHILD_EXPERT), DelegationTarget.class);
        assertThat(target.expert().version()).isEqualTo("2.1.0");
    }
}
