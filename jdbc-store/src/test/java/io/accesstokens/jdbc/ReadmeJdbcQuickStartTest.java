package io.accesstokens.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.accesstokens.Actor;
import io.accesstokens.CopyPolicy;
import io.accesstokens.EnvironmentId;
import io.accesstokens.IssuedToken;
import io.accesstokens.KeyRing;
import io.accesstokens.OrganizationId;
import io.accesstokens.TokenService;
import io.accesstokens.spi.Entitlements;
import io.accesstokens.testing.IssuedSecrets;
import io.accesstokens.testing.ReadmeSnippets;
import io.accesstokens.testing.SecretLeakGuard;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The quick start of docs/jdbc-store.md, run as written on H2; a second test keeps the two texts
 * identical.
 */
@ExtendWith(SecretLeakGuard.class)
class ReadmeJdbcQuickStartTest {

  private static IssuedToken quickStart(byte[] sealingKey) {
    // spotless:off (laid out as docs/jdbc-store.md shows it)
    // jdbc-quick-start:begin
    JdbcDataSource dataSource = new JdbcDataSource();            // or the host's pool
    dataSource.setURL("jdbc:h2:mem:tokens;DB_CLOSE_DELAY=-1");
    JdbcTokenStore store = JdbcTokenStore.builder(dataSource)
        .tablePrefix("at_")                                      // the default
        .build();                                                // dialect detected: H2
    store.migrate();                                             // safe on every start, on every node

    TokenService service = TokenService.builder(store)
        .entitlements(Entitlements.all())
        .environments((org, env) -> env.value().equals("production"))
        .copyPolicy(CopyPolicy.sealed(KeyRing.of("seal-1", sealingKey))) // 32 bytes from the host's vault
        .build();
    IssuedToken issued = service.create(OrganizationId.of("acme"), EnvironmentId.of("production"),
        "Partner X over AS2", Actor.of("alice@acme.example"));
    // jdbc-quick-start:end
    // spotless:on
    IssuedSecrets.record(issued.value().reveal());
    assertThat(store.dialect()).isEqualTo(JdbcDialect.H2);
    assertThat(service.copy(OrganizationId.of("acme"), issued.id(), Actor.of("alice@acme.example")))
        .isEqualTo(issued.value());
    return issued;
  }

  @Test
  void theJdbcQuickStart_runs_andCopyOpensTheStoredValue() {
    IssuedToken issued = quickStart(new byte[32]);

    assertThat(issued.token().description()).isEqualTo("Partner X over AS2");
  }

  @Test
  void theReadme_showsExactlyThisCode() {
    ReadmeSnippets.assertDocumentShowsSameCode(
        "docs/jdbc-store.md",
        "jdbc-quick-start",
        "src/test/java/io/accesstokens/jdbc/ReadmeJdbcQuickStartTest.java");
  }
}
