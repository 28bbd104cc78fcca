package io.perstack.cli;

import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the arguments after {@code perstack run} without picocli, for well-formed command lines only. picocli's jar
 * is Java 5 bytecode, which the JVM's ahead-of-time cache cannot hold, so loading it costs every run about a third of
 * its start-up. Anything this class is not certain about (help, unknown or clustered options, argument files, missing
 * or repeated values, ...) yields empty, and picocli then parses the command line and reports the usage error.
 */
final class RunArguments {
    private static final Map<String, Option> BY_NAME = byName();

    /** Built once and immutable: no static mutable state. */
    private static Map<String, Option> byName() {
        Map<String, Option> byName = new HashMap<>();
        for (Option option : Option.values()) {
            for (String name : option.names) {
                byName.put(name, option);
            }
        }
        return Map.copyOf(byName);
    }

    private RunArguments() {}

    /** The command picocli would build from {@code args}, or empty when picocli has to look at them. */
    static Optional<RunCommand> parse(List<String> args) {
        RunCommand command = new RunCommand();
        command.flags = new RunFlags();
        Set<Option> given = EnumSet.noneOf(Option.class);
        int positionals = 0;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (!arg.startsWith("-")) {
                if (arg.startsWith("@") || positionals == 2) {
                    return Optional.empty();
                }
                if (positionals++ == 0) {
                    command.expertKey = arg;
                } else {
                    command.query = arg;
                }
                continue;
            }
            int equals = arg.indexOf('=');
            Option option = BY_NAME.get(equals < 0 ? arg : arg.substring(0, equals));
            if (option == null || (option.kind != Kind.REPEATABLE && !given.add(option))) {
                return Optional.empty();
            }
            String value = null;
            if (option.kind != Kind.FLAG) {
                if (equals >= 0) {
                    value = arg.substring(equals + 1);
                } else if (i + 1 < args.size()) {
                    value = args.get(++i);
                }
                if (value == null || value.isEmpty() || value.startsWith("-") || value.startsWith("@")) {
                    return Optional.empty();
                }
            } else if (equals >= 0) {
                return Optional.empty();
            }
            option.apply(command.flags, value);
        }
        return positionals == 2 ? Optional.of(command) : Optional.empty();
    }

    /** How an option takes values; compared with picocli's model by a test. */
    enum Kind {
        /** A boolean option without value. */
        FLAG,
        /** One value, at most once. */
        SINGLE,
        /** One value per occurrence, any number of occurrences. */
        REPEATABLE
    }

    /**
     * Every option of {@link RunFlags} (help and version excepted: they go to picocli). A test fails when this table
     * and picocli's model of {@link RunCommand} disagree.
     */
    enum Option {
        CONFIG(Kind.SINGLE, "--config"),
        PROVIDER(Kind.SINGLE, "--provider"),
        MODEL(Kind.SINGLE, "--model"),
        REASONING_BUDGET(Kind.SINGLE, "--reasoning-budget"),
        MAX_STEPS(Kind.SINGLE, "--max-steps"),
        MAX_RETRIES(Kind.SINGLE, "--max-retries"),
        TIMEOUT(Kind.SINGLE, "--timeout"),
        JOB_ID(Kind.SINGLE, "--job-id"),
        ENV_PATH(Kind.REPEATABLE, "--env-path"),
        ENV(Kind.REPEATABLE, "--env"),
        VERBOSE(Kind.FLAG, "--verbose"),
        REQUIRE_LIMITS(Kind.FLAG, "--require-limits"),
        CONTINUE(Kind.FLAG, "--continue"),
        CONTINUE_JOB(Kind.SINGLE, "--continue-job"),
        RESUME_FROM(Kind.SINGLE, "--resume-from"),
        INTERACTIVE(Kind.FLAG, "-i", "--interactive-tool-call-result"),
        RUNTIME(Kind.SINGLE, "--runtime"),
        WORKSPACE(Kind.SINGLE, "--workspace"),
        MAX_COST_USD(Kind.SINGLE, "--max-cost-usd"),
        JSON(Kind.FLAG, "--json");

        final Kind kind;
        final List<String> names;

        Option(Kind kind, String... names) {
            this.kind = kind;
            this.names = List.of(names);
        }

        private void apply(RunFlags f, String value) {
            switch (this) {
                case CONFIG -> f.config = value;
                case PROVIDER -> f.provider = value;
                case MODEL -> f.model = value;
                case REASONING_BUDGET -> f.reasoningBudget = value;
                case MAX_STEPS -> f.maxSteps = value;
                case MAX_RETRIES -> f.maxRetries = value;
                case TIMEOUT -> f.timeout = value;
                case JOB_ID -> f.jobId = value;
                case ENV_PATH -> f.envPath.add(value);
                case ENV -> f.env.add(value);
                case VERBOSE -> f.verbose = true;
                case REQUIRE_LIMITS -> f.requireLimits = true;
                case CONTINUE -> f.continueLatest = true;
                case CONTINUE_JOB -> f.continueJob = value;
                case RESUME_FROM -> f.resumeFrom = value;
                case INTERACTIVE -> f.interactive = true;
                case RUNTIME -> f.runtime = value;
                case WORKSPACE -> f.workspace = value;
                case MAX_COST_USD -> f.maxCostUsd = value;
                case JSON -> f.json = true;
            }
        }
    }
}
