package io.perstack.cli.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.perstack.core.json.Json;
import org.junit.jupiter.api.Test;

/** The {@code --step} and {@code --filter} grammar of docs/cli.md §5, evaluated on event JSON. */
class FilterGrammarTest {
    private static final JsonNode EVENT = Json.tree("""
            {"type":"callTools","stepNumber":3,"done":false,"ratio":0.5,"note":null,
             "toolCalls":[{"toolName":"exec","args":{"n":1}},{"toolName":"readTextFile","args":{"n":2}}],
             "checkpoint":{"usage":{"inputTokens":120}},"tags":["a","b"]}""");

    private static boolean matches(String expression) {
        return FilterExpression.parse(expression).matches(EVENT);
    }

    @Test
    void stepExpressionsCoverExactOpenAndRangeForms() {
        assertThat(StepFilter.parse("3").matches(3)).isTrue();
        assertThat(StepFilter.parse("3").matches(4)).isFalse();
        assertThat(StepFilter.parse(">3").matches(3)).isFalse();
        assertThat(StepFilter.parse(">=3").matches(3)).isTrue();
        assertThat(StepFilter.parse("<3").matches(3)).isFalse();
        assertThat(StepFilter.parse("<=3").matches(3)).isTrue();
        assertThat(StepFilter.parse("1-3").matches(1)).isTrue();
        assertThat(StepFilter.parse("1-3").matches(4)).isFalse();
        assertThat(StepFilter.parse(" 2-2 ").matches(2)).isTrue();
        assertThat(StepFilter.parse("5").matches(null)).isFalse();
    }

    @Test
    void stepExpressionsOutsideTheGrammarAreRefused() {
        assertThatThrownBy(() -> StepFilter.parse("5-2")).hasMessage("Invalid step range: 5-2 (min 5 > max 2)");
        for (String bad : new String[] {"abc", "", "=5", ">", "1-", "-1", "1..3", "99999999999999999999"}) {
            assertThatThrownBy(() -> StepFilter.parse(bad)).hasMessage("Invalid step filter: " + bad);
        }
    }

    @Test
    void equalityComparesTypeAndValue() {
        assertThat(matches(".type == \"callTools\"")).isTrue();
        assertThat(matches(".type == 'callTools'")).isTrue();
        assertThat(matches(".type == callTools")).isTrue();
        assertThat(matches(".type != \"retry\"")).isTrue();
        assertThat(matches(".stepNumber == 3")).isTrue();
        assertThat(matches(".stepNumber == \"3\"")).isFalse();
        assertThat(matches(".done == false")).isTrue();
        assertThat(matches(".done == \"false\"")).isFalse();
        assertThat(matches(".ratio == 0.5")).isTrue();
    }

    @Test
    void orderingHoldsOnlyBetweenNumbers() {
        assertThat(matches(".stepNumber > 2")).isTrue();
        assertThat(matches(".stepNumber >= 4")).isFalse();
        assertThat(matches(".checkpoint.usage.inputTokens <= 120")).isTrue();
        assertThat(matches(".type > 1")).isFalse();
        assertThat(matches(".stepNumber < abc")).isFalse();
    }

    @Test
    void fanOutMatchesWhenAnyElementMatches() {
        assertThat(matches(".toolCalls[].toolName == \"exec\"")).isTrue();
        assertThat(matches(".toolCalls[].toolName == \"todo\"")).isFalse();
        assertThat(matches(".toolCalls[].args.n >= 2")).isTrue();
        assertThat(matches(".tags[] == \"b\"")).isTrue();
        assertThat(matches(".tags == \"a\"")).as("an array at the end of a path fans out too").isTrue();
    }

    @Test
    void missingFieldsNeverMatchEvenWithNotEquals() {
        assertThat(matches(".nothing == 1")).isFalse();
        assertThat(matches(".nothing != 1")).isFalse();
        assertThat(matches(".type.inner == 1")).isFalse();
        assertThat(matches(".stepNumber[].x == 1")).isFalse();
        assertThat(matches(".note != 1")).as("null is present, and not 1").isTrue();
    }

    @Test
    void expressionsOutsideTheGrammarAreRefused() {
        for (String bad : new String[] {"x == 1", "type == 1", ". == 1", ".1a == 1", ".a..b == 1", ".a. == 1",
                ".a[ == 1", ".a[0] == 1", ".a = 1", ".a"}) {
            assertThatThrownBy(() -> FilterExpression.parse(bad)).as(bad)
                    .hasMessage("Invalid filter expression: " + bad);
        }
        for (String missing : new String[] {".a ==", ".a.b[] !=", ".a >= "}) {
            assertThatThrownBy(() -> FilterExpression.parse(missing)).as(missing)
                    .hasMessage("Missing value in filter expression: " + missing);
        }
    }
}
