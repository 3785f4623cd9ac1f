package io.accesstokens.examples.boot;

import io.accesstokens.EnvironmentId;
import io.accesstokens.OrganizationId;
import io.accesstokens.Scope;
import io.accesstokens.spi.Entitlements;
import io.accesstokens.spi.EnvironmentDirectory;
import java.util.List;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The two beans a host writes, from the host's own tables ({@code schema.sql}): which organizations
 * have the EDI application, and which environments each has. A real host would answer from memory
 * (both are asked on every management call and validator miss) and call {@code
 * TokenService.entitlementChanged} when an organization's EDI access changes.
 */
@Configuration(proxyBeanMethods = false)
class HostDirectory {

  @Bean
  Entitlements entitlements(JdbcTemplate jdbc) {
    return (OrganizationId organization, Scope scope) ->
        scope == Scope.EDI
            && Boolean.TRUE.equals(
                jdbc.query(
                    "SELECT has_edi FROM host_organization WHERE id = ?",
                    rows -> rows.next() && rows.getBoolean(1),
                    organization.value()));
  }

  @Bean
  EnvironmentDirectory environments(JdbcTemplate jdbc) {
    return new EnvironmentDirectory() {
      @Override
      public boolean contains(OrganizationId organization, EnvironmentId environment) {
        return environments(organization).contains(environment);
      }

      @Override
      public List<EnvironmentId> environments(OrganizationId organization) {
        return jdbc
            .queryForList(
                "SELECT name FROM host_environment WHERE organization_id = ? ORDER BY name",
                String.class,
                organization.value())
            .stream()
            .map(EnvironmentId::of)
            .toList();
      }
    };
  }
}
