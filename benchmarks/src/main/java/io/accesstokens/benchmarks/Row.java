package io.accesstokens.benchmarks;

import io.accesstokens.EnvironmentId;
import io.accesstokens.OrganizationId;
import io.accesstokens.Scope;
import org.openjdk.jmh.infra.Blackhole;

/**
 * What the floor's map holds per token: the fields any validator must read to answer (whose token,
 * which environment, which scope, whether it is active, until when the answer holds).
 */
record Row(
    OrganizationId organization,
    EnvironmentId environment,
    Scope scope,
    boolean active,
    long expiresAt) {

  static Row valid() {
    return new Row(
        Population.ORGANIZATION, Population.ENVIRONMENT, Scope.EDI, true, Long.MAX_VALUE);
  }

  /** Reads every field into {@code blackhole}, as a validator reads them to answer. */
  void readInto(Blackhole blackhole) {
    blackhole.consume(organization);
    blackhole.consume(environment);
    blackhole.consume(scope);
    blackhole.consume(active);
    blackhole.consume(expiresAt);
  }
}
