package io.perstack.core.json;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationConfig;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.ser.BeanSerializerModifier;
import io.perstack.core.event.Event;
import io.perstack.core.model.Job;
import io.perstack.core.model.JobStatus;
import io.perstack.core.model.Message;
import io.perstack.core.model.Usage;
import io.perstack.core.policy.TerminalText;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The one JSON configuration of the product: absent fields are omitted, unknown fields are ignored, and every string
 * escapes U+0000–U+001F, U+007F–U+009F and the invisible formatting characters of {@link TerminalText} (bidi
 * controls, zero-width characters, U+2028 and U+2029 among them), so a line never holds a raw control character and
 * never shows text out of its stored order (SR-41).
 */
public final class Json {
    private static final ObjectMapper MAPPER = create();
    private static final ObjectWriter PRETTY = MAPPER.writer(prettyPrinter());

    private Json() {}

    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /**
     * Builds the readers and writers of events, checkpoints, messages and jobs ahead of their first use: Jackson
     * introspects every record type once, which a short CLI run would otherwise pay on its critical path. Meant for
     * a spare core at start-up; the result is the same whether or not it ran.
     */
    public static void warmUp() {
        try {
            Event event = MAPPER.readValue(WARM_UP_EVENT, Event.class);
            MAPPER.writeValueAsBytes(event);
            new MessageJsonCache(8).writer().writeValueAsBytes(event);
            PRETTY.writeValueAsString(new Job(event.jobId(), JobStatus.RUNNING, "warm", 1, 1, Usage.ZERO, 0, null,
                    null));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static final String WARM_UP_EVENT = """
            {"type":"continueToNextStep","id":"e","expertKey":"w","timestamp":1,"jobId":"j","runId":"r","stepNumber":2,
             "checkpoint":{"id":"c","jobId":"j","runId":"r","status":"proceeding","stepNumber":2,"messages":[
              {"type":"instructionMessage","id":"m1","contents":[{"type":"textPart","id":"p1","text":"x"}],"cache":true},
              {"type":"userMessage","id":"m2","contents":[{"type":"textPart","id":"p2","text":"x"}]},
              {"type":"expertMessage","id":"m3","contents":[{"type":"thinkingPart","id":"p3","thinking":"x"},
               {"type":"toolCallPart","id":"p4","toolCallId":"t","toolName":"n","args":{"a":"x"}}]},
              {"type":"toolMessage","id":"m4","contents":[{"type":"toolResultPart","id":"p5","toolCallId":"t",
               "toolName":"n","contents":[{"type":"textPart","id":"p6","text":"x"}]}]}],
              "expert":{"key":"w","name":"w","version":"1.0.0"},
              "usage":{"inputTokens":1,"outputTokens":1,"reasoningTokens":0,"totalTokens":2,"cachedInputTokens":0},
              "contextWindow":1,"contextWindowUsage":0.5,"metadata":{"todos":{"nextId":0,"items":[]}},"retryCount":0},
             "step":{"stepNumber":2,"newMessages":[],"toolCalls":[{"id":"t","skillName":"s","toolName":"n","args":{}}],
              "toolResults":[{"id":"t","skillName":"s","toolName":"n","result":[{"type":"textPart","id":"p7","text":"x"}]}],
              "usage":{"inputTokens":1,"outputTokens":1,"reasoningTokens":0,"totalTokens":2,"cachedInputTokens":0},
              "startedAt":1,"finishedAt":2},
             "nextCheckpoint":{"id":"c2","jobId":"j","runId":"r","status":"proceeding","stepNumber":3,"messages":[],
              "expert":{"key":"w","name":"w","version":"1.0.0"},
              "usage":{"inputTokens":1,"outputTokens":1,"reasoningTokens":0,"totalTokens":2,"cachedInputTokens":0}}}
            """;

    public static String write(Object value) {
        return unchecked(() -> MAPPER.writeValueAsString(value));
    }

    public static byte[] writeBytes(Object value) {
        return unchecked(() -> MAPPER.writeValueAsBytes(value));
    }

    /** Two-space indentation with {@code "key": value}, like {@code JSON.stringify(v, null, 2)}. */
    public static String writePretty(Object value) {
        return unchecked(() -> PRETTY.writeValueAsString(value));
    }

    public static <T> T read(String json, Class<T> type) {
        return unchecked(() -> MAPPER.readValue(json, type));
    }

    public static JsonNode tree(String json) {
        return unchecked(() -> MAPPER.readTree(json));
    }

    /** A Jackson call that cannot fail on well-formed input; its failure is reported unchecked. */
    private interface JacksonCall<T> {
        T call() throws JsonProcessingException;
    }

    private static <T> T unchecked(JacksonCall<T> call) {
        try {
            return call.call();
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    private static ObjectMapper create() {
        JsonFactory factory = JsonFactory.builder()
                // Stored lines may be up to 64 MiB (docs/events.md §8); the default string limit is lower.
                .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(Integer.MAX_VALUE).build())
                // Characters outside the BMP are written as 4-byte UTF-8, not as \uD83D\uDE00 (docs/events.md §6).
                .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8)
                // Lower-case hex, as JSON.stringify writes it, so every escape in a line looks the same.
                .disable(JsonWriteFeature.WRITE_HEX_UPPER_CASE)
                .build();
        factory.setCharacterEscapes(new ControlEscapes());
        return JsonMapper.builder(factory)
                .addModule(new SimpleModule("perstack-messages").setSerializerModifier(new BeanSerializerModifier() {
                    @Override
                    public JsonSerializer<?> modifySerializer(SerializationConfig config, BeanDescription description,
                                                              JsonSerializer<?> serializer) {
                        return Message.class.isAssignableFrom(description.getBeanClass())
                                ? new CachedMessageSerializer(serializer) : serializer;
                    }
                }))
                .serializationInclusion(JsonInclude.Include.NON_NULL)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
                .build();
    }

    private static DefaultPrettyPrinter prettyPrinter() {
        Separators separators = Separators.createDefaultInstance()
                .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                .withArrayEmptySeparator("")
                .withObjectEmptySeparator("");
        DefaultPrettyPrinter printer = new DefaultPrettyPrinter(separators);
        printer.indentArraysWith(DefaultIndenter.SYSTEM_LINEFEED_INSTANCE.withLinefeed("\n"));
        printer.indentObjectsWith(DefaultIndenter.SYSTEM_LINEFEED_INSTANCE.withLinefeed("\n"));
        return printer;
    }

    /**
     * Escapes what {@link TerminalText#isUnsafe} names, so JSON on a terminal (the stdout event stream, {@code perstack
     * log --json}) carries no raw control, bidi or invisible character, yet parses back to the same string. Jackson
     * hands this one UTF-16 unit at a time, so the tag characters outside the BMP are not seen here and stay raw.
     */
    private static final class ControlEscapes extends CharacterEscapes {
        private final int[] ascii;

        ControlEscapes() {
            ascii = CharacterEscapes.standardAsciiEscapesForJSON();
            ascii[0x7f] = CharacterEscapes.ESCAPE_STANDARD;
        }

        @Override
        public int[] getEscapeCodesForAscii() {
            return ascii;
        }

        @Override
        public SerializableString getEscapeSequence(int ch) {
            // Called for every non-ASCII character written: a few comparisons, and an allocation only for a hit.
            if (TerminalText.isUnsafe(ch)) {
                return new SerializedString(String.format("\\u%04x", ch));
            }
            return null;
        }
    }
}
