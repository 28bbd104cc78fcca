package io.perstack.core.id;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IdsTest {

    @Test
    void generatedIdsHaveTheCuid2Shape() {
        for (int i = 0; i < 10_000; i++) {
            assertThat(Ids.next()).matches("[a-z][a-z0-9]{23}");
        }
    }

    @Test
    void generatedIdsAreDistinct() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 100_000; i++) {
            assertThat(seen.add(Ids.next())).isTrue();
        }
    }

    @Test
    void generatedIdsUseTheWholeAlphabetInEveryPosition() {
        Set<Character> first = new HashSet<>();
        Set<Character> rest = new HashSet<>();
        for (int i = 0; i < 20_000; i++) {
            String id = Ids.next();
            first.add(id.charAt(0));
            rest.add(id.charAt(1 + i % 23));
        }
        assertThat(first).hasSize(26);
        assertThat(rest).hasSize(36);
    }

    @Test
    void generatedIdsAreValidUserIds() {
        assertThat(Ids.isValid(Ids.next())).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"a", "Z", "0", "job-1", "Job_2-x", "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJ",
            "x_"})
    void acceptsIdsMatchingThePattern(String id) {
        assertThat(Ids.isValid(id)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "../x", "..", ".", "a/b", "a\\b", "-a", "_a", "a.b", "a b", "abc\n", "\nabc", "a:b",
            "é", "a\u0000", "ａ"})
    void rejectsIdsOutsideThePattern(String id) {
        assertThat(Ids.isValid(id)).isFalse();
    }

    @Test
    void acceptsExactly128CharactersAndRejects129() {
        assertThat(Ids.isValid("a".repeat(128))).isTrue();
        assertThat(Ids.isValid("a" + "-".repeat(127))).isTrue();
        assertThat(Ids.isValid("a".repeat(129))).isFalse();
    }

    @Test
    void rejectsNull() {
        assertThat(Ids.isValid(null)).isFalse();
    }
}
