/** Estimated job cost: generation usage times the model's prices, accumulated across all runs of a job. */
package io.perstack.runtime.cost;
