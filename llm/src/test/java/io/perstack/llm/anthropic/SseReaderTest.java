package io.perstack.llm.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Server-sent event framing as the Anthropic stream decoder reads it. */
class SseReaderTest {

    /** Hands out at most one byte per read, as a slow network would. */
    private static InputStream trickle(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, 1));
            }
        };
    }

    private static List<String> events(InputStream in) throws IOException {
        MessagesStream.SseReader reader = new MessagesStream.SseReader(in);
        List<String> out = new ArrayList<>();
        String data;
        while ((data = reader.next()) != null) {
            out.add(data);
        }
        return out;
    }

    @Test
    void eventsAreSplitAtBlankLinesWhateverTheLineEndingsAndReadSize() throws IOException {
        String stream = "event: message_start\r\ndata: {\"a\":\"é😀\"}\r\n\r\n: comment\n\n"
                + "event: ping\ndata:{\"b\":1}\n\nid: 7\ndata: first\ndata: second\n\n";

        assertThat(events(trickle(stream))).containsExactly("{\"a\":\"é😀\"}", "{\"b\":1}", "first\nsecond");
        assertThat(events(new ByteArrayInputStream(stream.getBytes(StandardCharsets.UTF_8))))
                .containsExactly("{\"a\":\"é😀\"}", "{\"b\":1}", "first\nsecond");
    }

    @Test
    void theLastEventCountsWithoutItsBlankLineOrFinalNewline() throws IOException {
        assertThat(events(trickle("data: one\n\ndata: two"))).containsExactly("one", "two");
        assertThat(events(trickle("data: one\n"))).containsExactly("one");
        assertThat(events(trickle(""))).isEmpty();
    }

    @Test
    void linesLongerThanTheBufferAreReadWhole() throws IOException {
        String big = "x".repeat(50_000);
        String stream = "data: small\n\n" + "data: " + big + "\n\n" + "data: " + big + "y\n\ndata: end\n\n";

        assertThat(events(new ByteArrayInputStream(stream.getBytes(StandardCharsets.UTF_8))))
                .containsExactly("small", big, big + "y", "end");
    }
}
