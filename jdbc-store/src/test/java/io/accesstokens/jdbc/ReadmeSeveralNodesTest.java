package io.accesstokens.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.accesstokens.ChangeFollower;
import io.accesstokens.CopyPolicy;
import io.accesstokens.KeyRing;
import io.accesstokens.TokenService;
import io.accesstokens.TokenValidator;
import io.accesstokens.spi.Entitlements;
import io.accesstokens.testing.ReadmeSnippets;
import io.accesstokens.testing.SecretLeakGuard;
import java.time.Duration;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The wiring of docs/several-nodes.md, run as written on H2; a second test keeps the two texts
 * identical.
 */
@ExtendWith(SecretLeakGuard.class)
class ReadmeSeveralNodesTest {

  private static TokenValidator node(DataSource pool, byte[] sealingKey) {
    // spotless:off (laid out as docs/several-nodes.md shows it)
    // several-nodes:begin
    JdbcTokenStore store = JdbcTokenStore.builder(pool)           // each node: a pool of its own
        .changeLogTimeout(Duration.ofSeconds(2))                  // the default
        .build();
    store.migrate();
    TokenService service = TokenService.builder(store)
        .entitlements(Entitlements.all())
        .environments((org, env) -> env.value().equals("production"))
        .copyPolicy(CopyPolicy.sealed(KeyRing.of("seal-1", sealingKey)))
        .build();

    ChangeFollower follower = ChangeFollower.builder(store.changeFeed()) // NOTIFY on PostgreSQL, else polling
        .longestTransaction(Duration.ofSeconds(5))                // the default; > changeLogTimeout + commit
        .stalenessBound(Duration.ofSeconds(1))                    // the default: the refusal bound
        .build();
    TokenValidator validator = TokenValidator.builder(service)
        .changeFollower(follower)                                 // started here, stopped by validator.close()
        .build();
    // several-nodes:end
    // spotless:on
    return validator;
  }

  @Test
  void theSeveralNodesWiring_runs_andStatesItsBound() {
    JdbcDataSource dataSource = new JdbcDataSource();
    dataSource.setURL("jdbc:h2:mem:readme-several-nodes;DB_CLOSE_DELAY=-1");
    TokenValidator validator = node(dataSource, new byte[32]);
    try {
      assertThat(validator.refusalBound()).isEqualTo(Duration.ofSeconds(1));
    } finally {
      validator.close();
    }
  }

  @Test
  void theReadme_showsExactlyThisCode() {
    ReadmeSnippets.assertDocumentShowsSameCode(
        "docs/several-nodes.md",
        "several-nodes",
        "src/test/java/io/accesstokens/jdbc/ReadmeSeveralNodesTest.java");
  }
}
