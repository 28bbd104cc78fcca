package io.perstack.core.event;

import static org.assertj.core.api.Assertions.assertThat;

import io.perstack.core.json.Json;
import io.perstack.core.json.MessageJsonCache;
import io.perstack.core.model.Message;
import io.perstack.core.model.MessagePart.TextPart;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CachedMessageJsonTest {

    @Test
    void everyEventWritesTheSameBytesWithAndWithoutTheMessageCache() throws Exception {
        MessageJsonCache cache = new MessageJsonCache(64);
        for (Map.Entry<String, String> sample : EventSamples.all().entrySet()) {
            Event event = Json.read(sample.getValue(), Event.class);
            byte[] plain = Json.writeBytes(event);
            // Twice: the second write comes from the cache filled by the first.
            assertThat(cache.writer().writeValueAsBytes(event)).as(sample.getKey()).isEqualTo(plain);
            assertThat(cache.writer().writeValueAsBytes(event)).as(sample.getKey()).isEqualTo(plain);
        }
        assertThat(cache.size()).isPositive();
    }

    @Test
    void aHistoryRepeatedInLaterEventsIsSerialisedOnceAndWrittenIdentically() throws Exception {
        List<Message> history = new ArrayList<>();
        // Control characters, a line separator and a character outside the BMP exercise every escaping rule.
        history.add(new Message.InstructionMessage("m0", List.of(new TextPart("t0", "be \u0001 careful\u2028")), true));
        MessageJsonCache cache = new MessageJsonCache(1000);
        for (int step = 1; step <= 50; step++) {
            history.add(new Message.UserMessage("m" + step, List.of(new TextPart("t" + step, "step " + step
                    + " \uD83D\uDE00 \u0085")), null));
            Event event = new Event("e" + step, "expert", step, "job", "run", step,
                    new EventPayload.StartGeneration(List.copyOf(history)));
            assertThat(cache.writer().writeValueAsBytes(event)).isEqualTo(Json.writeBytes(event));
            assertThat(cache.size()).isEqualTo(history.size());
        }
    }

    @Test
    void aFullCacheDropsItsOldestMessagesAndStillWritesThemCorrectly() throws Exception {
        MessageJsonCache cache = new MessageJsonCache(3);
        List<Message> history = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            history.add(new Message.UserMessage("m" + i, List.of(new TextPart("t" + i, "text " + i)), null));
        }
        Event event = new Event("e", "expert", 1, "job", "run", 1, new EventPayload.StartGeneration(history));
        assertThat(cache.writer().writeValueAsBytes(event)).isEqualTo(Json.writeBytes(event));
        assertThat(cache.size()).isEqualTo(3);
        assertThat(cache.writer().writeValueAsBytes(event)).isEqualTo(Json.writeBytes(event));
    }
}
