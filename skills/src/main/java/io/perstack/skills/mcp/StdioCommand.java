package io.perstack.skills.mcp;

import io.perstack.core.config.SkillConfig;
import io.perstack.skills.SkillStartException;
import java.util.ArrayList;
import java.util.List;

/** The command line of a stdio skill (docs/skills.md §3) and the rules that pick how the base skill runs (§5). */
public final class StdioCommand {
    public static final String BASE_SKILL = "@perstack/base";

    private StdioCommand() {}

    /**
     * {@code [command, ...args]} or {@code [command, packageName]}; {@code npx} gets {@code -y} first when missing.
     *
     * @throws SkillStartException when neither or both of {@code packageName} and {@code args} are given
     */
    public static List<String> argv(SkillConfig.McpStdio skill) {
        boolean hasPackage = skill.packageName() != null && !skill.packageName().isEmpty();
        boolean hasArgs = !skill.args().isEmpty();
        if (!hasPackage && !hasArgs) {
            throw new SkillStartException("Skill " + skill.name()
                    + " has no packageName or args. Please provide one of them.");
        }
        if (hasPackage && hasArgs) {
            throw new SkillStartException("Skill " + skill.name()
                    + " has both packageName and args. Please provide only one of them.");
        }
        List<String> args = new ArrayList<>(hasArgs ? skill.args() : List.of(skill.packageName()));
        if (skill.command().equals("npx") && !args.contains("-y")) {
            args.addFirst("-y");
        }
        List<String> argv = new ArrayList<>(args.size() + 1);
        argv.add(skill.command());
        argv.addAll(args);
        return List.copyOf(argv);
    }

    /** Whether a skill counts as the base skill: by name, or a package or argument naming {@code @perstack/base}. */
    public static boolean isBaseSkill(SkillConfig skill) {
        if (skill.name().equals(BASE_SKILL)) {
            return true;
        }
        if (skill instanceof SkillConfig.McpStdio stdio) {
            return startsWithBase(stdio.packageName()) || stdio.args().stream().anyMatch(StdioCommand::startsWithBase);
        }
        return false;
    }

    /** A version pinned in the package or an argument ({@code @perstack/base@0.0.34}) asks for the real package. */
    public static boolean isPinnedBase(SkillConfig.McpStdio skill) {
        return pinned(skill.packageName()) || skill.args().stream().anyMatch(StdioCommand::pinned);
    }

    /**
     * {@code perstackBaseSkillCommand} applies to stdio skills started with {@code npx} whose package or an argument
     * is the base skill: they run {@code command} instead, with {@code packageName} cleared and {@code lazyInit}
     * off.
     */
    public static SkillConfig.McpStdio withBaseCommand(SkillConfig.McpStdio skill, List<String> command) {
        if (command == null || command.isEmpty() || !skill.command().equals("npx")) {
            return skill;
        }
        boolean names = startsWithBase(skill.packageName())
                || skill.args().stream().anyMatch(StdioCommand::startsWithBase);
        if (!names) {
            return skill;
        }
        return new SkillConfig.McpStdio(skill.name(), skill.description(), skill.rule(), skill.pick(), skill.omit(),
                command.getFirst(), null, command.subList(1, command.size()), skill.requiredEnv(),
                skill.allowedDomains(), false);
    }

    /**
     * The argv of a rewritten skill: the configured command as given (no {@code -y}, and an empty argument list is
     * fine because the command itself is the server).
     */
    public static List<String> baseCommandArgv(SkillConfig.McpStdio rewritten) {
        List<String> argv = new ArrayList<>();
        argv.add(rewritten.command());
        argv.addAll(rewritten.args());
        return List.copyOf(argv);
    }

    private static boolean startsWithBase(String value) {
        return value != null && (value.equals(BASE_SKILL) || value.startsWith(BASE_SKILL + "@"));
    }

    private static boolean pinned(String value) {
        return value != null && value.startsWith(BASE_SKILL + "@") && value.length() > BASE_SKILL.length() + 1;
    }
}
