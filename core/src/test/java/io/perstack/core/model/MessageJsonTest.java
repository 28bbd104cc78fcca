package io.perstack.core.model;

import static io.perstack.core.json.WireAssert.assertRecordRoundTrip;
import static io.perstack.core.json.WireAssert.assertRoundTrip;
import static io.perstack.core.json.WireAssert.assertSameJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.perstack.core.json.Json;
import io.perstack.core.model.Message.ExpertMessage;
import io.perstack.core.model.Message.InstructionMessage;
import io.perstack.core.model.Message.ToolMessage;
import io.perstack.core.model.Message.UserMessage;
import io.perstack.core.model.MessagePart.FileBinaryPart;
import io.perstack.core.model.MessagePart.FileInlinePart;
import io.perstack.core.model.MessagePart.FileUrlPart;
import io.perstack.core.model.MessagePart.ImageBinaryPart;
import io.perstack.core.model.MessagePart.ImageInlinePart;
import io.perstack.core.model.MessagePart.ImageUrlPart;
import io.perstack.core.model.MessagePart.TextPart;
import io.perstack.core.model.MessagePart.ThinkingPart;
import io.perstack.core.model.MessagePart.ToolCallPart;
import io.perstack.core.model.MessagePart.ToolResultPart;
import java.io.UncheckedIOException;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class MessageJsonTest {

    /** One documented sample per part type (docs/events.md §5), keyed by the wire {@code type}. */
    static final Map<String, String> PART_SAMPLES = new LinkedHashMap<>();
    static final Map<String, String> MESSAGE_SAMPLES = new LinkedHashMap<>();

    static {
        PART_SAMPLES.put("textPart", Samples.TEXT_PART);
        PART_SAMPLES.put("imageUrlPart", Samples.IMAGE_URL_PART);
        PART_SAMPLES.put("imageInlinePart", Samples.IMAGE_INLINE_PART);
        PART_SAMPLES.put("imageBinaryPart", Samples.IMAGE_BINARY_PART);
        PART_SAMPLES.put("fileUrlPart", Samples.FILE_URL_PART);
        PART_SAMPLES.put("fileInlinePart", Samples.FILE_INLINE_PART);
        PART_SAMPLES.put("fileBinaryPart", Samples.FILE_BINARY_PART);
        PART_SAMPLES.put("toolCallPart", Samples.TOOL_CALL_PART);
        PART_SAMPLES.put("thinkingPart", Samples.THINKING_PART);
        PART_SAMPLES.put("toolResultPart", Samples.TOOL_RESULT_PART);

        MESSAGE_SAMPLES.put("instructionMessage", Samples.INSTRUCTION_MESSAGE);
        MESSAGE_SAMPLES.put("userMessage", Samples.USER_MESSAGE);
        MESSAGE_SAMPLES.put("expertMessage", Samples.EXPERT_MESSAGE);
        MESSAGE_SAMPLES.put("toolMessage", Samples.TOOL_MESSAGE);
    }

    static Stream<Arguments> parts() {
        return PART_SAMPLES.entrySet().stream().map(e -> Arguments.of(Named.of(e.getKey(), e.getValue())));
    }

    static Stream<Arguments> messages() {
        return MESSAGE_SAMPLES.entrySet().stream().map(e -> Arguments.of(Named.of(e.getKey(), e.getValue())));
    }

    @ParameterizedTest
    @MethodSource("parts")
    void everyPartRoundTripsThroughTheDocumentedShape(String sample) {
        MessagePart part = assertRoundTrip(sample, MessagePart.class);
        assertThat(Json.tree(Json.write(part)).get("type").asText()).isEqualTo(Json.tree(sample).get("type").asText());
    }

    @ParameterizedTest
    @MethodSource("messages")
    void everyMessageRoundTripsThroughTheDocumentedShape(String sample) {
        assertRoundTrip(sample, Message.class);
    }

    @Test
    void everyPartTypeOfTheModelHasADocumentedSample() {
        Set<Class<?>> parsed = new HashSet<>();
        PART_SAMPLES.values().forEach(s -> parsed.add(Json.read(s, MessagePart.class).getClass()));
        assertThat(parsed).containsExactlyInAnyOrderElementsOf(leafRecords(MessagePart.class));
    }

    @Test
    void everyMessageTypeOfTheModelHasADocumentedSample() {
        Set<Class<?>> parsed = new HashSet<>();
        MESSAGE_SAMPLES.values().forEach(s -> parsed.add(Json.read(s, Message.class).getClass()));
        assertThat(parsed).containsExactlyInAnyOrderElementsOf(leafRecords(Message.class));
    }

    @Test
    void partTypesMapToTheirRecords() {
        assertThat(Json.read(Samples.TEXT_PART, MessagePart.class)).isInstanceOf(TextPart.class);
        assertThat(Json.read(Samples.IMAGE_URL_PART, MessagePart.class)).isInstanceOf(ImageUrlPart.class);
        assertThat(Json.read(Samples.IMAGE_INLINE_PART, MessagePart.class)).isInstanceOf(ImageInlinePart.class);
        assertThat(Json.read(Samples.IMAGE_BINARY_PART, MessagePart.class)).isInstanceOf(ImageBinaryPart.class);
        assertThat(Json.read(Samples.FILE_URL_PART, MessagePart.class)).isInstanceOf(FileUrlPart.class);
        assertThat(Json.read(Samples.FILE_INLINE_PART, MessagePart.class)).isInstanceOf(FileInlinePart.class);
        assertThat(Json.read(Samples.FILE_BINARY_PART, MessagePart.class)).isInstanceOf(FileBinaryPart.class);
        assertThat(Json.read(Samples.TOOL_CALL_PART, MessagePart.class)).isInstanceOf(ToolCallPart.class);
        assertThat(Json.read(Samples.THINKING_PART, MessagePart.class)).isInstanceOf(ThinkingPart.class);
        assertThat(Json.read(Samples.TOOL_RESULT_PART, MessagePart.class)).isInstanceOf(ToolResultPart.class);
    }

    @Test
    void messageTypesMapToTheirRecords() {
        assertThat(Json.read(Samples.INSTRUCTION_MESSAGE, Message.class)).isInstanceOf(InstructionMessage.class);
        assertThat(Json.read(Samples.USER_MESSAGE, Message.class)).isInstanceOf(UserMessage.class);
        assertThat(Json.read(Samples.EXPERT_MESSAGE, Message.class)).isInstanceOf(ExpertMessage.class);
        assertThat(Json.read(Samples.TOOL_MESSAGE, Message.class)).isInstanceOf(ToolMessage.class);
    }

    @Test
    void toolResultPartKeepsIsErrorOnlyWhenSet() {
        ToolResultPart flagged = (ToolResultPart) assertRoundTrip(Samples.ERROR_TOOL_RESULT_PART, MessagePart.class);
        assertThat(flagged.isError()).isTrue();
        ToolResultPart plain = (ToolResultPart) Json.read(Samples.TOOL_RESULT_PART, MessagePart.class);
        assertThat(plain.isError()).isNull();
        assertThat(Json.tree(Json.write(plain)).has("isError")).isFalse();
    }

    @Test
    void thinkingPartWithoutSignatureOmitsIt() {
        ThinkingPart part = (ThinkingPart) assertRoundTrip(Samples.THINKING_PART_WITHOUT_SIGNATURE, MessagePart.class);
        assertThat(part.signature()).isNull();
        assertThat(Json.tree(Json.write(part)).has("signature")).isFalse();
    }

    @Test
    void messageWithoutCacheFlagOmitsIt() {
        Message message = assertRoundTrip(Samples.SIMPLE_USER_MESSAGE, Message.class);
        assertThat(message.cache()).isNull();
        assertThat(Json.tree(Json.write(message)).has("cache")).isFalse();
    }

    @Test
    void builtMessagesSerialiseWithTheirTypeDiscriminators() {
        Message message = new ExpertMessage("m2", List.of(
                new ThinkingPart("p1", "think", null),
                new TextPart("p2", "text"),
                new ToolCallPart("p3", "toolu_9", "exec", Json.object().put("command", "ls"))), null);
        String json = assertRecordRoundTrip(message, Message.class);
        assertSameJson(json, """
                {"id": "m2", "type": "expertMessage", "contents": [
                  {"id": "p1", "type": "thinkingPart", "thinking": "think"},
                  {"id": "p2", "type": "textPart", "text": "text"},
                  {"id": "p3", "type": "toolCallPart", "toolCallId": "toolu_9", "toolName": "exec",
                   "args": {"command": "ls"}}]}""");
    }

    @Test
    void everyBuiltPartRoundTripsAsARecord() {
        List<MessagePart> parts = List.of(
                new TextPart("a", "t"), new ImageUrlPart("b", "https://x/y.png", "image/png"),
                new ImageInlinePart("c", "AA==", "image/png"), new ImageBinaryPart("d", "AA==", "image/png"),
                new FileUrlPart("e", "https://x/y.pdf", "application/pdf"),
                new FileInlinePart("f", "AA==", "application/pdf"),
                new FileBinaryPart("g", "AA==", "application/pdf"),
                new ToolCallPart("h", "toolu", "exec", Json.object()), new ThinkingPart("i", "hm", "sig"),
                new ToolResultPart("j", "toolu", "exec", List.of(new TextPart("k", "out")), true));
        for (MessagePart part : parts) {
            assertRecordRoundTrip(part, MessagePart.class);
        }
    }

    @Test
    void aUserMessageRejectsAPartItMayNotCarry() {
        String wrong = """
                {"id": "m", "type": "userMessage", "contents": [%s]}""".formatted(Samples.TOOL_CALL_PART);
        assertThatThrownBy(() -> Json.read(wrong, Message.class)).isInstanceOf(UncheckedIOException.class);
    }

    @Test
    void aToolResultPartRejectsAnUrlPartInItsContents() {
        String wrong = """
                {"id": "p", "type": "toolResultPart", "toolCallId": "t", "toolName": "n", "contents": [%s]}"""
                .formatted(Samples.IMAGE_URL_PART);
        assertThatThrownBy(() -> Json.read(wrong, MessagePart.class)).isInstanceOf(UncheckedIOException.class);
    }

    @Test
    void unknownFieldsOfMessagesAndPartsAreIgnored() {
        String withExtras = """
                {"id": "m", "type": "userMessage", "future": {"x": 1},
                 "contents": [{"id": "p", "type": "textPart", "text": "hi", "providerOptions": {"a": "b"}}]}""";
        Message message = Json.read(withExtras, Message.class);
        assertThat(message).isEqualTo(new UserMessage("m", List.of(new TextPart("p", "hi")), null));
        assertSameJson(Json.write(message), """
                {"id": "m", "type": "userMessage", "contents": [{"id": "p", "type": "textPart", "text": "hi"}]}""");
    }

    /** All concrete records below a sealed hierarchy. */
    static Set<Class<?>> leafRecords(Class<?> root) {
        Set<Class<?>> out = new HashSet<>();
        collect(root, out);
        return out;
    }

    private static void collect(Class<?> type, Set<Class<?>> out) {
        if (type.isRecord()) {
            out.add(type);
            return;
        }
        Class<?>[] permitted = type.getPermittedSubclasses();
        assertThat(permitted).as("%s is sealed", type).isNotNull();
        for (Class<?> sub : permitted) {
            collect(sub, out);
        }
    }
}
