package io.perstack.runtime.loop;

import io.perstack.core.model.Message;
import io.perstack.llm.GenerationOutcome;
import io.perstack.llm.GenerationRequest;
import io.perstack.runtime.cost.CostMeter;
import io.perstack.runtime.JobSettings;
import io.perstack.skills.SkillSet;
import io.perstack.llm.LlmClient;
import java.time.Duration;
import java.util.List;

/**
 * Sends a run segment's generations: builds the request, takes over a generation started early when it was for the
 * same history (see EarlyGeneration), and adds what a generation used to the job's cost meter.
 */
final class Generator {
    private final JobSettings setting;
    private final SkillSet skills;
    private final LlmClient llm;
    private final CostMeter cost;
    private final RunControl control;
    /** Set once this loop has generated: its skills' tools are then known without waiting for any skill. */
    private boolean generatedBefore;
    private EarlyGeneration early;

    Generator(JobSettings setting, SkillSet skills, LlmClient llm, CostMeter cost, RunControl control) {
        this.setting = setting;
        this.skills = skills;
        this.llm = llm;
        this.cost = cost;
        this.control = control;
    }

    /** Streams one generation to {@code listener}; the listener's open groups are completed before returning. */
    GenerationOutcome generate(List<Message> messages, boolean withTools, StreamingEvents listener) {
        EarlyGeneration started = early;
        early = null;
        GenerationOutcome outcome;
        if (started != null && withTools && started.isFor(messages)) {
            outcome = started.join(listener);
        } else {
            if (started != null) {
                started.abandon();
            }
            outcome = llm.generate(request(messages, withTools), listener);
        }
        generatedBefore = true;
        listener.finish();
        if (outcome instanceof GenerationOutcome.Generated g) {
            cost.add(g.result().usage());
        }
        return outcome;
    }

    /** Whether an early start is possible at all: only once the tools are known, so no skill start is awaited. */
    boolean canStartEarly() {
        return generatedBefore;
    }

    /** Starts the tool-calling generation for {@code history} now; the next {@link #generate} takes it over. */
    void startEarly(List<Message> history) {
        early = EarlyGeneration.start(llm, request(history, true), history, control);
    }

    /** Cancels a generation started early that no step took over. */
    void abandonEarly() {
        if (early != null) {
            early.abandon();
            early = null;
        }
    }

    private GenerationRequest request(List<Message> messages, boolean withTools) {
        return new GenerationRequest(setting.model(), messages, withTools ? skills.tools() : List.of(),
                setting.reasoningBudget(), Duration.ofMillis(setting.timeout()));
    }
}
