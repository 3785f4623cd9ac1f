package io.accesstokens;

import io.accesstokens.internal.Checks;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One page of the table, in the documented order: creation time, oldest first, ties broken by id.
 *
 * @param tokens the rows of this page
 * @param next the cursor of the following page, or {@code null} on the last page
 */
public record TokenPage(List<AccessToken> tokens, @Nullable PageCursor next) {
  public TokenPage {
    tokens = List.copyOf(Checks.notNull(tokens, "tokens"));
  }

  /** The cursor of the following page; empty on the last page. */
  public Optional<PageCursor> nextPage() {
    return Optional.ofNullable(next);
  }

  /** Whether another page follows. */
  public boolean hasNext() {
    return next != null;
  }
}
