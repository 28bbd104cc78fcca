package io.perstack.testkit.mcp;

import java.util.ArrayList;
import java.util.List;

/**
 * How the hostile server misbehaves, parsed from its command line (never from the environment, which the runtime
 * filters).
 *
 * @param garbageStdout  writes non-JSON lines on stdout at start and before every answer
 * @param floodStderr    lines written to stderr at start, as fast as possible
 * @param neverAnswer    reads requests but answers none (not even {@code initialize})
 * @param ignoreShutdown keeps running after stdin ends and survives SIGTERM (only SIGKILL ends it)
 * @param startDelayMs   sleeps before answering {@code initialize}
 * @param extraTools     additional tool names offered (answering like {@code echo}), e.g. to collide with others
 * @param name           server name reported in {@code initialize}
 * @param stderrEnv      names of variables whose values it prints on stderr at start (a leaking server)
 */
public record Behaviour(boolean garbageStdout, int floodStderr, boolean neverAnswer, boolean ignoreShutdown,
                        long startDelayMs, List<String> extraTools, String name, List<String> stderrEnv) {

    public static Behaviour parse(List<String> args) {
        boolean garbage = false;
        int flood = 0;
        boolean never = false;
        boolean ignore = false;
        long delay = 0;
        List<String> extra = new ArrayList<>();
        String name = "hostile-mcp";
        List<String> stderrEnv = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            switch (args.get(i)) {
                case "--garbage-stdout" -> garbage = true;
                case "--flood-stderr" -> flood = Integer.parseInt(args.get(++i));
                case "--never-answer" -> never = true;
                case "--ignore-shutdown" -> ignore = true;
                case "--start-delay-ms" -> delay = Long.parseLong(args.get(++i));
                case "--tool" -> extra.add(args.get(++i));
                case "--name" -> name = args.get(++i);
                case "--stderr-env" -> stderrEnv.add(args.get(++i));
                default -> { } // transport options are read by the mains
            }
        }
        return new Behaviour(garbage, flood, never, ignore, delay, List.copyOf(extra), name, List.copyOf(stderrEnv));
    }
}
