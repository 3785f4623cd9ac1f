package io.accesstokens.benchmarks;

import io.accesstokens.EnvironmentId;
import io.accesstokens.OrganizationId;
import io.accesstokens.Scope;

/**
 * What the floor's map holds per token: the fields any validator must read to answer (whose token,
 * which environment, which scope, whether it is active, until when the answer holds).
 */
final class Row {
  final OrganizationId organization;
  final EnvironmentId environment;
  final Scope scope;
  final boolean active;
  final long expiresAt;

  Row(
      OrganizationId organization,
      EnvironmentId environment,
      Scope scope,
      boolean active,
      long expiresAt) {
    this.organization = organization;
    this.environment = environment;
    this.scope = scope;
    this.active = active;
    this.expiresAt = expiresAt;
  }

  static Row valid() {
    return new Row(
        Population.ORGANIZATION, Population.ENVIRONMENT, Scope.EDI, true, Long.MAX_VALUE);
  }
}
