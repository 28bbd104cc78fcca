package io.perstack.runtime.cost;

import io.perstack.core.config.PerstackConfig.Price;
import io.perstack.core.model.Usage;

/**
 * Job-level accumulator of what generations spent, shared by every run of a job, parallel children included
 * (docs/runtime.md §13): tokens and, when the model has a price, the estimated cost. Both only ever grow, also across a
 * {@code --resume-from} branch, whose checkpoints count tokens from the older checkpoint (docs/storage.md).
 */
public final class CostMeter {
    private final Price price;
    private double total;
    private Usage usage;

    /** @param price the model's price, or {@code null} when unknown (no estimate is kept) */
    public CostMeter(Price price, double alreadySpent) {
        this(price, alreadySpent, Usage.ZERO);
    }

    /** @param alreadyUsed the tokens earlier invocations of the job spent */
    public CostMeter(Price price, double alreadySpent, Usage alreadyUsed) {
        this.price = price;
        this.total = alreadySpent;
        this.usage = alreadyUsed == null ? Usage.ZERO : alreadyUsed;
    }

    public synchronized void add(Usage generation) {
        usage = usage.plus(generation);
        if (price != null) {
            total += (generation.inputTokens() * price.input()
                    + generation.cachedInputTokens() * price.cachedInputOrInput()
                    + generation.outputTokens() * price.output()) / 1_000_000.0;
        }
    }

    /** The estimate in USD, or {@code null} when the model has no price. */
    public synchronized Double estimate() {
        return price == null ? null : total;
    }

    /** Every token the job's generations used so far. */
    public synchronized Usage usage() {
        return usage;
    }

    public boolean priced() {
        return price != null;
    }
}
