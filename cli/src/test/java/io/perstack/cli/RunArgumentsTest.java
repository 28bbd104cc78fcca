package io.perstack.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/** {@link RunArguments} agrees with picocli wherever it answers, and leaves every doubtful command line to picocli. */
class RunArgumentsTest {

    static Stream<List<String>> wellFormed() {
        return Stream.of(
                List.of("greeter", "Say hello"),
                List.of("greeter", ""),
                List.of("", "hi"),
                List.of("greeter", "こんにちは 世界 🌍"),
                List.of("greeter", "line one\nline two\ttabbed"),
                List.of("greeter", "a=b"),
                List.of("greeter", "x -- y --model z"),
                List.of("greeter", " -not an option"),
                List.of("greeter", "mail me at a@b.c"),
                List.of("greeter", "hi", "--config", "conf/perstack.toml"),
                List.of("greeter", "hi", "--config=https://raw.githubusercontent.com/o/r/main/perstack.toml"),
                List.of("--provider", "openai", "greeter", "hi"),
                List.of("greeter", "--provider=openai", "hi"),
                List.of("greeter", "hi", "--model", "claude-haiku-4-5"),
                List.of("greeter", "hi", "--model=gpt=5"),
                List.of("greeter", "hi", "--reasoning-budget", "high"),
                List.of("greeter", "hi", "--reasoning-budget=2048"),
                List.of("greeter", "hi", "--max-steps", "7", "--max-retries", "2", "--timeout", "60000"),
                List.of("greeter", "hi", "--max-steps=7", "--max-retries=2", "--timeout=60000"),
                List.of("greeter", "hi", "--max-steps", "seven"),
                List.of("greeter", "hi", "--job-id", "my-job_1"),
                List.of("greeter", "hi", "--job-id=../../x"),
                List.of("greeter", "hi", "--env-path", ".env.custom"),
                List.of("--env-path", "a", "greeter", "--env-path=b", "hi", "--env-path", "c d"),
                List.of("greeter", "hi", "--env", "TOKEN"),
                List.of("--env=A", "greeter", "hi", "--env", "B", "--env=C"),
                List.of("greeter", "hi", "--verbose"),
                List.of("--verbose", "greeter", "hi"),
                List.of("greeter", "hi", "--continue"),
                List.of("greeter", "hi", "--continue-job", "job1", "--resume-from", "cp1"),
                List.of("greeter", "hi", "--continue-job=job1", "--resume-from=cp1"),
                List.of("greeter", "{\"toolCallId\":\"t\",\"text\":\"yes\"}", "--continue", "-i"),
                List.of("-i", "greeter", "yes", "--continue"),
                List.of("greeter", "yes", "--interactive-tool-call-result", "--continue-job", "job1"),
                List.of("greeter", "hi", "--runtime", "local"),
                List.of("greeter", "hi", "--runtime=sandbox"),
                List.of("greeter", "hi", "--workspace", "my dir/sub"),
                List.of("greeter", "hi", "--workspace=ws"),
                List.of("greeter", "hi", "--max-cost-usd", "0.50"),
                List.of("greeter", "hi", "--max-cost-usd=1"),
                List.of("--config", "p.toml", "--provider", "anthropic", "--model", "m", "--reasoning-budget", "low",
                        "--max-steps", "3", "--max-retries", "1", "--timeout", "1000", "--job-id", "j",
                        "--env-path", ".e", "--env", "X", "--verbose", "--continue", "--continue-job", "c",
                        "--resume-from", "r", "-i", "--runtime", "local", "--workspace", ".", "--max-cost-usd", "2",
                        "greeter", "all flags"),
                List.of("greeter", "--verbose", "--model", "m", "between and after", "--runtime", "local"));
    }

    static Stream<List<String>> doubtful() {
        return Stream.of(
                // help and version
                List.of("-h"), List.of("--help"), List.of("-V"), List.of("--version"),
                List.of("greeter", "hi", "--help"), List.of("greeter", "hi", "-h"), List.of("-V", "greeter", "hi"),
                // unknown, abbreviated, misspelt or clustered options
                List.of("greeter", "hi", "--unknown"), List.of("greeter", "hi", "--verb"),
                List.of("greeter", "hi", "--MODEL", "m"), List.of("greeter", "hi", "---model", "m"),
                List.of("greeter", "hi", "-x"), List.of("greeter", "hi", "-iv"), List.of("greeter", "hi", "-ii"),
                List.of("greeter", "hi", "-ifoo"), List.of("greeter", "hi", "-"),
                // positionals or values that picocli could read as options or argument files
                List.of("-greeter", "hi"), List.of("greeter", "-hi"), List.of("greeter", "--"),
                List.of("@args.txt"), List.of("@scope/greeter", "hi"), List.of("greeter", "@hi"),
                List.of("greeter", "hi", "--model", "@m"), List.of("greeter", "hi", "--model=@m"),
                List.of("greeter", "hi", "--model", "-m"), List.of("greeter", "hi", "--model=-m"),
                List.of("greeter", "hi", "--model", "--verbose"), List.of("greeter", "hi", "--env", "--env"),
                // end of options
                List.of("--", "greeter", "hi"), List.of("greeter", "--", "hi"), List.of("greeter", "hi", "--"),
                // missing or empty values
                List.of("greeter", "hi", "--model"), List.of("greeter", "hi", "--env"),
                List.of("greeter", "hi", "--model="), List.of("greeter", "hi", "--model", ""),
                List.of("greeter", "hi", "--env="),
                // a single-value option twice
                List.of("greeter", "hi", "--model", "a", "--model", "b"),
                List.of("greeter", "hi", "--model=a", "--model", "a"),
                List.of("greeter", "hi", "--verbose", "--verbose"),
                List.of("greeter", "hi", "-i", "--interactive-tool-call-result"),
                List.of("greeter", "hi", "-i", "-i"),
                // a boolean option with a value
                List.of("greeter", "hi", "--verbose=true"), List.of("greeter", "hi", "--continue=false"),
                List.of("greeter", "hi", "-i=true"), List.of("greeter", "hi", "--interactive-tool-call-result=1"),
                // not exactly two positionals
                List.of(), List.of("greeter"), List.of("greeter", "hi", "extra"), List.of("--verbose", "greeter"),
                List.of("--model", "m", "greeter"));
    }

    @ParameterizedTest
    @MethodSource("wellFormed")
    void wellFormedRunArgumentsParseLikePicocli(List<String> args) {
        assertParsedLikePicocli(args);
    }

    /** Every option, in both value syntaxes, repeated where allowed, in shuffled order around the positionals. */
    @Test
    void generatedRunArgumentsParseLikePicocli() {
        List<String> texts = List.of("x", "hello world", "ünïcödé 🌍", "a=b=c", "path/to/file.env", "0.5", "LOW",
                "tab\there", "ends with -", "with @ inside");
        Random random = new Random(20250601);
        for (int round = 0; round < 500; round++) {
            List<List<String>> chunks = new ArrayList<>();
            for (RunArguments.Option option : RunArguments.Option.values()) {
                int times = switch (option.kind) {
                    case FLAG, SINGLE -> random.nextInt(2);
                    case REPEATABLE -> random.nextInt(4);
                };
                for (int t = 0; t < times; t++) {
                    String name = option.names.get(random.nextInt(option.names.size()));
                    String value = texts.get(random.nextInt(texts.size()));
                    chunks.add(option.kind == RunArguments.Kind.FLAG ? List.of(name)
                            : random.nextBoolean() ? List.of(name, value) : List.of(name + "=" + value));
                }
            }
            chunks.add(List.of("expert-" + round));
            chunks.add(List.of(texts.get(random.nextInt(texts.size()))));
            Collections.shuffle(chunks, random);
            // Shuffling may swap the two positionals; that is still a well-formed command line.
            assertParsedLikePicocli(chunks.stream().flatMap(List::stream).toList());
        }
    }

    @ParameterizedTest
    @MethodSource("doubtful")
    void doubtfulRunArgumentsAreLeftToPicocli(List<String> args) {
        assertThat(RunArguments.parse(args)).as("%s", args).isEmpty();
    }

    /** A flag added to {@link RunFlags} but not to the parser's table (or changed in kind) fails here. */
    @Test
    void optionTableMatchesPicoclisModelOfRun() {
        CommandSpec spec = new CommandLine(new RunCommand()).getCommandSpec();
        Map<String, String> picocli = spec.options().stream()
                .filter(o -> !o.usageHelp() && !o.versionHelp())
                .collect(Collectors.toMap(o -> names(List.of(o.names())), RunArgumentsTest::kindInPicocli,
                        (a, b) -> a, TreeMap::new));
        Map<String, String> table = Arrays.stream(RunArguments.Option.values())
                .collect(Collectors.toMap(o -> names(o.names), o -> o.kind.name(), (a, b) -> a, TreeMap::new));

        assertThat(table).isEqualTo(picocli);
        // Help and version are exactly the standard ones, which the parser leaves to picocli.
        assertThat(spec.options().stream().filter(o -> o.usageHelp() || o.versionHelp())
                .flatMap(o -> Arrays.stream(o.names())).toList())
                .containsExactlyInAnyOrder("-h", "--help", "-V", "--version");
    }

    @Test
    void runTakesExactlyTwoSingleValuedPositionals() {
        List<PositionalParamSpec> positionals = new CommandLine(new RunCommand()).getCommandSpec()
                .positionalParameters();

        assertThat(positionals).hasSize(2);
        for (int i = 0; i < 2; i++) {
            PositionalParamSpec p = positionals.get(i);
            assertThat(p.index().min()).isEqualTo(i);
            assertThat(p.index().max()).isEqualTo(i);
            assertThat(p.arity().min()).isEqualTo(1);
            assertThat(p.arity().max()).isEqualTo(1);
            assertThat(p.type()).isEqualTo(String.class);
            assertThat(p.splitRegex()).isEmpty();
        }
    }

    private static String names(List<String> names) {
        return names.stream().sorted().collect(Collectors.joining(", "));
    }

    /** The parser's kind of an option picocli models this way, or a description of what the parser cannot do. */
    private static String kindInPicocli(OptionSpec o) {
        boolean plain = o.splitRegex().isEmpty() && !o.negatable() && o.defaultValue() == null
                && o.fallbackValue().isEmpty() && !o.interactive() && !o.hidden();
        if (plain && o.typeInfo().isBoolean() && o.arity().min() == 0 && o.arity().max() == 0) {
            return RunArguments.Kind.FLAG.name();
        }
        if (plain && o.type() == String.class && o.arity().min() == 1 && o.arity().max() == 1) {
            return RunArguments.Kind.SINGLE.name();
        }
        if (plain && o.isMultiValue() && o.type() == List.class && o.auxiliaryTypes()[0] == String.class
                && o.arity().min() == 1 && o.arity().max() == 1) {
            return RunArguments.Kind.REPEATABLE.name();
        }
        return "unsupported: type " + o.type() + ", arity " + o.arity();
    }

    private static void assertParsedLikePicocli(List<String> args) {
        Optional<RunCommand> fast = RunArguments.parse(args);
        assertThat(fast).as("fast parse of %s", args).isPresent();
        RunCommand viaPicocli = new RunCommand();
        new CommandLine(viaPicocli).parseArgs(args.toArray(String[]::new));
        assertThat(fieldsOf(fast.get())).as("fields parsed from %s", args).isEqualTo(fieldsOf(viaPicocli));
    }

    /** Every field of the command and its flags, found by reflection so that a new field is compared too. */
    private static Map<String, Object> fieldsOf(RunCommand command) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("expertKey", command.expertKey);
        fields.put("query", command.query);
        for (Field field : RunFlags.class.getDeclaredFields()) {
            if (Modifier.isStatic(field.getModifiers()) || field.isSynthetic()) {
                continue;
            }
            try {
                fields.put(field.getName(), field.get(command.flags));
            } catch (IllegalAccessException e) {
                throw new AssertionError(e);
            }
        }
        return fields;
    }
}
