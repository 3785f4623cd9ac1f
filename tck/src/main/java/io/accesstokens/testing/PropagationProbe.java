package io.accesstokens.testing;

import static io.accesstokens.testing.Fixtures.create;

import io.accesstokens.Actor;
import io.accesstokens.ConnectionOpenException;
import io.accesstokens.EnvironmentId;
import io.accesstokens.IssuedToken;
import io.accesstokens.OrganizationId;
import io.accesstokens.Scope;
import io.accesstokens.TokenService;
import io.accesstokens.TokenValidator;
import io.accesstokens.ValidatorStats;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Measures how fast a change made through one node's {@link TokenService} reaches the validators of
 * the nodes that share its store: for tests that assert the cross-node refusal bound, and for
 * benchmarks that report it ({@code propagation_<db>_<mode>_p50_ms}). Uses no test framework, so a
 * JMH benchmark can call it with any store; needs nothing but the nodes.
 *
 * <p>One {@link #measure measurement}: a thread per node validates the token in a loop (paced, so
 * the nodes' own threads and the database keep their CPU), the change is made once every loop runs,
 * and each loop stops at the change's first effect on its node: a refusal for a deactivation or
 * delete, an acceptance for a reactivation. A node's latency runs from the moment the writing call
 * returned (its commit was acknowledged) to the end of the first validation that showed the effect;
 * it can only overstate. A refused token accepted by a validation that <em>began</em> more than the
 * bound after the writing call returned is a {@linkplain Round#staleAccepts stale accept}: the one
 * thing a coherent cluster never does.
 *
 * <p>Writes made back to back would start right after the previous round ended, which is right
 * after the slowest node's last catch-up: they would lock onto its poll cycle and measure nearly a
 * whole poll interval every time. Real changes come at any moment, so each write waits a random
 * part of {@link Builder#phaseJitter} (set it to the followers' poll interval) while the loops run.
 *
 * <pre>{@code
 * try (PropagationProbe probe = PropagationProbe.builder(serviceA, follower.refusalBound())
 *     .node("b", validatorB).node("c", validatorC)
 *     .phaseJitter(Duration.ofMillis(200))               // the followers' poll interval
 *     .build()) {
 *   IssuedToken token = probe.cachedToken();             // accepted from every node's cache
 *   PropagationProbe.Round round = probe.deactivate(token);
 *   round.latencies();                                   // node -> time to its first refusal
 * }
 * }</pre>
 */
public final class PropagationProbe implements AutoCloseable {
  /** A validator of one node, by name. */
  public record Node(String name, TokenValidator validator) {}

  /** What a change should do to validation on every node. */
  public enum Effect {
    /** Deactivation or delete: the token is refused. */
    REFUSED,
    /** Reactivation: the token is accepted again. */
    ACCEPTED
  }

  /**
   * One change and its first effect on each node.
   *
   * @param label what the change was
   * @param write how long the writing call took
   * @param latencies per node, from the writing call's return to the first validation showing the
   *     effect; a node missing here did not show it within the probe's timeout
   * @param staleAccepts per node, refused-to-be tokens accepted by validations that began more than
   *     the bound after the writing call returned (or after the node had already refused)
   * @param validations validations made per node
   */
  public record Round(
      String label,
      Duration write,
      Map<String, Duration> latencies,
      Map<String, Integer> staleAccepts,
      Map<String, Integer> validations) {

    /** Whether every node showed the effect, and none accepted a stale answer. */
    public boolean clean(int nodes) {
      return latencies.size() == nodes && staleAccepts.values().stream().allMatch(n -> n == 0);
    }

    /** The slowest node's latency; the timeout's length if some node never showed the effect. */
    public Duration slowest() {
      return latencies.values().stream().max(Duration::compareTo).orElse(Duration.ZERO);
    }
  }

  private final TokenService writer;
  private final List<Node> nodes;
  private final Duration bound;
  private final OrganizationId organization;
  private final EnvironmentId environment;
  private final Actor actor;
  private final long paceNanos;
  private final long phaseJitterNanos;
  private final Duration timeout;
  private final ExecutorService threads;

  private PropagationProbe(Builder b) {
    if (b.nodes.isEmpty()) {
      throw new IllegalArgumentException("a probe needs at least one node to watch");
    }
    this.writer = b.writer;
    this.nodes = List.copyOf(b.nodes);
    this.bound = b.bound;
    this.organization = b.organization;
    this.environment = b.environment;
    this.actor = b.actor;
    this.paceNanos = b.pace.toNanos();
    this.phaseJitterNanos = b.phaseJitter.toNanos();
    this.timeout = b.timeout;
    this.threads =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "propagation-probe");
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * A probe that changes tokens through {@code writer} and holds the nodes it watches to {@code
   * bound}, the refusal bound.
   */
  public static Builder builder(TokenService writer, Duration bound) {
    return new Builder(writer, bound);
  }

  /** Settings of a probe; the defaults suit a test. */
  public static final class Builder {
    private final TokenService writer;
    private final Duration bound;
    private final List<Node> nodes = new ArrayList<>();
    private OrganizationId organization = Fixtures.ACME;
    private EnvironmentId environment = Fixtures.PROD;
    private Actor actor = Fixtures.ALICE;
    private Duration pace = Duration.ofNanos(200_000);
    private Duration phaseJitter = Duration.ZERO;
    private Duration timeout = Duration.ofSeconds(10);

    private Builder(TokenService writer, Duration bound) {
      this.writer = writer;
      this.bound = bound;
    }

    /** A node to watch: its validator, by name. */
    public Builder node(String name, TokenValidator validator) {
      nodes.add(new Node(name, validator));
      return this;
    }

    /**
     * Where tokens are made and by whom; default {@link Fixtures#ACME}'s production, {@link
     * Fixtures#ALICE}.
     */
    public Builder tokensOf(OrganizationId organization, EnvironmentId environment, Actor actor) {
      this.organization = organization;
      this.environment = environment;
      this.actor = actor;
      return this;
    }

    /** The pause between two validations of one node's loop; default 200 µs. */
    public Builder pace(Duration pace) {
      this.pace = pace;
      return this;
    }

    /**
     * Each write waits a uniformly random time below this first, so writes fall at random phases of
     * the followers' polls; default zero. Set it to the poll interval when measuring latency.
     */
    public Builder phaseJitter(Duration jitter) {
      this.phaseJitter = jitter;
      return this;
    }

    /** How long a node may take to show an effect; default 10 s. */
    public Builder timeout(Duration timeout) {
      this.timeout = timeout;
      return this;
    }

    public PropagationProbe build() {
      return new PropagationProbe(this);
    }
  }

  /**
   * A new token, created through the writer and validated on every node until that node answers
   * from its cache (a hit, no store lookup): only then can a measurement show the followers at
   * work.
   *
   * @throws IllegalStateException if some node never answers from its cache within the timeout (its
   *     follower is not warm, or stalled)
   */
  public IssuedToken cachedToken() {
    IssuedToken token = create(writer, organization, environment, "propagation probe", actor);
    for (Node node : nodes) {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (true) {
        ValidatorStats before = node.validator().stats();
        boolean accepted = accepts(node, token);
        ValidatorStats after = node.validator().stats();
        if (accepted
            && after.hits() > before.hits()
            && after.storeLookups() == before.storeLookups()) {
          break;
        }
        if (System.nanoTime() - deadline > 0) {
          throw new IllegalStateException(
              "node "
                  + node.name()
                  + " did not answer from its cache within "
                  + timeout
                  + " (is its change follower warm?)");
        }
        LockSupport.parkNanos(1_000_000);
      }
    }
    return token;
  }

  /** Deactivates {@code token} through the writer and measures its refusal on every node. */
  public Round deactivate(IssuedToken token) {
    return measure(
        "deactivate",
        token,
        Effect.REFUSED,
        () -> writer.deactivate(organization, token.id(), actor));
  }

  /** Deletes {@code token} through the writer and measures its refusal on every node. */
  public Round delete(IssuedToken token) {
    return measure(
        "delete", token, Effect.REFUSED, () -> writer.delete(organization, token.id(), actor));
  }

  /** Reactivates {@code token} through the writer and measures its acceptance on every node. */
  public Round reactivate(IssuedToken token) {
    return measure(
        "reactivate",
        token,
        Effect.ACCEPTED,
        () -> writer.activate(organization, token.id(), actor));
  }

  /**
   * Runs {@code write} (a change to {@code token} made any way at all: through another node, held
   * and released, ...) once every node's loop is validating, and measures its effect on every node,
   * from the moment {@code write} returns.
   */
  public Round measure(String label, IssuedToken token, Effect effect, Runnable write) {
    CountDownLatch running = new CountDownLatch(nodes.size());
    long[] written = {Long.MAX_VALUE};
    CountDownLatch done = new CountDownLatch(1);
    List<Future<Watch>> watches = new ArrayList<>();
    for (Node node : nodes) {
      watches.add(threads.submit(() -> watch(node, token, effect, running, done, written)));
    }
    try {
      if (!running.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new IllegalStateException("the validation loops did not start");
      }
      if (phaseJitterNanos > 0) {
        // Not waiting for anything: choosing a random moment for the write, while the loops run.
        long until = System.nanoTime() + ThreadLocalRandom.current().nextLong(phaseJitterNanos);
        while (System.nanoTime() - until < 0) {
          LockSupport.parkNanos(Math.max(1, until - System.nanoTime()));
        }
      }
      long start = System.nanoTime();
      write.run();
      long end = System.nanoTime();
      written[0] = end;
      done.countDown();
      Map<String, Duration> latencies = new LinkedHashMap<>();
      Map<String, Integer> stale = new LinkedHashMap<>();
      Map<String, Integer> counts = new LinkedHashMap<>();
      for (int i = 0; i < nodes.size(); i++) {
        Watch w = watches.get(i).get(timeout.toMillis() + 30_000, TimeUnit.MILLISECONDS);
        String name = nodes.get(i).name();
        if (w.firstEffectEnd != Long.MIN_VALUE) {
          latencies.put(name, Duration.ofNanos(Math.max(0, w.firstEffectEnd - end)));
        }
        int staleAccepts = w.acceptsAfterRefusal;
        if (effect == Effect.REFUSED
            && w.lastAcceptStart != Long.MIN_VALUE
            && w.lastAcceptStart - (end + bound.toNanos()) > 0) {
          staleAccepts++;
        }
        stale.put(name, staleAccepts);
        counts.put(name, w.validations);
      }
      return new Round(
          label,
          Duration.ofNanos(end - start),
          Collections.unmodifiableMap(latencies),
          Collections.unmodifiableMap(stale),
          Collections.unmodifiableMap(counts));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while measuring", e);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("a validation loop failed", e);
    } finally {
      done.countDown();
    }
  }

  /** What one node's loop saw. Times are System.nanoTime() readings. */
  private static final class Watch {
    long firstEffectEnd = Long.MIN_VALUE;
    long lastAcceptStart = Long.MIN_VALUE;
    int acceptsAfterRefusal;
    int validations;
  }

  private Watch watch(
      Node node,
      IssuedToken token,
      Effect effect,
      CountDownLatch running,
      CountDownLatch done,
      long[] written)
      throws InterruptedException {
    Watch w = new Watch();
    running.countDown();
    // Validates until the write is done, then until the effect shows (or the timeout passes).
    long deadline = Long.MAX_VALUE;
    while (true) {
      long begin = System.nanoTime();
      boolean accepted = accepts(node, token);
      long end = System.nanoTime();
      w.validations++;
      if (accepted) {
        w.lastAcceptStart = begin;
      }
      boolean writeDone = done.getCount() == 0;
      if (writeDone && deadline == Long.MAX_VALUE) {
        deadline = written[0] + timeout.toNanos();
      }
      // Only a validation that began after the write returned can show its effect.
      if (writeDone && begin - written[0] >= 0 && accepted == (effect == Effect.ACCEPTED)) {
        w.firstEffectEnd = end;
        break;
      }
      if (end - deadline > 0) {
        return w;
      }
      LockSupport.parkNanos(paceNanos);
    }
    if (effect == Effect.REFUSED) {
      // Once refused, refused: a few more looks for an answer flipping back.
      for (int i = 0; i < 3; i++) {
        LockSupport.parkNanos(paceNanos);
        if (accepts(node, token)) {
          w.acceptsAfterRefusal++;
        }
        w.validations++;
      }
    }
    return w;
  }

  private boolean accepts(Node node, IssuedToken token) {
    try {
      node.validator().validate(token.value().reveal(), Scope.EDI, organization, environment);
      return true;
    } catch (ConnectionOpenException e) {
      return false; // INVALID_TOKEN, or STORE_UNAVAILABLE (fail closed): refused either way
    }
  }

  /** The {@code p}-th percentile (0 to 100, nearest rank) of {@code samples}, in milliseconds. */
  public static double percentileMillis(List<Duration> samples, double p) {
    if (samples.isEmpty()) {
      return Double.NaN;
    }
    List<Duration> sorted = new ArrayList<>(samples);
    sorted.sort(null);
    int rank = (int) Math.ceil(p / 100.0 * sorted.size());
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1))).toNanos() / 1e6;
  }

  /** Every node's latency of every round, in one list. */
  public static List<Duration> latencies(List<Round> rounds) {
    List<Duration> all = new ArrayList<>();
    rounds.forEach(r -> all.addAll(r.latencies().values()));
    return all;
  }

  /** Stops the validation threads. */
  @Override
  public void close() {
    threads.shutdownNow();
  }
}
