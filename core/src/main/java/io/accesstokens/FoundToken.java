package io.accesstokens;

import io.accesstokens.internal.Checks;

/**
 * A token value that {@link TokenScanner} found in some text: where it is and which token it is,
 * never the value itself, so this record can be printed, logged and stored like any other (its
 * {@code toString()} holds the id and the position only).
 *
 * @param id the token's id (the 11 characters after {@code atk_}, which are not secret)
 * @param offset where the value starts: the number of characters before it in the text
 * @param line the 1-based line it starts on; a line ends at {@code \n}, {@code \r\n} or a lone
 *     {@code \r}
 * @param column the 1-based column of its first character: the number of characters between the
 *     line's start and it, plus one
 */
public record FoundToken(TokenId id, long offset, long line, long column) {
  /**
   * @throws IllegalArgumentException if the offset is negative, or the line or column below 1
   */
  public FoundToken {
    Checks.notNull(id, "id");
    Checks.argument(offset >= 0, "offset must not be negative");
    Checks.argument(line >= 1, "line must be at least 1");
    Checks.argument(column >= 1, "column must be at least 1");
  }
}
