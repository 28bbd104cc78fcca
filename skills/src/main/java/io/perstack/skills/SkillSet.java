package io.perstack.skills;

import com.fasterxml.jackson.databind.JsonNode;
import io.perstack.core.config.ExpertConfig;
import io.perstack.core.config.SkillConfig;
import io.perstack.core.event.EventPayload;
import io.perstack.core.json.Json;
import io.perstack.core.model.ExpertRef;
import io.perstack.core.tool.ToolDefinition;
import io.perstack.skills.base.BaseSkillHost;
import io.perstack.skills.base.InProcessBaseSkill;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The skills of one run segment, started in the documented order (skills.md §1) and routing each tool name to the
 * one skill that provides it. A tool name offered twice is a start error, so no skill can shadow another's tools.
 */
public final class SkillSet implements AutoCloseable {
    private final List<Skill> skills;
    private final Map<String, Skill> byTool;
    private final List<ToolDefinition> tools;

    private SkillSet(List<Skill> skills) {
        this.skills = List.copyOf(skills);
        Map<String, Skill> routes = new LinkedHashMap<>();
        List<ToolDefinition> all = new ArrayList<>();
        for (Skill s : skills) {
            for (ToolDefinition t : s.tools()) {
                Skill previous = routes.putIfAbsent(t.name(), s);
                if (previous != null) {
                    throw new SkillStartException("Tool name \"" + t.name() + "\" is provided by skills \""
                            + previous.name() + "\" and \"" + s.name() + "\"; use pick or omit to keep one");
                }
                all.add(t);
            }
        }
        this.byTool = routes;
        this.tools = List.copyOf(all);
    }

    /** What a run segment needs to assemble its skills. */
    public record Spec(ExpertConfig expert, boolean delegated, BaseSkillHost baseSkill,
                       Function<String, Optional<ExpertConfig>> delegateResolver,
                       Consumer<EventPayload.Runtime> events) {}

    /**
     * Starts every skill of the Expert. On any failure everything already started is closed and the error is
     * raised with the failing skill's name.
     */
    public static SkillSet start(Spec spec) {
        List<Skill> started = new ArrayList<>();
        try {
            Map<String, SkillConfig> configured = spec.expert().skills();
            SkillConfig base = configured == null ? null : configured.get(InProcessBaseSkill.NAME);
            if (configured != null && base == null) {
                throw new SkillStartException("Base skill is not defined");
            }
            long t0 = System.nanoTime();
            Skill baseSkill = new InProcessBaseSkill(spec.baseSkill(),
                    base == null ? List.of() : base.pick(), base == null ? List.of() : base.omit());
            started.add(baseSkill);
            long total = (System.nanoTime() - t0) / 1_000_000;
            spec.events().accept(new EventPayload.SkillConnected(InProcessBaseSkill.NAME, null, 0L, total, 0L, 0L,
                    total));
            if (configured != null) {
                for (SkillConfig sc : configured.values()) {
                    if (sc == base) {
                        continue;
                    }
                    switch (sc) {
                        case SkillConfig.Interactive interactive -> {
                            if (!spec.delegated()) {
                                started.add(interactive(interactive));
                            }
                        }
                        case SkillConfig.McpStdio stdio -> throw new SkillStartException(
                                "Skill " + stdio.name() + " failed to start: MCP skills are not available yet");
                        case SkillConfig.McpSse sse -> throw new SkillStartException(
                                "Skill " + sse.name() + " failed to start: MCP skills are not available yet");
                        case SkillConfig.McpStreamableHttp http -> throw new SkillStartException(
                                "Skill " + http.name() + " failed to start: MCP skills are not available yet");
                    }
                }
            }
            for (String key : spec.expert().delegates()) {
                ExpertConfig delegate = spec.delegateResolver().apply(key).orElseThrow(() ->
                        new SkillStartException("Delegate expert \"" + key + "\" not found in experts"));
                started.add(DelegateSkill.of(new ExpertRef(delegate.key(), delegate.name(), delegate.version()),
                        delegate.description()));
            }
            return new SkillSet(started);
        } catch (RuntimeException e) {
            started.forEach(Skill::close);
            throw e;
        }
    }

    private static InteractiveSkill interactive(SkillConfig.Interactive config) {
        List<ToolDefinition> defs = new ArrayList<>();
        config.tools().forEach((toolName, tool) -> {
            JsonNode schema;
            try {
                schema = Json.mapper().readTree(tool.inputJsonSchema());
            } catch (java.io.IOException | RuntimeException e) {
                throw new SkillStartException("Skill " + config.name() + " tool " + toolName
                        + " has an invalid inputJsonSchema: " + e.getMessage());
            }
            defs.add(new ToolDefinition(config.name(), toolName, tool.description(), schema));
        });
        return new InteractiveSkill(config.name(), defs);
    }

    /** All tool definitions offered to the model, in skill order. */
    public List<ToolDefinition> tools() {
        return tools;
    }

    public Optional<Skill> skillFor(String toolName) {
        return Optional.ofNullable(byTool.get(toolName));
    }

    public List<Skill> skills() {
        return skills;
    }

    /** Closes every skill; bounded and never throws. */
    @Override
    public void close() {
        skills.parallelStream().forEach(s -> {
            try {
                s.close();
            } catch (RuntimeException ignored) {
                // Closing is best effort by contract; a failing close must not hide the run's outcome.
            }
        });
    }
}
