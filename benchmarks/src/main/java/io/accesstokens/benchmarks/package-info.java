/**
 * JMH benchmarks of the validator's hot path against a plain map lookup (the floor), of refusals,
 * of minting, and of what the cache keeps per token. Run them all with {@code benchmarks/run}; each
 * class names the command that runs it alone.
 */
@NullMarked
package io.accesstokens.benchmarks;

import org.jspecify.annotations.NullMarked;
