package io.perstack.llm.bedrock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.perstack.testkit.llm.Reply;
import io.perstack.testkit.llm.Script;
import io.perstack.testkit.llm.ScriptedLlmServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Reads real event-stream bytes as the scripted Bedrock endpoint sends them. */
class EventStreamReaderTest {
    private static byte[] streamOf(Reply reply) throws Exception {
        try (ScriptedLlmServer server = ScriptedLlmServer.start(Script.of(reply));
             HttpClient http = HttpClient.newHttpClient()) {
            HttpRequest request = HttpRequest.newBuilder(URI.create(server.bedrockBaseUrl()
                    + "/model/m/converse-stream")).POST(HttpRequest.BodyPublishers.ofString("{}")).build();
            return http.send(request, HttpResponse.BodyHandlers.ofByteArray()).body();
        }
    }

    @Test
    void decodesEveryMessageWithItsEventTypeAndPayload() throws Exception {
        byte[] bytes = streamOf(Reply.text("Hello there").withThinking("hmm", "sig-1"));
        EventStreamReader reader = new EventStreamReader(new ByteArrayInputStream(bytes));
        List<String> types = new ArrayList<>();
        StringBuilder payloads = new StringBuilder();
        EventStreamReader.Message m;
        while ((m = reader.next()) != null) {
            assertThat(m.header(":message-type")).isEqualTo("event");
            types.add(m.header(":event-type"));
            payloads.append(new String(m.payload(), StandardCharsets.UTF_8));
        }
        assertThat(types.getFirst()).isEqualTo("messageStart");
        assertThat(types).contains("contentBlockDelta", "contentBlockStop", "messageStop");
        assertThat(types.getLast()).isEqualTo("metadata");
        assertThat(payloads.toString()).contains("sig-1", "\"usage\"");
    }

    @Test
    void aCorruptedByteFailsTheChecksumInsteadOfYieldingGarbage() throws Exception {
        byte[] bytes = streamOf(Reply.text("Hello there"));
        bytes[20] ^= 0x01;
        EventStreamReader reader = new EventStreamReader(new ByteArrayInputStream(bytes));
        assertThatThrownBy(reader::next).isInstanceOf(IOException.class).hasMessageContaining("checksum");
    }

    @Test
    void aStreamCutInsideAMessageIsAnError() throws Exception {
        byte[] bytes = streamOf(Reply.text("Hello there"));
        byte[] cut = java.util.Arrays.copyOf(bytes, 30);
        EventStreamReader reader = new EventStreamReader(new ByteArrayInputStream(cut));
        assertThatThrownBy(reader::next).isInstanceOf(IOException.class).hasMessageContaining("ended inside");
    }
}
