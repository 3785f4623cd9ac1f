package io.accesstokens.spi;

import io.accesstokens.EnvironmentId;
import io.accesstokens.OrganizationId;
import java.util.Map;
import java.util.Set;

/** The host's answer to "is this one of the organization's environments?", asked on create. */
@FunctionalInterface
public interface EnvironmentDirectory {
  boolean contains(OrganizationId organization, EnvironmentId environment);

  /** A fixed directory, for tests and simple hosts. The map is copied. */
  static EnvironmentDirectory of(Map<OrganizationId, Set<EnvironmentId>> environments) {
    Map<OrganizationId, Set<EnvironmentId>> copy = Map.copyOf(
        environments.entrySet().stream()
            .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, e -> Set.copyOf(e.getValue()))));
    return (organization, environment) ->
        copy.getOrDefault(organization, Set.of()).contains(environment);
  }
}
