package io.perstack.cli.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class CloseMatchesTest {
    @Test
    void aTypoFindsTheNamesWithinAFewEditsClosestFirst() {
        List<String> names = List.of("greeter", "writer", "fact-checker", "greeting-bot");

        assertThat(CloseMatches.of("gretter", names)).containsExactly("greeter");
        assertThat(CloseMatches.of("fact-check", names)).containsExactly("fact-checker");
        assertThat(CloseMatches.of("zzz", names)).isEmpty();
        assertThat(CloseMatches.sentence("writter", names)).isEqualTo(" Did you mean \"writer\"?");
        assertThat(CloseMatches.sentence("zzz", names)).isEmpty();
    }

    @Test
    void distanceCountsInsertionsDeletionsAndSubstitutions() {
        assertThat(CloseMatches.distance("kitten", "sitting")).isEqualTo(3);
        assertThat(CloseMatches.distance("", "abc")).isEqualTo(3);
        assertThat(CloseMatches.distance("same", "same")).isZero();
    }
}
