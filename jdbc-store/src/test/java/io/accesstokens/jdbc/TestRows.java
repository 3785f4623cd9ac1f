package io.accesstokens.jdbc;

import static io.accesstokens.testing.Fixtures.ACME;
import static io.accesstokens.testing.Fixtures.PROD;

import io.accesstokens.AccessToken;
import io.accesstokens.Scope;
import io.accesstokens.TokenId;
import io.accesstokens.TokenStatus;
import io.accesstokens.spi.LookupDigest;
import io.accesstokens.spi.SealedValue;
import io.accesstokens.spi.StoredToken;
import java.time.Instant;
import java.util.Random;
import org.jspecify.annotations.Nullable;

/**
 * Token rows as the JDBC tests write them straight to a store: an active EDI token of acme's
 * production environment, with a digest and a sealed value drawn from a seeded random, so a test's
 * rows are the same on every run.
 */
final class TestRows {
  /** The tests' first instant, with microseconds, which every database keeps. */
  static final Instant T0 = Instant.parse("2026-03-04T05:06:07.123456Z");

  private final Random random;
  private final String description;

  /**
   * Rows described as {@code description}, their bytes drawn from a random seeded with {@code
   * seed}.
   */
  TestRows(long seed, String description) {
    this.random = new Random(seed);
    this.description = description;
  }

  /** Version 1 of token {@code id}, created and last updated at {@code createdAt}. */
  StoredToken row(TokenId id, Instant createdAt) {
    AccessToken token =
        new AccessToken(
            id, ACME, PROD, TokenStatus.ACTIVE, description, Scope.EDI, createdAt, createdAt, 1);
    return new StoredToken(
        token, new LookupDigest("sha256", randomBytes(32)), new SealedValue("k1", randomBytes(60)));
  }

  /**
   * {@code row} as written again at {@code updatedAt} with {@code version} and {@code expiresAt},
   * all else kept: what a reseal or a library that set the expiry directly writes.
   */
  static StoredToken rewritten(
      StoredToken row, Instant updatedAt, long version, @Nullable Instant expiresAt) {
    AccessToken t = row.token();
    return row.withToken(
        new AccessToken(
            t.id(),
            t.organization(),
            t.environment(),
            t.status(),
            t.description(),
            t.scope(),
            t.createdAt(),
            updatedAt,
            version,
            expiresAt));
  }

  /** {@code length} bytes of the seeded random (safe from several threads). */
  synchronized byte[] randomBytes(int length) {
    byte[] bytes = new byte[length];
    random.nextBytes(bytes);
    return bytes;
  }
}
