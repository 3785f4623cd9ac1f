package io.accesstokens.spi;

import io.accesstokens.EnvironmentId;
import io.accesstokens.OrganizationId;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The host's answer to "is this one of the organization's environments?", asked on create, and, for
 * a page's Environment menu, "which environments does the organization have?".
 */
@FunctionalInterface
public interface EnvironmentDirectory {
  boolean contains(OrganizationId organization, EnvironmentId environment);

  /**
   * The organization's environments, in the order a menu shows them: what the Add Token form
   * offers. Every environment listed must be one {@link #contains} accepts.
   *
   * <p>The default lists none: a directory that can only answer {@link #contains} (a lambda, a rule
   * such as "any name the host's deployment service knows") cannot enumerate, and the page then
   * offers an empty menu, saying so. A host that shows the page implements this.
   */
  default List<EnvironmentId> environments(OrganizationId organization) {
    return List.of();
  }

  /**
   * A fixed directory, for tests and simple hosts. The map is copied; {@link #environments} lists
   * an organization's environments sorted by id.
   */
  static EnvironmentDirectory of(Map<OrganizationId, Set<EnvironmentId>> environments) {
    Map<OrganizationId, List<EnvironmentId>> copy =
        environments.entrySet().stream()
            .collect(
                Collectors.toUnmodifiableMap(
                    Map.Entry::getKey,
                    e ->
                        e.getValue().stream()
                            .sorted(Comparator.comparing(EnvironmentId::value))
                            .toList()));
    return new EnvironmentDirectory() {
      @Override
      public boolean contains(OrganizationId organization, EnvironmentId environment) {
        return copy.getOrDefault(organization, List.of()).contains(environment);
      }

      @Override
      public List<EnvironmentId> environments(OrganizationId organization) {
        return copy.getOrDefault(organization, List.of());
      }
    };
  }
}
