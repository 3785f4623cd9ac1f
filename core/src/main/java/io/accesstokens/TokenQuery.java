package io.accesstokens;

import io.accesstokens.internal.Checks;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Which rows of the table to list: optional filters on environment and status, a page size, and
 * where to start. Immutable; the {@code with} methods return a changed copy.
 *
 * <pre>{@code
 * TokenQuery.all().inEnvironment(prod).withStatus(TokenStatus.ACTIVE).pageSize(50)
 * }</pre>
 *
 * @param environment only tokens of this environment, or all when {@code null}
 * @param status only tokens with this status, or all when {@code null}
 * @param pageSize rows per page, 1 to {@value #MAX_PAGE_SIZE}
 * @param after start after this cursor, or at the first row when {@code null}
 */
public record TokenQuery(
    @Nullable EnvironmentId environment,
    @Nullable TokenStatus status,
    int pageSize,
    @Nullable PageCursor after) {
  public static final int DEFAULT_PAGE_SIZE = 100;
  public static final int MAX_PAGE_SIZE = 1000;

  public TokenQuery {
    Checks.argument(
        pageSize >= 1 && pageSize <= MAX_PAGE_SIZE,
        "page size must be between 1 and " + MAX_PAGE_SIZE + ", but was " + pageSize);
  }

  /** Every token of the organization, first page, {@value #DEFAULT_PAGE_SIZE} rows. */
  public static TokenQuery all() {
    return new TokenQuery(null, null, DEFAULT_PAGE_SIZE, null);
  }

  public TokenQuery inEnvironment(@Nullable EnvironmentId env) {
    return new TokenQuery(env, status, pageSize, after);
  }

  public TokenQuery withStatus(@Nullable TokenStatus onlyStatus) {
    return new TokenQuery(environment, onlyStatus, pageSize, after);
  }

  public TokenQuery pageSize(int size) {
    return new TokenQuery(environment, status, size, after);
  }

  public TokenQuery after(@Nullable PageCursor cursor) {
    return new TokenQuery(environment, status, pageSize, cursor);
  }

  /** The environment filter, if any. */
  public Optional<EnvironmentId> environmentFilter() {
    return Optional.ofNullable(environment);
  }

  /** The status filter, if any. */
  public Optional<TokenStatus> statusFilter() {
    return Optional.ofNullable(status);
  }
}
