package io.perstack.runtime.cost;

import io.perstack.core.config.PerstackConfig.Price;
import io.perstack.core.model.Usage;

/** Job-level cost accumulator shared by every run of a job, parallel children included (runtime.md §13). */
public final class CostMeter {
    private final Price price;
    private double total;

    /** @param price the model's price, or {@code null} when unknown (no estimate is kept) */
    public CostMeter(Price price, double alreadySpent) {
        this.price = price;
        this.total = alreadySpent;
    }

    public synchronized void add(Usage usage) {
        if (price != null) {
            total += (usage.inputTokens() * price.input() + usage.cachedInputTokens() * price.cachedInputOrInput()
                    + usage.outputTokens() * price.output()) / 1_000_000.0;
        }
    }

    /** The estimate in USD, or {@code null} when the model has no price. */
    public synchronized Double estimate() {
        return price == null ? null : total;
    }

    public boolean priced() {
        return price != null;
    }
}
