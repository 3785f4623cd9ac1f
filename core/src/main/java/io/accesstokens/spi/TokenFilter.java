package io.accesstokens.spi;

import io.accesstokens.EnvironmentId;
import io.accesstokens.TokenStatus;
import org.jspecify.annotations.Nullable;

/**
 * The list's filters as a store applies them.
 *
 * @param environment only this environment, or any when {@code null}
 * @param status only this status, or any when {@code null}
 */
public record TokenFilter(@Nullable EnvironmentId environment, @Nullable TokenStatus status) {
  /** No filter. */
  public static final TokenFilter NONE = new TokenFilter(null, null);

  /** Whether {@code token} passes the filter. */
  public boolean accepts(io.accesstokens.AccessToken token) {
    return (environment == null || environment.equals(token.environment()))
        && (status == null || status == token.status());
  }
}
