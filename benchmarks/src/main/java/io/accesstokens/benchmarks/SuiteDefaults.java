package io.accesstokens.benchmarks;

import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The JMH settings the suite's benchmark classes share, which JMH reads from a superclass when the
 * benchmark class does not say otherwise: one instance per benchmark run, 4 x 1 s warmup, 5 x 1 s
 * measurement (the profile {@code benchmarks/run} uses) and 2 forks, each on a fixed 1 GiB heap so
 * that no run pays for growing the heap or measures a smaller one.
 *
 * <p>Each benchmark still names its own mode and output unit, which say what its score means. JMH
 * takes an annotation whole from the nearest class that has it, so a subclass that wants one fork
 * restates the heap in its own {@code @Fork}.
 */
@State(Scope.Benchmark)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
    value = 2,
    jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
abstract class SuiteDefaults {}
