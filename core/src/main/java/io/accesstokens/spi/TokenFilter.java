package io.accesstokens.spi;

import io.accesstokens.EnvironmentId;
import io.accesstokens.TokenStatus;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * The list's filters as a store applies them.
 *
 * @param environment only this environment, or any when {@code null}
 * @param status only this status, or any when {@code null}
 * @param expiresFrom with {@code expiresBefore}: only tokens whose expiry is at or after this (a
 *     token that never expires is left out); {@code null} with it for no expiry filter
 * @param expiresBefore with {@code expiresFrom}: only tokens whose expiry is before this
 * @param unusedSince only tokens not used since this: last used before it, or never used and
 *     created before it; {@code null} for no such filter
 */
public record TokenFilter(
    @Nullable EnvironmentId environment,
    @Nullable TokenStatus status,
    @Nullable Instant expiresFrom,
    @Nullable Instant expiresBefore,
    @Nullable Instant unusedSince) {
  /** No filter. */
  public static final TokenFilter NONE = new TokenFilter(null, null);

  /**
   * @throws IllegalArgumentException if only one end of the expiry window is given
   */
  public TokenFilter {
    SpiChecks.argument(
        (expiresFrom == null) == (expiresBefore == null), "an expiry window has both ends or none");
  }

  /** Filters on environment, status and an expiry window. */
  public TokenFilter(
      @Nullable EnvironmentId environment,
      @Nullable TokenStatus status,
      @Nullable Instant expiresFrom,
      @Nullable Instant expiresBefore) {
    this(environment, status, expiresFrom, expiresBefore, null);
  }

  /** Filters on environment and status only. */
  public TokenFilter(@Nullable EnvironmentId environment, @Nullable TokenStatus status) {
    this(environment, status, null, null);
  }

  /** Whether the filter has an expiry window. */
  public boolean byExpiry() {
    return expiresFrom != null;
  }

  /** Whether the filter keeps only tokens unused since an instant. */
  public boolean byUse() {
    return unusedSince != null;
  }

  /**
   * Whether {@code token} was not used since {@code since}: its last use is before it, or it was
   * never used and was created before it.
   */
  public static boolean unusedSince(io.accesstokens.AccessToken token, Instant since) {
    Instant lastUsedAt = token.lastUsedAt();
    return lastUsedAt != null ? lastUsedAt.isBefore(since) : token.createdAt().isBefore(since);
  }

  /** Whether {@code token} passes the filter. */
  public boolean accepts(io.accesstokens.AccessToken token) {
    if (environment != null && !environment.equals(token.environment())) {
      return false;
    }
    if (status != null && status != token.status()) {
      return false;
    }
    if (unusedSince != null && !unusedSince(token, unusedSince)) {
      return false;
    }
    if (expiresFrom == null || expiresBefore == null) {
      return true;
    }
    Instant expiresAt = token.expiresAt();
    return expiresAt != null
        && !expiresAt.isBefore(expiresFrom)
        && expiresAt.isBefore(expiresBefore);
  }
}
