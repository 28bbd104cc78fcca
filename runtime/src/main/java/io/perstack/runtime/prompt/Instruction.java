package io.perstack.runtime.prompt;

import io.perstack.core.config.ExpertConfig;
import io.perstack.core.config.SkillConfig;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

/** Builds the instruction text of docs/runtime.md §6 in the required order; wording is ours. */
public final class Instruction {
    private static final String SEPARATOR = "\n\n---\n\n";

    private Instruction() {}

    /** A delegate as the coordinator may see it: its name and public description. */
    public record DelegateInfo(String name, String description) {}

    /**
     * @param delegated whether the run is a delegated child: it is offered no interactive tools, so the rules of
     *                  interactive skills are left out too
     */
    public static String build(ExpertConfig expert, Instant startedAt, String workingDirectory,
                               List<DelegateInfo> delegates, boolean delegated) {
        StringBuilder sb = new StringBuilder(2048);
        sb.append("You are a Perstack Expert: an agent that solves the user's task by calling the tools available to")
          .append(" you.\n\n")
          .append("How to work:\n")
          .append("- Work by hypothesis and verification: decide what to check, call a tool, look at the result,")
          .append(" then decide the next action.\n")
          .append("- Keep calling tools until the task is done. A response without any tool call ends the task.\n")
          .append("- When the task is finished, call attemptCompletion by itself, with no text. Do the same when the")
          .append(" request is outside your expertise or cannot be understood.\n")
          .append("- Your final answer will be requested in a separate turn after attemptCompletion. If the request")
          .append(" was outside your expertise, say in that answer what your area of expertise is.\n\n")
          .append("Environment:\n")
          .append("- Start time: ").append(startedAt.truncatedTo(ChronoUnit.SECONDS)).append('\n')
          .append("- Working directory: ").append(workingDirectory);
        sb.append(SEPARATOR).append(expert.instruction());
        Map<String, SkillConfig> skills = expert.skills();
        if (skills != null) {
            StringBuilder rules = new StringBuilder();
            skills.forEach((name, skill) -> {
                boolean offered = !(delegated && skill instanceof SkillConfig.Interactive);
                if (offered && skill.rule() != null && !skill.rule().isBlank()) {
                    if (!rules.isEmpty()) {
                        rules.append("\n\n");
                    }
                    rules.append('"').append(name).append("\" skill rules:\n").append(skill.rule());
                }
            });
            if (!rules.isEmpty()) {
                sb.append(SEPARATOR).append(rules);
            }
        }
        if (!delegates.isEmpty()) {
            sb.append(SEPARATOR).append("You can delegate tasks to other Experts by calling their name as a tool with")
              .append(" a query. They see only that query and answer with their final result.");
            for (DelegateInfo d : delegates) {
                sb.append("\n\nAbout \"").append(d.name()).append("\":\n")
                  .append(d.description() == null ? "" : d.description());
            }
        }
        return sb.toString();
    }
}
