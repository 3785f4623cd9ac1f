package io.accesstokens.benchmarks;

import io.accesstokens.Actor;
import io.accesstokens.CopyPolicy;
import io.accesstokens.EnvironmentId;
import io.accesstokens.OrganizationId;
import io.accesstokens.TokenService;
import io.accesstokens.memory.MemoryTokenStore;
import io.accesstokens.spi.Entitlements;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The key population every lookup benchmark shares: {@link #keys} real tokens created through a
 * {@link TokenService} on a {@link MemoryTokenStore} (behind a {@link CountingTokenStore}), and the
 * order in which the benchmarks present them, shuffled once here so the timed code draws no random
 * numbers.
 */
@State(Scope.Benchmark)
public class Population {
  public static final OrganizationId ORGANIZATION = OrganizationId.of("acme");
  public static final EnvironmentId ENVIRONMENT = EnvironmentId.of("production");
  static final Actor ACTOR = Actor.of("benchmark@acme.example");

  /** Fixed, so every fork and every benchmark visits the keys in the same order. */
  static final long SEED = 0x5EED_ACCE55L;

  /** Tokens in the store and in every cache under test. */
  @Param({"100000", "1000"})
  public int keys;

  /** The store itself, behind {@link #store}: its change feed is what followers read. */
  MemoryTokenStore memory;

  CountingTokenStore store;
  TokenService service;

  /** The token values, in the order they were created (and put into maps and caches). */
  String[] values;

  /** The same values in visiting order, as the bytes a connector reads from the network. */
  byte[][] visits;

  @Setup(Level.Trial)
  public void create() {
    create(keys);
  }

  /**
   * Fills this population outside JMH too (the heap measurement uses it). Final, so that NullAway
   * follows it from the {@code @Setup} above and sees every field assigned.
   */
  final void create(int count) {
    keys = count;
    memory = new MemoryTokenStore();
    store = new CountingTokenStore(memory);
    // Digest-only: the validator never opens sealed values, and skipping AES-GCM per token makes
    // filling 100,000 tokens in each fork several times faster.
    service = newService(store, CopyPolicy.digestOnly());
    values = new String[count];
    for (int i = 0; i < count; i++) {
      values[i] =
          service.create(ORGANIZATION, ENVIRONMENT, "benchmark token " + i, ACTOR).value().reveal();
    }
    visits = asBytes(shuffled(values));
  }

  static TokenService newService(CountingTokenStore store, CopyPolicy copyPolicy) {
    return TokenService.builder(store)
        .entitlements(Entitlements.all())
        .environments((organization, environment) -> environment.equals(ENVIRONMENT))
        .copyPolicy(copyPolicy)
        .build();
  }

  static List<String> shuffled(String[] values) {
    List<String> order = new ArrayList<>(List.of(values));
    Collections.shuffle(order, new Random(SEED));
    return order;
  }

  static byte[][] asBytes(List<String> values) {
    byte[][] out = new byte[values.size()][];
    for (int i = 0; i < out.length; i++) {
      out[i] = values.get(i).getBytes(StandardCharsets.US_ASCII);
    }
    return out;
  }
}
