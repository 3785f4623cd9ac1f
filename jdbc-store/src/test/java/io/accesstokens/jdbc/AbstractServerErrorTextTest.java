package io.accesstokens.jdbc;

import static io.accesstokens.testing.Fixtures.ACME;
import static io.accesstokens.testing.Fixtures.ALICE;
import static io.accesstokens.testing.Fixtures.PROD;
import static io.accesstokens.testing.Fixtures.create;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.accesstokens.AccessToken;
import io.accesstokens.DuplicateTokenException;
import io.accesstokens.IssuedToken;
import io.accesstokens.TokenEventType;
import io.accesstokens.TokenService;
import io.accesstokens.internal.TokenMint;
import io.accesstokens.spi.Change;
import io.accesstokens.spi.StoredToken;
import io.accesstokens.testing.CapturingAppender;
import io.accesstokens.testing.SecretLeakGuard;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

/**
 * The database server's own error text never reaches this library's messages or logs. A duplicate
 * digest or id makes every server quote the offending key (PostgreSQL's {@code DETAIL: Key (digest,
 * digest_key_id)=(\x...)}, MariaDB's {@code Duplicate entry '...'}, H2's index violation with the
 * values): the store's exception, its causes and its {@code toString()}, and every line our loggers
 * wrote, must carry neither that text nor the digest in any encoding. What the drivers themselves
 * log is the host's to configure (docs/jdbc-store.md says so); it is counted in a figures line, not
 * asserted.
 */
@ExtendWith(SecretLeakGuard.class)
abstract class AbstractServerErrorTextTest {
  /** Phrases of the servers' and drivers' duplicate-key messages, lower case. */
  private static final List<String> SERVER_PHRASES =
      List.of(
          "already exists",
          "duplicate entry",
          "duplicate key",
          "unique index or primary key violation",
          "key (",
          "detail:",
          "violates unique constraint",
          "for key '");

  protected abstract TestDatabase db();

  @Test
  void aDuplicateDigestOrId_isRefused_withoutTheServersTextOrTheKey_inOurMessagesAndLogs() {
    int mark = CapturingAppender.mark();
    JdbcTokenStore store = db().emptyStore();
    TokenService service = Nodes.sealedService(store);
    IssuedToken issued = create(service, ACME, PROD, "first", ALICE);
    StoredToken first = store.find(ACME, issued.id()).orElseThrow();
    AccessToken other =
        new AccessToken(
            TokenMint.newId(),
            ACME,
            PROD,
            first.token().status(),
            "clash",
            first.token().scope(),
            first.token().createdAt(),
            first.token().updatedAt(),
            1);
    StoredToken sameDigest = new StoredToken(other, first.digest(), first.sealedValue());
    Change created = new Change(TokenEventType.CREATED, ALICE, first.token().createdAt());

    List<Throwable> failures =
        List.of(
            catchThrowable(() -> store.insert(sameDigest, created)),
            catchThrowable(() -> store.insert(first, created)));

    List<String> texts = new ArrayList<>();
    for (Throwable failure : failures) {
      assertThat(failure).isInstanceOf(DuplicateTokenException.class).hasNoCause();
      for (Throwable t = failure; t != null; t = t.getCause()) {
        texts.add(String.valueOf(t.getMessage()));
        texts.add(t.toString());
      }
    }
    List<String> lines = CapturingAppender.lines();
    List<String> ours = new ArrayList<>();
    List<String> drivers = new ArrayList<>();
    for (String line : lines.subList(mark, lines.size())) {
      (line.substring(line.indexOf(' ') + 1).startsWith("io.accesstokens.") ? ours : drivers)
          .add(line);
    }
    texts.addAll(ours);

    byte[] digest = first.digest().value();
    String hex = HexFormat.of().formatHex(digest);
    List<String> forbidden = new ArrayList<>(SERVER_PHRASES);
    forbidden.addAll(
        List.of(
            hex,
            hex.toUpperCase(Locale.ROOT),
            hex.substring(0, 16),
            Base64.getEncoder().encodeToString(digest),
            Base64.getUrlEncoder().withoutPadding().encodeToString(digest),
            new String(digest, 0, 8, StandardCharsets.ISO_8859_1),
            issued.value().reveal()));
    for (String text : texts) {
      for (String bad : forbidden) {
        assertThat(text.toLowerCase(Locale.ROOT))
            .as("our message or log line")
            .doesNotContain(bad.toLowerCase(Locale.ROOT));
      }
    }
    long driverLinesWithServerText =
        drivers.stream()
            .filter(
                l -> SERVER_PHRASES.stream().anyMatch(p -> l.toLowerCase(Locale.ROOT).contains(p)))
            .count();
    LoggerFactory.getLogger("io.accesstokens.figures")
        .info(
            "{}: 2 duplicate-key errors; {} texts of ours scanned, 0 with server text; the drivers"
                + " logged {} lines with it",
            db().kind(),
            texts.size(),
            driverLinesWithServerText);
  }
}
