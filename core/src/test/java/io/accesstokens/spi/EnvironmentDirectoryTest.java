package io.accesstokens.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.accesstokens.EnvironmentId;
import io.accesstokens.OrganizationId;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EnvironmentDirectoryTest {
  private static final OrganizationId ACME = OrganizationId.of("acme");
  private static final OrganizationId GLOBEX = OrganizationId.of("globex");
  private static final EnvironmentId PRODUCTION = EnvironmentId.of("production");
  private static final EnvironmentId DEV = EnvironmentId.of("dev");
  private static final EnvironmentId STAGING = EnvironmentId.of("staging");

  @Test
  void of_listsEachOrganizationsEnvironments_sortedById() {
    EnvironmentDirectory directory =
        EnvironmentDirectory.of(
            Map.of(ACME, Set.of(STAGING, PRODUCTION, DEV), GLOBEX, Set.of(PRODUCTION)));

    assertThat(directory.environments(ACME)).containsExactly(DEV, PRODUCTION, STAGING);
    assertThat(directory.environments(GLOBEX)).containsExactly(PRODUCTION);
    assertThat(directory.environments(OrganizationId.of("initech"))).isEmpty();
  }

  @Test
  void of_listsExactlyWhatItContains() {
    EnvironmentDirectory directory = EnvironmentDirectory.of(Map.of(ACME, Set.of(PRODUCTION, DEV)));

    for (EnvironmentId listed : directory.environments(ACME)) {
      assertThat(directory.contains(ACME, listed)).isTrue();
    }
    assertThat(directory.contains(ACME, STAGING)).isFalse();
    assertThat(directory.contains(GLOBEX, PRODUCTION)).isFalse();
  }

  @Test
  void of_copiesTheMap_andItsListsCannotBeChanged() {
    Map<OrganizationId, Set<EnvironmentId>> source = new HashMap<>();
    source.put(ACME, new HashSet<>(Set.of(PRODUCTION)));
    EnvironmentDirectory directory = EnvironmentDirectory.of(source);
    source.get(ACME).add(DEV);
    source.put(GLOBEX, Set.of(DEV));

    assertThat(directory.environments(ACME)).containsExactly(PRODUCTION);
    assertThat(directory.contains(ACME, DEV)).isFalse();
    assertThat(directory.environments(GLOBEX)).isEmpty();
    assertThatThrownBy(() -> directory.environments(ACME).add(DEV))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void aDirectoryThatOnlyAnswersContains_listsNothing() {
    EnvironmentDirectory rule =
        (organization, environment) -> environment.value().startsWith("prod");

    assertThat(rule.contains(ACME, PRODUCTION)).isTrue();
    assertThat(rule.environments(ACME)).isEmpty();
  }
}
